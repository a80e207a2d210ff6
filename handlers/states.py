"""Conversation states (forms). Kept in persistent storage, so they survive a restart."""

from aiogram.fsm.state import State, StatesGroup


class SettingsForm(StatesGroup):
    name = State()
    timezone = State()
    currency = State()


class RoleForm(StatesGroup):
    name = State()


class ClientBrowse(StatesGroup):
    """The overview is open: typed text searches it."""

    list = State()


class ClientAdd(StatesGroup):
    name = State()
    email = State()
    manager = State()
    phone = State()
    messenger = State()
    confirm = State()


class ClientEdit(StatesGroup):
    value = State()
    confirm = State()

"""Callback data of every button. Short prefixes and ids only: Telegram allows 64 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="m"):
    area: str  # main | clients | staff | roles | settings


class StaffCb(CallbackData, prefix="st"):
    action: str  # list | card | roles | role | off | on | invite | inv_role | invites | revoke
    id: int = 0
    page: int = 0


class RoleCb(CallbackData, prefix="rl"):
    action: str  # list | card | flag | new | tpl
    id: int = 0
    flag: str = ""


class SettingsCb(CallbackData, prefix="se"):
    action: str  # show | lang | name | tz | cur | plan | cm
    value: str = ""


class LogCb(CallbackData, prefix="lg"):
    cat: str = ""  # an audit category; empty for all
    page: int = 0


class NoopCb(CallbackData, prefix="x"):
    """A button that only shows information (a page counter)."""


class ClientCb(CallbackData, prefix="cl"):
    action: str
    id: int = 0
    page: int = 0
    arg: str = ""

"""Conversation states of the Billing area (kept in persistent storage)."""

from aiogram.fsm.state import State, StatesGroup


class BillBrowse(StatesGroup):
    """The list asks for a client (typed text searches clients)."""

    client = State()


class BillForm(StatesGroup):
    """A bill's forms: a payment (amount, date, method, reference), an edit, a cancel."""

    amount = State()
    pay_date = State()
    method = State()
    reference = State()
    rate = State()
    line_text = State()
    line_amount = State()
    reason = State()


class PricingForm(StatesGroup):
    """A rate's value and the day it applies from; a line of the invoice."""

    value = State()
    valid_from = State()
    profile = State()


class MeteredForm(StatesGroup):
    file = State()
    preview = State()


class TaskCostForm(StatesGroup):
    """A Maintenance task's Cost, typed on its card (billed once it is closed)."""

    value = State()

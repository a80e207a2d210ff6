"""The task card's "💰 Cost" button (the Maintenance board's Cost is what a bill charges)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton

from handlers.callbacks import BillCb
from handlers.render import button
from locales import Localizer
from services.tasks.managers import COST_FIELD
from services.tasks.service import TaskCard


def task_cost_rows(t: Localizer, card: TaskCard) -> list[list[InlineKeyboardButton]]:
    """ "💰 Cost" on a task of a board with a Cost field (the caller checked tasks.edit)."""
    field = next((f for f in card.manager.fields if f.name == COST_FIELD), None)
    if field is None:
        return []
    return [[button(t("task-set-cost"), BillCb(action="tcost", id=card.id).pack())]]

"""Buttons of queued notifications: what a service names ("open client 5") as callback data."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import BillCb, ClientCb, ExportCb, StaffCb, TaskCb, WatchCb
from handlers.render import button, markup
from locales import Localizer

_OPENERS = {
    "staff": lambda i: StaffCb(action="card", id=i).pack(),
    "client": lambda i: ClientCb(action="card", id=i).pack(),
    "task": lambda i: TaskCb(action="card", id=i).pack(),
    "exports": lambda i: ExportCb(action="files").pack(),
    "bill": lambda i: BillCb(action="card", id=i).pack(),
    "bill-pay": lambda i: BillCb(action="pay", id=i).pack(),
    "miners-unpaid": lambda i: BillCb(action="unpaid", id=i).pack(),
    "miners-paid": lambda i: BillCb(action="paidm", id=i).pack(),
    "watch": lambda i: WatchCb(action="view", link=i).pack(),  # a watcher's view (not staff)
}


def notification_markup(
    t: Localizer, specs: list[dict[str, Any]] | None
) -> InlineKeyboardMarkup | None:
    rows = []
    for spec in specs or []:
        opener = _OPENERS.get(str(spec.get("open")))
        if opener is not None:
            rows.append([button(t(f"open-{spec['open']}"), opener(int(spec["id"])))])
    return markup(rows) if rows else None

"""Buttons of queued notifications: what a service names ("open client 5", "acknowledge alert
7") as callback data.

A spec is a dict, one button a row, or a list of dicts, one row of buttons (alerts).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.callbacks import AlertCb, BillCb, ClientCb, ExportCb, StaffCb, TaskCb, WatchCb
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
_ALERT_ACTIONS = frozenset({"ack", "sz", "task", "miners"})


def _button(t: Localizer, spec: dict[str, Any]) -> InlineKeyboardButton | None:
    opener = _OPENERS.get(str(spec.get("open")))
    if opener is not None:
        label = str(spec["label"])[:48] if spec.get("label") else t(f"open-{spec['open']}")
        return button(label, opener(int(spec["id"])))
    action = str(spec.get("alert"))
    if action in _ALERT_ACTIONS:
        value = str(spec.get("v") or "")
        label = t(f"alert-button-{action}" + (f"-{value}" if value else ""))
        return button(label, AlertCb(action=action, id=int(spec["id"]), value=value).pack())
    return None


def notification_markup(t: Localizer, specs: list[Any] | None) -> InlineKeyboardMarkup | None:
    rows = []
    for spec in specs or []:
        group = spec if isinstance(spec, list) else [spec]
        row = [b for b in (_button(t, s) for s in group if isinstance(s, dict)) if b is not None]
        if row:
            rows.append(row)
    return markup(rows) if rows else None

"""Queued notifications in words and buttons: what a service names ("open client 5", "the import
was applied: these counts", "acknowledge alert 7") as text and callback data.

A button spec is a dict, one button a row, or a list of dicts, one row of buttons (alerts).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.callbacks import (
    AlertCb,
    BillCb,
    ClientCb,
    ExportCb,
    ImportCb,
    MinerCb,
    StaffCb,
    TaskCb,
    WatchCb,
)
from handlers.miners.views import result_text
from handlers.render import button, markup
from locales import Html, Localizer
from services.miners.imports import ImportResult
from services.operations import text_key

Spec = dict[str, Any]

_OPENERS: dict[str, Callable[[Spec], str]] = {
    "staff": lambda s: StaffCb(action="card", id=int(s["id"])).pack(),
    "client": lambda s: ClientCb(action="card", id=int(s["id"])).pack(),
    "task": lambda s: TaskCb(action="card", id=int(s["id"])).pack(),
    "exports": lambda s: ExportCb(action="files").pack(),
    "bill": lambda s: BillCb(action="card", id=int(s["id"])).pack(),
    "bill-pay": lambda s: BillCb(action="pay", id=int(s["id"])).pack(),
    "miners-unpaid": lambda s: BillCb(action="unpaid", id=int(s["id"])).pack(),
    "miners-paid": lambda s: BillCb(action="paidm", id=int(s["id"])).pack(),
    "watch": lambda s: WatchCb(action="view", link=int(s["id"])).pack(),  # a watcher's view
    "miners": lambda s: MinerCb(action="back").pack(),
    "miners-actions": lambda s: MinerCb(action="acts").pack(),
    # what a restart cut off (services/operations.py): do it again, or see what came of it
    "import-apply": lambda s: ImportCb(action="apply", key=str(s["key"])).pack(),
    "import-read": lambda s: ImportCb(action="reread", n=int(s["id"])).pack(),
    "import-preview": lambda s: ImportCb(action="back", key=str(s["key"])).pack(),
}

# Notices whose text an area writes itself: the same words as when it ends in front of the member.
_WRITERS: dict[str, Callable[[Localizer, dict[str, Any]], str]] = {
    "operation-done-import-apply": lambda t, a: result_text(
        t, ImportResult(**{k: a[k] for k in ImportResult.__dataclass_fields__})
    ),
}


def _resolve(t: Localizer, args: dict[str, Any]) -> dict[str, Any]:
    """Arguments given as ``{"t": key}`` are themselves translated (a role's name, a status),
    with arguments of their own as ``{"t": key, "a": {...}}``; a list of those is one line each
    (a digest's clients)."""
    return {k: _piece(t, v) for k, v in args.items()}


def _piece(t: Localizer, value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return Html(t(value["t"], **value.get("a", {})))
    if isinstance(value, list):
        return Html(
            "\n".join(
                str(_piece(t, v)) if isinstance(v, dict) else html.escape(str(v)) for v in value
            )
        )
    return value


def notification_text(t: Localizer, key: str, args: dict[str, Any]) -> str:
    writer = _WRITERS.get(key)
    return writer(t, args) if writer is not None else t(key, **_resolve(t, args))


_ALERT_ACTIONS = frozenset({"ack", "sz", "task", "miners"})


def _button(t: Localizer, spec: Spec) -> InlineKeyboardButton | None:
    opener = _OPENERS.get(str(spec.get("open")))
    if opener is not None:
        label = str(spec["label"])[:48] if spec.get("label") else t(f"open-{spec['open']}")
        return button(label, opener(spec))
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


# Translation keys built at run time here (checked by tests/test_locales.py).
GENERATED_KEYS = frozenset(
    {f"open-{name}" for name in _OPENERS}
    | {text_key(kind, "interrupted") for kind in ("import.apply", "import.read", "miners.edit")}
    | {text_key(kind, "done") for kind in ("import.read", "miners.edit")}
)

"""Queued notifications in words and buttons: what a service names ("open client 5", "the import
was applied: these counts") as text and callback data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from handlers.callbacks import (
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
from locales import Localizer
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
    """Arguments given as ``{"t": key}`` are themselves translated (a role's name, a status)."""
    return {k: t(v["t"]) if isinstance(v, dict) and "t" in v else v for k, v in args.items()}


def notification_text(t: Localizer, key: str, args: dict[str, Any]) -> str:
    writer = _WRITERS.get(key)
    return writer(t, args) if writer is not None else t(key, **_resolve(t, args))


def notification_markup(t: Localizer, specs: list[Spec] | None) -> InlineKeyboardMarkup | None:
    rows = []
    for spec in specs or []:
        opener = _OPENERS.get(str(spec.get("open")))
        if opener is not None:
            rows.append([button(t(f"open-{spec['open']}"), opener(spec))])
    return markup(rows) if rows else None


# Translation keys built at run time here (checked by tests/test_locales.py).
GENERATED_KEYS = frozenset(
    {f"open-{name}" for name in _OPENERS}
    | {text_key(kind, "interrupted") for kind in ("import.apply", "import.read", "miners.edit")}
    | {text_key(kind, "done") for kind in ("import.read", "miners.edit")}
)

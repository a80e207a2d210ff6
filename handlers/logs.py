"""The audit log as members read it: one renderer for every log screen, and the Logs area."""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.types import CallbackQuery

from handlers.callbacks import LogCb, MenuCb
from handlers.labels import local_time
from handlers.render import button, grid, pager, show
from locales import Localizer
from services.actor import Actor
from services.audit import CATEGORIES, LogEntry
from services.audit_text import change_items, detail_items
from services.container import Services

PER_PAGE = 8
_MAX_VALUE = 80


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def log_entry(t: Localizer, e: LogEntry, zone: ZoneInfo) -> str:
    """One entry: when and who, what happened (to whom), and each change as old → new."""
    head = t("log-head", at=local_time(e.at, zone), who=e.actor_name or t("log-system"))
    key = "log-" + e.action.replace(".", "-").replace("_", "-")
    what = t(key) if t.has(key) else e.action
    target = e.details.get("name") or e.details.get("file")  # an import: its file
    if e.action == "client.created":  # the name is among its details
        target = None
    if target:
        what += f" · {html.escape(_cut(str(target)))}"
    lines = [head, what]
    for field, old, new in change_items(t, e.changes):
        lines.append(t("log-change", field=field, old=_cut(old), new=_cut(new)))
    if e.action == "client.created":  # what the new client was given, names instead of ids
        for label, value in detail_items(t, e.action, e.details, e.names):
            lines.append(f"{html.escape(label)}: {html.escape(_cut(value))}")
    return "\n".join(lines)


def router() -> Router:
    r = Router(name="logs")

    @r.callback_query(LogCb.filter(F.cat.in_({"", *CATEGORIES})))
    async def on_logs(
        query: CallbackQuery, callback_data: LogCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        category = callback_data.cat or None
        result = await services.audit.page(
            actor, page=callback_data.page, per_page=PER_PAGE, category=category
        )
        zone = (await services.facility.get()).zone
        title = t(
            "logs-title", category=t(f"logs-category-{category or 'all'}"), count=result.total
        )
        body = [log_entry(t, e, zone) for e in result.items] or [t("logs-none")]
        rows: list[list[Any]] = [
            pager(
                result.page,
                result.pages,
                lambda p: LogCb(cat=callback_data.cat, page=p).pack(),
            )
        ]
        choices = ("", *CATEGORIES)
        tabs = [
            button(
                ("• " if (c or None) == category else "") + t(f"logs-category-{c or 'all'}"),
                LogCb(cat=c).pack(),
            )
            for c in choices
        ]
        rows += grid(tabs, 3)
        rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
        await show(query, "\n\n".join([title, *body]), rows)

    return r

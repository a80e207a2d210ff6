"""The audit log as members read it: one renderer for every log screen, and the Logs area."""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import CallbackQuery

from handlers.callbacks import LogCb, MenuCb
from handlers.labels import local_time
from handlers.render import button, pager, show
from locales import Localizer
from services.actor import Actor
from services.audit import CATEGORIES, LogEntry
from services.container import Services
from services.permissions import DEFAULT_ROLES, Permission

PER_PAGE = 8
_MAX_VALUE = 80


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _value(t: Localizer, field: str, value: Any) -> str:
    """A stored value in words: roles, plans, switches and flags by their names."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) and field == "paid":
        return t("log-value-paid") if value else t("log-value-unpaid")
    if isinstance(value, bool):
        return t("switch-on") if value else t("switch-off")
    text = str(value)
    named = {"status": f"status-{text}", "task-priority": f"task-priority-{text}"}.get(field)
    if named and t.has(named):
        return t(named)
    if field == "role" and text in DEFAULT_ROLES:
        return t(f"role-{text.replace('_', '-')}")
    if field == "plan" and t.has(f"plan-{text}"):
        return t(f"plan-{text}")
    if field == "locale" and t.has(f"language-{text}"):
        return t(f"language-{text}")
    return _cut(text)


def _field(t: Localizer, field: str) -> str:
    if field in Permission._value2member_map_:
        key = "perm-" + field.replace(".", "-").replace("_", "-")
    else:
        key = "field-" + field.replace("_", "-")
    return t(key) if t.has(key) else field


def log_entry(t: Localizer, e: LogEntry, zone: ZoneInfo) -> str:
    """One entry: when and who, what happened (to whom), and each change as old → new."""
    head = t("log-head", at=local_time(e.at, zone), who=e.actor_name or t("log-system"))
    key = "log-" + e.action.replace(".", "-").replace("_", "-")
    what = t(key) if t.has(key) else e.action
    target = e.details.get("name") if e.action != "client.created" else None
    if target:
        what += f" · {html.escape(_cut(str(target)))}"
    lines = [head, what]
    for field, pair in e.changes.items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        lines.append(
            t(
                "log-change",
                field=_field(t, field),
                old=_value(t, field, old),
                new=_value(t, field, new),
            )
        )
    if e.action == "client.created":
        for field in ("name", "email", "phone", "messenger"):
            if e.details.get(field):
                lines.append(f"{_field(t, field)}: {html.escape(_cut(str(e.details[field])))}")
    return "\n".join(lines)


def router() -> Router:
    r = Router(name="logs")

    @r.callback_query(LogCb.filter())
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
        rows += [tabs[i : i + 3] for i in range(0, len(tabs), 3)]
        rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
        await show(query, "\n\n".join([title, *body]), rows)

    return r

"""Texts of the Tasks area: list entries, the task card, priorities and statuses."""

from __future__ import annotations

import html
from datetime import date
from zoneinfo import ZoneInfo

from handlers.clients.views import miner_line, short
from handlers.labels import local_time
from locales import Html, Localizer
from services.tasks.assets import FIELDS as ASSET_FIELDS
from services.tasks.assets import AssetInfo
from services.tasks.managers import FIELD_KINDS, ManagerInfo, StatusInfo
from services.tasks.service import CATEGORY_FILTERS, DUE_PRESETS, PRIORITIES, TaskCard, TaskLine

PRIORITY_ICONS = {"low": "🔵", "medium": "🟡", "high": "🟠", "critical": "🔴"}
CATEGORY_ICONS = {"todo": "⚪️", "in_progress": "🔵", "done": "✅"}
CARD_LIMIT = 4000  # below Telegram's 4096, with room for the HTML tags


def key(prefix: str, code: str) -> str:
    return f"{prefix}-{code.replace('_', '-')}"


def priority(t: Localizer, code: str) -> str:
    label = t(key("task-priority", code)) if t.has(key("task-priority", code)) else code
    return f"{PRIORITY_ICONS.get(code, '⚪️')} {label}"


def category(t: Localizer, code: str) -> str:
    return t(key("task-category", code))


def status(t: Localizer, s: StatusInfo) -> str:
    return f"{CATEGORY_ICONS.get(s.category, '⚪️')} {s.name}"


def status_with_category(t: Localizer, s: StatusInfo) -> str:
    """ "🔵 Mounting (in progress)"; "⚪️ To do" alone when the name says its category already."""
    if s.name.casefold() == category(t, s.category).casefold():
        return status(t, s)
    return f"{status(t, s)} ({category(t, s.category)})"


def due(t: Localizer, day: date | None) -> str:
    return day.isoformat() if day else t("task-no-due")


def entry(t: Localizer, line: TaskLine) -> str:
    return t(
        "tasks-entry",
        id=str(line.id),
        summary=short(line.summary, 60),
        overdue=t("task-overdue-mark") if line.overdue else "",
        status=f"{CATEGORY_ICONS.get(line.category, '⚪️')} {short(line.status, 24)}",
        priority=priority(t, line.priority),
        due=due(t, line.due_date),
        assignee=short(line.assignee, 24) or t("task-nobody"),
        client=f"#{line.client_id} {short(line.client, 24)}" if line.client_id else "—",
    )


def asset_line(a: AssetInfo) -> str:
    parts = [html.escape(short(a.name, 40)), html.escape(short(a.type, 24))]
    if a.serial:
        parts.append(html.escape(short(a.serial, 32)))
    return "🗄 " + " · ".join(parts)


def _card(t: Localizer, c: TaskCard, zone: ZoneInfo, level: int) -> str:
    """The card at a level of detail: 0 shows the most; each level shows less of the long
    parts (comments, description, miners, field values) so the card fits one message."""
    comments = (3, 2, 1, 0)[level]
    described = (1000, 500, 200, 100)[level]
    miners = (8, 5, 3, 1)[level]
    values = (120, 80, 40, 20)[level]
    parts = [
        t(
            "task-card",
            id=str(c.id),
            summary=c.summary,
            manager=c.manager.name,
            type=c.type or "—",
            status=status_with_category(t, c.status),
            priority=priority(t, c.priority),
            due=due(t, c.due_date),
            assignee=c.assignee or t("task-nobody"),
            reporter=c.reporter or "—",
            client=f"#{c.client_id} {c.client}" if c.client_id else "—",
            created=local_time(c.created_at, zone),
        )
    ]
    if c.overdue:
        parts.insert(0, t("task-card-overdue"))
    if c.extra:
        parts.append(
            "\n".join(f"{html.escape(f.name)}: {html.escape(short(v, values))}" for f, v in c.extra)
        )
    if c.description:
        parts.append(t("task-card-description", text=short(c.description, described)))
    if c.miners_total:
        lines = [t("task-card-miners", count=c.miners_total)]
        lines += [miner_line(m) for m in c.miners[:miners]]
        if c.miners_total > miners:
            lines.append(t("task-card-more", count=c.miners_total - miners))
        parts.append("\n".join(lines))
    if c.assets:
        lines = [t("task-card-assets", count=len(c.assets))]
        lines += [asset_line(a) for a in c.assets[:miners]]
        if len(c.assets) > miners:
            lines.append(t("task-card-more", count=len(c.assets) - miners))
        parts.append("\n".join(lines))
    if c.comments_total:
        lines = [t("task-card-comments", count=c.comments_total)]
        for comment in c.comments[len(c.comments) - comments :] if comments else []:
            lines.append(
                t(
                    "task-card-comment",
                    at=local_time(comment.at, zone),
                    author=comment.author,
                    text=short(comment.text, 300),
                )
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def card(t: Localizer, c: TaskCard, zone: ZoneInfo) -> str:
    """The whole card, shortened as much as needed to fit one message."""
    for level in range(4):
        text = _card(t, c, zone, level)
        if len(text) <= CARD_LIMIT:
            return text
    return text


def manager_card(t: Localizer, m: ManagerInfo) -> str:
    statuses = "\n".join(f"  {html.escape(status_with_category(t, s))}" for s in m.statuses)
    types = ", ".join(html.escape(x.name) for x in m.types) or "—"
    fields = "\n".join(
        f"  {field_label(t, f.name, f.kind, f.choices, f.required)}" for f in m.fields
    )
    return t(
        "task-manager-card",
        name=m.name,
        types=Html(types),
        statuses=Html(statuses),
        fields=Html(fields or "  —"),
    )


def field_label(
    t: Localizer, name: str, kind: str, choices: tuple[str, ...] | list[str], required: bool
) -> str:
    """ "Rack side · choice: Left, Right · required" (already HTML)."""
    text = f"{html.escape(name)} · {t(key('task-field-kind', kind))}"
    if choices:
        text += ": " + ", ".join(html.escape(c) for c in choices)
    if required:
        text += " · " + t("task-field-required")
    return text


def generated_keys() -> set[str]:
    """Translation keys this area builds at run time (checked by tests/test_locales.py)."""
    keys = {key("task-priority", p) for p in PRIORITIES}
    keys |= {key("tasks-filter-category", c) for c in CATEGORY_FILTERS}
    keys |= {f"task-due-{p}" for p in DUE_PRESETS}
    for kind in FIELD_KINDS:
        keys |= {key("task-ask-extra", kind), key("task-field-kind", kind)}
        keys.add(key("task-manager-add-field", kind))
    keys |= {f"asset-edit-{f}" for f in ASSET_FIELDS} | {f"asset-ask-{f}" for f in ASSET_FIELDS}
    keys |= {f"asset-edit-ask-{f}" for f in ASSET_FIELDS}
    keys |= {f"field-asset-{f}" for f in ASSET_FIELDS}
    keys |= {f"field-task-{f}" for f in ("status", "assignee", "priority", "due", "comment")}
    actions = ("created", "status_changed", "reassigned", "priority_changed", "due_changed")
    keys |= {key("log-task", a) for a in (*actions, "commented")}
    keys |= {"log-task-manager-created", "log-asset-created", "log-asset-updated"}
    return keys

"""Texts of the Clients area: overview entries, the card, miner lines and log entries."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from handlers.labels import local_time
from locales import Html, Localizer
from services.clients.service import MINER_STATUSES, TASK_CATEGORIES, ClientSummary, MinerLine

STATUS_ICONS = {"active": "🟢", "lowhash": "🟡", "hanged": "🟠", "offline": "🔴", "unknown": "⚪️"}
PAID_ICONS = {True: "🟢", False: "🔴"}


def _category_key(category: str) -> str:
    return "task-category-" + category.replace("_", "-")


def short(text: str | None, limit: int) -> str:
    """Cut a long value so a page of eight entries stays well within a message."""
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def miners_inline(counts: dict[str, int]) -> str:
    """🟢100 🟡10 🟠5 🔴3 ⚪️2 — the seed's tooltip, inline; statuses with no miners left out."""
    return " ".join(f"{STATUS_ICONS[s]}{counts[s]}" for s in MINER_STATUSES if counts.get(s))


def tasks_inline(counts: dict[str, int]) -> str:
    return "·".join(str(counts.get(c, 0)) for c in TASK_CATEGORIES)


def entry(t: Localizer, c: ClientSummary) -> str:
    contacts = [c.phone, c.messenger]
    return t(
        "clients-entry",
        id=str(c.id),
        name=short(c.name, 40),
        email=short(c.email, 48),
        contacts=" · ".join(short(x, 32) for x in contacts if x) or "—",
        miners=c.miners_total,
        statuses=miners_inline(c.miners),
        tasks=tasks_inline(c.tasks),
        bills=c.bills,
        manager=short(c.manager_name, 32),
    )


def card(t: Localizer, c: ClientSummary, zone: ZoneInfo) -> str:
    statuses = " · ".join(
        f"{STATUS_ICONS[s]} {t(f'status-{s}')} {c.miners.get(s, 0)}" for s in MINER_STATUSES
    )
    tasks = " · ".join(f"{t(_category_key(k))} {c.tasks.get(k, 0)}" for k in TASK_CATEGORIES)
    return t(
        "client-card",
        id=str(c.id),
        name=c.name,
        email=c.email,
        phone=c.phone or "—",
        messenger=c.messenger or "—",
        manager=c.manager_name,
        added=local_time(c.created_at, zone),
        miners=c.miners_total,
        statuses=statuses,
        tasks=tasks,
        bills=c.bills,
    )


def miner_line(m: MinerLine) -> str:
    where = m.ip or m.location or m.serial or f"#{m.id}"
    icon, model = STATUS_ICONS.get(m.status, "⚪️"), html.escape(m.model or "?")
    return f"{icon} {model} · {html.escape(where)} · 👤{PAID_ICONS[m.paid]}"


def legend(t: Localizer) -> Html:
    return Html(t("clients-legend"))

"""Texts of the Clients area: overview entries, the card, miner lines and log entries."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from handlers.labels import local_time
from locales import Html, Localizer
from services.bills.money import format_money
from services.bills.service import describe_rate
from services.clients.archive import ArchiveCheck
from services.clients.merge import MergePreview, MergeResult
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
        same=c.name.casefold() == c.email.casefold(),  # a client added from an email
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


def miner_line(m: MinerLine, *, number: int | None = None, with_client: bool = False) -> str:
    """A miner in two lines that fit a phone (42 characters at most): status, name (serial, else
    MAC, else IP) and model; then where it is (its IP, or its place when the IP is its name),
    whose it is (with `with_client`) and whether it is paid."""
    first = f"{STATUS_ICONS.get(m.status, '⚪️')} {html.escape(short(m.name, 17))}"
    if m.model:
        first += f" · {html.escape(short(m.model, 15))}"
    second = []
    where = m.ip if m.ip and m.ip != m.name else m.location
    if where:
        second.append(html.escape(short(where, 15)))
    if with_client:
        owner = short(f"#{m.client_id} {m.client or ''}", 14) if m.client_id else "—"
        second.append(f"👤 {html.escape(owner)}")
    paid = f"💳{PAID_ICONS[m.paid]}"
    prefix = f"{number}. " if number is not None else ""
    if not second:
        return f"{prefix}{first} {paid}"
    return f"{prefix}{first}\n   {' · '.join(second)} {paid}"


def legend(t: Localizer) -> Html:
    return Html(t("clients-legend"))


def archived_note(t: Localizer, c: ClientSummary, zone: ZoneInfo) -> str:
    """🗄 Archived on … — or, for a merged client, merged into #B on …"""
    if c.archived_at is None:
        return ""
    when = local_time(c.archived_at, zone)
    if c.merged_into_id is not None:
        return t("client-merged-note", into=str(c.merged_into_id), at=when)
    return t("client-archived-note", at=when)


_MOVES = ("miners", "tasks", "assets", "bills")
_MOVES_TOO = ("alerts", "followers")


def merge_preview(t: Localizer, p: MergePreview, locale: str) -> str:
    """The confirmation: exactly what moves from A to B, what B keeps, what A's prices were."""
    lines = [
        t(
            "client-merge-confirm",
            source=f"#{p.source.id} {p.source.name}",
            target=f"#{p.target.id} {p.target.name}",
        ),
        "",
        t("client-merge-moves", source=str(p.source.id), target=str(p.target.id)),
    ]
    moves = p.moves.as_dict()
    for name in _MOVES:
        lines.append(t(f"client-merge-{name}", count=moves[name]))
    lines.append(t("client-merge-payments", count=p.moves.payments))
    for name in _MOVES_TOO:
        lines.append(t(f"client-merge-{name}", count=moves[name]))
    lines.append("")
    lines.append(t("client-merge-pricing", target=str(p.target.id)))
    if p.own_rates:
        lines.append(t("client-merge-own-rates", source=str(p.source.id)))
        for rate in p.own_rates:
            name = t(f"bills-rate-{rate.name.replace('_', '-')}")
            value = (
                describe_rate(rate.name, rate.today, p.currency, locale)
                if rate.today is not None
                else t("bills-rate-facility")
            )
            lines.append(f"• {name}: {html.escape(value)}")
            for when, later in rate.upcoming:
                shown = (
                    describe_rate(rate.name, later, p.currency, locale)
                    if later is not None
                    else t("bills-rate-facility")
                )
                lines.append(t("bills-pricing-upcoming", date=when.isoformat(), value=shown))
    else:
        lines.append(t("client-merge-no-own-rates", source=str(p.source.id)))
    lines.append("")
    if p.source_link:
        lines.append(t("client-merge-link-revoked", source=str(p.source.id)))
    if p.target_link:
        lines.append(t("client-merge-link-kept", target=str(p.target.id)))
    lines.append(t("client-merge-aliases", emails=", ".join(p.aliases), target=str(p.target.id)))
    lines.append(t("client-merge-archive", source=str(p.source.id), target=str(p.target.id)))
    return "\n".join(lines)


def merge_done(t: Localizer, r: MergeResult) -> str:
    moved = r.moved.as_dict()
    return t(
        "client-merge-done",
        source=f"#{r.source.id} {r.source.name}",
        target=f"#{r.target.id} {r.target.name}",
        miners=moved["miners"],
        tasks=moved["tasks"],
        assets=moved["assets"],
        bills=moved["bills"],
    )


def archive_check(t: Localizer, c: ArchiveCheck, locale: str) -> str:
    """Why a client cannot be archived yet, or what archiving it does."""
    lines = [t("client-archive-title", id=str(c.client_id), name=c.name)]
    if c.miners:
        lines.append(t("client-archive-has-miners", count=c.miners))
    if c.unpaid:
        lines.append(t("client-archive-has-bills", count=len(c.unpaid)))
        for bill in c.unpaid:
            owed = format_money(bill.owed, bill.currency, locale)
            lines.append(t("client-archive-bill", id=str(bill.id), period=bill.period, owed=owed))
    if c.allowed:
        lines.append(t("client-archive-what"))
    if c.deletable:
        lines.append("")
        lines.append(t("client-archive-deletable"))
    return "\n".join(lines)

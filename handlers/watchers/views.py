"""Texts of the watcher view (the client's) and of the link screens (staff's)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from aiogram.types import CopyTextButton, InlineKeyboardButton

from handlers.clients.views import STATUS_ICONS, short
from handlers.labels import local_time
from handlers.miners.card_views import uptime
from locales import Localizer
from services.telemetry.charts import rate
from services.watchers.service import (
    VIEW_STATUSES,
    LinkInfo,
    LinkScreen,
    NewLink,
    OpenInfo,
    WatchedMiner,
    WatcherView,
)

COUNT_ORDER = ("active", "lowhash", "hanged", "offline", "unknown")


def counts_line(view: WatcherView) -> str:
    return " ".join(
        f"{STATUS_ICONS[s]} {view.counts[s]}" for s in COUNT_ORDER if view.counts.get(s)
    )


def summary(t: Localizer, view: WatcherView) -> str:
    """Name, facility, miners by status, hashrate now and over 24 h, when it was read."""
    zone = ZoneInfo(view.timezone)
    lines = [
        t("watchers-view-title", client=view.client_name, facility=view.facility_name),
        t("watchers-view-miners", count=view.total, statuses=counts_line(view)),
        t("watchers-view-hashrate", now=rate(view.hashrate_ths), avg=rate(view.avg24_ths)),
    ]
    if view.polled_at is not None:
        lines.append(
            t("watchers-view-updated", at=local_time(view.polled_at, zone), zone=str(zone))
        )
    else:
        lines.append(t("watchers-view-not-polled"))
    return "\n".join(lines)


def miner_lines(t: Localizer, m: WatchedMiner) -> str:
    """Two short lines a phone shows whole: number, status, serial, model; the figures."""
    first = f"{m.position}. {STATUS_ICONS.get(m.status, '⚪️')} {html.escape(short(m.name, 24))}"
    if m.model:
        first += f" · {html.escape(short(m.model, 22))}"
    if not m.answered:
        return f"{first}\n    {t('watchers-miner-no-reading')}"
    figures = [rate(m.hashrate_ths)]
    if m.hottest_c is not None:
        figures.append(f"{m.hottest_c:.0f} °C")
    if m.uptime_s is not None:
        figures.append(t("watchers-miner-up", uptime=uptime(t, m.uptime_s)))
    return f"{first}\n    {' · '.join(figures)}"


def view_text(t: Localizer, view: WatcherView) -> str:
    page = view.miners
    lines = [summary(t, view), ""]
    if page.total:
        first = page.page * page.per_page + 1
        heading = t(
            "watchers-view-list", first=first, last=first + len(page.items) - 1, total=page.total
        )
        if view.status:
            heading += f" · {STATUS_ICONS[view.status]} {t(f'status-{view.status}')}"
        lines.append(heading)
        lines += [miner_lines(t, m) for m in page.items]
    else:
        lines.append(t("watchers-view-none"))
    return "\n".join(lines)


def status_choices(view: WatcherView) -> list[tuple[str, str]]:
    """(label, status) of the list's filters: every status the client has, and All."""
    choices = [("≡ " + str(view.total), "")] if view.status else []
    for s in VIEW_STATUSES:
        if view.counts.get(s) and s != view.status:
            choices.append((f"{STATUS_ICONS[s]} {view.counts[s]}", s))
    return choices


# --- staff -------------------------------------------------------------------------------------


def lifetime(t: Localizer, days: int | None) -> str:
    return t("watchers-lifetime-days", days=days) if days else t("watchers-lifetime-never")


def until(t: Localizer, link: LinkInfo, zone: ZoneInfo) -> str:
    if link.expires_at is None:
        return t("watchers-until-revoked")
    return t("watchers-until", at=local_time(link.expires_at, zone))


def opener(t: Localizer, o: OpenInfo, zone: ZoneInfo) -> str:
    at = local_time(o.at, zone)
    if o.via == "web":
        return t("watchers-open-web", at=at, address=o.address or "?")
    who = short(o.name or "?", 40) + (f" (@{o.username})" if o.username else "")
    return t("watchers-open-telegram", at=at, who=who, id=str(o.telegram_id or "?"))


def forms(t: Localizer, bot_username: str, web_base_url: str | None) -> str:
    """Where a link leads, its token left out (it is shown only when made)."""
    shown = [t("watchers-form-telegram", url=f"t.me/{bot_username}?start=w_…")]
    if web_base_url:
        shown.append(t("watchers-form-web", url=f"{web_base_url}/w/…"))
    return " · ".join(shown)


def screen_text(t: Localizer, s: LinkScreen, zone: ZoneInfo, forms: str = "") -> str:
    lines = [
        t("watchers-screen-title", id=str(s.client_id), client=s.client_name, email=s.client_email)
    ]
    if s.link is None:
        lines.append(t("watchers-screen-none"))
    else:
        link = s.link
        lines.append(
            t(
                "watchers-screen-live",
                language=t(f"language-{link.language}"),
                until=until(t, link, zone),
            )
        )
        lines.append(
            t(
                "watchers-screen-made",
                at=local_time(link.created_at, zone),
                by=link.created_by or "—",
                chats=link.viewers,
            )
        )
        if forms:
            lines.append(forms)
        lines.append(t("watchers-screen-once"))
    if s.opens_total:
        lines.append("")
        lines.append(t("watchers-screen-opens", count=s.opens_total))
        lines += [opener(t, o, zone) for o in s.opens]
    return "\n".join(lines)


def telegram_url(username: str, token: str) -> str:
    return f"https://t.me/{username}?start=w_{token}"


def web_url(base: str, token: str) -> str:
    return f"{base}/w/{token}"


def new_link_text(t: Localizer, new: NewLink, urls: list[tuple[str, str]], zone: ZoneInfo) -> str:
    lines = [
        t(
            "watchers-made",
            client=new.client_name,
            language=t(f"language-{new.link.language}"),
            until=until(t, new.link, zone),
        )
    ]
    for kind, url in urls:
        lines.append(t(f"watchers-made-{kind}", url=url))
    lines.append(t("watchers-made-note"))
    return "\n".join(lines)


def copy_button(text: str, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, copy_text=CopyTextButton(text=url))


def generated_keys() -> set[str]:
    """Keys built at run time (checked by tests/test_locales.py)."""
    keys = {f"watchers-{a}-{k}" for a in ("made", "copy") for k in ("telegram", "web")}
    keys |= {f"watchers-{a}-{k}" for a in ("revoke", "replace") for k in ("ask", "confirm")}
    keys |= {f"watchers-pref-{k}-{s}" for k in ("alerts", "daily") for s in ("on", "off")}
    keys |= {f"log-watcher-{a}" for a in ("created", "replaced", "revoked")}
    keys |= {"field-watcher-valid-until", "log-detail-reason", "log-object-watcher-link"}
    keys |= {
        "conflict-watcher-exists",
        "conflict-watcher-exists-now",
        "conflict-watcher-none",
        "invalid-watcher-language-unknown",
        "invalid-watcher-lifetime-unknown",
    }
    return keys

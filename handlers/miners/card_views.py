"""Texts of the miner card and of telemetry figures (hashrates, uptime, chart words)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.clients.views import PAID_ICONS, STATUS_ICONS, short
from handlers.labels import local_time
from locales import Localizer
from services.clients.service import MINER_STATUSES
from services.telemetry.charts import ChartTexts, rate
from services.telemetry.miner_api import RebootOutcome
from services.telemetry.service import MinerCard

BAD_STATES = ("offline", "hanged", "lowhash")


def uptime(t: Localizer, seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes = seconds // 60
    days, hours = minutes // 1440, minutes // 60 % 24
    if days:
        return t("telemetry-uptime-days", days=days, hours=hours)
    if hours:
        return t("telemetry-uptime-hours", hours=hours, minutes=minutes % 60)
    return t("telemetry-uptime-minutes", minutes=minutes)


def miner_name(card: MinerCard) -> str:
    return " · ".join(x for x in (card.model, card.ip) if x) or f"#{card.id}"


def status_text(t: Localizer, status: str) -> str:
    return f"{STATUS_ICONS.get(status, '⚪️')} {t(f'status-{status}')}"


def card_text(t: Localizer, c: MinerCard, zone: ZoneInfo, note: str | None = None) -> str:
    r = c.reading
    lines = [t("telemetry-card-title", model=short(c.model or "?", 48), id=str(c.id))]
    if r is not None and r.status_since is not None:
        lines.append(
            t(
                "telemetry-card-status",
                status=status_text(t, c.status),
                since=local_time(r.status_since, zone),
            )
        )
    else:
        lines.append(status_text(t, c.status))
    if r is not None and r.pending is not None and r.pending != c.status:
        lines.append(t("telemetry-card-pending", status=status_text(t, r.pending)))
    where = [t("telemetry-card-ip", ip=c.ip or "—")]
    if c.location:
        where.append(t("telemetry-card-location", location=short(c.location, 64)))
    lines.append(" · ".join(where))
    lines.append(
        t("telemetry-card-ids", serial=c.serial or "—", mac=c.mac or (r.mac if r else None) or "—")
    )
    paid = f"{PAID_ICONS[c.paid]} {t('miners-paid-word') if c.paid else t('miners-unpaid-word')}"
    if c.client is not None:
        client = f"#{c.client.id} {short(c.client.name, 40)} ({c.client.email})"
        lines.append(t("telemetry-card-client", client=client, paid=paid))
    else:
        lines.append(t("telemetry-card-no-client", paid=paid))
    lines.append("")
    fresh = r is not None and r.reach == "ok"
    lines.append(
        t(
            "telemetry-card-hashrate",
            now=rate(r.hashrate_ths) if fresh and r else "—",
            expected=rate(r.expected_ths) if r else "—",
            avg=rate(c.avg24_ths),
        )
    )
    if r is not None:
        temp = "—" if r.hottest_c is None else f"{r.hottest_c:.0f}"
        fans = ", ".join(str(f) for f in r.fans) or "—"
        lines.append(t("telemetry-card-thermal", temp=temp, fans=fans))
    watts, source = c.watts
    if watts is not None:
        lines.append(t(f"telemetry-card-watts-{source}", watts=watts))
    else:
        lines.append(t("telemetry-card-watts-none"))
    if r is not None:
        lines.append(t("telemetry-card-uptime", uptime=uptime(t, r.uptime_s if fresh else None)))
        for pool in r.pools[:3]:
            alive = pool.get("alive")
            state = "✅" if alive is True else "❌" if alive is False else ""
            lines.append(
                t(
                    "telemetry-card-pool",
                    url=short(str(pool.get("url") or "—"), 60),
                    user=short(str(pool.get("user") or "—"), 40),
                    state=state,
                )
            )
        if r.firmware or r.make:
            lines.append(
                t(
                    "telemetry-card-firmware",
                    make=r.make or "",
                    model=r.model or "",
                    firmware=r.firmware or "—",
                )
            )
        if r.errors:
            lines.append(t("telemetry-card-errors", errors=short("; ".join(r.errors), 200)))
        if r.seen_at is not None:
            lines.append(
                t(
                    "telemetry-card-seen",
                    seen=local_time(r.seen_at, zone),
                    polled=local_time(r.polled_at, zone),
                )
            )
        else:
            lines.append(t("telemetry-card-never-seen", polled=local_time(r.polled_at, zone)))
    elif c.ip is None:
        lines.append(t("telemetry-card-no-ip"))
    else:
        lines.append(t("telemetry-card-not-polled"))
    if not c.telemetry_on:
        lines.append(t("telemetry-card-off"))
    if c.tasks:
        tasks = "; ".join(f"#{i} {short(s, 40)}" for i, s in c.tasks)
        lines.append(t("telemetry-card-tasks", tasks=tasks))
    text = "\n".join(lines)
    return f"{note}\n\n{text}" if note else text


def reboot_text(t: Localizer, outcome: RebootOutcome, name: str) -> str:
    return t(f"telemetry-reboot-{outcome}", miner=name)


def chart_texts(t: Localizer, title: str, zone: ZoneInfo) -> ChartTexts:
    return ChartTexts(
        title=title,
        subtitle=t("telemetry-chart-subtitle", zone=str(zone)),
        hashrate=t("telemetry-chart-hashrate"),
        miners_up=t("telemetry-chart-up"),
        miners_total=t("telemetry-chart-polled"),
        no_data=t("telemetry-chart-no-data"),
        statuses={s: t(f"status-{s}") for s in BAD_STATES},
    )


def _generated_keys() -> frozenset[str]:
    """Keys this module builds at run time (checked by tests/test_locales.py)."""
    keys = {f"telemetry-reboot-{o}" for o in RebootOutcome}
    keys |= {f"log-miner-reboot-{o}" for o in RebootOutcome}
    keys |= {f"telemetry-card-watts-{s}" for s in ("reported", "nominal")}
    keys |= {f"status-{s}" for s in MINER_STATUSES}
    keys |= {"field-telemetry", "field-telemetry-interval-s", "field-lowhash-pct"}
    keys |= {"invalid-telemetry-interval-s-unknown", "invalid-telemetry-interval-s-format"}
    keys |= {"invalid-lowhash-pct-format", "invalid-lowhash-pct-range"}
    keys |= {"conflict-telemetry-off", "conflict-miner-no-ip", "conflict-miner-not-polled"}
    return frozenset(keys)


GENERATED_KEYS = _generated_keys()

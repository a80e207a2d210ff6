"""Texts of the Alerts area and the notification settings."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.clients.views import short
from locales import Localizer
from services.alerts.kinds import hhmm
from services.alerts.messages import ICONS
from services.alerts.service import AlertLine

STATUS_ICONS = {"open": "🆕", "acknowledged": "✋", "resolved": "✅"}


def duration(t: Localizer, span: timedelta) -> str:
    minutes = max(0, int(span.total_seconds() // 60))
    return t("alert-duration", hours=minutes // 60, minutes=minutes % 60)


def alert_line(t: Localizer, line: AlertLine, zone: ZoneInfo, now_open: timedelta | None) -> str:
    """Two lines: what and whose; its state, since when and how long it was (or is) open."""
    who = short(line.client, 28) if line.client else t("alert-no-client")
    if line.kind == "incident":
        who = t("alert-facility")
    what = t(f"alert-what-{line.kind}", count=line.miners)
    state = t(f"alert-status-{line.status}", name=line.acknowledged_by or "—")
    span = line.open_for if line.open_for is not None else now_open
    return t(
        "alert-area-line",
        icon=ICONS.get(line.kind, "⚠️"),
        id=str(line.id),
        who=who,
        what=what,
        status_icon=STATUS_ICONS.get(line.status, ""),
        status=state,
        opened=line.opened_at.astimezone(zone).strftime("%d.%m %H:%M"),
        open_for=duration(t, span or timedelta()),
    )


def quiet_text(t: Localizer, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return t("alert-quiet-off")
    return t("alert-quiet-on", start=hhmm(start), end=hhmm(end))


def generated_keys() -> set[str]:
    """Translation keys the alerts area builds from values (checked by tests/test_locales.py)."""
    from services.alerts.kinds import KINDS, MINER_KINDS, SNOOZES
    from services.alerts.service import RULE_CHOICES, STATUSES

    keys = {f"alert-kind-{k}" for k in KINDS}
    keys |= {f"alert-{w}-{k}" for w in ("what", "back") for k in (*MINER_KINDS, "incident")}
    keys |= {f"alert-status-{s}" for s in STATUSES}
    keys |= {f"alert-button-{a}" for a in ("ack", "task", "miners")}
    keys |= {f"alert-button-sz-{s}" for s in SNOOZES}
    keys |= {f"alert-{p}-{f.replace('_', '-')}" for p in ("rule", "ask") for f in RULE_CHOICES}
    keys |= {f"field-alerts-{f.replace('_', '-')}" for f in RULE_CHOICES}
    keys |= {"alert-message", "alert-recovered", "alert-digest", "alert-digest-quiet"}
    keys |= {"alert-digest-line", "alert-more", "alert-more-clients", "alert-duration"}
    keys |= {f"alert-state-{s}" for s in ("resolved", "acknowledged", "snoozed", "back")}
    keys |= {f"alert-settings-scope-{s}" for s in ("mine", "all")}
    keys |= {f"alert-settings-set-{s}" for s in ("mine", "all")}
    keys |= {f"conflict-alert-{r}" for r in ("resolved", "taken", "no-client")}
    keys |= {f"log-alert-{a}" for a in ("acknowledged", "snoozed")}
    keys |= {"alert-ask-quiet", "alert-ask-digest", "watchers-alert", "watchers-alert-back"}
    return keys

"""From live statuses to alerts, after every poll cycle.

A miner's problem (offline, hanged, lowhash: its status; hot: its hottest board at or above the
facility's threshold) is watched from when it began (`alert_watch.since`; a status counts from
when telemetry took it). Once it has held for the facility's hold time, and the miner has not
paged for that kind within the cooldown, it is raised: the miners of one client and kind raised
within a burst share one alert, so one message per recipient, edited as miners join or recover.
When every miner of an alert is back (hot: not hot; any other: no problem status at all), the
alert is resolved and one recovery message follows.

Facility incident: when at least `incident_pct` % of the polled miners (and at least
INCIDENT_MIN_MINERS) went offline within INCIDENT_WINDOW, one incident message goes out at once,
to every member who may hear of miners; the per-client offline alerts that follow then go only to
the members whose clients they are (managers, followers, watchers). The incident is over when at
most INCIDENT_OVER_PCT % of its miners are still offline.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services.alerts.kinds import (
    BURST,
    INCIDENT,
    INCIDENT_MIN_MINERS,
    INCIDENT_OVER_PCT,
    INCIDENT_WINDOW,
    Prefs,
)
from services.alerts.messages import (
    WATCHED_KINDS,
    Messenger,
    Recipient,
    member_recipients,
    recipients_of_deliveries,
)
from services.facility import FacilityService
from storage.db import Database
from storage.models import Alert, AlertDelivery, AlertRules, AlertWatch, utcnow
from storage.repositories import alerts as repo
from storage.repositories import watchers as watchers_repo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rules:
    hold_s: int = 600
    hot_c: int = 85
    cooldown_s: int = 3600
    incident_pct: int = 20


@dataclass(slots=True)
class Evaluation:
    """What one evaluation did: for logs, tests and the benchmark."""

    raised: int = 0  # miners newly put into alerts
    opened: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    incident: int | None = None
    messages: int = 0


async def read_rules(db: Database) -> Rules:
    async with db.read() as session:
        row = await session.get(AlertRules, 1)
    if row is None:
        return Rules()
    return Rules(row.hold_s, row.hot_c, row.cooldown_s, row.incident_pct)


class AlertEngine:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock
        self._lock = asyncio.Lock()

    async def on_cycle(self, report: object) -> None:
        """The telemetry listener: evaluate the rules with the cycle's time."""
        started = getattr(report, "started", None)
        result = await self.evaluate(started if isinstance(started, datetime) else None)
        if result.opened or result.resolved or result.incident:
            log.info(
                "alerts: %d opened, %d changed, %d resolved, incident %s, %d messages",
                len(result.opened),
                len(result.changed),
                len(result.resolved),
                result.incident,
                result.messages,
            )

    async def evaluate(self, now: datetime | None = None) -> Evaluation:
        now = now or self.clock()
        rules = await read_rules(self.db)
        zone = (await self.facility.get()).zone
        result = Evaluation()
        async with self._lock, self.db.write() as session:
            current = {(p.miner_id, p.kind): p for p in await repo.problems(session, rules.hot_c)}
            holding = {(w.miner_id, w.kind): w for w in await repo.watches(session)}

            for key in [key for key in holding if key not in current]:
                holding[key].since = None
                holding[key].alert_id = None
                del holding[key]
            touched = await self._recover(session, current, now)

            begun = [key for key in current if key not in holding]
            if begun:
                known = {
                    (w.miner_id, w.kind): w
                    for w in await repo.watches(session, {m for m, _ in begun})
                }
                for key in begun:
                    since = current[key].since or now
                    watch = known.get(key)
                    if watch is None:
                        watch = AlertWatch(miner_id=key[0], kind=key[1], since=since)
                        session.add(watch)
                    else:
                        watch.since, watch.alert_id = since, None
                    holding[key] = watch

            incident = await repo.open_incident(session)
            new_incident: Alert | None = None
            if incident is None and rules.incident_pct:
                recent = sorted(
                    m
                    for (m, kind), w in holding.items()
                    if kind == "offline"
                    and w.since is not None
                    and w.since >= now - INCIDENT_WINDOW
                )
                polled = await repo.polled_count(session)
                if (
                    len(recent) >= INCIDENT_MIN_MINERS
                    and len(recent) * 100 >= rules.incident_pct * polled
                ):
                    incident = new_incident = Alert(
                        kind=INCIDENT,
                        status="open",
                        opened_at=now,
                        changed_at=now,
                        miners=len(recent),
                        still=len(recent),
                    )
                    session.add(incident)
                    await session.flush()
                    await repo.add_alert_miners(session, incident.id, recent, now)
                    result.incident = incident.id

            hold, cooldown = timedelta(seconds=rules.hold_s), timedelta(seconds=rules.cooldown_s)
            due: dict[tuple[int | None, str], list[int]] = {}
            for (miner_id, kind), w in holding.items():
                if w.since is None or w.alert_id is not None or w.since > now - hold:
                    continue
                if w.raised_at is not None and w.raised_at > now - cooldown:
                    continue  # paged for this kind within the cooldown
                due.setdefault((current[(miner_id, kind)].client_id, kind), []).append(miner_id)

            opened: list[Alert] = []
            changed: set[int] = set(touched)
            bursts = await repo.burst_alerts(session, now - BURST) if due else {}
            targets: dict[tuple[int | None, str], Alert] = {}
            for group in sorted(due, key=lambda k: (k[0] or 0, k[1])):
                alert = bursts.get(group)
                if alert is None:
                    alert = Alert(
                        kind=group[1],
                        client_id=group[0],
                        status="open",
                        opened_at=now,
                        changed_at=now,
                        miners=0,
                        still=0,
                        incident_id=incident.id
                        if incident is not None and group[1] == "offline"
                        else None,
                    )
                    opened.append(alert)
                targets[group] = alert
            session.add_all(opened)
            await session.flush()  # the new alerts' ids
            opened_now = {a.id for a in opened}
            fresh_rows: list[tuple[int, int]] = []
            for group, miner_ids in due.items():
                alert = targets[group]
                again: dict[int, Any] = {}
                if alert.id not in opened_now:  # an open burst: its miners may be in it already
                    changed.add(alert.id)
                    again = await repo.alert_miners(session, alert.id, miner_ids)
                    for row in again.values():
                        row.recovered_at = None
                fresh = [m for m in miner_ids if m not in again]
                fresh_rows += [(alert.id, m) for m in fresh]
                alert.miners += len(fresh)
                alert.changed_at = now
                for miner_id in miner_ids:
                    holding[(miner_id, group[1])].alert_id = alert.id
                    holding[(miner_id, group[1])].raised_at = now
                result.raised += len(miner_ids)
            await repo.add_alert_miner_rows(session, fresh_rows, now)

            opened_ids = {a.id for a in opened}
            involved = await repo.alerts_by_id(session, opened_ids | changed)
            counts = await repo.still_counts(session, [a.id for a in involved])
            resolved: list[Alert] = []
            for alert in involved:
                alert.still = counts.get(alert.id, 0)
                over_now = (
                    alert.still * 100 <= INCIDENT_OVER_PCT * alert.miners
                    if alert.kind == INCIDENT
                    else alert.still == 0
                )
                if over_now and alert.status != "resolved":
                    alert.status, alert.resolved_at, alert.changed_at = "resolved", now, now
                    alert.snoozed_until = None
                    resolved.append(alert)
                elif alert.id in changed:
                    alert.changed_at = now

            await self._tell(session, zone, now, opened, new_incident, involved, resolved, result)
            result.opened = sorted(opened_ids)
            result.changed = sorted(changed - opened_ids - {a.id for a in resolved})
            result.resolved = [a.id for a in resolved]
        return result

    @staticmethod
    async def _recover(
        session: AsyncSession, current: dict[tuple[int, str], repo.Problem], now: datetime
    ) -> set[int]:
        """Miners of open alerts that are back: a hot miner once it is not hot; any other once
        its status is no problem at all (lowhash turning offline is not a recovery); in an
        incident, once it is not offline. Returns the alerts touched."""
        troubled = {m for (m, kind) in current if kind != "hot"}
        back = [
            (alert_id, miner_id)
            for alert_id, kind, miner_id in await repo.unrecovered(session)
            if (
                (miner_id, "hot") not in current
                if kind == "hot"
                else (miner_id, "offline") not in current
                if kind == INCIDENT
                else miner_id not in troubled
            )
        ]
        await repo.mark_recovered(session, back, now)
        return {alert_id for alert_id, _ in back}

    async def _tell(
        self,
        session: AsyncSession,
        zone: ZoneInfo,
        now: datetime,
        opened: list[Alert],
        incident: Alert | None,
        involved: list[Alert],
        resolved: list[Alert],
        result: Evaluation,
    ) -> None:
        members = await repo.members(session)
        messenger = Messenger(session, zone, now)
        everything = {a.id: a for a in [*involved, *opened]}
        if incident is not None:
            everything[incident.id] = incident
        shown = await messenger.shown(everything.values())
        clients = await repo.client_names(
            session, {a.client_id for a in opened if a.client_id is not None}
        )
        # watchers of these clients who opted in (their link's language, a button to the view)
        watched = {
            a.client_id for a in everything.values() if a.client_id and a.kind in WATCHED_KINDS
        }
        watchers: dict[int, list[Recipient]] = {}
        for viewer, link in (
            await watchers_repo.subscribers(session, now, client_ids=watched, daily=False)
            if watched
            else []
        ):
            watchers.setdefault(link.client_id, []).append(
                Recipient(viewer.telegram_id, link.language, None, frozenset(), Prefs(), link.id)
            )
        live = {(r.chat_id, r.link_id or 0) for group in watchers.values() for r in group}
        if incident is not None:
            await messenger.announce(
                incident, shown[incident.id], member_recipients(members, INCIDENT, None, None)
            )
        batch = []
        for alert in opened:
            manager = clients[alert.client_id][1] if alert.client_id in clients else None
            recipients = member_recipients(
                members,
                alert.kind,
                alert.client_id,
                manager,
                in_incident=alert.incident_id is not None,
            )
            if alert.kind in WATCHED_KINDS:
                recipients += watchers.get(alert.client_id or 0, [])
            batch.append((alert, shown[alert.id], recipients))
        await messenger.announce_all(batch)
        opened_ids = {a.id for a in opened}
        later = [a for a in involved if a.id not in opened_ids]
        delivered = await repo.deliveries(session, [a.id for a in later])
        by_alert: dict[int, list[AlertDelivery]] = {}
        for d in delivered:
            by_alert.setdefault(d.alert_id, []).append(d)
        resolved_ids = {a.id for a in resolved}
        for alert in later:
            pairs = recipients_of_deliveries(by_alert.get(alert.id, []), members, live)
            await messenger.update(alert, shown[alert.id], pairs)
            if alert.id in resolved_ids:
                messenger.recovered(alert, shown[alert.id], pairs)
        result.messages = messenger.queued

"""What members do with alerts: Acknowledge, Snooze, a task or the Miners list from an alert,
the Alerts area, their notification settings, the facility's rules, the daily digest.

Every call checks the member's permission here (a forged or outdated button is refused the
same way as a hidden one): an alert needs `miners.view`, a client's alert also `clients.view`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.actor import Actor
from services.alerts.engine import AlertEngine, Rules, read_rules
from services.alerts.kinds import (
    COOLDOWN_CHOICES,
    HOLD_CHOICES,
    HOT_CHOICES,
    INCIDENT,
    INCIDENT_CHOICES,
    KINDS,
    MINER_KINDS,
    SCOPES,
    SNOOZES,
    Prefs,
    may_hear,
    parse_hhmm,
    snooze_until,
)
from services.alerts.messages import Messenger, prefs_of, recipients_of_deliveries
from services.errors import Conflict, Invalid, NotFound
from services.facility import FacilityService
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import Alert, AlertRules, AlertSettings, AlertSubscription, Client, utcnow
from storage.repositories import alerts as repo
from storage.repositories import audit as audit_repo

log = logging.getLogger(__name__)

STATUSES = ("open", "acknowledged", "resolved")
RULE_CHOICES: dict[str, tuple[int, ...]] = {
    "hold_s": HOLD_CHOICES,
    "hot_c": HOT_CHOICES,
    "cooldown_s": COOLDOWN_CHOICES,
    "incident_pct": INCIDENT_CHOICES,
}
DIGEST_CLIENTS = 8  # clients listed in a digest (the busiest first); the rest counted


@dataclass(frozen=True, slots=True)
class AlertLine:
    id: int
    kind: str
    client_id: int | None
    client: str | None
    status: str
    miners: int
    still: int
    opened_at: datetime
    closed_at: datetime | None  # acknowledged or resolved
    acknowledged_by: str | None

    @property
    def open_for(self) -> timedelta | None:
        return (self.closed_at - self.opened_at) if self.closed_at is not None else None


@dataclass(frozen=True, slots=True)
class AlertFilter:
    client_id: int | None = None  # 0: miners without a client
    kind: str | None = None
    status: str | None = None

    @classmethod
    def clean(cls, client_id: object, kind: object, status: object) -> AlertFilter:
        return cls(
            client_id if isinstance(client_id, int) and not isinstance(client_id, bool) else None,
            kind if kind in (*MINER_KINDS, INCIDENT) else None,
            status if status in STATUSES else None,
        )


@dataclass(frozen=True, slots=True)
class AlertTask:
    """What the task form needs from an alert."""

    alert_id: int
    kind: str
    client_id: int
    client: str
    miner_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DigestClient:
    id: int
    name: str
    changed: int
    alerts: int
    due: int
    overdue: int


class AlertService:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self._clock = clock
        self.engine = AlertEngine(db, facility, clock=clock)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self._clock

    @clock.setter
    def clock(self, value: Callable[[], datetime]) -> None:
        self._clock = value
        self.engine.clock = value

    async def ensure_defaults(self) -> None:
        async with self.db.write() as session:
            if await session.get(AlertRules, 1) is None:
                session.add(AlertRules(id=1, updated_at=self.clock()))

    # --- access -----------------------------------------------------------------------------

    @staticmethod
    def _check(actor: Actor, alert: Alert) -> None:
        actor.require(Permission.MINERS_VIEW)
        if alert.client_id is not None:
            actor.require(Permission.CLIENTS_VIEW)

    async def _alert(self, session: AsyncSession, actor: Actor, alert_id: int) -> Alert:
        alert = await session.get(Alert, alert_id)
        if alert is None:
            raise NotFound("alert", alert_id)
        self._check(actor, alert)
        return alert

    # --- acting from the message --------------------------------------------------------------

    async def acknowledge(self, actor: Actor, alert_id: int) -> Alert:
        """Take the alert: every chat that got it shows who took it."""
        now = self.clock()
        async with self.db.write() as session:
            alert = await self._alert(session, actor, alert_id)
            await self._still_open(session, alert)
            alert.status, alert.acknowledged_by, alert.acknowledged_at = (
                "acknowledged",
                actor.staff_id,
                now,
            )
            alert.snoozed_until = None
            alert.changed_at = now
            self._audit(session, actor, alert, "alert.acknowledged", now)
            await self._refresh_messages(session, alert, now)
            return alert

    async def snooze(self, actor: Actor, alert_id: int, preset: str) -> Alert:
        """Quiet until then; if it is still open and nobody took it, it pages again."""
        if preset not in SNOOZES:
            raise Invalid("snooze", "unknown")
        now = self.clock()
        zone = (await self.facility.get()).zone
        async with self.db.write() as session:
            alert = await self._alert(session, actor, alert_id)
            await self._still_open(session, alert)
            if alert.kind == INCIDENT:
                raise Invalid("snooze", "unknown")
            alert.snoozed_until, alert.snoozed_by = snooze_until(preset, now, zone), actor.staff_id
            alert.changed_at = now
            self._audit(
                session, actor, alert, "alert.snoozed", now, until=alert.snoozed_until.isoformat()
            )
            await self._refresh_messages(session, alert, now)
            return alert

    async def _still_open(self, session: AsyncSession, alert: Alert) -> None:
        if alert.status == "resolved":
            raise Conflict("alert-resolved")
        if alert.status == "acknowledged":
            names = await repo.staff_names(session, [alert.acknowledged_by or 0])
            raise Conflict("alert-taken", name=names.get(alert.acknowledged_by or 0, "—"))

    def _audit(
        self,
        session: AsyncSession,
        actor: Actor,
        alert: Alert,
        action: str,
        at: datetime,
        **extra: Any,
    ) -> None:
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="miner",
            action=action,
            entity_type="alert",
            entity_id=alert.id,
            client_id=alert.client_id,
            details={"name": f"#{alert.id}", "kind": alert.kind, "miners": alert.miners, **extra},
            at=at,
        )

    async def _refresh_messages(self, session: AsyncSession, alert: Alert, now: datetime) -> None:
        zone = (await self.facility.get()).zone
        messenger = Messenger(session, zone, now)
        shown = await messenger.shown([alert])
        members = await repo.members(session)
        pairs = recipients_of_deliveries(await repo.deliveries(session, [alert.id]), members)
        await messenger.update(alert, shown[alert.id], pairs)

    async def task_from(self, actor: Actor, alert_id: int) -> AlertTask:
        """A Repair task for the alert's miners (those still affected; all, once none is)."""
        actor.require(Permission.TASKS_CREATE)
        async with self.db.read() as session:
            alert = await self._alert(session, actor, alert_id)
            if alert.client_id is None:
                raise Conflict("alert-no-client")
            ids = await repo.miner_ids(session, alert.id, still=True) or await repo.miner_ids(
                session, alert.id
            )
            names = await repo.client_names(session, [alert.client_id])
        if alert.client_id not in names:
            raise NotFound("client", alert.client_id)
        return AlertTask(
            alert.id, alert.kind, alert.client_id, names[alert.client_id][0], tuple(ids)
        )

    async def miners_of(self, actor: Actor, alert_id: int) -> int:
        """Check the member may see the alert's miners (the Miners list filters by alert)."""
        async with self.db.read() as session:
            alert = await self._alert(session, actor, alert_id)
        return alert.id

    # --- the Alerts area --------------------------------------------------------------------

    async def page(
        self, actor: Actor, f: AlertFilter = AlertFilter(), page: int = 0, per_page: int = 6
    ) -> Page[AlertLine]:
        actor.require(Permission.MINERS_VIEW)
        client_id = f.client_id
        if not actor.can(Permission.CLIENTS_VIEW):
            client_id = 0  # only what has no client
        async with self.db.read() as session:
            total, _ = await repo.alert_page(
                session, client_id=client_id, kind=f.kind, status=f.status, offset=0, limit=0
            )
            page = clamp_page(page, total, per_page)
            _, rows = await repo.alert_page(
                session,
                client_id=client_id,
                kind=f.kind,
                status=f.status,
                offset=page * per_page,
                limit=per_page,
            )
        lines = [
            AlertLine(
                a.id,
                a.kind,
                a.client_id,
                client,
                a.status,
                a.miners,
                a.still,
                a.opened_at,
                a.resolved_at or a.acknowledged_at,
                acked,
            )
            for a, client, acked in rows
        ]
        return Page(lines, page, per_page, total)

    async def clients_with_alerts(self, actor: Actor) -> list[tuple[int, str]]:
        actor.require(Permission.MINERS_VIEW, Permission.CLIENTS_VIEW)
        async with self.db.read() as session:
            return await repo.alert_clients(session)

    # --- a member's settings --------------------------------------------------------------

    async def prefs(self, actor: Actor) -> Prefs:
        async with self.db.read() as session:
            return prefs_of(await repo.settings_of(session, actor.staff_id))

    @staticmethod
    def kinds_for(actor: Actor) -> list[str]:
        """The kinds the member's role lets them hear of (and so choose)."""
        return [k for k in KINDS if may_hear(actor.permissions, k)]

    async def set_pref(self, actor: Actor, field: str, value: object) -> Prefs:
        """One setting: `toggle` a kind, `scope`, `unassigned` (toggled), `quiet` ("22:00-07:00",
        "" for none), `digest` ("on"/"off"), `digest_at` ("HH:MM", and the digest on)."""
        async with self.db.write() as session:
            row = await repo.settings_of(session, actor.staff_id)
            if row is None:
                row = AlertSettings(staff_id=actor.staff_id, muted=[])
                session.add(row)
            if field == "toggle":
                if value not in self.kinds_for(actor):
                    raise Invalid("alert_kind", "unknown")
                muted = set(row.muted or ())
                muted ^= {str(value)}
                row.muted = sorted(muted)
            elif field == "scope":
                if value not in SCOPES:
                    raise Invalid("alert_scope", "unknown")
                if value == "all":
                    actor.require(Permission.CLIENTS_VIEW)
                row.scope = str(value)
            elif field == "unassigned":
                row.unassigned = not bool(row.unassigned)
            elif field == "quiet":
                row.quiet_from, row.quiet_to = _quiet(str(value))
            elif field == "digest":
                if value not in ("on", "off"):
                    raise Invalid("alert_digest", "unknown")
                row.digest = value == "on"
            elif field == "digest_at":  # the time, and the digest on
                minute = parse_hhmm(str(value))
                if minute is None:
                    raise Invalid("alert_time", "format")
                row.digest_at, row.digest = minute, True
            else:
                raise Invalid(field, "unknown-field")
            row.updated_at = self.clock()
            return prefs_of(row)

    # --- the facility's rules ---------------------------------------------------------------

    async def rules(self, actor: Actor) -> Rules:
        actor.require(Permission.SETTINGS_MANAGE)
        return await read_rules(self.db)

    async def set_rule(self, actor: Actor, field: str, value: object) -> Rules:
        actor.require(Permission.SETTINGS_MANAGE)
        choices = RULE_CHOICES.get(field)
        if choices is None:
            raise Invalid(field, "unknown-field")
        text = str(value).strip()
        if not text.isdigit() or int(text) not in choices:
            raise Invalid(f"alert_{field}", "unknown")
        number = int(text)
        now = self.clock()
        async with self.db.write() as session:
            row = await session.get(AlertRules, 1)
            if row is None:
                row = AlertRules(id=1)
                session.add(row)
                await session.flush()
            old = getattr(row, field)
            if old != number:
                setattr(row, field, number)
                row.updated_at = now
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="settings.changed",
                    entity_type="facility",
                    entity_id=1,
                    changes={f"alerts_{field}": [old, number]},
                    at=now,
                )
        return await read_rules(self.db)

    # --- jobs -------------------------------------------------------------------------------

    async def wake_snoozed(self) -> int:
        """Snoozes that are over on alerts still open and untaken: a new message in each chat."""
        now = self.clock()
        zone = (await self.facility.get()).zone
        async with self.db.write() as session:
            alerts = await repo.snoozes_over(session, now)
            if not alerts:
                return 0
            members = await repo.members(session)
            messenger = Messenger(session, zone, now)
            for alert in alerts:
                alert.snoozed_until, alert.snoozed_by, alert.changed_at = None, None, now
            shown = await messenger.shown(alerts)
            delivered = await repo.deliveries(session, [a.id for a in alerts])
            for alert in alerts:
                pairs = recipients_of_deliveries(
                    [d for d in delivered if d.alert_id == alert.id], members
                )
                await messenger.remind(alert, shown[alert.id], pairs)
            return len(alerts)

    async def send_digests(self) -> int:
        """Each member who wants the digest gets today's once, from their chosen time on
        (facility time); `alert_settings.digest_on` is set in the same transaction."""
        now = self.clock()
        zone = (await self.facility.get()).zone
        local = now.astimezone(zone)
        today = local.date()
        minute = local.hour * 60 + local.minute
        sent = 0
        async with self.db.write() as session:
            wanting = [
                (staff, settings)
                for staff, settings in await repo.digest_members(session, today)
                if minute >= settings.digest_at
            ]
            if not wanting:
                return 0
            members = {m.staff.id: m for m in await repo.members(session)}
            for staff, settings in wanting:
                settings.digest_on = today
                member = members.get(staff.id)
                if member is None:
                    continue
                clients = await self._digest_clients(session, member, now, today)
                key, args, buttons = _digest_message(clients, today.isoformat())
                outbox.notify(
                    session,
                    staff,
                    key,
                    args=args,
                    buttons=buttons,
                    dedup_key=f"digest-{staff.id}-{today.isoformat()}",
                )
                sent += 1
        return sent

    async def digest(self, actor: Actor) -> list[DigestClient]:
        """Today's digest of the member, as the job would send it (for a preview)."""
        now = self.clock()
        today = now.astimezone((await self.facility.get()).zone).date()
        async with self.db.read() as session:
            member = next(m for m in await repo.members(session) if m.staff.id == actor.staff_id)
            return await self._digest_clients(session, member, now, today)

    async def _digest_clients(
        self, session: AsyncSession, member: repo.Member, now: datetime, today: Any
    ) -> list[DigestClient]:
        flags = member.flags
        if Permission.CLIENTS_VIEW.value not in flags:
            return []
        prefs = prefs_of(member.settings)
        ids: list[int] | None = None
        if prefs.scope != "all":
            ids = sorted(set(await repo.managed_clients(session, member.staff.id)) | member.follows)
        figures = await repo.digest_figures(session, ids, now - timedelta(hours=24), today)
        names = await repo.client_names(session, list(figures))
        out = [
            DigestClient(
                cid,
                names[cid][0],
                f.get("changed", 0),
                f.get("alerts", 0),
                f.get("due", 0) if Permission.TASKS_VIEW.value in flags else 0,
                f.get("overdue", 0) if Permission.TASKS_VIEW.value in flags else 0,
            )
            for cid, f in figures.items()
            if cid in names
        ]
        out = [c for c in out if c.changed or c.alerts or c.due or c.overdue]
        out.sort(key=lambda c: (-c.alerts, -c.overdue, -c.changed, c.name))
        return out

    # --- following a client ---------------------------------------------------------------

    async def following(self, actor: Actor, client_id: int) -> bool:
        async with self.db.read() as session:
            return client_id in await repo.followed(session, actor.staff_id)

    async def follow(self, actor: Actor, client_id: int, on: bool) -> bool:
        """Follow a client's miner alerts (as its manager does) or stop; returns the new state."""
        actor.require(Permission.MINERS_VIEW, Permission.CLIENTS_VIEW)
        async with self.db.write() as session:
            if await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            found = await session.scalar(
                select(AlertSubscription).where(
                    AlertSubscription.client_id == client_id,
                    AlertSubscription.staff_id == actor.staff_id,
                )
            )
            if on and found is None:
                session.add(
                    AlertSubscription(
                        client_id=client_id, staff_id=actor.staff_id, created_at=self.clock()
                    )
                )
            elif not on and found is not None:
                await session.delete(found)
        return on


def _quiet(text: str) -> tuple[int | None, int | None]:
    if not text.strip():
        return None, None
    start, sep, end = text.replace("–", "-").replace(" ", "").partition("-")
    a, b = parse_hhmm(start), parse_hhmm(end) if sep else None
    if a is None or b is None or a == b:
        raise Invalid("alert_quiet", "format")
    return a, b


def _digest_message(
    clients: Sequence[DigestClient], day: str
) -> tuple[str, dict[str, Any], list[Any]]:
    """(text key, args, buttons) of one digest: a line per client, the busiest first."""
    shown = clients[:DIGEST_CLIENTS]
    lines = [
        {
            "t": "alert-digest-line",
            "a": {
                "client": c.name,
                "changed": c.changed,
                "alerts": c.alerts,
                "due": c.due,
                "overdue": c.overdue,
            },
        }
        for c in shown
    ]
    if len(clients) > len(shown):
        lines.append({"t": "alert-more-clients", "a": {"count": len(clients) - len(shown)}})
    args: dict[str, Any] = {"day": day, "count": len(clients), "lines": lines}
    buttons = [[{"open": "client", "id": c.id, "label": c.name}] for c in shown]
    return ("alert-digest" if clients else "alert-digest-quiet"), args, buttons

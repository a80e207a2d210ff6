"""Poll cycles, the miner card, Refresh now, Reboot, and the data of the 24-hour charts.

A cycle reads every miner that has an IP address (each address once), at most `concurrency` at
a time, each within the adapter's hard time limit; the miner library's sockets run on its own
threads, so the event loop only handles results. Results are written in chunks of 250 miners,
each chunk one short transaction: the latest reading, a sample, and for each status change the
miner's new status with its audit entry. A cycle never overlaps another (a lock; the scheduled
tick starts one only when none runs and one is due). What changed is handed to listeners as a
`CycleReport` (the alerts area subscribes).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.actor import Actor
from services.errors import Conflict, NotFound
from services.facility import Facility, FacilityService
from services.miners.naming import miner_name
from services.permissions import Permission
from services.telemetry.miner_api import MinerApi, RebootOutcome
from services.telemetry.snapshot import MinerSnapshot, Reach
from services.telemetry.status import (
    HASHING,
    classify,
    counted_watts,
    covers,
    hashrate_of,
    settle,
)
from storage.db import Database
from storage.models import SAMPLE_STATUSES, Client, Miner, MinerTelemetry, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import miner_history
from storage.repositories import miners as miners_repo
from storage.repositories import telemetry as repo
from storage.repositories.telemetry import Target

log = logging.getLogger(__name__)

CHUNK = 250  # miners per write transaction: short locks, short turns of the event loop
DAY_S = 24 * 3600
KEEP_DAYS = 35  # samples older than this are purged
PURGE_STEP_S = 3600  # one transaction per hour of samples deleted
MAX_ERRORS = 10
ALLOWED_IPS_KEPT = 500_000  # addresses whose permission to be polled is remembered


@dataclass(frozen=True, slots=True)
class StatusChange:
    miner_id: int
    client_id: int | None
    old: str
    new: str
    at: datetime


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one poll cycle saw: for listeners (alerts) and the benchmark."""

    started: datetime
    seconds: float
    polled: int  # miners read
    skipped: int  # miners whose address is not an IP address in TELEMETRY_NETWORKS
    observed: dict[str, int]  # status the readings say → miners
    changes: tuple[StatusChange, ...]
    readings: dict[int, MinerSnapshot] = field(repr=False)


CycleListener = Callable[[CycleReport], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Reading:
    """A miner's latest reading as stored (see storage.models.MinerTelemetry)."""

    polled_at: datetime
    seen_at: datetime | None
    reach: str
    observed: str
    pending: str | None
    status_since: datetime | None
    hashrate_ths: float | None
    expected_ths: float | None
    hottest_c: float | None
    watts: int | None
    uptime_s: int | None
    fans: list[int]
    boards: list[dict[str, Any]]
    pools: list[dict[str, Any]]
    errors: list[str]
    make: str | None
    model: str | None
    firmware: str | None
    mac: str | None


def reading_of(row: MinerTelemetry) -> Reading:
    return Reading(
        row.polled_at,
        row.seen_at,
        row.reach,
        row.observed,
        row.pending,
        row.status_since,
        row.hashrate_ths,
        row.expected_ths,
        row.hottest_c,
        row.watts,
        row.uptime_s,
        list(row.fans or []),
        list(row.boards or []),
        list(row.pools or []),
        list(row.errors or []),
        row.make,
        row.model,
        row.firmware,
        row.mac,
    )


@dataclass(frozen=True, slots=True)
class CardClient:
    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class MinerCard:
    id: int
    model: str | None
    submodel: str | None
    ip: str | None
    location: str | None
    serial: str | None
    mac: str | None
    worker: str | None
    nominal_w: int | None
    status: str
    paid: bool
    client: CardClient | None
    reading: Reading | None
    avg24_ths: float | None  # time-weighted over the last 24 hours, offline counting zero
    tasks: list[tuple[int, str]]  # open tasks it is attached to (id, summary)
    telemetry_on: bool

    @property
    def watts(self) -> tuple[int | None, str]:
        """(watts now, where the figure comes from: reported | nominal | none)."""
        if self.reading is not None and self.reading.reach == "ok":
            if self.reading.watts is not None:
                return self.reading.watts, "reported"
            if self.reading.observed in HASHING and self.nominal_w:
                return self.nominal_w, "nominal"
        elif self.reading is None and self.status in HASHING and self.nominal_w:
            return self.nominal_w, "nominal"
        return None, "none"


@dataclass(frozen=True, slots=True)
class MinerSeries:
    """One miner over 24 hours: (ts, TH/s or None when it gave none, status) per sample."""

    miner_id: int
    label: str
    points: list[tuple[int, float | None, str]]
    until: int


@dataclass(frozen=True, slots=True)
class FleetSeries:
    """A client's miners over 24 hours: (ts, TH/s, miners up, miners polled) per cycle."""

    client_id: int
    label: str
    points: list[tuple[int, float, int, int]]
    until: int


def _label(model: str | None, ip: str | None, miner_id: int) -> str:
    return " · ".join(x for x in (model, ip) if x) or f"#{miner_id}"


def _allowed(ip: str, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return not networks or any(address in n for n in networks)


def _cut(text: str | None, size: int) -> str | None:
    return None if text is None else text[:size]


def _reading_row(snap: MinerSnapshot) -> dict[str, Any]:
    return {
        "hashrate_ths": hashrate_of(snap),
        "expected_ths": snap.expected_ths,
        "hottest_c": snap.hottest_c,
        "watts": snap.watts,
        "uptime_s": snap.uptime_s,
        "fans": list(snap.fans_rpm),
        "boards": [
            {"slot": b.position, "ths": b.hashrate_ths, "temp": b.temp_c, "chip": b.chip_temp_c}
            for b in snap.boards
        ],
        "pools": [
            {"url": p.url[:200], "user": _cut(p.user, 128), "alive": p.alive, "active": p.active}
            for p in snap.pools[:4]
        ],
        "errors": [e[:200] for e in snap.errors[:MAX_ERRORS]],
        "make": _cut(snap.make, 32),
        "model": _cut(snap.model, 64),
        "firmware": _cut(snap.firmware, 64),
        "mac": _cut(snap.mac, 17),
    }


_EMPTY_READING = dict.fromkeys(repo.READING_FIELDS)


class TelemetryService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        api: MinerApi,
        *,
        clock: Callable[[], datetime] = utcnow,
        concurrency: int = 200,
        networks: Iterable[str] = (),
    ) -> None:
        self.db = db
        self.facility = facility
        self.api = api
        self.clock = clock
        self.concurrency = max(1, concurrency)
        self.networks = [ipaddress.ip_network(n.strip(), strict=False) for n in networks if n]
        self._allowed_ips: dict[str, bool] = {}  # an address parsed once, not every cycle
        self._listeners: list[CycleListener] = []
        self._cycle_lock = asyncio.Lock()
        self._apply_lock = asyncio.Lock()
        self._last_start: float | None = None  # time.monotonic() of the last cycle's start
        self._task: asyncio.Task[CycleReport] | None = None

    def _allows(self, ip: str) -> bool:
        """Whether `ip` may be polled: a valid address inside TELEMETRY_NETWORKS (any, when
        none are set). Each address is parsed once; the memo is dropped when it outgrows a
        large fleet."""
        allowed = self._allowed_ips.get(ip)
        if allowed is None:
            if len(self._allowed_ips) >= ALLOWED_IPS_KEPT:
                self._allowed_ips.clear()
            allowed = self._allowed_ips[ip] = _allowed(ip, self.networks)
        return allowed

    def add_listener(self, listener: CycleListener) -> None:
        """`listener(report)` is awaited after every cycle; its errors are logged, not raised."""
        self._listeners.append(listener)

    @property
    def running(self) -> bool:
        return self._cycle_lock.locked()

    # --- cycles -----------------------------------------------------------------------------

    async def tick(self) -> None:
        """The scheduler's entry (every few seconds): start a cycle in the background when
        telemetry is on, none is running and the interval has passed since the last start."""
        facility = await self.facility.get()
        if not facility.telemetry or self.running or (self._task and not self._task.done()):
            return
        due = self._last_start is None or (
            time.monotonic() - self._last_start >= facility.telemetry_interval_s - 1
        )
        if due:
            self._task = asyncio.create_task(self.run_cycle(), name="telemetry-cycle")
            self._task.add_done_callback(_log_failure)

    async def stop(self) -> None:
        """Cancel a cycle in progress (on shutdown); what it wrote so far stays."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def run_cycle(self) -> CycleReport:
        """Poll every miner that has an IP address once; waits for a cycle already running."""
        async with self._cycle_lock:
            self._last_start = time.monotonic()
            started = self.clock()
            facility = await self.facility.get()
            async with self.db.read() as session:
                targets = await repo.targets(session)
            allowed = [t for t in targets if self._allows(t.ip)]
            snapshots = await self._read_all({t.ip for t in allowed})
            self.api.forget_except(snapshots)
            pairs = [(t, snapshots[t.ip]) for t in allowed]
            changes, observed = await self._apply(started, pairs, facility, fleet=True)
            report = CycleReport(
                started=started,
                seconds=time.monotonic() - self._last_start,
                polled=len(pairs),
                skipped=len(targets) - len(allowed),
                observed=dict(observed),
                changes=tuple(changes),
                readings={t.id: s for t, s in pairs},
            )
        log.info(
            "telemetry cycle: %d miners in %.1f s, %d status changes, %s",
            report.polled,
            report.seconds,
            len(report.changes),
            dict(observed),
        )
        for listener in self._listeners:
            try:
                await listener(report)
            except Exception:
                log.exception("a telemetry listener failed")
        return report

    async def _read_all(self, ips: set[str]) -> dict[str, MinerSnapshot]:
        """Read every address: `concurrency` workers take the next one as each finishes (a few
        hundred tasks, never one per miner)."""
        pending = iter(sorted(ips))
        results: dict[str, MinerSnapshot] = {}

        async def worker() -> None:
            for ip in pending:  # shared: each worker takes the next address
                results[ip] = await self.api.read(ip)

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(ips)))))
        return results

    async def _apply(
        self,
        started: datetime,
        pairs: Sequence[tuple[Target, MinerSnapshot]],
        facility: Facility,
        *,
        fleet: bool,
    ) -> tuple[list[StatusChange], Counter[str]]:
        ts = int(started.timestamp())
        interval = facility.telemetry_interval_s
        changes: list[StatusChange] = []
        observed_counts: Counter[str] = Counter()
        per_client: dict[int, list[int]] = {}  # client → [hashrate MH/s, up, polled]
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            new_rows: list[dict[str, Any]] = []
            full_rows: list[dict[str, Any]] = []
            state_rows: list[dict[str, Any]] = []
            samples: list[dict[str, Any]] = []
            statuses: list[tuple[int, str]] = []
            audits: list[dict[str, Any]] = []
            first_change = len(changes)  # this chunk's changes start here
            async with self._apply_lock, self.db.write() as session:
                last_polls = await repo.polled_at(session, [t.id for t, _ in chunk])
                for target, snap in chunk:
                    last = last_polls.get(target.id)
                    if last is not None and last >= started:
                        continue  # a newer reading (Refresh now) is stored already
                    observed = classify(snap, facility.lowhash_pct)
                    observed_counts[observed] += 1
                    settled = settle(target.status, target.pending, observed, first=last is None)
                    ok = snap.reach is Reach.OK
                    state = {
                        "miner_id": target.id,
                        "polled_at": started,
                        "seen_at": started if ok else target.seen_at,
                        "reach": str(snap.reach),
                        "observed": observed,
                        "pending": settled.pending,
                        "status_since": (
                            started if settled.changed or last is None else target.status_since
                        ),
                    }
                    if last is None:
                        new_rows.append({**state, **(_reading_row(snap) if ok else _EMPTY_READING)})
                    elif ok:
                        full_rows.append({**state, **_reading_row(snap)})
                    else:
                        state_rows.append(state)
                    rate = hashrate_of(snap) if ok else None
                    watts, source = counted_watts(snap, observed, target.nominal_w)
                    hottest = snap.hottest_c if ok else None
                    previous = int(last.timestamp()) if last is not None else None
                    if previous is None or previous < ts:  # one sample a second at most
                        samples.append(
                            {
                                "miner_id": target.id,
                                "ts": ts,
                                "covers_s": covers(ts, previous, interval),
                                "client_id": target.client_id,
                                "status": SAMPLE_STATUSES.index(observed),
                                "hashrate_mhs": round(rate * 1e6) if rate is not None else None,
                                "watts": watts,
                                "source": source,
                                "hottest_c": round(hottest) if hottest is not None else None,
                            }
                        )
                    if fleet and target.client_id is not None:
                        sums = per_client.setdefault(target.client_id, [0, 0, 0])
                        sums[0] += round(rate * 1e6) if rate else 0
                        sums[1] += observed in HASHING
                        sums[2] += 1
                    if settled.changed:
                        statuses.append((target.id, settled.status))
                        changes.append(
                            StatusChange(
                                target.id, target.client_id, target.status, settled.status, started
                            )
                        )
                        audits.append(
                            {
                                "at": started,
                                "actor_id": None,
                                "category": "miner",
                                "action": "miner.status_changed",
                                "entity_type": "miner",
                                "entity_id": target.id,
                                "client_id": None,
                                "changes": {"status": [target.status, settled.status]},
                                "details": {
                                    "name": miner_name(
                                        target.serial, target.mac, target.ip, target.id
                                    ),
                                    "source": "telemetry",
                                },
                            }
                        )
                await repo.insert_telemetry(session, new_rows)
                await repo.update_telemetry(session, full_rows, with_reading=True)
                await repo.update_telemetry(session, state_rows, with_reading=False)
                await repo.insert_samples(session, samples)
                await repo.set_statuses(session, statuses)
                await miner_history.add_status_changes(
                    session,
                    [(c.miner_id, c.old, c.new) for c in changes[first_change:]],
                    at=started,
                    source="telemetry",
                )
                await miners_repo.add_audit_rows(session, audits)
        if fleet and per_client:
            rows = [
                {"client_id": c, "ts": ts, "hashrate_mhs": h, "miners_up": u, "miners": n}
                for c, (h, u, n) in sorted(per_client.items())
            ]
            async with self.db.write() as session:
                await repo.insert_fleet_samples(session, rows)
        return changes, observed_counts

    # --- one miner --------------------------------------------------------------------------

    async def card(self, actor: Actor, miner_id: int) -> MinerCard:
        actor.require(Permission.MINERS_VIEW)
        facility = await self.facility.get()
        now = int(self.clock().timestamp())
        async with self.db.read() as session:
            miner = await session.get(Miner, miner_id)
            if miner is None:
                raise NotFound("miner", miner_id)
            client = await session.get(Client, miner.client_id) if miner.client_id else None
            row = await repo.reading(session, miner_id)
            series = await repo.miner_series(session, miner_id, now - DAY_S)
            tasks = (
                await repo.open_tasks(session, miner_id) if actor.can(Permission.TASKS_VIEW) else []
            )
        return MinerCard(
            id=miner.id,
            model=miner.model,
            submodel=miner.submodel,
            ip=miner.ip,
            location=miner.location,
            serial=miner.serial,
            mac=miner.mac,
            worker=miner.worker,
            nominal_w=miner.nominal_power_w,
            status=miner.status,
            paid=miner.paid,
            client=CardClient(client.id, client.name, client.email) if client else None,
            reading=reading_of(row) if row is not None else None,
            avg24_ths=_average(series),
            tasks=tasks,
            telemetry_on=facility.telemetry,
        )

    async def _polled_target(self, miner_id: int) -> Target:
        async with self.db.read() as session:
            target = await repo.target(session, miner_id)
        if target is None:
            raise NotFound("miner", miner_id)
        if target.ip is None:
            raise Conflict("miner-no-ip")
        if not self._allows(target.ip):
            raise Conflict("miner-not-polled", ip=target.ip)
        return target

    async def refresh(self, actor: Actor, miner_id: int) -> MinerCard:
        """Read one miner now, applying the same rules as a cycle (a reading counts as one)."""
        actor.require(Permission.MINERS_VIEW)
        facility = await self.facility.get()
        if not facility.telemetry:
            raise Conflict("telemetry-off")
        target = await self._polled_target(miner_id)
        snapshot = await self.api.read(target.ip)
        await self._apply(self.clock(), [(target, snapshot)], facility, fleet=False)
        return await self.card(actor, miner_id)

    async def reboot(self, actor: Actor, miner_id: int) -> RebootOutcome:
        """Send the miner a reboot through its API; the attempt and its result are logged."""
        actor.require(Permission.MINERS_VIEW, Permission.MINERS_CONTROL)
        target = await self._polled_target(miner_id)
        outcome = await self.api.reboot(target.ip)
        async with self.db.write() as session:
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="miner",
                action=f"miner.reboot_{outcome}",
                entity_type="miner",
                entity_id=miner_id,
                details={"name": miner_name(target.serial, target.mac, target.ip, miner_id)},
                at=self.clock(),
            )
        return outcome

    # --- charts' data -----------------------------------------------------------------------

    async def miner_series(self, actor: Actor, miner_id: int) -> MinerSeries:
        actor.require(Permission.MINERS_VIEW)
        now = int(self.clock().timestamp())
        async with self.db.read() as session:
            miner = await session.get(Miner, miner_id)
            if miner is None:
                raise NotFound("miner", miner_id)
            rows = await repo.miner_series(session, miner_id, now - DAY_S)
        points = [
            (ts, h / 1e6 if h is not None else None, SAMPLE_STATUSES[s]) for ts, s, h, _ in rows
        ]
        return MinerSeries(miner_id, _label(miner.model, miner.ip, miner_id), points, now)

    async def fleet_series(self, actor: Actor, client_id: int) -> FleetSeries:
        await self.facility.require_clients(actor)
        async with self.db.read() as session:
            client = await session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        return await self.client_series(client_id, client.name)

    async def purge(self) -> int:
        """Delete samples older than KEEP_DAYS (daily job), an hour of them per transaction."""
        cutoff = int(self.clock().timestamp()) - KEEP_DAYS * DAY_S
        async with self.db.read() as session:
            oldest = await repo.oldest_ts(session)
        gone = 0
        if oldest is None:
            return gone
        for edge in range(oldest + PURGE_STEP_S, cutoff + PURGE_STEP_S, PURGE_STEP_S):
            async with self.db.write() as session:
                gone += await repo.delete_before(session, min(edge, cutoff))
        return gone

    # --- for other areas (alerts, watchers): no actor, no permission --------------------------

    async def client_series(self, client_id: int, label: str) -> FleetSeries:
        """A client's fleet over the last 24 hours (a caller that checked who may see it)."""
        now = int(self.clock().timestamp())
        async with self.db.read() as session:
            rows = await repo.fleet_series(session, client_id, now - DAY_S)
        points = [(ts, h / 1e6, up, n) for ts, h, up, n in rows]
        return FleetSeries(client_id, label, points, now)

    async def latest(self, miner_ids: Sequence[int]) -> dict[int, Reading]:
        """The latest readings of `miner_ids` (never-polled miners are absent)."""
        async with self.db.read() as session:
            rows = await repo.readings(session, miner_ids)
        return {r.miner_id: reading_of(r) for r in rows}


def _average(series: Sequence[tuple[int, int, int | None, int]]) -> float | None:
    """Hashrate (TH/s) over the samples, each weighted by the time it stands for; offline and
    hung readings count as zero. A first sample stands for no time: then the plain mean."""
    span = sum(c for _, _, _, c in series)
    if span:
        return sum((h or 0) * c for _, _, h, c in series) / span / 1e6
    return sum(h or 0 for _, _, h, _ in series) / len(series) / 1e6 if series else None


def _log_failure(task: asyncio.Task[CycleReport]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("telemetry cycle failed", exc_info=task.exception())

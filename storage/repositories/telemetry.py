"""Telemetry: poll targets, latest readings, samples, fleet samples, energy per day.

Writes of a poll cycle are Core executemany in chunks; the day's energy is summed in SQL (a day of
a 10,000-miner facility is ~3 million samples, never loaded into Python).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    SAMPLE_STATUSES,
    Client,
    ConsumptionDaily,
    FleetSample,
    Miner,
    MinerEnergyDaily,
    MinerSample,
    MinerTelemetry,
    Task,
    TaskMiner,
    TaskStatus,
)

CHUNK = 1_000
_telemetry = cast(Table, MinerTelemetry.__table__)
_samples = cast(Table, MinerSample.__table__)
_fleet = cast(Table, FleetSample.__table__)
_miners = cast(Table, Miner.__table__)
_energy = cast(Table, MinerEnergyDaily.__table__)
_consumption = cast(Table, ConsumptionDaily.__table__)
UP_CODES = (SAMPLE_STATUSES.index("active"), SAMPLE_STATUSES.index("lowhash"))
READING_FIELDS = (
    "hashrate_ths",
    "expected_ths",
    "hottest_c",
    "watts",
    "uptime_s",
    "fans",
    "boards",
    "pools",
    "errors",
    "make",
    "model",
    "firmware",
    "mac",
)
STATE_FIELDS = ("polled_at", "seen_at", "reach", "observed", "pending", "status_since")


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class Target:
    """A miner to poll, with where its status stood after the last poll."""

    id: int
    ip: str
    model: str | None
    client_id: int | None
    nominal_w: int | None
    status: str
    pending: str | None
    polled_at: datetime | None
    seen_at: datetime | None
    status_since: datetime | None
    serial: str | None = None
    mac: str | None = None


def _target(row: Sequence[Any]) -> Target:
    return Target(*row)


def _target_query() -> Any:
    return select(
        Miner.id,
        Miner.ip,
        Miner.model,
        Miner.client_id,
        Miner.nominal_power_w,
        Miner.status,
        MinerTelemetry.pending,
        MinerTelemetry.polled_at,
        MinerTelemetry.seen_at,
        MinerTelemetry.status_since,
        Miner.serial,
        Miner.mac,
    ).outerjoin(MinerTelemetry, MinerTelemetry.miner_id == Miner.id)


async def targets(session: AsyncSession) -> list[Target]:
    """Every miner that has an IP address."""
    rows = await session.execute(_target_query().where(Miner.ip.is_not(None)).order_by(Miner.id))
    return [_target(r) for r in rows]


async def target(session: AsyncSession, miner_id: int) -> Target | None:
    row = (await session.execute(_target_query().where(Miner.id == miner_id))).first()
    return _target(row) if row is not None else None


async def polled_at(session: AsyncSession, miner_ids: Collection[int]) -> dict[int, datetime]:
    """When each of `miner_ids` was last polled (those never polled are absent)."""
    rows = await session.execute(
        select(MinerTelemetry.miner_id, MinerTelemetry.polled_at).where(
            MinerTelemetry.miner_id.in_(list(miner_ids))
        )
    )
    return {m: at for m, at in rows}


async def insert_telemetry(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(_telemetry), list(rows))


async def update_telemetry(
    session: AsyncSession, rows: Sequence[dict[str, Any]], *, with_reading: bool
) -> None:
    """Update rows keyed by `miner_id`: the state always, the reading fields when given."""
    if not rows:
        return
    fields = STATE_FIELDS + (READING_FIELDS if with_reading else ())
    statement = (
        update(_telemetry)
        .where(_telemetry.c.miner_id == bindparam("b_miner_id"))
        .values({f: bindparam(f"b_{f}") for f in fields})
    )
    await session.execute(
        statement,
        [{"b_miner_id": r["miner_id"], **{f"b_{f}": r[f] for f in fields}} for r in rows],
    )


async def insert_samples(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(_samples), list(rows))


async def set_statuses(session: AsyncSession, changes: Sequence[tuple[int, str]]) -> None:
    if changes:
        await session.execute(
            update(_miners)
            .where(_miners.c.id == bindparam("b_id"))
            .values(status=bindparam("b_s")),
            [{"b_id": m, "b_s": s} for m, s in changes],
        )


async def insert_fleet_samples(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """One row per client per cycle; a second cycle within the same second (one started by
    hand right after the scheduled one) replaces the first's row instead of clashing."""
    if rows:
        known = await existing_ids(session, Client, {r["client_id"] for r in rows})
        rows = [r for r in rows if r["client_id"] in known]
        if rows:
            for ts in {r["ts"] for r in rows}:
                clients = [r["client_id"] for r in rows if r["ts"] == ts]
                await session.execute(
                    delete(_fleet).where(_fleet.c.ts == ts, _fleet.c.client_id.in_(clients))
                )
            await session.execute(insert(_fleet), rows)


async def reading(session: AsyncSession, miner_id: int) -> MinerTelemetry | None:
    return await session.get(MinerTelemetry, miner_id)


async def readings(session: AsyncSession, miner_ids: Collection[int]) -> list[MinerTelemetry]:
    """The latest readings of several miners (those never polled are absent)."""
    result = await session.scalars(
        select(MinerTelemetry).where(MinerTelemetry.miner_id.in_(list(miner_ids)))
    )
    return list(result)


async def open_tasks(session: AsyncSession, miner_id: int, limit: int = 5) -> list[tuple[int, str]]:
    """(id, summary) of the newest tasks the miner is attached to that are not done."""
    rows = await session.execute(
        select(Task.id, Task.summary)
        .join(TaskMiner, TaskMiner.task_id == Task.id)
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .where(TaskMiner.miner_id == miner_id, TaskStatus.category != "done")
        .order_by(Task.id.desc())
        .limit(limit)
    )
    return [(i, summary) for i, summary in rows]


async def miner_series(
    session: AsyncSession, miner_id: int, since: int
) -> list[tuple[int, int, int | None, int]]:
    """(ts, status code, hashrate MH/s, covers_s) of one miner's samples after `since`."""
    rows = await session.execute(
        select(MinerSample.ts, MinerSample.status, MinerSample.hashrate_mhs, MinerSample.covers_s)
        .where(MinerSample.miner_id == miner_id, MinerSample.ts > since)
        .order_by(MinerSample.ts)
    )
    return [(ts, s, h, c) for ts, s, h, c in rows]


async def fleet_series(
    session: AsyncSession, client_id: int, since: int
) -> list[tuple[int, int, int, int]]:
    """(ts, hashrate MH/s, miners up, miners) of one client's fleet samples after `since`."""
    rows = await session.execute(
        select(FleetSample.ts, FleetSample.hashrate_mhs, FleetSample.miners_up, FleetSample.miners)
        .where(FleetSample.client_id == client_id, FleetSample.ts > since)
        .order_by(FleetSample.ts)
    )
    return [(ts, h, u, n) for ts, h, u, n in rows]


async def oldest_ts(session: AsyncSession) -> int | None:
    """The oldest sample or fleet sample's time."""
    oldest = (await session.execute(select(func.min(MinerSample.ts)))).scalar()
    fleet = (await session.execute(select(func.min(FleetSample.ts)))).scalar()
    return min((t for t in (oldest, fleet) if t is not None), default=None)


async def delete_before(session: AsyncSession, ts: int) -> int:
    """Delete samples and fleet samples older than `ts`; how many went."""
    gone = 0
    for table in (_samples, _fleet):
        result = await session.execute(delete(table).where(table.c.ts < ts))
        gone += int(getattr(result, "rowcount", 0) or 0)
    return gone


# --- energy per day --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DaySums:
    """What one miner's samples add up to over one day while it belonged to one client."""

    miner_id: int
    client_id: int | None
    watt_seconds: int
    up_seconds: int
    measured: bool  # some of its energy came from reported watts
    nominal: bool  # some of it from the nominal power


async def day_sums(session: AsyncSession, start: int, end: int, max_cover: int) -> list[DaySums]:
    """Each sample stands for (ts - covers_s, ts]; the part of that inside [start, end) counts."""
    s = MinerSample
    lower = case((s.ts - s.covers_s > start, s.ts - s.covers_s), else_=literal(start))
    upper = case((s.ts < end, s.ts), else_=literal(end))
    overlap = (upper - lower).label("overlap")
    inner = (
        select(s.miner_id, s.client_id, s.status, s.watts, s.source, overlap)
        .where(s.ts > start, s.ts < end + max_cover, s.covers_s > 0)
        .subquery()
    )
    counted = inner.c.watts.is_not(None) & (inner.c.watts > 0)
    query = (
        select(
            inner.c.miner_id,
            inner.c.client_id,
            func.sum(case((counted, inner.c.watts * inner.c.overlap), else_=0)),
            func.sum(case((inner.c.status.in_(UP_CODES), inner.c.overlap), else_=0)),
            func.max(case((counted & (inner.c.source == 1), 1), else_=0)),
            func.max(case((counted & (inner.c.source == 2), 1), else_=0)),
        )
        .where(inner.c.overlap > 0)
        .group_by(inner.c.miner_id, inner.c.client_id)
    )
    rows = await session.execute(query)
    return [
        DaySums(m, c, int(ws or 0), int(up or 0), bool(meas), bool(nom))
        for m, c, ws, up, meas, nom in rows
    ]


async def energy_rows(
    session: AsyncSession, day: date
) -> dict[tuple[int, int | None], tuple[int, int, str, int]]:
    """The stored rows of a day: (miner, client) → (id, energy_wh, source, up_seconds)."""
    rows = await session.execute(
        select(
            MinerEnergyDaily.miner_id,
            MinerEnergyDaily.client_id,
            MinerEnergyDaily.id,
            MinerEnergyDaily.energy_wh,
            MinerEnergyDaily.source,
            MinerEnergyDaily.up_seconds,
        ).where(MinerEnergyDaily.day == day)
    )
    return {(m, c): (i, e, s, u) for m, c, i, e, s, u in rows}


async def replace_energy_rows(
    session: AsyncSession, ids: Collection[int], rows: Sequence[dict[str, Any]]
) -> None:
    for chunk in _chunks(sorted(ids), 500):
        await session.execute(delete(_energy).where(_energy.c.id.in_(list(chunk))))
    for chunk in _chunks(rows):
        await session.execute(insert(_energy), list(chunk))


async def existing_ids(session: AsyncSession, model: Any, ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(ids), 500):
        result = await session.execute(select(model.id).where(model.id.in_(list(chunk))))
        found |= {i for (i,) in result}
    return found


async def consumption(session: AsyncSession, day: date) -> dict[int, int]:
    rows = await session.execute(
        select(ConsumptionDaily.client_id, ConsumptionDaily.energy_wh).where(
            ConsumptionDaily.day == day
        )
    )
    return {c: e for c, e in rows}


async def replace_consumption(
    session: AsyncSession, day: date, gone: Collection[int], rows: dict[int, int]
) -> None:
    """Delete the day's rows of `gone` clients and write `rows` (client → Wh) anew."""
    changed = sorted(set(gone) | set(rows))
    for chunk in _chunks(changed, 500):
        await session.execute(
            delete(_consumption).where(
                _consumption.c.day == day, _consumption.c.client_id.in_(list(chunk))
            )
        )
    values = [{"client_id": c, "day": day, "energy_wh": e} for c, e in sorted(rows.items())]
    for chunk in _chunks(values):
        await session.execute(insert(_consumption), list(chunk))


async def last_energy_day(session: AsyncSession) -> date | None:
    return (await session.execute(select(func.max(MinerEnergyDaily.day)))).scalar()


async def first_sample_ts(session: AsyncSession) -> int | None:
    return (await session.execute(select(func.min(MinerSample.ts)))).scalar()

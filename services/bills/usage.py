"""What each client used in a window of days: energy per day and source, and miner-days.

Energy of a miner on a day is telemetry's row for it (measured, nominal or mixed) when there is
one; otherwise, for a facility without telemetry (or a miner it cannot reach), the miner's
nominal power × the time it belonged to the client and was not known offline, from the history
of its client and status ("nominal"). A meter reading imported for a client replaces the energy
of the days it covers ("metered"). A miner-day goes to the client that holds the miner when the
day ends (the hosting fee is prorated by them).

Most miners belong to one client all month and are counted by SQL aggregates; only miners that
moved, were added or changed status in the window are followed one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.bills.money import div_round
from services.bills.periods import Window
from storage.repositories import bills as repo
from storage.repositories import miner_history

_TICK = timedelta(microseconds=1)


@dataclass
class Usage:
    energy: dict[date, dict[str, int]] = field(default_factory=dict)
    miner_days: dict[date, int] = field(default_factory=dict)

    def add(self, day: date, source: str, wh: int) -> None:
        if wh:
            per = self.energy.setdefault(day, {})
            per[source] = per.get(source, 0) + wh

    @property
    def energy_wh(self) -> int:
        return sum(sum(v.values()) for v in self.energy.values())

    @property
    def empty(self) -> bool:
        return not self.energy_wh and not any(self.miner_days.values())


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One miner's energy on one day for the client (miner None: a meter reading)."""

    day: date
    miner_id: int | None
    serial: str | None
    ip: str | None
    model: str | None
    wh: int
    source: str
    billed: bool


Interval = tuple[datetime, datetime, Any]


def intervals(
    current: Any,
    created_at: datetime,
    changes: Sequence[tuple[datetime, Any, Any]],
    start: datetime,
    end: datetime,
) -> list[Interval]:
    """[from, to, value] pieces of [start, end) while the miner existed: the value before a
    change is the change's old value, after the last change the current one."""
    t = max(start, created_at)
    if t >= end:
        return []
    pending = [c for c in changes if c[0] > t]
    value = pending[0][1] if pending else current
    out: list[Interval] = []
    for at, _old, new in pending:
        if at >= end:
            break
        out.append((t, at, value))
        t, value = at, new
    out.append((t, end, value))
    return [piece for piece in out if piece[0] < piece[1]]


def _overlap(a: datetime, b: datetime, c: datetime, d: datetime) -> float:
    return max((min(b, d) - max(a, c)).total_seconds(), 0.0)


def _value_at(pieces: Sequence[Interval], moment: datetime) -> Any:
    for start, end, value in pieces:
        if start <= moment < end:
            return value
    return None


@dataclass
class MinerDays:
    """One miner in a window: for each client, the days it held the miner and the seconds it
    was not known offline; the holder when each day ended."""

    present: dict[int, set[date]] = field(default_factory=dict)
    on_seconds: dict[tuple[int, date], int] = field(default_factory=dict)
    end_holder: dict[date, int] = field(default_factory=dict)


def follow(
    miner: Any,
    window: Window,
    client_changes: Sequence[tuple[datetime, int | None, int | None]],
    status_changes: Sequence[tuple[datetime, str, str]],
) -> MinerDays:
    holders = intervals(
        miner.client_id, miner.created_at, client_changes, window.start_utc, window.end_utc
    )
    statuses = intervals(
        miner.status, miner.created_at, status_changes, window.start_utc, window.end_utc
    )
    out = MinerDays()
    for day in window.days:
        day_start, day_end = window.bounds(day)
        for h_start, h_end, client in holders:
            if client is None or _overlap(h_start, h_end, day_start, day_end) <= 0:
                continue
            out.present.setdefault(client, set()).add(day)
            on = sum(
                _overlap(max(h_start, s_start), min(h_end, s_end), day_start, day_end)
                for s_start, s_end, status in statuses
                if status != "offline"
            )
            if on:
                key = (client, day)
                out.on_seconds[key] = out.on_seconds.get(key, 0) + round(on)
        holder = _value_at(holders, day_end - _TICK)
        if holder is not None:
            out.end_holder[day] = holder
    return out


def _by_miner(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, Any, Any]]]:
    out: dict[int, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for miner_id, at, old, new in rows:
        out[miner_id].append((at, old, new))
    return out


def spread(first: date, last: date, wh: int) -> dict[date, int]:
    """A reading over several days, evenly, the remainder to the first days (sums exactly)."""
    n = (last - first).days + 1
    base, rest = divmod(wh, n)
    return {first + timedelta(days=i): base + (1 if i < rest else 0) for i in range(n)}


async def _metered_days(
    session: AsyncSession, window: Window, clients: Collection[int] | None
) -> dict[int, dict[date, int]]:
    out: dict[int, dict[date, int]] = defaultdict(dict)
    for client_id, first, last, wh in await repo.metered(
        session, window.first, window.last, clients
    ):
        for day, part in spread(first, last, wh).items():
            if window.first <= day <= window.last:
                out[client_id][day] = out[client_id].get(day, 0) + part
    return out


async def usage(
    session: AsyncSession, window: Window, clients: Collection[int] | None = None
) -> dict[int, Usage]:
    """Per client (all, or `clients`), what it used in the window."""
    days = window.days
    result: dict[int, Usage] = defaultdict(Usage)
    covered: dict[tuple[int, date], int] = defaultdict(int)
    for client_id, day, source, wh, count in await repo.energy_by_client_day(
        session, window.first, window.last, clients
    ):
        result[client_id].add(day, source, wh)
        covered[(client_id, day)] += count

    wanted = (lambda c: True) if clients is None else set(clients).__contains__
    steady = await repo.steady_counts(session, window.start_utc, clients)
    expected: dict[tuple[int, date], int] = defaultdict(int)
    miner_days: dict[tuple[int, date], int] = defaultdict(int)
    for client_id, n in steady.items():
        for day in days:
            expected[(client_id, day)] += n
            miner_days[(client_id, day)] += n

    moving = await repo.moving_miners(session, window.start_utc, window.end_utc, clients)
    moving_ids = {m.id for m in moving}
    client_changes = _by_miner(
        await miner_history.client_changes_since(session, window.start_utc, moving_ids)
    )
    status_changed = await repo.status_changed_miners(session, window.start_utc, clients)
    status_changes = _by_miner(
        await miner_history.status_changes_since(
            session, window.start_utc, moving_ids | status_changed
        )
    )
    followed: dict[int, tuple[Any, MinerDays]] = {}
    for miner in moving:
        days_of = follow(
            miner, window, client_changes.get(miner.id, []), status_changes.get(miner.id, [])
        )
        followed[miner.id] = (miner, days_of)
        for client_id, present in days_of.present.items():
            for day in present:
                expected[(client_id, day)] += 1
        for day, client_id in days_of.end_holder.items():
            miner_days[(client_id, day)] += 1

    # Clients with a miner-day that telemetry did not report get the nominal estimate.
    short = {
        c for (c, day), n in expected.items() if wanted(c) and n and covered.get((c, day), 0) < n
    }
    if short:
        power = await repo.steady_nominal_power(
            session, window.start_utc, window.first, window.last, short
        )
        for client_id, watts in power.items():
            for day in days:
                result[client_id].add(day, "nominal", div_round(watts * window.seconds(day), 3600))
        rows = await repo.telemetry_rows(session, window.first, window.last, short)
        reported = {(m, d, c) for m, d, c, _, _ in rows}
        with_rows = {m for m, _, _, _, _ in rows}
        steady_ids = (status_changed | with_rows) - moving_ids
        for miner in await repo.miners_by_ids(session, steady_ids):
            if miner.client_id in short and miner.created_at < window.start_utc:
                days_of = follow(miner, window, [], status_changes.get(miner.id, []))
                followed[miner.id] = (miner, days_of)
        for miner, days_of in followed.values():
            for (client_id, day), seconds in days_of.on_seconds.items():
                if client_id in short and (miner.id, day, client_id) not in reported:
                    watts = miner.nominal_power_w or 0
                    result[client_id].add(day, "nominal", div_round(watts * seconds, 3600))

    for client_id, per_day in (await _metered_days(session, window, clients)).items():
        for day, wh in per_day.items():
            result[client_id].energy[day] = {"metered": wh}
    for (client_id, day), n in miner_days.items():
        if n and wanted(client_id):
            result[client_id].miner_days[day] = n
    return {c: u for c, u in result.items() if wanted(c) and not u.empty}


async def evidence(session: AsyncSession, window: Window, client_id: int) -> list[EvidenceRow]:
    """Every miner's energy for one client on every day of the window, with its source; days a
    meter reading replaced are listed as not billed, with the reading itself."""
    metered = (await _metered_days(session, window, [client_id])).get(client_id, {})
    out: list[EvidenceRow] = []
    rows = await repo.telemetry_rows(session, window.first, window.last, [client_id])
    reported = {(m, d) for m, d, _, _, _ in rows}
    moving = [m for m in await repo.moving_miners(session, window.start_utc, window.end_utc)]
    moving_ids = {m.id for m in moving}
    own = [
        m
        for m in await repo.miners_of_client(session, client_id)
        if m.id not in moving_ids and m.created_at < window.end_utc
    ]
    client_changes = _by_miner(
        await miner_history.client_changes_since(session, window.start_utc, moving_ids)
    )
    ids = moving_ids | {m.id for m in own}
    status_changes = _by_miner(
        await miner_history.status_changes_since(session, window.start_utc, ids)
    )
    miners = {m.id: m for m in [*own, *moving]}
    for miner in miners.values():
        days_of = follow(
            miner, window, client_changes.get(miner.id, []), status_changes.get(miner.id, [])
        )
        for day in sorted(days_of.present.get(client_id, ())):
            if (miner.id, day) in reported:
                continue
            seconds = days_of.on_seconds.get((client_id, day), 0)
            wh = div_round((miner.nominal_power_w or 0) * seconds, 3600)
            out.append(
                EvidenceRow(
                    day,
                    miner.id,
                    miner.serial,
                    miner.ip,
                    miner.model,
                    wh,
                    "nominal",
                    day not in metered,
                )
            )
    details = {m.id: m for m in await repo.miners_by_ids(session, {r[0] for r in rows})}
    for miner_id, day, _, wh, source in rows:
        m = details.get(miner_id)
        out.append(
            EvidenceRow(
                day,
                miner_id,
                m.serial if m else None,
                m.ip if m else None,
                m.model if m else None,
                wh,
                source,
                day not in metered,
            )
        )
    for day, wh in metered.items():
        out.append(EvidenceRow(day, None, None, None, None, wh, "metered", True))
    out.sort(key=lambda r: (r.day, r.miner_id is None, r.miner_id or 0))
    return out

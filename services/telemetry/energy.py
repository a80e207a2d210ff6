"""Energy per miner per facility-local day, from the samples (what bills charge).

Each sample stands for the seconds before it (`covers_s`) at the watts it counted (reported,
else nominal while hashing, else none; 0 while offline). A day's row for a miner and a client is
the part of those intervals inside the local day, in watt-seconds summed in SQL and rounded once
to whole Wh (half up). An interval across midnight is split between the two days; a DST day has
23 or 25 hours. `source` is measured, nominal, mixed (both in the day) or none (it hashed with
neither). Computing a day again writes only what differs, so a re-run leaves the same rows (ids
and `updated_at` included); `consumption_daily` is then each client's sum of its miners' rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.facility import TELEMETRY_INTERVALS, FacilityService
from storage.db import Database
from storage.models import Client, utcnow
from storage.repositories import telemetry as repo
from storage.repositories.telemetry import DaySums

MAX_COVER_S = 2 * max(TELEMETRY_INTERVALS)  # the longest a sample can stand for
SETTLE = timedelta(hours=3)  # yesterday is computed again until this long after midnight
CATCH_UP_DAYS = 36  # samples are kept 35 days


def day_bounds(day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Unix seconds of a local day's first instant and of the next day's."""
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return int(start.timestamp()), int(end.timestamp())


def source_of(sums: DaySums) -> str:
    if sums.measured and sums.nominal:
        return "mixed"
    if sums.measured:
        return "measured"
    if sums.nominal:
        return "nominal"
    return "none"


def wh(watt_seconds: int) -> int:
    """Watt-seconds to whole watt-hours, half up (the one rounding of a day row)."""
    return (watt_seconds + 1800) // 3600


@dataclass(frozen=True, slots=True)
class DayEnergy:
    day: date
    rows: int  # miner rows of the day
    energy_wh: int  # all of them
    written: int  # rows inserted or replaced by this run (0: the day was already as computed)


class EnergyService:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock
        self._caught_up = False

    async def compute_day(self, day: date) -> DayEnergy:
        """(Re)compute one local day's rows of `miner_energy_daily` and `consumption_daily`."""
        zone = (await self.facility.get()).zone
        start, end = day_bounds(day, zone)
        async with self.db.read() as session:  # the long part, outside any write lock
            sums = await repo.day_sums(session, start, end, MAX_COVER_S)
            clients = await repo.existing_ids(
                session, Client, {s.client_id for s in sums if s.client_id is not None}
            )
        now = self.clock()
        wanted: dict[tuple[int, int | None], tuple[int, str, int]] = {}
        for s in sums:
            energy = wh(s.watt_seconds)
            if energy == 0 and s.up_seconds == 0:
                continue
            client = s.client_id if s.client_id in clients else None
            key = (s.miner_id, client)
            if key in wanted:  # a client that no longer exists, merged into "no client"
                old_energy, old_source, old_up = wanted[key]
                energy += old_energy
                source = old_source if old_source == source_of(s) else "mixed"
                wanted[key] = (energy, source, old_up + s.up_seconds)
            else:
                wanted[key] = (energy, source_of(s), s.up_seconds)
        per_client: dict[int, int] = {}
        for (_, client), (energy, _, _) in wanted.items():
            if client is not None:
                per_client[client] = per_client.get(client, 0) + energy
        async with self.db.write() as session:
            stored = await repo.energy_rows(session, day)
            drop = [
                row_id
                for key, (row_id, *values) in stored.items()
                if tuple(values) != wanted.get(key)
            ]
            rows: list[dict[str, Any]] = [
                {
                    "miner_id": miner,
                    "day": day,
                    "client_id": client,
                    "energy_wh": energy,
                    "source": source,
                    "up_seconds": up,
                    "updated_at": now,
                }
                for (miner, client), (energy, source, up) in sorted(
                    wanted.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
                )
                if (miner, client) not in stored
                or tuple(stored[(miner, client)][1:]) != (energy, source, up)
            ]
            await repo.replace_energy_rows(session, drop, rows)
            had = await repo.consumption(session, day)
            gone = [c for c in had if c not in per_client]
            changed = {c: e for c, e in per_client.items() if had.get(c) != e}
            await repo.replace_consumption(session, day, gone, changed)
        return DayEnergy(day, len(wanted), sum(e for e, _, _ in wanted.values()), len(rows))

    async def compute_recent(self) -> list[DayEnergy]:
        """The scheduled run (hourly): today so far, and yesterday for a while after midnight.
        The first run after a start also catches up every day since the last one computed."""
        zone = (await self.facility.get()).zone
        now = self.clock().astimezone(zone)
        today = now.date()
        days = [today]
        if now - datetime.combine(today, time(), zone) < SETTLE:
            days.insert(0, today - timedelta(days=1))
        if not self._caught_up:
            async with self.db.read() as session:
                last = await repo.last_energy_day(session)
                first_ts = await repo.first_sample_ts(session)
            if last is None and first_ts is not None:
                last = datetime.fromtimestamp(first_ts, zone).date()
            if last is not None:
                start = max(last, today - timedelta(days=CATCH_UP_DAYS))
                days = sorted(
                    set(days) | {start + timedelta(days=i) for i in range((today - start).days)}
                )
        done = [await self.compute_day(d) for d in days]
        self._caught_up = True
        return done

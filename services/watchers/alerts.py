"""Short messages to watchers who opted in: their miners stopped or came back, a daily summary.

Both go through the outbox (`services/outbox.py::queue`) in the watcher's link language, with a
button that opens the view; revoking the link drops the opt-ins and what was not yet sent.

- `on_cycle` (`changes`) is a telemetry listener (`TelemetryService.add_listener`, wired in
  `services/container.py`): one message per viewer and kind per cycle, not one per miner.
- `daily` is the scheduled job `watchers-daily` (hourly, `bot/app.py`): from 09:00 facility time,
  once a day per viewer (`watcher_viewers.daily_sent_on`, set in the same transaction).

When the alerts area's rails exist, these two methods are where they plug in: the opt-ins stay
`watcher_viewers.alerts` / `.daily`; the queueing below becomes the rails' delivery.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.facility import FacilityService
from services.outbox import queue
from services.telemetry.charts import rate
from services.telemetry.service import DAY_S, CycleReport
from storage.db import Database
from storage.models import utcnow
from storage.repositories import watchers as repo

DOWN = frozenset({"offline", "hanged"})  # not hashing: what a client calls "stopped"
UP = frozenset({"active", "lowhash"})
NAMES_SHOWN = 5
DAILY_FROM_HOUR = 9  # facility time


def _listed(ids: list[int], names: dict[int, tuple[str | None, str | None]]) -> str:
    """The first miners by serial (else MAC), and how many more."""
    shown = [next((x for x in names.get(i, ()) if x), f"#{i}") for i in ids]
    text = ", ".join(shown[:NAMES_SHOWN])
    return text + (f" +{len(shown) - NAMES_SHOWN}" if len(shown) > NAMES_SHOWN else "")


class WatcherAlerts:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock

    async def on_cycle(self, report: CycleReport) -> None:
        """The telemetry listener."""
        await self.changes(report)

    async def changes(self, report: CycleReport) -> int:
        """Queue, for each opted-in viewer of a client whose miners stopped or came back in this
        cycle, one message per kind. Returns how many were queued."""
        down: dict[int, list[int]] = defaultdict(list)
        up: dict[int, list[int]] = defaultdict(list)
        for change in report.changes:
            if change.client_id is None or change.old == "unknown":
                continue  # a first reading is no news
            if change.new in DOWN and change.old not in DOWN:
                down[change.client_id].append(change.miner_id)
            elif change.new in UP and change.old in DOWN:
                up[change.client_id].append(change.miner_id)
        if not down and not up:
            return 0
        queued = 0
        async with self.db.write() as session:
            viewers = await repo.subscribers(
                session, self.clock(), client_ids=set(down) | set(up), daily=False
            )
            if not viewers:
                return 0
            ids = [m for group in (*down.values(), *up.values()) for m in group]
            names = await repo.names(session, ids)
            for viewer, link in viewers:
                for key, group in (("watchers-alert-down", down), ("watchers-alert-up", up)):
                    miners = group.get(link.client_id)
                    if not miners:
                        continue
                    queue(
                        session,
                        viewer.telegram_id,
                        link.language,
                        key,
                        args={
                            "client": await self._client_name(session, link.client_id),
                            "count": len(miners),
                            "miners": _listed(miners, names),
                        },
                        buttons=[{"open": "watch", "id": link.id}],
                    )
                    queued += 1
        return queued

    async def daily(self) -> int:
        """Queue today's summary for every opted-in viewer who has not had it (from 09:00)."""
        zone = (await self.facility.get()).zone
        local = self.clock().astimezone(zone)
        if local.hour < DAILY_FROM_HOUR:
            return 0
        today = local.date()
        since = int(self.clock().timestamp()) - DAY_S
        queued = 0
        async with self.db.write() as session:
            viewers = await repo.subscribers(session, self.clock(), client_ids=None, daily=True)
            summaries: dict[int, dict[str, object]] = {}
            for viewer, link in viewers:
                if viewer.daily_sent_on == today:
                    continue
                if link.client_id not in summaries:
                    summaries[link.client_id] = await self._summary(session, link.client_id, since)
                viewer.daily_sent_on = today
                queue(
                    session,
                    viewer.telegram_id,
                    link.language,
                    "watchers-daily",
                    args=summaries[link.client_id],
                    buttons=[{"open": "watch", "id": link.id}],
                )
                queued += 1
        return queued

    async def _summary(
        self, session: AsyncSession, client_id: int, since: int
    ) -> dict[str, object]:
        counts = await repo.status_counts(session, client_id)
        now, _ = await repo.hashrate_now(session, client_id)
        return {
            "client": await self._client_name(session, client_id),
            "total": sum(counts.values()),
            "working": sum(counts.get(s, 0) for s in UP),
            "down": sum(counts.get(s, 0) for s in DOWN),
            "now": rate(now),
            "avg": rate(await repo.fleet_average(session, client_id, since)),
        }

    @staticmethod
    async def _client_name(session: AsyncSession, client_id: int) -> str:
        return await repo.client_name(session, client_id) or f"#{client_id}"

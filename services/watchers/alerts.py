"""The daily summary to watchers who opted in.

Messages when a watched client's miners stop or come back are the alerts area's
(`services/alerts/engine.py`): a chat that opted in (`watcher_viewers.alerts`) on a live link gets
the client's offline and hanged alerts and their recovery, after the facility's hold time, one
message per alert edited as it changes, in the link's language with a button back to the view.

`daily` is the scheduled job `watchers-daily` (hourly, `bot/app.py`): from 09:00 facility time,
once a day per viewer (`watcher_viewers.daily_sent_on`, set in the same transaction), through the
outbox (`services/outbox.py::queue`); revoking the link drops the opt-ins and what was not yet
sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.facility import FacilityService
from services.outbox import queue
from services.telemetry.charts import rate
from services.telemetry.service import DAY_S
from storage.db import Database
from storage.models import utcnow
from storage.repositories import watchers as repo

DOWN = frozenset({"offline", "hanged"})  # not hashing: what a client calls "stopped"
UP = frozenset({"active", "lowhash"})
DAILY_FROM_HOUR = 9  # facility time


class WatcherAlerts:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock

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

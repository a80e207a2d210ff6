"""The same rails for the product's other events (a task assigned or due, an export's notices,
a bill overdue): the member's settings decide whether and when they hear of it.

A kind the member turned off is not queued; outside the urgent kinds, a message queued during
their quiet hours waits in the outbox until those end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.alerts.messages import prefs_of
from storage.models import FacilitySettings, OutboxMessage, Staff, utcnow
from storage.repositories import alerts as repo


async def tell(
    session: AsyncSession,
    recipient: Staff,
    kind: str,
    text_key: str,
    *,
    args: dict[str, Any] | None = None,
    buttons: list[Any] | None = None,
    dedup_key: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Queue `text_key` for `recipient` as an event of `kind`, in the caller's transaction;
    None when nothing was queued (a deactivated member, or the kind turned off)."""
    if not recipient.is_active:
        return None
    prefs = prefs_of(await repo.settings_of(session, recipient.id))
    if not prefs.wants(kind):
        return None
    facility = await session.get(FacilitySettings, 1)
    zone = ZoneInfo(facility.timezone if facility is not None else "UTC")
    return outbox.notify(
        session,
        recipient,
        text_key,
        args=args,
        buttons=buttons,
        dedup_key=dedup_key,
        not_before=prefs.hold_for(kind, now or utcnow(), zone),
    )

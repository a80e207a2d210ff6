"""The audit log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Client, Staff


def add(
    session: AsyncSession,
    *,
    actor_id: int | None,
    category: str,
    action: str,
    entity_type: str | None = None,
    entity_id: int | None = None,
    client_id: int | None = None,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        category=category,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        client_id=client_id,
        changes=changes,
        details=details,
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    return entry


def _filter(
    query: Any, client_id: int | None, category: str | None, merged: Collection[int] = ()
) -> Any:
    if client_id is not None and merged:  # with the clients merged into it
        query = query.where(AuditEntry.client_id.in_([client_id, *merged]))
    elif client_id is not None:
        query = query.where(AuditEntry.client_id == client_id)
    if category is not None:
        query = query.where(AuditEntry.category == category)
    return query


async def count(
    session: AsyncSession,
    *,
    client_id: int | None = None,
    category: str | None = None,
    merged: Collection[int] = (),
) -> int:
    query = _filter(select(func.count(AuditEntry.id)), client_id, category, merged)
    return int(await session.scalar(query) or 0)


async def page(
    session: AsyncSession,
    *,
    offset: int,
    limit: int,
    client_id: int | None = None,
    category: str | None = None,
    merged: Collection[int] = (),
) -> Sequence[tuple[AuditEntry, str | None]]:
    """Entries newest first, each with the actor's name."""
    query = select(AuditEntry, Staff.name).outerjoin(Staff, Staff.id == AuditEntry.actor_id)
    query = _filter(query, client_id, category, merged)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    return (await session.execute(query)).all()


async def last_refusal_at(session: AsyncSession, telegram_id: int) -> datetime | None:
    return await session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.category == "security",
            AuditEntry.action == "access.refused",
            AuditEntry.entity_id == telegram_id,
        )
    )


async def staff_names(session: AsyncSession, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(list(ids))))
    return {i: n for i, n in rows}


async def client_names(session: AsyncSession, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Client.id, Client.name).where(Client.id.in_(list(ids))))
    return {i: n for i, n in rows}

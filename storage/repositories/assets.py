"""Assets: equipment of a client that is not a miner."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Asset


async def count_for_client(session: AsyncSession, client_id: int) -> int:
    query = select(func.count(Asset.id)).where(Asset.client_id == client_id)
    return int(await session.scalar(query) or 0)


async def page_for_client(
    session: AsyncSession, client_id: int, *, offset: int, limit: int
) -> Sequence[Asset]:
    rows = await session.scalars(
        select(Asset)
        .where(Asset.client_id == client_id)
        .order_by(Asset.name, Asset.id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> Sequence[Asset]:
    if not ids:
        return []
    return (await session.scalars(select(Asset).where(Asset.id.in_(ids)).order_by(Asset.id))).all()

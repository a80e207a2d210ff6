"""Every change of a miner's client and status, with its time, as data the bills can use.

Written in the transaction of the change (imports, mass edits) with Core executemany; read
by the bills to know who held a miner, and whether it was known offline, at any moment.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, insert, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MinerClientChange, MinerStatusChange

CHUNK = 2_000
_clients = cast(Table, MinerClientChange.__table__)
_statuses = cast(Table, MinerStatusChange.__table__)

ClientMove = tuple[int, int | None, int | None]  # miner id, old client, new client
StatusMove = tuple[int, str, str]  # miner id, old status, new status


async def add_client_changes(
    session: AsyncSession,
    moves: Sequence[ClientMove],
    *,
    at: datetime,
    source: str,
    actor_id: int | None,
) -> None:
    rows = [
        {
            "miner_id": m,
            "at": at,
            "old_client_id": old,
            "new_client_id": new,
            "source": source,
            "actor_id": actor_id,
        }
        for m, old, new in moves
        if old != new
    ]
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(_clients), rows[start : start + CHUNK])


async def add_status_changes(
    session: AsyncSession, moves: Sequence[StatusMove], *, at: datetime, source: str
) -> None:
    rows = [
        {"miner_id": m, "at": at, "old_status": old, "new_status": new, "source": source}
        for m, old, new in moves
        if old != new
    ]
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(_statuses), rows[start : start + CHUNK])


def _since(column: Any, since: datetime, miners: Collection[int] | None) -> ColumnElement[bool]:
    clause: ColumnElement[bool] = column >= since
    if miners is not None:
        clause = clause & _miner_in(column.table, miners)
    return clause


def _miner_in(table: Any, miners: Collection[int]) -> ColumnElement[bool]:
    return table.c.miner_id.in_(list(miners)) if miners else true().is_(False)


async def client_changes_since(
    session: AsyncSession, since: datetime, miners: Collection[int] | None = None
) -> list[tuple[int, datetime, int | None, int | None]]:
    """(miner, at, old client, new client) from `since` on, by miner and time."""
    rows = await session.execute(
        select(
            MinerClientChange.miner_id,
            MinerClientChange.at,
            MinerClientChange.old_client_id,
            MinerClientChange.new_client_id,
        )
        .where(_since(_clients.c.at, since, miners))
        .order_by(MinerClientChange.miner_id, MinerClientChange.at, MinerClientChange.id)
    )
    return [(m, at, old, new) for m, at, old, new in rows]


async def status_changes_since(
    session: AsyncSession, since: datetime, miners: Collection[int] | None = None
) -> list[tuple[int, datetime, str, str]]:
    rows = await session.execute(
        select(
            MinerStatusChange.miner_id,
            MinerStatusChange.at,
            MinerStatusChange.old_status,
            MinerStatusChange.new_status,
        )
        .where(_since(_statuses.c.at, since, miners))
        .order_by(MinerStatusChange.miner_id, MinerStatusChange.at, MinerStatusChange.id)
    )
    return [(m, at, old, new) for m, at, old, new in rows]

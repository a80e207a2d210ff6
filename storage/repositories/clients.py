"""Clients, with the per-client counts of the overview computed in the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Bill, Client, Miner, Staff, Task, TaskStatus

# Problems first: a manager opens a client's miners to see what is wrong.
_STATUS_ORDER = {"offline": 0, "hanged": 1, "lowhash": 2, "unknown": 3, "active": 4}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(query: Any, search: str | None, manager_id: int | None) -> Any:
    if manager_id is not None:
        query = query.where(Client.manager_id == manager_id)
    if search:
        pattern = f"%{_escape_like(search.casefold())}%"
        conditions = [
            Client.name_key.like(pattern, escape="\\"),
            Client.email.like(pattern, escape="\\"),
        ]
        digits = search.lstrip("#")
        if digits.isdigit():
            conditions.append(Client.id == int(digits))
        query = query.where(or_(*conditions))
    return query


async def count(session: AsyncSession, *, search: str | None, manager_id: int | None) -> int:
    query = _filtered(select(func.count(Client.id)), search, manager_id)
    return int(await session.scalar(query) or 0)


async def page(
    session: AsyncSession,
    *,
    search: str | None,
    manager_id: int | None,
    sort: str,
    offset: int,
    limit: int,
) -> Sequence[tuple[Client, str]]:
    """One page of clients with their manager's name."""
    query = select(Client, Staff.name).join(Staff, Staff.id == Client.manager_id)
    query = _filtered(query, search, manager_id)
    order = (Client.id,) if sort == "id" else (Client.name_key, Client.id)
    return (await session.execute(query.order_by(*order).offset(offset).limit(limit))).all()


async def miner_counts(
    session: AsyncSession, client_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """client id → {status: number of miners}."""
    rows = await session.execute(
        select(Miner.client_id, Miner.status, func.count())
        .where(Miner.client_id.in_(client_ids))
        .group_by(Miner.client_id, Miner.status)
    )
    out: dict[int, dict[str, int]] = {}
    for client_id, status, n in rows:
        out.setdefault(client_id, {})[status] = n
    return out


async def task_counts(
    session: AsyncSession, client_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """client id → {status category: number of tasks}, across all task managers."""
    rows = await session.execute(
        select(Task.client_id, TaskStatus.category, func.count())
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .where(Task.client_id.in_(client_ids))
        .group_by(Task.client_id, TaskStatus.category)
    )
    out: dict[int, dict[str, int]] = {}
    for client_id, category, n in rows:
        out.setdefault(client_id, {})[category] = n
    return out


async def bill_counts(session: AsyncSession, client_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(
        select(Bill.client_id, func.count())
        .where(Bill.client_id.in_(client_ids))
        .group_by(Bill.client_id)
    )
    return {client_id: n for client_id, n in rows}


async def by_email(session: AsyncSession, email: str) -> Client | None:
    return await session.scalar(select(Client).where(Client.email == email))


async def count_miners(session: AsyncSession, client_id: int) -> int:
    query = select(func.count(Miner.id)).where(Miner.client_id == client_id)
    return int(await session.scalar(query) or 0)


async def miners_page(
    session: AsyncSession, client_id: int, *, offset: int, limit: int
) -> Sequence[Miner]:
    """A client's miners, problems first."""
    rows = await session.scalars(
        select(Miner)
        .where(Miner.client_id == client_id)
        .order_by(case(_STATUS_ORDER, value=Miner.status, else_=len(_STATUS_ORDER)), Miner.id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all()

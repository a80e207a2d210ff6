"""Clients, with the per-client counts of the overview computed in the database.

A page of the overview is one statement: the clients of the page, their manager's name, and
correlated counts (miners per status, tasks per status category, bills), each answered from an
index; the statements are built once per shape and take their values as bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    MINER_STATUSES,
    TASK_CATEGORIES,
    Bill,
    Client,
    Miner,
    Staff,
    Task,
    TaskStatus,
)

# Problems first: a manager opens a client's miners to see what is wrong.
_STATUS_ORDER = {"offline": 0, "hanged": 1, "lowhash": 2, "unknown": 3, "active": 4}


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _counts(client_id: Any) -> list[Any]:
    """Correlated counts for the client whose id is `client_id` (a column of the outer query)."""
    miners = [
        select(func.count(Miner.id))
        .where(Miner.client_id == client_id, Miner.status == status)
        .scalar_subquery()
        .label(f"m_{status}")
        for status in MINER_STATUSES
    ]
    tasks = [
        select(func.count(Task.id))
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .where(Task.client_id == client_id, TaskStatus.category == category)
        .scalar_subquery()
        .label(f"t_{category}")
        for category in TASK_CATEGORIES
    ]
    bills = (
        select(func.count(Bill.id))
        .where(Bill.client_id == client_id)
        .scalar_subquery()
        .label("bills")
    )
    return [*miners, *tasks, bills]


_CLIENT_COLUMNS = (
    Client.id,
    Client.name,
    Client.name_key,
    Client.email,
    Client.phone,
    Client.messenger,
    Client.manager_id,
    Client.version,
    Client.created_at,
)


def _filtered(query: Any, *, search: bool, by_id: bool, mine: bool) -> Any:
    if mine:
        query = query.where(Client.manager_id == bindparam("manager_id"))
    if search:
        conditions: list[ColumnElement[bool]] = [
            Client.name_key.like(bindparam("pattern"), escape="\\"),
            Client.email.like(bindparam("pattern"), escape="\\"),
        ]
        if by_id:
            conditions.append(Client.id == bindparam("client_id"))
        query = query.where(or_(*conditions))
    return query


def _with_counts(clients: Any, order: tuple[Any, ...]) -> Select[*tuple[Any, ...]]:
    """Rows of `clients` (a subquery), their manager's name and their counts, in `order`."""
    return (
        select(clients, Staff.name.label("manager_name"), *_counts(clients.c.id))
        .join(Staff, Staff.id == clients.c.manager_id)
        .order_by(*order)
    )


@cache
def _page_statement(search: bool, by_id: bool, mine: bool, sort: str) -> Select[*tuple[Any, ...]]:
    """The page is cut first (LIMIT on clients only), then counted: 8 rows, not 2,000."""
    order = (Client.id,) if sort == "id" else (Client.name_key, Client.id)
    page = (
        _filtered(select(*_CLIENT_COLUMNS), search=search, by_id=by_id, mine=mine)
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    total = _count_statement(search, by_id, mine).scalar_subquery().label("total")
    outer_order = (page.c.id,) if sort == "id" else (page.c.name_key, page.c.id)
    return _with_counts(page, outer_order).add_columns(total)


@cache
def _count_statement(search: bool, by_id: bool, mine: bool) -> Select[*tuple[Any, ...]]:
    return _filtered(select(func.count(Client.id)), search=search, by_id=by_id, mine=mine)


@cache
def _card_statement() -> Select[*tuple[Any, ...]]:
    one = select(*_CLIENT_COLUMNS).where(Client.id == bindparam("client_id")).subquery("one")
    return _with_counts(one, (one.c.id,))


def _params(search: str | None, manager_id: int | None) -> tuple[dict[str, Any], bool, bool]:
    params: dict[str, Any] = {}
    by_id = False
    if manager_id is not None:
        params["manager_id"] = manager_id
    if search:
        params["pattern"] = f"%{escape_like(search.casefold())}%"
        digits = search.lstrip("#")
        if digits.isdigit():
            by_id, params["client_id"] = True, int(digits)
    return params, by_id, manager_id is not None


async def count(session: AsyncSession, *, search: str | None, manager_id: int | None) -> int:
    params, by_id, mine = _params(search, manager_id)
    statement = _count_statement(bool(search), by_id, mine)
    return int(await session.scalar(statement, params) or 0)


async def summaries(
    session: AsyncSession,
    *,
    search: str | None,
    manager_id: int | None,
    sort: str,
    offset: int,
    limit: int,
) -> Sequence[Row[*tuple[Any, ...]]]:
    """One page of clients with their counts; each row also carries the list's `total`."""
    params, by_id, mine = _params(search, manager_id)
    statement = _page_statement(bool(search), by_id, mine, sort)
    result = await session.execute(statement, {**params, "limit": limit, "offset": offset})
    return result.all()


def matching(search: str | None) -> ColumnElement[bool]:
    """Clients whose name or email contains `search`, or whose ID it is (`12` or `#12`);
    every client when there is no search. The one rule of every client picker."""
    if not search:
        return true()
    pattern = f"%{escape_like(search.casefold())}%"
    conditions: list[ColumnElement[bool]] = [
        Client.name_key.like(pattern, escape="\\"),
        Client.email.like(pattern, escape="\\"),
    ]
    digits = search.lstrip("#")
    if digits.isdigit():
        conditions.append(Client.id == int(digits))
    return or_(*conditions)


async def count_matching(session: AsyncSession, search: str | None) -> int:
    return int(await session.scalar(select(func.count(Client.id)).where(matching(search))) or 0)


async def find(
    session: AsyncSession, search: str | None, *, offset: int = 0, limit: int
) -> list[tuple[int, str, str]]:
    """A page of the clients a search names, by name: (id, name, email)."""
    rows = await session.execute(
        select(Client.id, Client.name, Client.email)
        .where(matching(search))
        .order_by(Client.name_key, Client.id)
        .offset(offset)
        .limit(limit)
    )
    return [(i, n, e) for i, n, e in rows]


async def summary(session: AsyncSession, client_id: int) -> Row[*tuple[Any, ...]] | None:
    return (await session.execute(_card_statement(), {"client_id": client_id})).first()


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

"""Clients, with the per-client counts of the overview computed in the database.

A page of the overview is one statement: the clients of the page, their manager's name, and
correlated counts (miners per status, tasks per status category, bills), each answered from an
index; the statements are built once per shape and take their values as bound parameters.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    MINER_STATUSES,
    TASK_CATEGORIES,
    Alert,
    AlertSubscription,
    Asset,
    AuditEntry,
    Bill,
    BillingRun,
    Client,
    ClientAlias,
    ExportJob,
    MeteredEnergy,
    Miner,
    MinerClientChange,
    MinerEnergyDaily,
    Payment,
    PricingRate,
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
    Client.archived_at,
    Client.merged_into_id,
)


def _filtered(query: Any, *, search: bool, by_id: bool, mine: bool, archived: bool) -> Any:
    """The overview's clients: the active ones, or (`archived`) the archived ones."""
    query = query.where(
        Client.archived_at.is_not(None) if archived else Client.archived_at.is_(None)
    )
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
def _page_statement(
    search: bool, by_id: bool, mine: bool, sort: str, archived: bool = False, total: bool = True
) -> Select[*tuple[Any, ...]]:
    """The page is cut first (LIMIT on clients only), then counted: 8 rows, not 2,000; the
    list's `total` goes along unless the caller knows it."""
    order = (Client.id,) if sort == "id" else (Client.name_key, Client.id)
    page = (
        _filtered(
            select(*_CLIENT_COLUMNS), search=search, by_id=by_id, mine=mine, archived=archived
        )
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    outer_order = (page.c.id,) if sort == "id" else (page.c.name_key, page.c.id)
    statement = _with_counts(page, outer_order)
    if not total:
        return statement
    count = _count_statement(search, by_id, mine, archived).scalar_subquery().label("total")
    return statement.add_columns(count)


@cache
def _count_statement(
    search: bool, by_id: bool, mine: bool, archived: bool = False
) -> Select[*tuple[Any, ...]]:
    return _filtered(
        select(func.count(Client.id)), search=search, by_id=by_id, mine=mine, archived=archived
    )


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


async def count(
    session: AsyncSession, *, search: str | None, manager_id: int | None, archived: bool = False
) -> int:
    params, by_id, mine = _params(search, manager_id)
    statement = _count_statement(bool(search), by_id, mine, archived)
    return int(await session.scalar(statement, params) or 0)


Query = tuple[Select[*tuple[Any, ...]], dict[str, Any]]  # a statement and its parameters


def page_query(
    *,
    search: str | None,
    manager_id: int | None,
    sort: str,
    offset: int,
    limit: int,
    archived: bool = False,
    total: bool = True,
) -> Query:
    """One page of clients (active, or `archived`) with their counts; each row also carries the
    list's `total` unless `total` is false."""
    params, by_id, mine = _params(search, manager_id)
    statement = _page_statement(bool(search), by_id, mine, sort, archived, total)
    return statement, {**params, "limit": limit, "offset": offset}


async def summaries(session: AsyncSession, **query: Any) -> Sequence[Row[*tuple[Any, ...]]]:
    """The rows of `page_query(**query)`."""
    statement, params = page_query(**query)
    return (await session.execute(statement, params)).all()


def matching(search: str | None, *, archived: bool = False) -> ColumnElement[bool]:
    """Clients whose name or email contains `search`, or whose ID it is (`12` or `#12`);
    every client when there is no search. The one rule of every client picker: archived
    clients are left out unless `archived` (an export may still include them)."""
    active = true() if archived else Client.archived_at.is_(None)
    if not search:
        return active
    pattern = f"%{escape_like(search.casefold())}%"
    conditions: list[ColumnElement[bool]] = [
        Client.name_key.like(pattern, escape="\\"),
        Client.email.like(pattern, escape="\\"),
    ]
    digits = search.lstrip("#")
    if digits.isdigit():
        conditions.append(Client.id == int(digits))
    return active & or_(*conditions)


async def count_matching(
    session: AsyncSession, search: str | None, *, archived: bool = False
) -> int:
    query = select(func.count(Client.id)).where(matching(search, archived=archived))
    return int(await session.scalar(query) or 0)


async def find(
    session: AsyncSession,
    search: str | None,
    *,
    offset: int = 0,
    limit: int,
    archived: bool = False,
) -> list[tuple[int, str, str]]:
    """A page of the clients a search names, by name: (id, name, email)."""
    rows = await session.execute(
        select(Client.id, Client.name, Client.email)
        .where(matching(search, archived=archived))
        .order_by(Client.name_key, Client.id)
        .offset(offset)
        .limit(limit)
    )
    return [(i, n, e) for i, n, e in rows]


def card_query(client_id: int) -> Query:
    """One client with its counts, as a row of the overview."""
    return _card_statement(), {"client_id": client_id}


async def summary(session: AsyncSession, client_id: int) -> Row[*tuple[Any, ...]] | None:
    return (await session.execute(*card_query(client_id))).first()


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


# --- archived and merged clients, aliases ---------------------------------------------------


async def lock(session: AsyncSession, client_ids: Collection[int]) -> dict[int, Client]:
    """The clients, locked against other changes until this transaction ends (in id order, so
    two lockers never wait for each other). FOR NO KEY UPDATE on PostgreSQL: rows that only
    refer to a client (a new miner's foreign key) are not held up; SQLite has one writer."""
    rows = await session.scalars(
        select(Client)
        .where(Client.id.in_(sorted(client_ids)))
        .order_by(Client.id)
        .with_for_update(key_share=True)
    )
    return {c.id: c for c in rows.all()}


async def lock_shared(session: AsyncSession, client_id: int) -> Client | None:
    """The client, held (FOR SHARE on PostgreSQL) until this transaction ends: something is
    being given to it, and it may not be archived or merged meanwhile."""
    return await session.scalar(
        select(Client).where(Client.id == client_id).with_for_update(read=True)
    )


async def alias(session: AsyncSession, email: str) -> ClientAlias | None:
    return await session.scalar(select(ClientAlias).where(ClientAlias.email == email))


async def aliases_of(session: AsyncSession, client_id: int) -> list[str]:
    rows = await session.scalars(
        select(ClientAlias.email).where(ClientAlias.client_id == client_id).order_by(ClientAlias.id)
    )
    return list(rows.all())


async def resolve_emails(
    session: AsyncSession, emails: Collection[str]
) -> dict[str, tuple[int, bool]]:
    """email → (the client it names, whether that client is archived): an alias names the
    client a merge gave it to, any other email its own client."""
    out: dict[str, tuple[int, bool]] = {}
    wanted = sorted(set(emails))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        aliased = await session.execute(
            select(ClientAlias.email, Client.id, Client.archived_at)
            .join(Client, Client.id == ClientAlias.client_id)
            .where(ClientAlias.email.in_(chunk))
        )
        out.update({e: (i, at is not None) for e, i, at in aliased})
        own = await session.execute(
            select(Client.email, Client.id, Client.archived_at).where(Client.email.in_(chunk))
        )
        for e, i, at in own:
            out.setdefault(e, (i, at is not None))
    return out


async def archived_among(session: AsyncSession, client_ids: Collection[int]) -> set[int]:
    if not client_ids:
        return set()
    rows = await session.scalars(
        select(Client.id).where(Client.id.in_(list(client_ids)), Client.archived_at.is_not(None))
    )
    return set(rows.all())


async def _merges(session: AsyncSession) -> dict[int, int]:
    """merged client → the client it was merged into (few rows: merges are rare)."""
    rows = await session.execute(
        select(Client.id, Client.merged_into_id).where(Client.merged_into_id.is_not(None))
    )
    return {i: into for i, into in rows if into is not None}


async def merged_into(session: AsyncSession, client_id: int) -> list[int]:
    """Clients merged into `client_id`, directly or through a client merged into it later."""
    merges = _merges_into(await _merges(session))
    found: list[int] = []
    todo = [client_id]
    while todo:
        for merged in merges.get(todo.pop(), ()):
            if merged not in found and merged != client_id:
                found.append(merged)
                todo.append(merged)
    return sorted(found)


def _merges_into(merges: dict[int, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for merged, into in merges.items():
        out.setdefault(into, []).append(merged)
    return out


async def survivors(session: AsyncSession, client_ids: Collection[int]) -> dict[int, int]:
    """client → the client that holds what it had: itself, or where its merges lead."""
    merges = await _merges(session)
    out: dict[int, int] = {}
    for client_id in client_ids:
        current, seen = client_id, {client_id}
        while current in merges and merges[current] not in seen:
            current = merges[current]
            seen.add(current)
        out[client_id] = current
    return out


# --- what a client holds: counted, moved by a merge, checked before an archive or delete -------


async def miners_of(session: AsyncSession, client_id: int) -> list[Row[*tuple[Any, ...]]]:
    """(id, serial, mac, ip) of the client's miners."""
    rows = await session.execute(
        select(Miner.id, Miner.serial, Miner.mac, Miner.ip)
        .where(Miner.client_id == client_id)
        .order_by(Miner.id)
    )
    return list(rows.all())


async def holdings(
    session: AsyncSession, client_id: int, into: int | None = None
) -> dict[str, int]:
    """What the client holds: miners, tasks, assets, bills and the payments on them, its alerts
    and the members who follow them (with `into`: those who do not follow that client already)."""

    async def n(query: Any) -> int:
        return int(await session.scalar(query) or 0)

    followers = select(func.count(AlertSubscription.id)).where(
        AlertSubscription.client_id == client_id
    )
    if into is not None:
        followers = followers.where(AlertSubscription.staff_id.not_in(_followers_of(into)))
    return {
        "miners": await n(select(func.count(Miner.id)).where(Miner.client_id == client_id)),
        "tasks": await n(select(func.count(Task.id)).where(Task.client_id == client_id)),
        "assets": await n(select(func.count(Asset.id)).where(Asset.client_id == client_id)),
        "bills": await n(select(func.count(Bill.id)).where(Bill.client_id == client_id)),
        "payments": await n(
            select(func.count(Payment.id))
            .join(Bill, Bill.id == Payment.bill_id)
            .where(Bill.client_id == client_id)
        ),
        "alerts": await n(select(func.count(Alert.id)).where(Alert.client_id == client_id)),
        "followers": await n(followers),
    }


def _followers_of(client_id: int) -> Any:
    return select(AlertSubscription.staff_id).where(AlertSubscription.client_id == client_id)


async def give_holdings(
    session: AsyncSession, source: int, target: int, now: datetime
) -> dict[str, int]:
    """The source's tasks, assets, bills (their payments with them) and alerts become the
    target's, and its followers follow the target (those who did already are not counted twice);
    returns how many of each moved. Miners are moved by the caller, with their history."""
    await session.execute(
        delete(AlertSubscription).where(
            AlertSubscription.client_id == source,
            AlertSubscription.staff_id.in_(_followers_of(target)),
        )
    )
    moved = {}
    for name, model in (
        ("tasks", Task),
        ("assets", Asset),
        ("bills", Bill),
        ("alerts", Alert),
        ("followers", AlertSubscription),
    ):
        table = cast(Table, model.__table__)
        values: dict[str, Any] = {"client_id": target}
        if "updated_at" in table.c:
            values["updated_at"] = now
        result = await session.execute(
            update(table).where(table.c.client_id == source).values(values)
        )
        moved[name] = int(getattr(result, "rowcount", 0) or 0)
    return moved


async def add_alias(
    session: AsyncSession, email: str, client_id: int, merged_from: int, now: datetime
) -> None:
    """`email` names `client_id` from now on, and so do the aliases `merged_from` had."""
    await session.execute(
        update(ClientAlias).where(ClientAlias.client_id == merged_from).values(client_id=client_id)
    )
    await session.execute(
        insert(ClientAlias).values(
            email=email, client_id=client_id, merged_from_id=merged_from, created_at=now
        )
    )


async def hold_exports_and_runs(session: AsyncSession) -> None:
    """Until this transaction ends, no export may be asked for or start and no monthly bill
    run may start or go on (PostgreSQL; SQLite has one writer at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("LOCK TABLE export_jobs, billing_runs IN SHARE ROW EXCLUSIVE MODE")
        )


async def unfinished_run(session: AsyncSession) -> str | None:
    """The period of a monthly bill run that started and has not finished, if any."""
    return await session.scalar(
        select(BillingRun.period).where(BillingRun.finished_at.is_(None)).limit(1)
    )


async def unfinished_exports(session: AsyncSession) -> list[tuple[int, list[int] | None]]:
    """(job id, its client ids or None for all clients) of exports queued or running."""
    rows = await session.execute(
        select(ExportJob.id, ExportJob.params)
        .where(ExportJob.status.in_(("queued", "running")))
        .order_by(ExportJob.id)
    )
    out = []
    for job_id, params in rows:
        clients = (params or {}).get("clients")
        out.append((job_id, [int(c) for c in clients] if isinstance(clients, list) else None))
    return out


async def open_bills(
    session: AsyncSession, client_id: int, statuses: Collection[str]
) -> list[Bill]:
    rows = await session.scalars(
        select(Bill)
        .where(Bill.client_id == client_id, Bill.status.in_(list(statuses)))
        .order_by(Bill.period, Bill.id)
    )
    return list(rows.all())


async def has_history(session: AsyncSession, client_id: int) -> bool:
    """Whether anything besides its creation refers to the client: miners, tasks, assets,
    bills, miner or energy history, readings, prices, aliases, merges, log entries."""
    checks: list[Any] = [
        select(Miner.id).where(Miner.client_id == client_id),
        select(Task.id).where(Task.client_id == client_id),
        select(Asset.id).where(Asset.client_id == client_id),
        select(Bill.id).where(or_(Bill.client_id == client_id, Bill.usage_client_id == client_id)),
        select(MinerClientChange.id).where(
            or_(
                MinerClientChange.old_client_id == client_id,
                MinerClientChange.new_client_id == client_id,
            )
        ),
        select(MinerEnergyDaily.id).where(MinerEnergyDaily.client_id == client_id),
        select(MeteredEnergy.id).where(MeteredEnergy.client_id == client_id),
        select(PricingRate.id).where(PricingRate.client_id == client_id),
        select(ClientAlias.id).where(
            or_(ClientAlias.client_id == client_id, ClientAlias.merged_from_id == client_id)
        ),
        select(Client.id).where(Client.merged_into_id == client_id),
        select(AuditEntry.id).where(
            AuditEntry.client_id == client_id, AuditEntry.action != "client.created"
        ),
    ]
    for query in checks:
        if await session.scalar(query.limit(1)) is not None:
            return True
    return False


async def delete_client(session: AsyncSession, client_id: int) -> None:
    """Delete a client that has no history; its creation entry stays in the log, unlinked."""
    await session.execute(
        update(AuditEntry).where(AuditEntry.client_id == client_id).values(client_id=None)
    )
    await session.execute(delete(Client).where(Client.id == client_id))

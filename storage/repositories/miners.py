"""Miners: the filtered list, selections, bulk writes of imports and mass actions.

Bulk writes use SQLAlchemy Core with executemany in chunks: a 100,000-row import or mass
action never builds ORM objects, and the event loop gets a turn between chunks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Table,
    and_,
    bindparam,
    false,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AlertMiner, AuditEntry, Client, Miner

CHUNK = 2_000  # rows per executemany
IN_CHUNK = 500  # values per IN (…) list
_miners = cast(Table, Miner.__table__)
_audit = cast(Table, AuditEntry.__table__)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- the list and selections ------------------------------------------------------------------


def filter_clause(
    *,
    client_id: int | None,
    status: str | None,
    paid: bool | None,
    search: str | None,
    alert_id: int | None = None,
) -> ColumnElement[bool]:
    """Miners of a client (0: of no client), in a status, paid or not, whose IP, serial, MAC or
    worker contains `search`, of one alert."""
    conditions: list[ColumnElement[bool]] = []
    if alert_id is not None:
        conditions.append(
            Miner.id.in_(select(AlertMiner.miner_id).where(AlertMiner.alert_id == alert_id))
        )
    if client_id == 0:
        conditions.append(Miner.client_id.is_(None))
    elif client_id is not None:
        conditions.append(Miner.client_id == client_id)
    if status is not None:
        conditions.append(Miner.status == status)
    if paid is not None:
        conditions.append(Miner.paid.is_(paid))
    if search:
        pattern = f"%{_escape_like(search)}%"
        mac = f"%{_escape_like(search.lower().replace('-', ':'))}%"
        conditions.append(
            or_(
                Miner.ip.ilike(pattern, escape="\\"),
                Miner.serial.ilike(pattern, escape="\\"),
                Miner.mac.ilike(mac, escape="\\"),
                Miner.worker.ilike(pattern, escape="\\"),
            )
        )
    return and_(true(), *conditions)


def selection_clause(
    matching: ColumnElement[bool] | None, ids: Collection[int], excluded: Collection[int]
) -> ColumnElement[bool]:
    """(all miners `matching` a filter, except `excluded`) plus the ticked `ids`."""
    parts: list[ColumnElement[bool]] = []
    if matching is not None:
        parts.append(and_(matching, Miner.id.not_in(list(excluded))) if excluded else matching)
    if ids:
        parts.append(Miner.id.in_(list(ids)))
    return or_(false(), *parts)


async def count(session: AsyncSession, where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count(Miner.id)).where(where)) or 0)


async def page(
    session: AsyncSession, where: ColumnElement[bool], *, offset: int, limit: int
) -> list[tuple[Miner, str | None]]:
    """A page of miners, each with its client's name (None: no client)."""
    rows = await session.execute(
        select(Miner, Client.name)
        .outerjoin(Client, Client.id == Miner.client_id)
        .where(where)
        .order_by(Miner.id)
        .offset(offset)
        .limit(limit)
    )
    return [(m, name) for m, name in rows]


async def matching_ids(
    session: AsyncSession, where: ColumnElement[bool], ids: Collection[int]
) -> set[int]:
    """Which of `ids` satisfy `where`."""
    if not ids:
        return set()
    rows = await session.scalars(select(Miner.id).where(where, Miner.id.in_(list(ids))))
    return set(rows.all())


async def count_by_client(
    session: AsyncSession, where: ColumnElement[bool]
) -> list[tuple[int | None, bool, int]]:
    """(client id, paid, miners) of the miners `where` selects."""
    rows = await session.execute(
        select(Miner.client_id, Miner.paid, func.count())
        .where(where)
        .group_by(Miner.client_id, Miner.paid)
    )
    return [(c, bool(p), n) for c, p, n in rows]


async def changing(
    session: AsyncSession, where: ColumnElement[bool], differs: ColumnElement[bool]
) -> list[Row[*tuple[Any, ...]]]:
    """(id, client_id, paid, status, serial, mac, ip) of the selected miners a change would
    actually change."""
    result = await session.execute(
        select(
            Miner.id, Miner.client_id, Miner.paid, Miner.status, Miner.serial, Miner.mac, Miner.ip
        )
        .where(where, differs)
        .order_by(Miner.id)
    )
    return list(result.all())


async def selected_ids(session: AsyncSession, where: ColumnElement[bool], limit: int) -> list[int]:
    """Ids of the miners `where` selects, at most `limit` of them."""
    rows = await session.scalars(select(Miner.id).where(where).order_by(Miner.id).limit(limit))
    return list(rows.all())


async def identifiers(
    session: AsyncSession, miner_ids: Collection[int]
) -> dict[int, tuple[str | None, str | None, str | None]]:
    """miner id → (serial, mac, ip)."""
    out: dict[int, tuple[str | None, str | None, str | None]] = {}
    for chunk in _chunks(sorted(miner_ids), IN_CHUNK):
        rows = await session.execute(
            select(Miner.id, Miner.serial, Miner.mac, Miner.ip).where(Miner.id.in_(chunk))
        )
        out.update({i: (s, m, ip) for i, s, m, ip in rows})
    return out


async def count_changing(
    session: AsyncSession, where: ColumnElement[bool], differs: ColumnElement[bool]
) -> int:
    return int(await session.scalar(select(func.count(Miner.id)).where(where, differs)) or 0)


async def set_values(session: AsyncSession, ids: Sequence[int], values: dict[str, Any]) -> None:
    for chunk in _chunks(ids, IN_CHUNK):
        await session.execute(update(_miners).where(_miners.c.id.in_(chunk)).values(values))


async def client_miner_counts(session: AsyncSession, client_ids: Collection[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    ids = list(client_ids)
    for chunk in _chunks(ids, IN_CHUNK):
        rows = await session.execute(
            select(Miner.client_id, func.count())
            .where(Miner.client_id.in_(chunk))
            .group_by(Miner.client_id)
        )
        out.update({c: n for c, n in rows if c is not None})
    return {c: out.get(c, 0) for c in ids}


async def paid_counts(
    session: AsyncSession, client_ids: Collection[int]
) -> dict[int, tuple[int, int]]:
    """client id → (paid miners, unpaid miners)."""
    out = {c: [0, 0] for c in client_ids}
    for chunk in _chunks(list(client_ids), IN_CHUNK):
        rows = await session.execute(
            select(Miner.client_id, Miner.paid, func.count())
            .where(Miner.client_id.in_(chunk))
            .group_by(Miner.client_id, Miner.paid)
        )
        for client_id, paid, n in rows:
            if client_id is not None:
                out[client_id][0 if paid else 1] = n
    return {c: (p, u) for c, (p, u) in out.items()}


# --- clients ----------------------------------------------------------------------------------


async def clients_by_email(session: AsyncSession, emails: Collection[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(sorted(emails), IN_CHUNK):
        rows = await session.execute(select(Client.email, Client.id).where(Client.email.in_(chunk)))
        out.update({e: i for e, i in rows})
    return out


async def client_labels(
    session: AsyncSession, client_ids: Collection[int]
) -> dict[int, tuple[str, str]]:
    """client id → (name, email)."""
    out: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(sorted(client_ids), IN_CHUNK):
        rows = await session.execute(
            select(Client.id, Client.name, Client.email).where(Client.id.in_(chunk))
        )
        out.update({i: (n, e) for i, n, e in rows})
    return out


# --- imports ----------------------------------------------------------------------------------

_EXISTING = (
    Miner.id,
    Miner.serial,
    Miner.mac,
    Miner.ip,
    Miner.model,
    Miner.submodel,
    Miner.worker,
    Miner.location,
    Miner.nominal_power_w,
    Miner.client_id,
    Miner.paid,
    Miner.status,
)


async def lock_for_import(session: AsyncSession) -> None:
    """Hold off other writers of miners until this transaction ends, so an import's plan stays
    true while it is written. SQLite needs nothing: BEGIN IMMEDIATE admits one writer at a time;
    PostgreSQL runs writers side by side under READ COMMITTED."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("LOCK TABLE miners IN SHARE ROW EXCLUSIVE MODE"))


async def stream_all(session: AsyncSession) -> AsyncIterator[Sequence[Row[*tuple[Any, ...]]]]:
    """Every miner's importable columns, a few thousand rows at a time."""
    result = await session.stream(select(*_EXISTING).execution_options(yield_per=CHUNK))
    async for part in result.partitions(CHUNK):
        yield part


async def by_identifiers(
    session: AsyncSession, serials: Collection[str], macs: Collection[str], ips: Collection[str]
) -> list[Row[*tuple[Any, ...]]]:
    """The miners any of these serials, MACs or IPs name (each miner once)."""
    found: dict[int, Row[*tuple[Any, ...]]] = {}
    for column, values in ((Miner.serial, serials), (Miner.mac, macs), (Miner.ip, ips)):
        for chunk in _chunks(sorted(values), IN_CHUNK):
            rows = await session.execute(select(*_EXISTING).where(column.in_(chunk)))
            for row in rows:
                found.setdefault(row[0], row)
    return list(found.values())


async def insert_miners(
    session: AsyncSession, rows: Sequence[dict[str, Any]], now: datetime
) -> None:
    for chunk in _chunks(rows, CHUNK):
        await session.execute(
            insert(_miners), [{**r, "created_at": now, "updated_at": now} for r in chunk]
        )


async def update_miners(
    session: AsyncSession, rows: Sequence[dict[str, Any]], now: datetime
) -> None:
    """Rows carry "id" and every importable column."""
    if not rows:
        return
    columns = [k for k in rows[0] if k != "id"]
    values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in columns}
    values["updated_at"] = bindparam("b_updated_at")
    statement = update(_miners).where(_miners.c.id == bindparam("b_id")).values(values)
    for chunk in _chunks(rows, CHUNK):
        params = [
            {"b_id": r["id"], "b_updated_at": now, **{f"b_{c}": r[c] for c in columns}}
            for r in chunk
        ]
        await session.execute(statement, params)


async def find_by_identifiers(
    session: AsyncSession, serials: Collection[str], macs: Collection[str], ips: Collection[str]
) -> list[tuple[int, str | None, str | None, str | None]]:
    """(id, serial, mac, ip) of miners named by any of the identifiers."""
    rows = await by_identifiers(session, serials, macs, ips)
    return [(r[0], r[1], r[2], r[3]) for r in rows]


# --- audit ------------------------------------------------------------------------------------


async def add_audit_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many audit entries at once (keys as storage.repositories.audit.add takes them)."""
    for chunk in _chunks(rows, CHUNK):
        await session.execute(insert(_audit), list(chunk))

"""Bills, their lines and payments, pricing history, metered energy; and the aggregates the
monthly run is made of. The heavy reads are a few GROUP BY statements over a month's rows; no
miner-day row is loaded into Python except for the few miners whose client or status changed
in the month (and for one client's evidence)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Bill,
    BillingProfile,
    BillLine,
    Client,
    ClientBilling,
    MeteredEnergy,
    Miner,
    MinerClientChange,
    MinerEnergyDaily,
    MinerStatusChange,
    Payment,
    PricingRate,
    Staff,
    Task,
)

IN_CHUNK = 500
CHUNK = 1_000
_lines = cast(Table, BillLine.__table__)
_bills = cast(Table, Bill.__table__)
_energy = cast(Table, MinerEnergyDaily.__table__)
MinerRow = Any  # a row: id, client_id, created_at, nominal_power_w, status, serial, ip, model


def _chunks(items: Sequence[Any], size: int = IN_CHUNK) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _client_in(column: Any, clients: Collection[int] | None) -> ColumnElement[bool]:
    if clients is None:
        return column.is_not(None)
    return column.in_(list(clients)) if clients else true().is_(False)


# --- usage: energy, holders, metered ----------------------------------------------------------


async def energy_by_client_day(
    session: AsyncSession, first: date, last: date, clients: Collection[int] | None
) -> list[tuple[int, date, str, int, int]]:
    """(client, day, source, Wh, rows) of telemetry's per-miner rows."""
    m = MinerEnergyDaily
    rows = await session.execute(
        select(m.client_id, m.day, m.source, func.sum(m.energy_wh), func.count())
        .where(m.day >= first, m.day <= last, _client_in(m.client_id, clients))
        .group_by(m.client_id, m.day, m.source)
    )
    return [(c, d, s, int(wh or 0), int(n)) for c, d, s, wh, n in rows if c is not None]


def _changed_since(start: datetime) -> Any:
    return select(MinerClientChange.miner_id).where(MinerClientChange.at >= start)


def _status_changed_since(start: datetime) -> Any:
    return select(MinerStatusChange.miner_id).where(MinerStatusChange.at >= start)


async def steady_counts(
    session: AsyncSession, start: datetime, clients: Collection[int] | None
) -> dict[int, int]:
    """Miners each client held through the whole window: added before it, never moved since."""
    rows = await session.execute(
        select(Miner.client_id, func.count())
        .where(
            _client_in(Miner.client_id, clients),
            Miner.created_at < start,
            Miner.id.not_in(_changed_since(start)),
        )
        .group_by(Miner.client_id)
    )
    return {c: int(n) for c, n in rows if c is not None}


_MINER_COLUMNS = (
    Miner.id,
    Miner.client_id,
    Miner.created_at,
    Miner.nominal_power_w,
    Miner.status,
    Miner.serial,
    Miner.ip,
    Miner.model,
)


async def moving_miners(
    session: AsyncSession, start: datetime, end: datetime, clients: Collection[int] | None = None
) -> list[MinerRow]:
    """Miners whose holder is not one client all window long: moved since it began, or added
    during it; of `clients` only (held by one of them now, or moved to or from one), or all."""
    query = select(*_MINER_COLUMNS).where(
        or_(
            Miner.id.in_(_changed_since(start)),
            and_(Miner.created_at >= start, Miner.created_at < end),
        )
    )
    if clients is not None:
        touched = _changed_since(start).where(
            or_(
                _client_in(MinerClientChange.old_client_id, clients),
                _client_in(MinerClientChange.new_client_id, clients),
            )
        )
        query = query.where(or_(_client_in(Miner.client_id, clients), Miner.id.in_(touched)))
    return list((await session.execute(query)).all())


async def miners_by_ids(session: AsyncSession, ids: Collection[int]) -> list[MinerRow]:
    out: list[MinerRow] = []
    for chunk in _chunks(sorted(ids)):
        out += (await session.execute(select(*_MINER_COLUMNS).where(Miner.id.in_(chunk)))).all()
    return out


async def miners_of_client(session: AsyncSession, client_id: int) -> list[MinerRow]:
    rows = await session.execute(
        select(*_MINER_COLUMNS).where(Miner.client_id == client_id).order_by(Miner.id)
    )
    return list(rows.all())


async def steady_nominal_power(
    session: AsyncSession, start: datetime, first: date, last: date, clients: Collection[int]
) -> dict[int, int]:
    """Per client, the nominal watts of miners it held all window long whose status did not
    change and is not offline, and which telemetry never reported in the window."""
    m = MinerEnergyDaily
    out: dict[int, int] = {}
    for chunk in _chunks(sorted(clients)):
        rows = await session.execute(
            select(Miner.client_id, func.sum(Miner.nominal_power_w))
            .where(
                Miner.client_id.in_(chunk),
                Miner.created_at < start,
                Miner.status != "offline",
                Miner.nominal_power_w.is_not(None),
                Miner.id.not_in(_changed_since(start)),
                Miner.id.not_in(_status_changed_since(start)),
                ~exists(select(m.id).where(m.miner_id == Miner.id, m.day >= first, m.day <= last)),
            )
            .group_by(Miner.client_id)
        )
        out.update({c: int(w or 0) for c, w in rows if c is not None})
    return out


async def telemetry_rows(
    session: AsyncSession, first: date, last: date, clients: Collection[int]
) -> list[tuple[int, date, int, int, str]]:
    """(miner, day, client, Wh, source) of telemetry's rows for some clients."""
    m = MinerEnergyDaily
    out: list[tuple[int, date, int, int, str]] = []
    for chunk in _chunks(sorted(clients)):
        rows = await session.execute(
            select(m.miner_id, m.day, m.client_id, m.energy_wh, m.source).where(
                m.client_id.in_(chunk), m.day >= first, m.day <= last
            )
        )
        out += [(mi, d, c, int(wh), s) for mi, d, c, wh, s in rows if c is not None]
    return out


async def status_changed_miners(
    session: AsyncSession, start: datetime, clients: Collection[int] | None = None
) -> set[int]:
    """Miners whose status changed since `start`; of those `clients` hold now, or all."""
    query = _status_changed_since(start)
    if clients is not None:
        query = query.join(Miner, Miner.id == MinerStatusChange.miner_id).where(
            _client_in(Miner.client_id, clients)
        )
    return set((await session.scalars(query.distinct())).all())


async def metered(
    session: AsyncSession, first: date, last: date, clients: Collection[int] | None
) -> list[tuple[int, date, date, int]]:
    """(client, first day, last day, Wh) of meter readings overlapping the days."""
    e = MeteredEnergy
    rows = await session.execute(
        select(e.client_id, e.first_day, e.last_day, e.energy_wh)
        .where(e.first_day <= last, e.last_day >= first, _client_in(e.client_id, clients))
        .order_by(e.client_id, e.first_day)
    )
    return [(c, f, la, int(wh)) for c, f, la, wh in rows]


async def replace_metered(session: AsyncSession, client_id: int, first: date, last: date) -> int:
    """Delete a client's readings overlapping first…last (a new reading replaces them)."""
    e = MeteredEnergy
    found = (
        await session.scalars(
            select(e).where(e.client_id == client_id, e.first_day <= last, e.last_day >= first)
        )
    ).all()
    for row in found:
        await session.delete(row)
    return len(found)


# --- rates and profiles -----------------------------------------------------------------------


async def rate_rows(
    session: AsyncSession, clients: Collection[int] | None = None
) -> Sequence[PricingRate]:
    """The facility's rates and those of `clients` (all clients: None), oldest first."""
    query = select(PricingRate)
    if clients is not None:
        query = query.where(
            or_(PricingRate.client_id.is_(None), PricingRate.client_id.in_(list(clients)))
        )
    rows = await session.scalars(query.order_by(PricingRate.valid_from, PricingRate.id))
    return rows.all()


async def profile(session: AsyncSession) -> BillingProfile | None:
    return await session.get(BillingProfile, 1)


async def client_languages(session: AsyncSession, clients: Collection[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(clients)):
        rows = await session.execute(
            select(ClientBilling.client_id, ClientBilling.language).where(
                ClientBilling.client_id.in_(chunk)
            )
        )
        out.update({c: lang for c, lang in rows})
    return out


# --- tasks ------------------------------------------------------------------------------------


async def billable_tasks(
    session: AsyncSession,
    *,
    before: datetime,
    manager_id: int,
    type_ids: Collection[int],
    clients: Collection[int] | None,
) -> list[tuple[int, int, str, dict[str, Any] | None, datetime]]:
    """(task, client, summary, extra, closed_at) of closed tasks of the board and types, closed
    before `before`, on no bill yet."""
    if not type_ids:
        return []
    rows = await session.execute(
        select(Task.id, Task.client_id, Task.summary, Task.extra, Task.closed_at)
        .where(
            Task.manager_id == manager_id,
            Task.type_id.in_(list(type_ids)),
            Task.closed_at.is_not(None),
            Task.closed_at < before,
            _client_in(Task.client_id, clients),
            ~exists(select(BillLine.id).where(BillLine.task_id == Task.id)),
        )
        .order_by(Task.closed_at, Task.id)
    )
    return [(i, c, s, x, at) for i, c, s, x, at in rows]


# --- bills ------------------------------------------------------------------------------------


async def billed_clients(session: AsyncSession, period: str) -> set[int]:
    """The clients whose usage of `period` is billed (a merge may have given the bill to
    another client)."""
    rows = await session.scalars(select(Bill.usage_client_id).where(Bill.period == period))
    return set(rows.all())


async def insert_bills(
    session: AsyncSession, bills: Sequence[dict[str, Any]], lines: Sequence[list[dict[str, Any]]]
) -> list[int]:
    """Bills and their lines (lines[i] belong to bills[i]); returns the bills' ids."""
    if not bills:
        return []
    result = await session.execute(
        insert(_bills).returning(_bills.c.id, sort_by_parameter_order=True), list(bills)
    )
    ids = [row[0] for row in result]
    rows = [
        {**line, "bill_id": bill_id, "position": n}
        for bill_id, bill_lines in zip(ids, lines, strict=True)
        for n, line in enumerate(bill_lines)
    ]
    for chunk in _chunks(rows, CHUNK):
        await session.execute(insert(_lines), list(chunk))
    return ids


def _filtered(
    query: Any,
    *,
    status: str | None,
    period: str | None,
    client_id: int | None,
    manager_id: int | None,
) -> Any:
    if status is not None:
        query = query.where(Bill.status == status)
    if period is not None:
        query = query.where(Bill.period == period)
    if client_id is not None:
        query = query.where(Bill.client_id == client_id)
    if manager_id is not None:
        query = query.where(Client.manager_id == manager_id)
    return query


_ORDER = case(
    {"overdue": 0, "partially_paid": 1, "unpaid": 2, "overpaid": 3, "paid": 4},
    value=Bill.status,
    else_=5,
)


async def page(
    session: AsyncSession,
    *,
    status: str | None,
    period: str | None,
    client_id: int | None,
    manager_id: int | None,
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[Bill, str]]]:
    """(total, a page of (Bill, client name)): overdue first, then what is still owed, newest
    month first."""
    base = select(func.count(Bill.id)).join(Client, Client.id == Bill.client_id)
    total = await session.scalar(
        _filtered(base, status=status, period=period, client_id=client_id, manager_id=manager_id)
    )
    query = _filtered(
        select(Bill, Client.name).join(Client, Client.id == Bill.client_id),
        status=status,
        period=period,
        client_id=client_id,
        manager_id=manager_id,
    )
    rows = await session.execute(
        query.order_by(_ORDER, Bill.period.desc(), Bill.id.desc()).offset(offset).limit(limit)
    )
    return int(total or 0), [(bill, name) for bill, name in rows]


async def owed_by_currency(
    session: AsyncSession, *, period: str | None, client_id: int | None, manager_id: int | None
) -> dict[str, int]:
    """What is still owed on open bills, per currency."""
    query = _filtered(
        select(Bill.currency, func.sum(Bill.total_minor - Bill.paid_minor))
        .join(Client, Client.id == Bill.client_id)
        .where(Bill.status.in_(("overdue", "unpaid", "partially_paid")))
        .group_by(Bill.currency),
        status=None,
        period=period,
        client_id=client_id,
        manager_id=manager_id,
    )
    return {c: int(v or 0) for c, v in await session.execute(query)}


async def periods(session: AsyncSession, limit: int) -> list[str]:
    rows = await session.scalars(
        select(Bill.period).distinct().order_by(Bill.period.desc()).limit(limit)
    )
    return list(rows.all())


async def lines_of(session: AsyncSession, bill_id: int) -> Sequence[BillLine]:
    rows = await session.scalars(
        select(BillLine).where(BillLine.bill_id == bill_id).order_by(BillLine.position)
    )
    return rows.all()


async def payments_of(session: AsyncSession, bill_id: int) -> list[tuple[Payment, str | None]]:
    rows = await session.execute(
        select(Payment, Staff.name)
        .outerjoin(Staff, Staff.id == Payment.created_by)
        .where(Payment.bill_id == bill_id)
        .order_by(Payment.paid_on, Payment.id)
    )
    return [(p, n) for p, n in rows]


async def client_bills(session: AsyncSession, client_id: int) -> Sequence[Bill]:
    rows = await session.scalars(
        select(Bill).where(Bill.client_id == client_id).order_by(Bill.period, Bill.id)
    )
    return rows.all()


async def newly_overdue(session: AsyncSession, today: date, limit: int) -> Sequence[Bill]:
    """Bills still owed whose due date has passed and that are not marked overdue yet."""
    rows = await session.scalars(
        select(Bill)
        .where(Bill.status.in_(("unpaid", "partially_paid")), Bill.due_on < today)
        .order_by(Bill.id)
        .limit(limit)
    )
    return rows.all()


# --- telemetry's table, written the way telemetry writes it ----------------------------------


async def put_miner_energy(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Write per-miner day rows (miner_id, day, client_id, energy_wh, source, up_seconds),
    replacing the rows of the same miner and day: a day computed again gives the same rows.
    Telemetry fills the table from its polls; imports of past energy and tests use this."""
    m = MinerEnergyDaily
    keys = sorted({(r["miner_id"], r["day"]) for r in rows})
    for chunk in _chunks(keys):
        for miner_id, day in chunk:
            await session.execute(_energy.delete().where(m.miner_id == miner_id, m.day == day))
    for chunk in _chunks(list(rows), CHUNK):
        await session.execute(
            insert(_energy),
            [{"up_seconds": 0, "updated_at": datetime.now(UTC), **r} for r in chunk],
        )

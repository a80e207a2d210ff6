"""Export jobs, and the statements that read each kind of exported data.

The data statements are plain Core selects (rows, not ORM objects) in a fixed column order that
services/exports/sheets.py maps to spreadsheet columns; `stream` reads them through a server-side
cursor in batches, so an export of 100,000 miners never holds more than one batch in memory.
`clients` is a list of client ids, or None for every client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    AuditEntry,
    Bill,
    BillLine,
    Client,
    ConsumptionDaily,
    ExportJob,
    Miner,
    OutboxMessage,
    Payment,
    PricingRate,
    Staff,
    Task,
    TaskField,
    TaskManager,
    TaskMiner,
    TaskStatus,
    TaskType,
)

Clients = Sequence[int] | None

# --- jobs ----------------------------------------------------------------------------------------


def add_job(
    session: AsyncSession, *, staff_id: int, params: dict[str, Any], at: datetime
) -> ExportJob:
    job = ExportJob(
        requested_by=staff_id, status="queued", params=params, attempts=0, created_at=at
    )
    session.add(job)
    return job


async def job_with_requester(session: AsyncSession, job_id: int) -> tuple[ExportJob, Staff] | None:
    row = (
        await session.execute(
            select(ExportJob, Staff)
            .join(Staff, Staff.id == ExportJob.requested_by)
            .where(ExportJob.id == job_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def count_jobs(session: AsyncSession, staff_id: int) -> int:
    query = select(func.count(ExportJob.id)).where(ExportJob.requested_by == staff_id)
    return int(await session.scalar(query) or 0)


async def jobs_page(
    session: AsyncSession, staff_id: int, *, offset: int, limit: int
) -> Sequence[ExportJob]:
    """A member's exports, newest first."""
    rows = await session.scalars(
        select(ExportJob)
        .where(ExportJob.requested_by == staff_id)
        .order_by(ExportJob.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def first_queued(session: AsyncSession) -> ExportJob | None:
    return await session.scalar(
        select(ExportJob).where(ExportJob.status == "queued").order_by(ExportJob.id).limit(1)
    )


async def unfinished(session: AsyncSession) -> Sequence[ExportJob]:
    rows = await session.scalars(
        select(ExportJob).where(ExportJob.status.in_(("queued", "running"))).order_by(ExportJob.id)
    )
    return rows.all()


async def with_files_before(session: AsyncSession, moment: datetime) -> Sequence[ExportJob]:
    """Finished jobs whose files were made before `moment` and are still kept."""
    rows = await session.scalars(
        select(ExportJob)
        .where(
            ExportJob.status.in_(("done", "failed")),
            ExportJob.file_path.is_not(None),
            ExportJob.finished_at < moment,
        )
        .order_by(ExportJob.id)
    )
    return rows.all()


async def notice_exists(session: AsyncSession, dedup_key: str) -> bool:
    found = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)
    )
    return found is not None


async def notice_pending(session: AsyncSession, dedup_prefix: str) -> bool:
    """A notice whose dedup key starts with `dedup_prefix` waits in the outbox."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.dedup_key.startswith(dedup_prefix, autoescape=True),
        )
        .limit(1)
    )
    return found is not None


async def client_names(session: AsyncSession, ids: Sequence[int]) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Client.id, Client.name).where(Client.id.in_(ids)).order_by(Client.id)
    )
    return [(i, n) for i, n in rows]


async def task_field_names(session: AsyncSession) -> dict[str, str]:
    """The extra fields of every task manager: id (as tasks.extra keys it) → name."""
    rows = await session.execute(select(TaskField.id, TaskField.name))
    return {str(i): n for i, n in rows}


async def staff_names(session: AsyncSession) -> dict[int, str]:
    """Every staff member's name by id (a facility has dozens, not thousands)."""
    rows = await session.execute(select(Staff.id, Staff.name))
    return {i: n for i, n in rows}


async def count_clients(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Client.id))) or 0)


# --- reading the data ------------------------------------------------------------------------


async def stream(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], batch: int
) -> AsyncIterator[Sequence[Row[*tuple[Any, ...]]]]:
    """The rows of `statement` in lists of at most `batch`, read through a server-side cursor."""
    connection = await session.connection()
    result = await connection.stream(statement.execution_options(yield_per=batch))
    async for rows in result.partitions(batch):
        yield rows


def _of(column: Any, clients: Clients) -> Any:
    return column.in_(clients) if clients is not None else column.is_not(None)


def _override(name: str, day: date) -> Any:
    """A client's own rate `name` valid on `day` (null: none, or the override was ended)."""
    return (
        select(PricingRate.value)
        .where(
            PricingRate.client_id == Client.id,
            PricingRate.name == name,
            PricingRate.valid_from <= day,
        )
        .order_by(PricingRate.valid_from.desc(), PricingRate.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def profiles(clients: Clients, day: date) -> Select[*tuple[Any, ...]]:
    """id, name, email, phone, messenger, manager, created_at, updated_at, miners, and the
    client's own rates valid on `day`: price_kwh, hosting_fee, markup, payment_term"""
    miners = select(func.count(Miner.id)).where(Miner.client_id == Client.id).scalar_subquery()
    return (
        select(
            Client.id,
            Client.name,
            Client.email,
            Client.phone,
            Client.messenger,
            Staff.name,
            Client.created_at,
            Client.updated_at,
            miners,
            _override("price_kwh", day),
            _override("hosting_fee", day),
            _override("markup", day),
            _override("payment_term", day),
        )
        .join(Staff, Staff.id == Client.manager_id)
        .where(_of(Client.id, clients))
        .order_by(Client.id)
    )


def miners(clients: Clients) -> Select[*tuple[Any, ...]]:
    """client_id, client, id, model, submodel, serial, mac, ip, worker, location,
    nominal_power_w, status, paid, created_at"""
    return (
        select(
            Miner.client_id,
            Client.name,
            Miner.id,
            Miner.model,
            Miner.submodel,
            Miner.serial,
            Miner.mac,
            Miner.ip,
            Miner.worker,
            Miner.location,
            Miner.nominal_power_w,
            Miner.status,
            Miner.paid,
            Miner.created_at,
        )
        .join(Client, Client.id == Miner.client_id)
        .where(_of(Miner.client_id, clients))
        .order_by(Miner.client_id, Miner.id)
    )


def tasks(clients: Clients, start: datetime, end: datetime) -> Select[*tuple[Any, ...]]:
    """Tasks that existed in [start, end) and were changed in it or are not done yet.

    client_id, client, id, task manager, type, status, summary, description, priority, due_date,
    assignee, reporter, miners, created_at, updated_at, extra ({field id: value})"""
    assignee, reporter = aliased(Staff), aliased(Staff)
    miners = (
        select(func.count(TaskMiner.miner_id)).where(TaskMiner.task_id == Task.id).scalar_subquery()
    )
    return (
        select(
            Task.client_id,
            Client.name,
            Task.id,
            TaskManager.name,
            TaskType.name,
            TaskStatus.name,
            Task.summary,
            Task.description,
            Task.priority,
            Task.due_date,
            assignee.name,
            reporter.name,
            miners,
            Task.created_at,
            Task.updated_at,
            Task.extra,
        )
        .join(Client, Client.id == Task.client_id)
        .join(TaskManager, TaskManager.id == Task.manager_id)
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .outerjoin(TaskType, TaskType.id == Task.type_id)
        .outerjoin(assignee, assignee.id == Task.assignee_id)
        .outerjoin(reporter, reporter.id == Task.reporter_id)
        .where(
            _of(Task.client_id, clients),
            Task.created_at < end,
            or_(Task.updated_at >= start, TaskStatus.category != "done"),
        )
        .order_by(Task.client_id, Task.id)
    )


def _lines(*kinds: str) -> Any:
    return (
        select(func.coalesce(func.sum(BillLine.amount_minor), 0))
        .where(BillLine.bill_id == Bill.id, BillLine.kind.in_(kinds))
        .scalar_subquery()
    )


def bills(clients: Clients, first_month: str, last_month: str) -> Select[*tuple[Any, ...]]:
    """Bills of the billing months the period touches.

    client_id, client, id, period, currency, energy_wh, energy, markup, hosting fee, service
    (tasks and lines added by hand), total_minor, paid_minor, status, issued_on, due_on,
    cancel_reason, created_at"""
    return (
        select(
            Bill.client_id,
            Client.name,
            Bill.id,
            Bill.period,
            Bill.currency,
            Bill.energy_wh,
            _lines("energy"),
            _lines("markup"),
            _lines("fee"),
            _lines("task", "service"),
            Bill.total_minor,
            Bill.paid_minor,
            Bill.status,
            Bill.issued_on,
            Bill.due_on,
            Bill.cancel_reason,
            Bill.created_at,
        )
        .join(Client, Client.id == Bill.client_id)
        .where(_of(Bill.client_id, clients), Bill.period.between(first_month, last_month))
        .order_by(Bill.client_id, Bill.period)
    )


def payments(clients: Clients, first_day: date, last_day: date) -> Select[*tuple[Any, ...]]:
    """Payments dated in the period.

    client_id, client, id, bill_id, bill period, paid_on, amount_minor, currency, method,
    reference, recorded by, created_at"""
    return (
        select(
            Bill.client_id,
            Client.name,
            Payment.id,
            Bill.id,
            Bill.period,
            Payment.paid_on,
            Payment.amount_minor,
            Bill.currency,
            Payment.method,
            Payment.reference,
            Staff.name,
            Payment.created_at,
        )
        .join(Bill, Bill.id == Payment.bill_id)
        .join(Client, Client.id == Bill.client_id)
        .outerjoin(Staff, Staff.id == Payment.created_by)
        .where(_of(Bill.client_id, clients), Payment.paid_on.between(first_day, last_day))
        .order_by(Bill.client_id, Payment.paid_on, Payment.id)
    )


def consumption(clients: Clients, first_day: date, last_day: date) -> Select[*tuple[Any, ...]]:
    """client_id, client, day, energy_wh"""
    return (
        select(
            ConsumptionDaily.client_id,
            Client.name,
            ConsumptionDaily.day,
            ConsumptionDaily.energy_wh,
        )
        .join(Client, Client.id == ConsumptionDaily.client_id)
        .where(
            _of(ConsumptionDaily.client_id, clients),
            ConsumptionDaily.day.between(first_day, last_day),
        )
        .order_by(ConsumptionDaily.client_id, ConsumptionDaily.day)
    )


def logs(clients: Clients, start: datetime, end: datetime) -> Select[*tuple[Any, ...]]:
    """Client-related audit entries in [start, end).

    at, client_id, client, who, category, action, entity_type, entity_id, changes, details"""
    return (
        select(
            AuditEntry.at,
            AuditEntry.client_id,
            Client.name,
            Staff.name,
            AuditEntry.category,
            AuditEntry.action,
            AuditEntry.entity_type,
            AuditEntry.entity_id,
            AuditEntry.changes,
            AuditEntry.details,
        )
        .join(Client, Client.id == AuditEntry.client_id)
        .outerjoin(Staff, Staff.id == AuditEntry.actor_id)
        .where(
            and_(_of(AuditEntry.client_id, clients), AuditEntry.at >= start, AuditEntry.at < end)
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )

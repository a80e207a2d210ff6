"""Task managers, tasks, their attachments and comments."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Asset,
    Client,
    Miner,
    Staff,
    Task,
    TaskAsset,
    TaskComment,
    TaskField,
    TaskManager,
    TaskMiner,
    TaskStatus,
    TaskType,
)

Assignee = aliased(Staff, name="assignee")
Reporter = aliased(Staff, name="reporter")


# --- task managers ----------------------------------------------------------------------------


async def managers(
    session: AsyncSession, ids: Sequence[int] | None = None
) -> Sequence[TaskManager]:
    """Boards, the built-in ones first, then by name."""
    query = select(TaskManager).order_by(TaskManager.is_builtin.desc(), TaskManager.name)
    if ids is not None:
        query = query.where(TaskManager.id.in_(ids))
    return (await session.scalars(query)).all()


async def manager_by_name(session: AsyncSession, name: str) -> TaskManager | None:
    """The board with this name, ignoring case (boards are few: compared here, not in SQL,
    so that non-Latin names compare the same on every database)."""
    key = name.casefold()
    for manager in await managers(session):
        if manager.name.casefold() == key:
            return manager
    return None


async def manager_parts(
    session: AsyncSession, manager_ids: Sequence[int]
) -> tuple[dict[int, list[TaskStatus]], dict[int, list[TaskType]], dict[int, list[TaskField]]]:
    """Statuses, types and fields of the given boards, by board id."""
    statuses: dict[int, list[TaskStatus]] = {}
    types: dict[int, list[TaskType]] = {}
    fields: dict[int, list[TaskField]] = {}
    if not manager_ids:
        return statuses, types, fields
    query = select(TaskStatus).where(TaskStatus.manager_id.in_(manager_ids))
    for s in await session.scalars(query):
        statuses.setdefault(s.manager_id, []).append(s)
    for t in await session.scalars(select(TaskType).where(TaskType.manager_id.in_(manager_ids))):
        types.setdefault(t.manager_id, []).append(t)
    for f in await session.scalars(select(TaskField).where(TaskField.manager_id.in_(manager_ids))):
        fields.setdefault(f.manager_id, []).append(f)
    return statuses, types, fields


# --- the task list ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    manager_id: int | None = None
    client_id: int | None = None
    category: str | None = None  # todo | in_progress | done | open (not done)
    assignee_id: int | None = None
    unassigned: bool = False


async def status_ids(session: AsyncSession) -> dict[str, list[int]]:
    """Status ids by category: a few rows, read first so that the task list is filtered and
    ordered on the tasks table alone (no join over every task)."""
    out: dict[str, list[int]] = {}
    for status_id, category in await session.execute(select(TaskStatus.id, TaskStatus.category)):
        out.setdefault(category, []).append(status_id)
    return out


def _filtered(query: Any, f: Filters, statuses: dict[str, list[int]]) -> Any:
    if f.manager_id is not None:
        query = query.where(Task.manager_id == f.manager_id)
    if f.client_id is not None:
        query = query.where(Task.client_id == f.client_id)
    if f.category == "open":
        query = query.where(Task.status_id.not_in(statuses.get("done", [])))
    elif f.category is not None:
        query = query.where(Task.status_id.in_(statuses.get(f.category, [])))
    if f.unassigned:
        query = query.where(Task.assignee_id.is_(None))
    elif f.assignee_id is not None:
        query = query.where(Task.assignee_id == f.assignee_id)
    return query


async def count(session: AsyncSession, f: Filters, statuses: dict[str, list[int]]) -> int:
    """How many tasks pass `f`; `statuses` from `status_ids`."""
    query = _filtered(select(func.count(Task.id)), f, statuses)
    return int(await session.scalar(query) or 0)


async def page(
    session: AsyncSession,
    f: Filters,
    statuses: dict[str, list[int]],
    *,
    offset: int,
    limit: int,
) -> list[tuple[Task, TaskStatus, str | None, str | None]]:
    """Tasks with their status, assignee's and client's names: open ones first, the nearest
    due date first (no due date last), then the newest. The page's ids are chosen on the tasks
    table alone; only those rows are joined."""
    ids = list(
        await session.scalars(
            _filtered(select(Task.id), f, statuses)
            .order_by(
                case((Task.status_id.in_(statuses.get("done", [])), 1), else_=0),
                Task.due_date.is_(None),
                Task.due_date,
                Task.id.desc(),
            )
            .offset(offset)
            .limit(limit)
        )
    )
    if not ids:
        return []
    rows = await session.execute(
        select(Task, TaskStatus, Assignee.name, Client.name)
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .outerjoin(Assignee, Assignee.id == Task.assignee_id)
        .outerjoin(Client, Client.id == Task.client_id)
        .where(Task.id.in_(ids))
    )
    order = {task_id: i for i, task_id in enumerate(ids)}
    return sorted(
        ((task, status, a, c) for task, status, a, c in rows), key=lambda r: order[r[0].id]
    )


def _clients_with_tasks() -> Any:
    return select(Task.client_id).where(Task.client_id.is_not(None)).distinct()


async def count_clients_with_tasks(session: AsyncSession) -> int:
    query = select(func.count()).select_from(_clients_with_tasks().subquery())
    return int(await session.scalar(query) or 0)


async def clients_with_tasks(
    session: AsyncSession, *, offset: int, limit: int
) -> Sequence[tuple[int, str]]:
    """Clients that have tasks (for the list's client filter), by name."""
    rows = await session.execute(
        select(Client.id, Client.name)
        .where(Client.id.in_(_clients_with_tasks()))
        .order_by(Client.name_key, Client.id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def count_client_miners(session: AsyncSession, client_id: int) -> int:
    query = select(func.count(Miner.id)).where(Miner.client_id == client_id)
    return int(await session.scalar(query) or 0)


async def count_client_assets(session: AsyncSession, client_id: int) -> int:
    query = select(func.count(Asset.id)).where(Asset.client_id == client_id)
    return int(await session.scalar(query) or 0)


# --- one task ---------------------------------------------------------------------------------


async def card_row(
    session: AsyncSession, task_id: int
) -> tuple[Task, TaskStatus, TaskType | None, str | None, str | None, str | None] | None:
    """A task with its status, type, assignee's, reporter's and client's names."""
    row = (
        await session.execute(
            select(Task, TaskStatus, TaskType, Assignee.name, Reporter.name, Client.name)
            .join(TaskStatus, TaskStatus.id == Task.status_id)
            .outerjoin(TaskType, TaskType.id == Task.type_id)
            .outerjoin(Assignee, Assignee.id == Task.assignee_id)
            .outerjoin(Reporter, Reporter.id == Task.reporter_id)
            .outerjoin(Client, Client.id == Task.client_id)
            .where(Task.id == task_id)
        )
    ).first()
    return None if row is None else tuple(row)  # type: ignore[return-value]


async def count_miners(session: AsyncSession, task_id: int) -> int:
    query = select(func.count()).select_from(TaskMiner).where(TaskMiner.task_id == task_id)
    return int(await session.scalar(query) or 0)


async def miners(
    session: AsyncSession, task_id: int, *, offset: int = 0, limit: int = 10
) -> Sequence[Miner]:
    rows = await session.scalars(
        select(Miner)
        .join(TaskMiner, TaskMiner.miner_id == Miner.id)
        .where(TaskMiner.task_id == task_id)
        .order_by(Miner.id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all()


async def assets(session: AsyncSession, task_id: int) -> Sequence[Asset]:
    rows = await session.scalars(
        select(Asset)
        .join(TaskAsset, TaskAsset.asset_id == Asset.id)
        .where(TaskAsset.task_id == task_id)
        .order_by(Asset.name, Asset.id)
    )
    return rows.all()


async def count_comments(session: AsyncSession, task_id: int) -> int:
    query = select(func.count(TaskComment.id)).where(TaskComment.task_id == task_id)
    return int(await session.scalar(query) or 0)


async def latest_comments(
    session: AsyncSession, task_id: int, limit: int
) -> list[tuple[TaskComment, str]]:
    """The newest `limit` comments with their authors' names, oldest of them first."""
    rows = await session.execute(
        select(TaskComment, Staff.name)
        .join(Staff, Staff.id == TaskComment.author_id)
        .where(TaskComment.task_id == task_id)
        .order_by(TaskComment.created_at.desc(), TaskComment.id.desc())
        .limit(limit)
    )
    return [(c, name) for c, name in reversed(rows.all())]


async def attach(
    session: AsyncSession, task_id: int, miner_ids: Collection[int], asset_ids: Collection[int]
) -> None:
    if miner_ids:
        await session.execute(
            insert(TaskMiner), [{"task_id": task_id, "miner_id": m} for m in sorted(miner_ids)]
        )
    if asset_ids:
        await session.execute(
            insert(TaskAsset), [{"task_id": task_id, "asset_id": a} for a in sorted(asset_ids)]
        )


async def client_miner_ids(session: AsyncSession, client_id: int) -> list[int]:
    return list(await session.scalars(select(Miner.id).where(Miner.client_id == client_id)))


async def client_asset_ids(session: AsyncSession, client_id: int) -> list[int]:
    return list(await session.scalars(select(Asset.id).where(Asset.client_id == client_id)))


# --- reminders --------------------------------------------------------------------------------


async def due_unreminded(
    session: AsyncSession, day: date, limit: int
) -> Sequence[tuple[Task, Staff]]:
    """Open tasks due on `day` whose assignee has not been reminded for that day yet."""
    rows = await session.execute(
        select(Task, Staff)
        .join(TaskStatus, TaskStatus.id == Task.status_id)
        .join(Staff, Staff.id == Task.assignee_id)
        .where(
            Task.due_date == day,
            TaskStatus.category != "done",
            (Task.reminded_on.is_(None)) | (Task.reminded_on != day),
        )
        .order_by(Task.id)
        .limit(limit)
        .with_for_update(of=Task, skip_locked=True)  # PostgreSQL: a parallel run skips these
    )
    return rows.all()

"""Tasks: created for a client, a miner or on their own; listed, opened, moved, reassigned,
commented; the assignee is told, and reminded once on the due date.

Dates (due dates, "today", "overdue") are the facility's local dates; timestamps are UTC.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.alerts.rails import tell
from services.clients.guard import active_client, archived
from services.clients.service import MinerLine
from services.errors import Invalid, NotFound, PermissionDenied
from services.facility import FacilityService
from services.outbox import notify
from services.pagination import Page, clamp_page
from services.permissions import Permission
from services.tasks.assets import AssetInfo, asset_info
from services.tasks.managers import FieldInfo, ManagerInfo, StatusInfo, load_manager
from services.text import has_visible, tidy
from storage.db import Database
from storage.models import Asset, Client, Miner, OutboxMessage, Staff, Task, TaskComment, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import clients as clients_repo
from storage.repositories import tasks as repo

PRIORITIES = ("low", "medium", "high", "critical")
DEFAULT_PRIORITY = "medium"
DUE_PRESETS = ("1w", "2w", "1m")
CATEGORY_FILTERS = ("open", "todo", "in_progress", "done")
REMIND_FROM_HOUR = 9  # local time: a reminder is not sent at midnight
SUMMARY_MAX = 256
DESCRIPTION_MAX = 2000
COMMENT_MAX = 1000
EXTRA_TEXT_MAX = 500
CARD_MINERS = 8
CARD_COMMENTS = 5
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


# --- values ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """What the list shows. `assignee_id` 0 means "nobody"."""

    manager_id: int | None = None
    client_id: int | None = None
    category: str | None = None
    assignee_id: int | None = None


@dataclass(frozen=True, slots=True)
class TaskLine:
    id: int
    summary: str
    status: str
    category: str
    priority: str
    due_date: date | None
    assignee: str | None
    client_id: int | None
    client: str | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class CommentInfo:
    author: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TaskCard:
    id: int
    manager: ManagerInfo
    type: str | None
    status: StatusInfo
    summary: str
    description: str | None
    priority: str
    due_date: date | None
    assignee_id: int | None
    assignee: str | None
    reporter: str | None
    client_id: int | None
    client: str | None
    created_at: datetime
    extra: list[tuple[FieldInfo, str]]
    miners: list[MinerLine]
    miners_total: int
    assets: list[AssetInfo]
    comments: list[CommentInfo]
    comments_total: int
    overdue: bool


@dataclass(frozen=True, slots=True)
class TaskOrigin:
    """Where a new task comes from: a client (with how many miners and assets it has to attach)
    and/or one miner."""

    client_id: int | None
    client: str | None
    miners: int = 0
    assets: int = 0
    miner_id: int | None = None
    miner: MinerLine | None = None


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A filled-in task form."""

    manager_id: int
    type_id: int | None
    summary: str
    priority: str = DEFAULT_PRIORITY
    due_date: date | None = None
    assignee_id: int | None = None
    description: str | None = None
    extra: Mapping[int, str] = field(default_factory=dict)
    client_id: int | None = None
    miner_id: int | None = None
    all_miners: bool = False
    all_assets: bool = False
    asset_ids: tuple[int, ...] = ()
    miner_ids: tuple[int, ...] = ()  # miners picked elsewhere (an alert's), all the client's


# --- validation (pure) ----------------------------------------------------------------------


def clean_summary(value: str) -> str:
    text = tidy(str(value))
    if not has_visible(text):
        raise Invalid("task_summary", "invisible" if str(value).strip() else "empty")
    if len(text) > SUMMARY_MAX:
        raise Invalid("task_summary", "length", max=SUMMARY_MAX)
    return text


def clean_description(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > DESCRIPTION_MAX:
        raise Invalid("task_description", "length", max=DESCRIPTION_MAX)
    return text


def clean_comment(value: str) -> str:
    text = str(value).strip()
    if not has_visible(text):
        raise Invalid("task_comment", "invisible" if text else "empty")
    if len(text) > COMMENT_MAX:
        raise Invalid("task_comment", "length", max=COMMENT_MAX)
    return text


def clean_priority(value: str) -> str:
    if value not in PRIORITIES:
        raise Invalid("task_priority", "unknown")
    return value


def parse_date(value: str | date, field_name: str = "task_due") -> date:
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid(field_name, "format")


def clean_due(value: str | date, today: date) -> date:
    day = parse_date(value)
    if day < today:
        raise Invalid("task_due", "past", today=today.isoformat())
    return day


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_from_preset(preset: str, today: date) -> date:
    if preset == "1w":
        return today + timedelta(days=7)
    if preset == "2w":
        return today + timedelta(days=14)
    if preset == "1m":
        return add_months(today, 1)
    raise Invalid("task_due", "format")


def clean_extra(f: FieldInfo, value: str | None) -> str | None:
    """One answer to a manager's own field, checked by its kind; None when left empty."""
    text = "" if value is None else " ".join(str(value).split())
    if not text:
        if f.required:
            raise Invalid("task_extra", "required", name=f.name)
        return None
    if f.kind == "number":
        try:
            number = Decimal(text.replace(" ", "").replace(",", "."))
        except InvalidOperation as exc:
            raise Invalid("task_extra", "number", name=f.name) from exc
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            raise Invalid("task_extra", "number", name=f.name)
        return format(number.normalize(), "f")
    if f.kind == "date":
        return parse_date(text, "task_extra_date").isoformat()
    if f.kind == "choice":
        if text not in f.choices:
            raise Invalid("task_extra", "choice", name=f.name)
        return text
    if len(text) > EXTRA_TEXT_MAX:
        raise Invalid("task_extra", "length", name=f.name, max=EXTRA_TEXT_MAX)
    return text


def _require_any(actor: Actor, *flags: Permission) -> None:
    if not any(actor.can(f) for f in flags):
        raise PermissionDenied(flags[0].value)


def _label(task: Task) -> str:
    return f"#{task.id} {task.summary}"


class TaskService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock

    async def today(self) -> date:
        """Today in the facility's time zone."""
        zone = (await self.facility.get()).zone
        return self.clock().astimezone(zone).date()

    # --- starting a task ----------------------------------------------------------------

    async def start(
        self, actor: Actor, *, client_id: int | None = None, miner_id: int | None = None
    ) -> TaskOrigin:
        """Check that `actor` may create a task, and describe where it comes from. A miner's
        task belongs to the miner's client."""
        actor.require(Permission.TASKS_CREATE)
        async with self.db.read() as session:
            miner = None
            if miner_id is not None:
                miner = await session.get(Miner, miner_id)
                if miner is None:
                    raise NotFound("miner", miner_id)
                client_id = miner.client_id
            client = None
            if client_id is not None:
                client = await session.get(Client, client_id)
                if client is None:
                    raise NotFound("client", client_id)
                if client.archived_at is not None:
                    raise archived(client)
            miners = assets = 0
            if client is not None:
                miners = await repo.count_client_miners(session, client.id)
                assets = await repo.count_client_assets(session, client.id)
        return TaskOrigin(
            client_id=client.id if client else None,
            client=client.name if client else None,
            miners=miners,
            assets=assets,
            miner_id=miner.id if miner else None,
            miner=MinerLine.of(miner) if miner else None,
        )

    async def pick_clients(
        self, actor: Actor, search: str | None, page: int = 0, per_page: int = 8
    ) -> Page[tuple[int, str]]:
        """Clients to create a task for, by name, email or ID."""
        actor.require(Permission.TASKS_CREATE)
        search = (search or "").strip() or None
        async with self.db.read() as session:
            total = await clients_repo.count_matching(session, search)
            page = clamp_page(page, total, per_page)
            rows = await clients_repo.find(session, search, offset=page * per_page, limit=per_page)
        return Page([(i, n) for i, n, _ in rows], page, per_page, total)

    async def check_summary(self, actor: Actor, value: str) -> str:
        _require_any(actor, Permission.TASKS_CREATE, Permission.TASKS_EDIT)
        return clean_summary(value)

    async def check_description(self, actor: Actor, value: str | None) -> str | None:
        actor.require(Permission.TASKS_CREATE)
        return clean_description(value)

    async def check_due(self, actor: Actor, value: str | date) -> date:
        """A due date typed or picked: a date, and not in the past."""
        _require_any(actor, Permission.TASKS_CREATE, Permission.TASKS_EDIT)
        return clean_due(value, await self.today())

    async def due_preset(self, actor: Actor, preset: str) -> date:
        """1 week, 2 weeks or 1 month from today."""
        _require_any(actor, Permission.TASKS_CREATE, Permission.TASKS_EDIT)
        return due_from_preset(preset, await self.today())

    async def check_extra(
        self, actor: Actor, manager_id: int, field_id: int, value: str | None
    ) -> str | None:
        actor.require(Permission.TASKS_CREATE)
        async with self.db.read() as session:
            manager = await load_manager(session, manager_id)
        return clean_extra(manager.field(field_id), value)

    async def check_assignee(self, actor: Actor, staff_id: int) -> int:
        _require_any(actor, Permission.TASKS_CREATE, Permission.TASKS_EDIT)
        async with self.db.read() as session:
            await self._active_staff(session, staff_id)
        return staff_id

    async def _active_staff(self, session: AsyncSession, staff_id: int) -> Staff:
        staff = await session.get(Staff, staff_id)
        if staff is None or not staff.is_active:
            raise Invalid("task_assignee", "inactive")
        return staff

    # --- creating -----------------------------------------------------------------------

    async def create(self, actor: Actor, draft: TaskDraft) -> TaskCard:
        """Save a task with everything checked again; attach miners and assets; tell the
        assignee. Audited in the task log and, for a client's task, the client's log."""
        actor.require(Permission.TASKS_CREATE)
        summary = clean_summary(draft.summary)
        priority = clean_priority(draft.priority)
        description = clean_description(draft.description)
        today = await self.today()
        due = clean_due(draft.due_date, today) if draft.due_date is not None else None
        now = self.clock()
        async with self.db.write() as session:
            manager = await load_manager(session, draft.manager_id)
            if draft.type_id is None and manager.types:
                raise Invalid("task_type", "unknown")
            task_type = manager.type(draft.type_id) if draft.type_id is not None else None
            extra = self._clean_extras(manager, draft.extra)
            assignee = (
                await self._active_staff(session, draft.assignee_id)
                if draft.assignee_id is not None
                else None
            )
            client_id, miner_ids, asset_ids = await self._attachments(session, draft)
            task = Task(
                manager_id=manager.id,
                type_id=task_type.id if task_type else None,
                status_id=manager.first_status.id,
                summary=summary,
                description=description,
                priority=priority,
                due_date=due,
                assignee_id=assignee.id if assignee else None,
                reporter_id=actor.staff_id,
                client_id=client_id,
                extra=extra or None,
                created_at=now,
                updated_at=now,
            )
            session.add(task)
            await session.flush()
            await repo.attach(session, task.id, miner_ids, asset_ids)
            changes: dict[str, Any] = {}
            if assignee is not None:
                changes["task-assignee"] = [None, assignee.name]
            if due is not None:
                changes["task-due"] = [None, due.isoformat()]
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="task",
                action="task.created",
                entity_type="task",
                entity_id=task.id,
                client_id=client_id,
                changes=changes,
                details={
                    "name": _label(task),
                    "manager": manager.name,
                    "type": task_type.name if task_type else None,
                    "status": manager.first_status.name,
                    "priority": priority,
                    "miners": len(miner_ids),
                    "assets": len(asset_ids),
                },
                at=now,
            )
            if assignee is not None and assignee.id != actor.staff_id:
                await self._tell_assignee(session, actor, task, assignee)
            task_id = task.id
        return await self._card(task_id)

    def _clean_extras(self, manager: ManagerInfo, values: Mapping[int, str]) -> dict[str, str]:
        known = {f.id for f in manager.fields}
        if any(int(k) not in known for k in values):
            raise Invalid("task_extra", "unknown")
        out: dict[str, str] = {}
        for f in manager.fields:
            cleaned = clean_extra(f, values.get(f.id))
            if cleaned is not None:
                out[str(f.id)] = cleaned
        return out

    async def _attachments(
        self, session: AsyncSession, draft: TaskDraft
    ) -> tuple[int | None, set[int], set[int]]:
        """The task's client and the miners and assets to attach, all checked to exist and to
        belong to that client."""
        client_id = draft.client_id
        miner_ids: set[int] = set()
        if draft.miner_id is not None:
            miner = await session.get(Miner, draft.miner_id)
            if miner is None:
                raise NotFound("miner", draft.miner_id)
            if client_id is not None and miner.client_id != client_id:
                raise Invalid("task_miner", "other-client")
            client_id = miner.client_id
            miner_ids.add(miner.id)
        if draft.miner_ids:
            owners = {
                m.id: m.client_id
                for m in await session.scalars(select(Miner).where(Miner.id.in_(draft.miner_ids)))
            }
            if set(owners) != set(draft.miner_ids):
                raise Invalid("task_miner", "gone")
            if client_id is None or any(o != client_id for o in owners.values()):
                raise Invalid("task_miner", "other-client")
            miner_ids |= set(owners)
        if client_id is not None:  # held: it may not be archived or merged meanwhile
            await active_client(session, client_id)
        if (draft.all_miners or draft.all_assets or draft.asset_ids) and client_id is None:
            raise Invalid("task_assets", "no-client")
        asset_ids = set(draft.asset_ids)
        if asset_ids:
            owners = {
                a.id: a.client_id
                for a in await session.scalars(select(Asset).where(Asset.id.in_(asset_ids)))
            }
            if set(owners) != asset_ids or any(o != client_id for o in owners.values()):
                raise Invalid("task_assets", "other-client")
        if client_id is not None and draft.all_miners:
            miner_ids |= set(await repo.client_miner_ids(session, client_id))
        if client_id is not None and draft.all_assets:
            asset_ids |= set(await repo.client_asset_ids(session, client_id))
        return client_id, miner_ids, asset_ids

    async def _tell_assignee(
        self, session: AsyncSession, actor: Actor, task: Task, assignee: Staff
    ) -> None:
        client = await session.get(Client, task.client_id) if task.client_id else None
        await tell(
            session,
            assignee,
            "task_assigned",
            "notify-task-assigned",
            args={
                "by": actor.name,
                "id": str(task.id),
                "summary": task.summary,
                "client": f"#{client.id} {client.name}" if client else "—",
                "due": task.due_date.isoformat() if task.due_date else "—",
            },
            buttons=[{"open": "task", "id": task.id}],
        )

    async def _tell(
        self,
        session: AsyncSession,
        actor: Actor,
        staff_id: int | None,
        key: str,
        task: Task,
        **args: str,
    ) -> None:
        """Tell one member about the task through the outbox (not the member who did it)."""
        if staff_id is None or staff_id == actor.staff_id:
            return
        recipient = await session.get(Staff, staff_id)
        if recipient is not None:
            notify(
                session,
                recipient,
                key,
                args={"by": actor.name, "id": str(task.id), "summary": task.summary, **args},
                buttons=[{"open": "task", "id": task.id}],
            )

    # --- reading ------------------------------------------------------------------------

    async def page(
        self, actor: Actor, query: TaskQuery = TaskQuery(), page: int = 0, per_page: int = 8
    ) -> Page[TaskLine]:
        actor.require(Permission.TASKS_VIEW)
        if query.category is not None and query.category not in CATEGORY_FILTERS:
            raise Invalid("task_category", "unknown")
        filters = repo.Filters(
            manager_id=query.manager_id,
            client_id=query.client_id,
            category=query.category,
            assignee_id=query.assignee_id or None,
            unassigned=query.assignee_id == 0,
        )
        today = await self.today()
        async with self.db.read() as session:
            statuses = await repo.status_ids(session)
            total = await repo.count(session, filters, statuses)
            page = clamp_page(page, total, per_page)
            rows = await repo.page(
                session, filters, statuses, offset=page * per_page, limit=per_page
            )
        items = [
            TaskLine(
                id=task.id,
                summary=task.summary,
                status=status.name,
                category=status.category,
                priority=task.priority,
                due_date=task.due_date,
                assignee=assignee,
                client_id=task.client_id,
                client=client,
                overdue=_overdue(task.due_date, status.category, today),
            )
            for task, status, assignee, client in rows
        ]
        return Page(items, page, per_page, total)

    async def filter_clients(
        self, actor: Actor, page: int = 0, per_page: int = 8
    ) -> Page[tuple[int, str]]:
        """Clients that have tasks, for the list's client filter."""
        actor.require(Permission.TASKS_VIEW)
        async with self.db.read() as session:
            total = await repo.count_clients_with_tasks(session)
            page = clamp_page(page, total, per_page)
            rows = await repo.clients_with_tasks(session, offset=page * per_page, limit=per_page)
        return Page([(i, n) for i, n in rows], page, per_page, total)

    async def card(self, actor: Actor, task_id: int) -> TaskCard:
        """A task for members with tasks.view, and for its assignee whatever their role."""
        card = await self._card(task_id)
        if not actor.can(Permission.TASKS_VIEW) and card.assignee_id != actor.staff_id:
            raise PermissionDenied(Permission.TASKS_VIEW.value)
        return card

    async def _card(self, task_id: int) -> TaskCard:
        today = await self.today()
        async with self.db.read() as session:
            row = await repo.card_row(session, task_id)
            if row is None:
                raise NotFound("task", task_id)
            task, status, task_type, assignee, reporter, client = row
            manager = await load_manager(session, task.manager_id)
            miners = await repo.miners(session, task.id, limit=CARD_MINERS)
            miners_total = await repo.count_miners(session, task.id)
            assets = await repo.assets(session, task.id)
            comments = await repo.latest_comments(session, task.id, CARD_COMMENTS)
            comments_total = await repo.count_comments(session, task.id)
        values = task.extra or {}
        return TaskCard(
            id=task.id,
            manager=manager,
            type=task_type.name if task_type else None,
            status=StatusInfo(status.id, status.name, status.category, status.position),
            summary=task.summary,
            description=task.description,
            priority=task.priority,
            due_date=task.due_date,
            assignee_id=task.assignee_id,
            assignee=assignee,
            reporter=reporter,
            client_id=task.client_id,
            client=client,
            created_at=task.created_at,
            extra=[(f, values[str(f.id)]) for f in manager.fields if str(f.id) in values],
            miners=[MinerLine.of(m) for m in miners],
            miners_total=miners_total,
            assets=[asset_info(a) for a in assets],
            comments=[CommentInfo(name, c.text, c.created_at) for c, name in comments],
            comments_total=comments_total,
            overdue=_overdue(task.due_date, status.category, today),
        )

    async def start_edit(self, actor: Actor, task_id: int) -> TaskCard:
        """The task as it is when a member starts changing it (refused without tasks.edit)."""
        actor.require(Permission.TASKS_EDIT)
        return await self.card(actor, task_id)

    async def start_work(self, actor: Actor, task_id: int) -> TaskCard:
        """The task as it is when a member starts moving or commenting it: members with
        tasks.edit, and the task's assignee whatever their role's task flags."""
        card = await self.card(actor, task_id)
        if not may_work(actor, card.assignee_id):
            raise PermissionDenied(Permission.TASKS_EDIT.value)
        return card

    async def miners(
        self, actor: Actor, task_id: int, page: int = 0, per_page: int = 10
    ) -> Page[MinerLine]:
        """Every miner attached to a task, a page at a time."""
        actor.require(Permission.TASKS_VIEW)
        async with self.db.read() as session:
            if await session.get(Task, task_id) is None:
                raise NotFound("task", task_id)
            total = await repo.count_miners(session, task_id)
            page = clamp_page(page, total, per_page)
            rows = await repo.miners(session, task_id, offset=page * per_page, limit=per_page)
        return Page([MinerLine.of(m) for m in rows], page, per_page, total)

    # --- changing -----------------------------------------------------------------------

    async def _change(
        self,
        actor: Actor,
        task_id: int,
        apply: Callable[[AsyncSession, Task], Any],
        *,
        assignee_may: bool = False,
    ) -> TaskCard:
        """Run `apply` on the task in a write transaction (it audits what it changed). Needs
        tasks.edit; with `assignee_may`, the task's assignee may do it too."""
        if not assignee_may:
            actor.require(Permission.TASKS_EDIT)
        async with self.db.write() as session:
            task = await session.get(Task, task_id)
            if task is None:
                raise NotFound("task", task_id)
            if not may_work(actor, task.assignee_id):
                raise PermissionDenied(Permission.TASKS_EDIT.value)
            await apply(session, task)
        return await self.card(actor, task_id)

    def _audit(
        self, session: AsyncSession, actor: Actor, task: Task, action: str, changes: dict[str, Any]
    ) -> None:
        now = self.clock()
        task.updated_at = now
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="task",
            action=action,
            entity_type="task",
            entity_id=task.id,
            client_id=task.client_id,
            changes=changes,
            details={"name": _label(task)},
            at=now,
        )

    async def move(self, actor: Actor, task_id: int, status_id: int) -> TaskCard:
        """Put the task in another status of its board (its assignee may, too). When it becomes
        done, the member who reported it is told."""

        async def apply(session: AsyncSession, task: Task) -> None:
            manager = await load_manager(session, task.manager_id)
            new = manager.status(status_id)
            if new.id == task.status_id:
                return
            old = manager.status(task.status_id)
            task.status_id = new.id
            if (new.category == "done") != (old.category == "done"):
                # closed (a cost on it is billed from then on), or opened again
                task.closed_at = self.clock() if new.category == "done" else None
            changes = {"task-status": [old.name, new.name]}
            self._audit(session, actor, task, "task.status_changed", changes)
            if new.category == "done" and old.category != "done":
                done = {"status": new.name}
                await self._tell(session, actor, task.reporter_id, "notify-task-done", task, **done)

        return await self._change(actor, task_id, apply, assignee_may=True)

    async def set_field(
        self, actor: Actor, task_id: int, field_id: int, value: str | None
    ) -> TaskCard:
        """Answer one of the board's own fields after the task exists (a repair's Cost is known
        when it is done); None or "" clears it. Logged with old → new."""

        async def apply(session: AsyncSession, task: Task) -> None:
            manager = await load_manager(session, task.manager_id)
            f = manager.field(field_id)
            cleaned = clean_extra(f, value)
            values = dict(task.extra or {})
            old = values.get(str(f.id))
            if old == cleaned:
                return
            if cleaned is None:
                values.pop(str(f.id), None)
            else:
                values[str(f.id)] = cleaned
            task.extra = values or None
            self._audit(session, actor, task, "task.field_changed", {f.name: [old, cleaned]})

        return await self._change(actor, task_id, apply)

    async def reassign(self, actor: Actor, task_id: int, staff_id: int | None) -> TaskCard:
        """Give the task to another member (None: to nobody); the new assignee is told."""

        async def apply(session: AsyncSession, task: Task) -> None:
            new = await self._active_staff(session, staff_id) if staff_id is not None else None
            if (new.id if new else None) == task.assignee_id:
                return
            old = await session.get(Staff, task.assignee_id) if task.assignee_id else None
            task.assignee_id = new.id if new else None
            task.reminded_on = None  # a new assignee gets their own reminder
            self._audit(
                session,
                actor,
                task,
                "task.reassigned",
                {"task-assignee": [old.name if old else None, new.name if new else None]},
            )
            if new is not None and new.id != actor.staff_id:
                await self._tell_assignee(session, actor, task, new)
            if old is not None:  # the one it was taken from hears whom it went to
                key = "notify-task-reassigned" if new else "notify-task-unassigned"
                await self._tell(session, actor, old.id, key, task, to=new.name if new else "")

        return await self._change(actor, task_id, apply)

    async def set_priority(self, actor: Actor, task_id: int, priority: str) -> TaskCard:
        priority = clean_priority(priority)

        async def apply(session: AsyncSession, task: Task) -> None:
            if task.priority == priority:
                return
            old, task.priority = task.priority, priority
            changes = {"task-priority": [old, priority]}
            self._audit(session, actor, task, "task.priority_changed", changes)

        return await self._change(actor, task_id, apply)

    async def set_due(self, actor: Actor, task_id: int, due: date | str | None) -> TaskCard:
        """A new due date (not in the past), or none."""
        actor.require(Permission.TASKS_EDIT)
        day = clean_due(due, await self.today()) if due is not None else None

        async def apply(session: AsyncSession, task: Task) -> None:
            if task.due_date == day:
                return
            old, task.due_date = task.due_date, day
            self._audit(
                session,
                actor,
                task,
                "task.due_changed",
                {"task-due": [old.isoformat() if old else None, day.isoformat() if day else None]},
            )

        return await self._change(actor, task_id, apply)

    async def comment(self, actor: Actor, task_id: int, text: str) -> TaskCard:
        """Add a comment (its assignee may, too); the assignee hears of it unless they wrote
        it."""
        text = clean_comment(text)

        async def apply(session: AsyncSession, task: Task) -> None:
            session.add(
                TaskComment(
                    task_id=task.id, author_id=actor.staff_id, text=text, created_at=self.clock()
                )
            )
            short = text if len(text) <= 200 else text[:199] + "…"
            self._audit(session, actor, task, "task.commented", {"task-comment": [None, short]})
            if task.assignee_id is not None and task.assignee_id != actor.staff_id:
                assignee = await session.get(Staff, task.assignee_id)
                if assignee is not None:
                    notify(
                        session,
                        assignee,
                        "notify-task-comment",
                        args={
                            "by": actor.name,
                            "id": str(task.id),
                            "summary": task.summary,
                            "text": short,
                        },
                        buttons=[{"open": "task", "id": task.id}],
                    )

        return await self._change(actor, task_id, apply, assignee_may=True)

    # --- the reminder job ---------------------------------------------------------------

    async def remind_due(self, batch: int = 500) -> int:
        """Remind each assignee once of an open task due today (facility time, from 09:00).

        Safe to run any number of times: `tasks.reminded_on` is set in the same transaction as
        the queued message, whose `dedup_key` names the task and the day.
        """
        zone = (await self.facility.get()).zone
        local = self.clock().astimezone(zone)
        if local.hour < REMIND_FROM_HOUR:
            return 0
        today = local.date()
        sent = 0
        while True:
            async with self.db.write() as session:
                rows = await repo.due_unreminded(session, today, batch)
                keys = {task.id: f"task-due:{task.id}:{today.isoformat()}" for task, _ in rows}
                queued = set(
                    await session.scalars(
                        select(OutboxMessage.dedup_key).where(
                            OutboxMessage.dedup_key.in_(keys.values())
                        )
                    )
                )
                for task, assignee in rows:
                    task.reminded_on = today
                    key = keys[task.id]
                    if key in queued:
                        continue
                    told = await tell(
                        session,
                        assignee,
                        "task_due",
                        "notify-task-due",
                        args={
                            "id": str(task.id),
                            "summary": task.summary,
                            "due": today.isoformat(),
                        },
                        buttons=[{"open": "task", "id": task.id}],
                        dedup_key=key,
                        now=self.clock(),
                    )
                    sent += 1 if told is not None else 0
            if len(rows) < batch:
                return sent


def may_work(actor: Actor, assignee_id: int | None) -> bool:
    """Moving a task and commenting on it: tasks.edit, or being its assignee."""
    return actor.can(Permission.TASKS_EDIT) or (
        assignee_id is not None and assignee_id == actor.staff_id
    )


def _overdue(due: date | None, category: str, today: date) -> bool:
    return due is not None and due < today and category != "done"

"""Task managers: boards with their own task types, statuses (by category) and form fields.

"Maintenance" exists from the start. An Administrator (settings.manage) adds other managers.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.clients.contacts import clean_text
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.permissions import Permission
from services.text import has_visible, tidy
from storage.db import Database
from storage.models import TaskField, TaskManager, TaskStatus, TaskType, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import tasks as repo

CATEGORIES = ("todo", "in_progress", "done")
FIELD_KINDS = ("text", "number", "date", "choice")
MAINTENANCE = "Maintenance"
DEFAULT_STATUSES = (("To do", "todo"), ("In progress", "in_progress"), ("Done", "done"))
DEFAULT_TYPES = ("Repair", "Replacement", "Inspection")
COST_FIELD = "Cost"  # the Maintenance board's field that bills read
BILLED_TYPES = ("Repair", "Replacement")  # Maintenance task types whose cost is billed
NAME_MAX = 64
MAX_TYPES = 20
MAX_STATUSES = 12
MAX_FIELDS = 10
MAX_CHOICES = 20
_SPLIT = re.compile(r"[\n,;]+")
# Who may read boards: whoever sees tasks, creates them (the form names the board) or manages them.
_READERS = (Permission.TASKS_VIEW, Permission.TASKS_CREATE, Permission.SETTINGS_MANAGE)


@dataclass(frozen=True, slots=True)
class StatusInfo:
    id: int
    name: str
    category: str
    position: int


@dataclass(frozen=True, slots=True)
class TypeInfo:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class FieldInfo:
    id: int
    name: str
    kind: str
    choices: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class ManagerInfo:
    id: int
    name: str
    is_builtin: bool
    statuses: tuple[StatusInfo, ...]
    types: tuple[TypeInfo, ...]
    fields: tuple[FieldInfo, ...]

    @property
    def first_status(self) -> StatusInfo:
        """Where a new task starts: the first "to do" status, else the first one not done."""
        for category in ("todo", "in_progress"):
            for status in self.statuses:
                if status.category == category:
                    return status
        return self.statuses[0]

    def status(self, status_id: int) -> StatusInfo:
        for status in self.statuses:
            if status.id == status_id:
                return status
        raise Invalid("task_status", "unknown")

    def type(self, type_id: int) -> TypeInfo:
        for task_type in self.types:
            if task_type.id == type_id:
                return task_type
        raise Invalid("task_type", "unknown")

    def field(self, field_id: int) -> FieldInfo:
        for field in self.fields:
            if field.id == field_id:
                return field
        raise Invalid("task_extra", "unknown")


@dataclass(frozen=True, slots=True)
class NewField:
    """An extra form field as the Administrator describes it."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False


def _require_any(actor: Actor, *flags: Permission) -> None:
    if not any(actor.can(f) for f in flags):
        raise PermissionDenied(flags[0].value)


# --- validation (pure) ----------------------------------------------------------------------


def clean_manager_name(value: str) -> str:
    return clean_text("task_manager_name", value, max_len=NAME_MAX)


def clean_names(field: str, value: str | Iterable[str], *, most: int) -> list[str]:
    """Names sent one per line (or separated by commas): trimmed, distinct, 1–64 characters."""
    parts = _SPLIT.split(value) if isinstance(value, str) else list(value)
    names: list[str] = []
    for part in parts:
        text = tidy(str(part))
        if not has_visible(text):
            if str(part).strip():  # typed, but nothing of it shows
                raise Invalid(field, "invisible")
            continue
        if len(text) > NAME_MAX:
            raise Invalid(field, "length", max=NAME_MAX)
        if text.casefold() in (n.casefold() for n in names):
            raise Invalid(field, "duplicate", name=text)
        names.append(text)
    if not names:
        raise Invalid(field, "empty")
    if len(names) > most:
        raise Invalid(field, "too-many", max=most)
    return names


def clean_statuses(statuses: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Status names with their categories; at least one done and one not done."""
    names = clean_names("task_statuses", [n for n, _ in statuses], most=MAX_STATUSES)
    if len(names) != len(statuses):
        raise Invalid("task_statuses", "empty")
    categories = [c for _, c in statuses]
    if any(c not in CATEGORIES for c in categories):
        raise Invalid("task_statuses", "category")
    if "done" not in categories:
        raise Invalid("task_statuses", "no-done")
    if all(c == "done" for c in categories):
        raise Invalid("task_statuses", "no-open")
    return list(zip(names, categories, strict=True))


def clean_field(field: NewField, others: Sequence[NewField] = ()) -> NewField:
    name = clean_text("task_field_name", field.name, max_len=NAME_MAX)
    if name.casefold() in (o.name.casefold() for o in others):
        raise Invalid("task_field_name", "duplicate", name=name)
    if field.kind not in FIELD_KINDS:
        raise Invalid("task_field_kind", "unknown")
    choices: tuple[str, ...] = ()
    if field.kind == "choice":
        choices = tuple(clean_choices(field.choices))
    return NewField(name, field.kind, choices, bool(field.required))


def clean_choices(value: str | Iterable[str]) -> list[str]:
    choices = clean_names("task_choices", value, most=MAX_CHOICES)
    if len(choices) < 2:
        raise Invalid("task_choices", "too-few", min=2)
    return choices


def manager_info(
    manager: TaskManager,
    statuses: Iterable[TaskStatus],
    types: Iterable[TaskType],
    fields: Iterable[TaskField],
) -> ManagerInfo:
    return ManagerInfo(
        id=manager.id,
        name=manager.name,
        is_builtin=manager.is_builtin,
        statuses=tuple(
            StatusInfo(s.id, s.name, s.category, s.position)
            for s in sorted(statuses, key=lambda s: (s.position, s.id))
        ),
        types=tuple(TypeInfo(t.id, t.name) for t in sorted(types, key=lambda t: t.id)),
        fields=tuple(
            FieldInfo(f.id, f.name, f.kind, tuple(f.choices or ()), f.required)
            for f in sorted(fields, key=lambda f: (f.position, f.id))
        ),
    )


async def load_managers(
    session: AsyncSession, ids: Sequence[int] | None = None
) -> list[ManagerInfo]:
    managers = await repo.managers(session, ids)
    statuses, types, fields = await repo.manager_parts(session, [m.id for m in managers])
    return [
        manager_info(m, statuses.get(m.id, ()), types.get(m.id, ()), fields.get(m.id, ()))
        for m in managers
    ]


async def load_manager(session: AsyncSession, manager_id: int) -> ManagerInfo:
    found = await load_managers(session, [manager_id])
    if not found:
        raise NotFound("task_manager", manager_id)
    return found[0]


class TaskManagerService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def ensure_defaults(self) -> None:
        """The built-in "Maintenance" board, created once; kept as it is when it exists (by name),
        whoever made it."""
        async with self.db.write() as session:
            existing = await repo.manager_by_name(session, MAINTENANCE)
            if existing is not None:
                if existing.is_builtin:
                    await self._ensure_cost_field(session, existing.id)
                return
            manager = TaskManager(name=MAINTENANCE, is_builtin=True, created_at=self.clock())
            session.add(manager)
            await session.flush()
            session.add_all(
                TaskStatus(manager_id=manager.id, name=name, category=category, position=i)
                for i, (name, category) in enumerate(DEFAULT_STATUSES)
            )
            session.add_all(TaskType(manager_id=manager.id, name=name) for name in DEFAULT_TYPES)
            await self._ensure_cost_field(session, manager.id)

    async def _ensure_cost_field(self, session: AsyncSession, manager_id: int) -> None:
        """The built-in board's "Cost" (a number in the facility's currency): a closed Repair or
        Replacement task with a cost lands on the client's next bill."""
        _, _, fields = await repo.manager_parts(session, [manager_id])
        if any(f.name == COST_FIELD for f in fields.get(manager_id, ())):
            return
        position = max((f.position for f in fields.get(manager_id, ())), default=-1) + 1
        session.add(
            TaskField(manager_id=manager_id, name=COST_FIELD, kind="number", position=position)
        )

    async def list(self, actor: Actor) -> builtins.list[ManagerInfo]:
        """Every board; the built-in one first."""
        _require_any(actor, *_READERS)
        async with self.db.read() as session:
            return await load_managers(session)

    async def get(self, actor: Actor, manager_id: int) -> ManagerInfo:
        _require_any(actor, *_READERS)
        async with self.db.read() as session:
            return await load_manager(session, manager_id)

    async def start_add(self, actor: Actor) -> None:
        """Refuse the form up front to a member who could not save it."""
        actor.require(Permission.SETTINGS_MANAGE)

    async def check_name(self, actor: Actor, value: str) -> str:
        actor.require(Permission.SETTINGS_MANAGE)
        name = clean_manager_name(value)
        async with self.db.read() as session:
            await self._check_free(session, name)
        return name

    async def check_types(self, actor: Actor, value: str) -> builtins.list[str]:
        actor.require(Permission.SETTINGS_MANAGE)
        return clean_names("task_types", value, most=MAX_TYPES)

    async def check_status_names(self, actor: Actor, value: str) -> builtins.list[str]:
        actor.require(Permission.SETTINGS_MANAGE)
        return clean_names("task_statuses", value, most=MAX_STATUSES)

    async def check_statuses(
        self, actor: Actor, statuses: Sequence[tuple[str, str]]
    ) -> builtins.list[tuple[str, str]]:
        actor.require(Permission.SETTINGS_MANAGE)
        return clean_statuses(statuses)

    async def check_field_name(self, actor: Actor, value: str, others: Sequence[NewField]) -> str:
        actor.require(Permission.SETTINGS_MANAGE)
        if len(others) >= MAX_FIELDS:
            raise Invalid("task_fields", "too-many", max=MAX_FIELDS)
        return clean_field(NewField(value, "text"), others).name

    async def check_choices(self, actor: Actor, value: str) -> builtins.list[str]:
        actor.require(Permission.SETTINGS_MANAGE)
        return clean_choices(value)

    async def _check_free(self, session: AsyncSession, name: str) -> None:
        existing = await repo.manager_by_name(session, name)
        if existing is not None:
            raise Conflict("task-manager-name-taken", name=existing.name)

    async def create(
        self,
        actor: Actor,
        *,
        name: str,
        types: Sequence[str],
        statuses: Sequence[tuple[str, str]],
        fields: Sequence[NewField] = (),
    ) -> ManagerInfo:
        actor.require(Permission.SETTINGS_MANAGE)
        name = clean_manager_name(name)
        type_names = clean_names("task_types", types, most=MAX_TYPES)
        cleaned_statuses = clean_statuses(statuses)
        if len(fields) > MAX_FIELDS:
            raise Invalid("task_fields", "too-many", max=MAX_FIELDS)
        cleaned_fields: builtins.list[NewField] = []
        for field in fields:
            cleaned_fields.append(clean_field(field, cleaned_fields))
        now = self.clock()
        async with self.db.write() as session:
            await self._check_free(session, name)
            manager = TaskManager(name=name, is_builtin=False, created_at=now)
            session.add(manager)
            await session.flush()
            session.add_all(
                TaskStatus(manager_id=manager.id, name=status, category=category, position=i)
                for i, (status, category) in enumerate(cleaned_statuses)
            )
            session.add_all(TaskType(manager_id=manager.id, name=t) for t in type_names)
            session.add_all(
                TaskField(
                    manager_id=manager.id,
                    name=f.name,
                    kind=f.kind,
                    choices=list(f.choices) or None,
                    required=f.required,
                    position=i,
                )
                for i, f in enumerate(cleaned_fields)
            )
            await session.flush()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="admin",
                action="task_manager.created",
                entity_type="task_manager",
                entity_id=manager.id,
                details={
                    "name": name,
                    "types": type_names,
                    "statuses": [list(s) for s in cleaned_statuses],
                    "fields": [
                        {
                            "name": f.name,
                            "kind": f.kind,
                            "choices": list(f.choices),
                            "required": f.required,
                        }
                        for f in cleaned_fields
                    ],
                },
                at=now,
            )
            return await load_manager(session, manager.id)

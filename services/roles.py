"""Roles and their permission flags; default roles and custom roles made from a template."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.actor import Actor
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.permissions import DEFAULT_ROLES, OWNER, Permission
from services.staff import RoleInfo, may_assign, role_info
from services.text import has_visible, tidy
from storage.db import Database
from storage.models import Role, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import staff as repo

_NAME_RE = re.compile(r"^[\w][\w .\-]{1,31}$", re.UNICODE)


@dataclass(frozen=True, slots=True)
class RoleDetails:
    role: RoleInfo
    permissions: frozenset[str]
    members: int


class RoleService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def ensure_defaults(self) -> None:
        """Create the default roles; keep their flags as this version of FarmDesk defines them."""
        async with self.db.write() as session:
            for code, (rank, flags) in DEFAULT_ROLES.items():
                role = await repo.role_by_code(session, code)
                if role is None:
                    role = Role(code=code, name=None, is_system=True, rank=rank)
                    session.add(role)
                    await session.flush()
                role.rank = rank
                if await repo.permissions_of(session, role.id) != {f.value for f in flags}:
                    await repo.set_permissions(session, role.id, (f.value for f in flags))

    def _require_view(self, actor: Actor) -> None:
        if not (actor.can(Permission.ROLES_MANAGE) or actor.can(Permission.STAFF_MANAGE)):
            raise PermissionDenied(Permission.ROLES_MANAGE.value)

    async def list(self, actor: Actor) -> list[RoleInfo]:
        self._require_view(actor)
        async with self.db.read() as session:
            return [role_info(r) for r in await repo.roles(session)]

    async def get(self, actor: Actor, role_id: int) -> RoleDetails:
        self._require_view(actor)
        async with self.db.read() as session:
            role = await session.get(Role, role_id)
            if role is None:
                raise NotFound("role", role_id)
            return RoleDetails(
                role_info(role),
                await repo.permissions_of(session, role.id),
                await repo.count_staff_with_role(session, role.id),
            )

    async def create_custom(self, actor: Actor, template_id: int, name: str) -> RoleInfo:
        """A new role with the template's rank and flags, to be adjusted flag by flag."""
        actor.require(Permission.ROLES_MANAGE)
        name = tidy(name)
        if not _NAME_RE.match(name) or not has_visible(name):
            raise Invalid("role_name", "format")
        async with self.db.write() as session:
            template = await session.get(Role, template_id)
            if template is None:
                raise NotFound("role", template_id)
            if template.code == OWNER or not may_assign(actor, template):
                raise PermissionDenied("role.template")
            # Compared here: SQLite's lower() folds only ASCII ("Смена" and "СМЕНА" would differ).
            names = await session.scalars(select(Role.name).where(Role.name.is_not(None)))
            if any((other or "").casefold() == name.casefold() for other in names):
                raise Conflict("role-name-taken", name=name)
            code = f"custom_{self.clock():%y%m%d%H%M%S%f}"[:32]
            role = Role(code=code, name=name, is_system=False, rank=template.rank)
            session.add(role)
            await session.flush()
            flags = await repo.permissions_of(session, template.id)
            await repo.set_permissions(session, role.id, flags)
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="admin",
                action="role.created",
                entity_type="role",
                entity_id=role.id,
                details={"name": name, "template": template.code, "permissions": sorted(flags)},
                at=self.clock(),
            )
            return role_info(role)

    async def toggle(self, actor: Actor, role_id: int, permission: Permission) -> RoleDetails:
        """Switch one flag of a custom role on or off."""
        actor.require(Permission.ROLES_MANAGE)
        async with self.db.write() as session:
            # Locked: two flags switched at once (PostgreSQL) must not rewrite each other's set.
            role = await session.get(Role, role_id, with_for_update=True)
            if role is None:
                raise NotFound("role", role_id)
            if role.is_system:
                raise Conflict("system-role")
            if not may_assign(actor, role):
                raise PermissionDenied("role.outranks")
            if not actor.can(permission):
                raise PermissionDenied(permission.value)
            flags = set(await repo.permissions_of(session, role.id))
            had = permission.value in flags
            flags.symmetric_difference_update({permission.value})
            await repo.set_permissions(session, role.id, flags)
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="admin",
                action="role.permission",
                entity_type="role",
                entity_id=role.id,
                changes={permission.value: [had, not had]},
                details={"name": role.name},
                at=self.clock(),
            )
            return RoleDetails(
                role_info(role),
                frozenset(flags),
                await repo.count_staff_with_role(session, role.id),
            )

"""Staff members: who may use the bot, with which role; invites; deactivation."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.outbox import notify
from services.pagination import Page, clamp_page
from services.permissions import OWNER, Permission
from storage.db import Database
from storage.models import Invite, Role, Staff, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import staff as repo

INVITE_TTL = timedelta(days=7)
REFUSAL_LOG_INTERVAL = timedelta(hours=1)
LOCALES = ("en", "ru")
# What an Actor is made of; a committed write to any of these makes every remembered seat stale.
SEAT_TABLES = ("staff", "roles", "role_permissions")
SEAT_CACHE_SIZE = 10_000  # Telegram users remembered (members and strangers)
SEAT_CACHE_SECONDS = 60.0  # a change made outside this process (by hand) is seen this late


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def locale_from_telegram(language_code: str | None, default: str) -> str:
    """Russian for Russian-speaking Telegram clients, English for the others, else the default."""
    if not language_code:
        return default
    lang = language_code.split("-")[0].lower()
    if lang in ("ru", "uk", "be", "kk"):
        return "ru"
    if lang in LOCALES:
        return lang
    return default


@dataclass(frozen=True, slots=True)
class RoleInfo:
    id: int
    code: str
    name: str | None
    is_system: bool
    rank: int


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    telegram_id: int
    name: str
    username: str | None
    role: RoleInfo
    is_active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Seat:
    """What the database says about an active member: all an Actor needs but the Telegram side."""

    staff_id: int
    name: str
    username: str | None
    locale: str | None
    role_id: int
    role_code: str
    role_name: str | None
    rank: int
    permissions: frozenset[str]


@dataclass(frozen=True, slots=True)
class NewInvite:
    token: str
    role: RoleInfo
    expires_at: datetime


def role_info(role: Role) -> RoleInfo:
    return RoleInfo(role.id, role.code, role.name, role.is_system, role.rank)


def member(staff: Staff, role: Role) -> Member:
    return Member(
        staff.id,
        staff.telegram_id,
        staff.name,
        staff.username,
        role_info(role),
        staff.is_active,
        staff.created_at,
    )


def role_ref(role: Role) -> str | dict[str, str]:
    """A role's name for a notification: a translation reference for a default role."""
    return role.name or {"t": f"role-{role.code.replace('_', '-')}"}


def may_assign(actor: Actor, role: Role | RoleInfo) -> bool:
    """An Owner assigns any role; anyone else only roles below their own."""
    return actor.is_owner or (role.code != OWNER and role.rank < actor.rank)


class StaffService:
    def __init__(
        self,
        db: Database,
        *,
        default_locale: str = "en",
        owner_ids: Iterable[int] = (),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.default_locale = default_locale
        self.owner_ids = frozenset(owner_ids)
        self.clock = clock
        # telegram id → (Database.version of SEAT_TABLES, monotonic time, seat or None)
        self._seats: OrderedDict[int, tuple[int, float, Seat | None]] = OrderedDict()

    # --- who is speaking ------------------------------------------------------------------

    async def sync_owners(self) -> None:
        """Make every id in OWNER_IDS an active Owner (the settings are the source of truth)."""
        async with self.db.write() as session:
            owner = await repo.role_by_code(session, OWNER)
            assert owner is not None, "default roles are created before owners"
            for telegram_id in sorted(self.owner_ids):
                staff = await repo.staff_by_telegram_id(session, telegram_id)
                if staff is None:
                    session.add(
                        Staff(
                            telegram_id=telegram_id, name=f"Owner {telegram_id}", role_id=owner.id
                        )
                    )
                    audit_repo.add(
                        session,
                        actor_id=None,
                        category="admin",
                        action="staff.owner_from_settings",
                        entity_type="telegram_user",
                        entity_id=telegram_id,
                    )
                elif staff.role_id != owner.id or not staff.is_active:
                    staff.role_id, staff.is_active, staff.deactivated_at = owner.id, True, None

    async def resolve(
        self, telegram_id: int, name: str, username: str | None, language_code: str | None
    ) -> Actor | None:
        """The active staff member behind a Telegram user, or None for anyone else.

        Called for every update. What the database says is remembered per Telegram user and
        read again once a committed write has changed staff, roles or permissions (so a role
        change or a deactivation counts from the very next update), or after
        `SEAT_CACHE_SECONDS` for a change made outside this process."""
        seat = await self._seat(telegram_id)
        if seat is None:
            return None
        if seat.name != name or seat.username != username:
            async with self.db.write() as session:
                await session.execute(
                    update(Staff)
                    .where(Staff.id == seat.staff_id)
                    .values(name=name, username=username)
                )
        return Actor(
            staff_id=seat.staff_id,
            telegram_id=telegram_id,
            name=name,
            role_id=seat.role_id,
            role_code=seat.role_code,
            role_name=seat.role_name,
            rank=seat.rank,
            locale=seat.locale or locale_from_telegram(language_code, self.default_locale),
            permissions=seat.permissions,
        )

    async def _seat(self, telegram_id: int) -> Seat | None:
        version = self.db.version(*SEAT_TABLES)  # before reading: a write meanwhile shows
        now = time.monotonic()
        cached = self._seats.get(telegram_id)
        if cached is not None and cached[0] == version and now - cached[1] < SEAT_CACHE_SECONDS:
            self._seats.move_to_end(telegram_id)
            return cached[2]
        seat = None
        async with self.db.read() as session:
            row = (
                await session.execute(
                    select(
                        Staff.id,
                        Staff.name,
                        Staff.username,
                        Staff.locale,
                        Staff.is_active,
                        Role.id,
                        Role.code,
                        Role.name,
                        Role.rank,
                    )
                    .join(Role, Role.id == Staff.role_id)
                    .where(Staff.telegram_id == telegram_id)
                )
            ).first()
            if row is not None and row[4]:
                staff_id, name, username, locale, _, role_id, code, role_name, rank = row
                flags = await repo.permissions_of(session, role_id)
                seat = Seat(staff_id, name, username, locale, role_id, code, role_name, rank, flags)
        self._seats[telegram_id] = (version, now, seat)
        self._seats.move_to_end(telegram_id)
        while len(self._seats) > SEAT_CACHE_SIZE:
            self._seats.popitem(last=False)
        return seat

    async def log_refusal(self, telegram_id: int, name: str, username: str | None) -> None:
        """Record that a stranger tried to use the bot (at most once an hour per person)."""
        async with self.db.write() as session:
            last = await audit_repo.last_refusal_at(session, telegram_id)
            if last is not None and self.clock() - last < REFUSAL_LOG_INTERVAL:
                return
            audit_repo.add(
                session,
                actor_id=None,
                category="security",
                action="access.refused",
                entity_type="telegram_user",
                entity_id=telegram_id,
                details={"name": name, "username": username},
                at=self.clock(),
            )

    async def set_locale(self, actor: Actor, locale: str) -> None:
        if locale not in LOCALES:
            raise Invalid("locale", "unknown")
        async with self.db.write() as session:
            staff = await session.get(Staff, actor.staff_id)
            if staff is None:
                raise NotFound("staff", actor.staff_id)
            old, staff.locale = staff.locale, locale
            if old != locale:
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="staff.language",
                    entity_type="staff",
                    entity_id=staff.id,
                    changes={"locale": [old, locale]},
                    at=self.clock(),
                )

    # --- invites --------------------------------------------------------------------------

    async def create_invite(self, actor: Actor, role_id: int) -> NewInvite:
        actor.require(Permission.STAFF_MANAGE)
        token = secrets.token_urlsafe(18)
        async with self.db.write() as session:
            role = await session.get(Role, role_id)
            if role is None:
                raise NotFound("role", role_id)
            if not may_assign(actor, role):
                raise PermissionDenied("role.assign")
            now = self.clock()
            invite = Invite(
                token_hash=hash_token(token),
                role_id=role.id,
                created_by=actor.staff_id,
                created_at=now,
                expires_at=now + INVITE_TTL,
            )
            session.add(invite)
            await session.flush()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="admin",
                action="invite.created",
                entity_type="invite",
                entity_id=invite.id,
                details={"role": role.code},
                at=now,
            )
            return NewInvite(token, role_info(role), invite.expires_at)

    async def pending_invites(self, actor: Actor) -> list[tuple[int, RoleInfo, datetime]]:
        actor.require(Permission.STAFF_MANAGE)
        async with self.db.read() as session:
            rows = await session.execute(
                select(Invite, Role)
                .join(Role, Role.id == Invite.role_id)
                .where(
                    Invite.used_at.is_(None),
                    Invite.revoked_at.is_(None),
                    Invite.expires_at > self.clock(),
                )
                .order_by(Invite.created_at.desc())
            )
            return [(invite.id, role_info(role), invite.expires_at) for invite, role in rows]

    async def revoke_invite(self, actor: Actor, invite_id: int) -> None:
        actor.require(Permission.STAFF_MANAGE)
        async with self.db.write() as session:
            invite = await session.get(Invite, invite_id)
            if invite is None or invite.used_at is not None or invite.revoked_at is not None:
                raise NotFound("invite", invite_id)
            invite.revoked_at = self.clock()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="admin",
                action="invite.revoked",
                entity_type="invite",
                entity_id=invite.id,
                at=invite.revoked_at,
            )

    async def accept_invite(
        self,
        token: str,
        telegram_id: int,
        name: str,
        username: str | None,
        language_code: str | None,
    ) -> Member:
        """Turn the bearer of a valid invite into staff with the invite's role."""
        now = self.clock()
        async with self.db.write() as session:
            # Locked, so that two people opening one link at once (PostgreSQL) are not both let in.
            invite = await repo.invite_by_hash(session, hash_token(token), for_update=True)
            if invite is None or invite.revoked_at is not None:
                raise NotFound("invite")
            if invite.used_at is not None:
                raise Conflict("invite-used")
            if invite.expires_at <= now:
                raise Invalid("invite", "expired")
            role = await session.get(Role, invite.role_id)
            assert role is not None
            staff = await repo.staff_by_telegram_id(session, telegram_id)
            if staff is not None and staff.is_active:
                raise Conflict("already-staff")
            locale = locale_from_telegram(language_code, self.default_locale)
            if staff is None:
                staff = Staff(
                    telegram_id=telegram_id,
                    name=name,
                    username=username,
                    role_id=role.id,
                    locale=locale,
                    invited_by=invite.created_by,
                    created_at=now,
                )
                session.add(staff)
            else:  # a former member, let back in by a new invite
                staff.role_id, staff.is_active, staff.deactivated_at = role.id, True, None
                staff.name, staff.username = name, username
            await session.flush()
            invite.used_at, invite.used_by = now, staff.id
            audit_repo.add(
                session,
                actor_id=staff.id,
                category="admin",
                action="invite.accepted",
                entity_type="staff",
                entity_id=staff.id,
                details={"role": role.code, "invite": invite.id},
                at=now,
            )
            inviter = await session.get(Staff, invite.created_by)
            if inviter is not None:
                notify(
                    session,
                    inviter,
                    "notify-invite-accepted",
                    args={"name": name, "role": role_ref(role)},
                    buttons=[{"open": "staff", "id": staff.id}],
                )
            return member(staff, role)

    # --- the staff list -------------------------------------------------------------------

    async def page(self, actor: Actor, page: int = 0, per_page: int = 8) -> Page[Member]:
        actor.require(Permission.STAFF_MANAGE)
        async with self.db.read() as session:
            total = await repo.count_staff(session)
            page = clamp_page(page, total, per_page)
            rows = await repo.staff_with_roles(session, offset=page * per_page, limit=per_page)
        return Page([member(s, r) for s, r in rows], page, per_page, total)

    async def active_members(self, actor: Actor) -> list[Member]:
        """Everyone who can be picked as a client's manager or a task's assignee."""
        async with self.db.read() as session:
            rows = await repo.staff_with_roles(session, active_only=True)
        return [member(s, r) for s, r in rows]

    async def get(self, actor: Actor, staff_id: int) -> Member:
        actor.require(Permission.STAFF_MANAGE)
        async with self.db.read() as session:
            return await self._load(session, staff_id)

    async def _load(self, session: AsyncSession, staff_id: int) -> Member:
        row = (
            await session.execute(
                select(Staff, Role).join(Role, Role.id == Staff.role_id).where(Staff.id == staff_id)
            )
        ).first()
        if row is None:
            raise NotFound("staff", staff_id)
        return member(*row)

    async def _target(
        self, session: AsyncSession, actor: Actor, staff_id: int
    ) -> tuple[Staff, Role]:
        """The member `actor` wants to change, after checking they may change them at all."""
        actor.require(Permission.STAFF_MANAGE)
        row = (
            await session.execute(
                select(Staff, Role).join(Role, Role.id == Staff.role_id).where(Staff.id == staff_id)
            )
        ).first()
        if row is None:
            raise NotFound("staff", staff_id)
        staff, role = row
        if staff.id == actor.staff_id:
            raise Conflict("self")
        if staff.telegram_id in self.owner_ids:
            raise Conflict("owner-from-settings")
        if not may_assign(actor, role):
            raise PermissionDenied("staff.outranks")
        return staff, role

    async def change_role(self, actor: Actor, staff_id: int, role_id: int) -> Member:
        async with self.db.write() as session:
            staff, old_role = await self._target(session, actor, staff_id)
            new_role = await session.get(Role, role_id)
            if new_role is None:
                raise NotFound("role", role_id)
            if not may_assign(actor, new_role):
                raise PermissionDenied("role.assign")
            if new_role.id != old_role.id:
                staff.role_id = new_role.id
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="staff.role_changed",
                    entity_type="staff",
                    entity_id=staff.id,
                    changes={
                        "role": [old_role.name or old_role.code, new_role.name or new_role.code]
                    },
                    details={"name": staff.name},
                    at=self.clock(),
                )
                notify(
                    session,
                    staff,
                    "notify-role-changed",
                    args={"role": role_ref(new_role)},
                )
            return member(staff, new_role)

    async def set_active(self, actor: Actor, staff_id: int, active: bool) -> Member:
        async with self.db.write() as session:
            staff, role = await self._target(session, actor, staff_id)
            if staff.is_active != active:
                staff.is_active = active
                staff.deactivated_at = None if active else self.clock()
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="staff.activated" if active else "staff.deactivated",
                    entity_type="staff",
                    entity_id=staff.id,
                    changes={"active": [not active, active]},
                    details={"name": staff.name},
                    at=self.clock(),
                )
            return member(staff, role)

    async def assignable_roles(self, actor: Actor) -> list[RoleInfo]:
        actor.require(Permission.STAFF_MANAGE)
        async with self.db.read() as session:
            return [role_info(r) for r in await repo.roles(session) if may_assign(actor, r)]

"""Staff, roles, permissions and invites."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite, Role, RolePermission, Staff


async def role_by_code(session: AsyncSession, code: str) -> Role | None:
    return await session.scalar(select(Role).where(Role.code == code))


async def roles(session: AsyncSession) -> Sequence[Role]:
    return (await session.scalars(select(Role).order_by(Role.rank, Role.id))).all()


async def permissions_of(session: AsyncSession, role_id: int) -> frozenset[str]:
    rows = await session.scalars(
        select(RolePermission.permission).where(RolePermission.role_id == role_id)
    )
    return frozenset(rows.all())


async def set_permissions(session: AsyncSession, role_id: int, flags: Iterable[str]) -> None:
    await session.execute(delete(RolePermission).where(RolePermission.role_id == role_id))
    session.add_all(RolePermission(role_id=role_id, permission=f) for f in sorted(set(flags)))
    await session.flush()


async def staff_by_telegram_id(session: AsyncSession, telegram_id: int) -> Staff | None:
    return await session.scalar(select(Staff).where(Staff.telegram_id == telegram_id))


async def count_staff(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Staff.id))) or 0)


async def staff_with_roles(
    session: AsyncSession, *, offset: int = 0, limit: int | None = None, active_only: bool = False
) -> Sequence[tuple[Staff, Role]]:
    """Members with their roles: active first, then by rank (highest first) and name."""
    query = select(Staff, Role).join(Role, Role.id == Staff.role_id)
    if active_only:
        query = query.where(Staff.is_active.is_(True))
    query = query.order_by(Staff.is_active.desc(), Role.rank.desc(), Staff.name, Staff.id)
    return (await session.execute(query.offset(offset).limit(limit))).all()


async def invite_by_hash(
    session: AsyncSession, token_hash: str, *, for_update: bool = False
) -> Invite | None:
    query = select(Invite).where(Invite.token_hash == token_hash)
    return await session.scalar(query.with_for_update() if for_update else query)


async def count_staff_with_role(session: AsyncSession, role_id: int) -> int:
    return int(
        await session.scalar(select(func.count(Staff.id)).where(Staff.role_id == role_id)) or 0
    )

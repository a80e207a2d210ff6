"""Staff, invites and roles against a real SQLite database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update

from services import staff as staff_service
from services.container import Services
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.permissions import Permission
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.conftest import OWNER_TG, Clock, join


async def test_owner_from_settings_has_every_permission(services: Services) -> None:
    actor = await services.staff.resolve(OWNER_TG, "Olga", None, "ru")
    assert actor is not None and actor.role_code == "owner"
    assert actor.permissions == {p.value for p in Permission}
    assert actor.locale == "ru"


async def test_stranger_is_nobody_and_refusals_are_logged_once_an_hour(
    services: Services, clock: Clock
) -> None:
    assert await services.staff.resolve(5, "Eve", "eve", "en") is None
    for _ in range(3):
        await services.staff.log_refusal(5, "Eve", "eve")
    clock.advance(hours=2)
    await services.staff.log_refusal(5, "Eve", "eve")
    async with services.db.read() as session:
        rows = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "access.refused"))
        ).all()
    assert len(rows) == 2
    assert rows[0].details == {"name": "Eve", "username": "eve"}


async def test_invite_is_single_use_and_expires(services: Services, owner, clock: Clock) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    invite = await services.staff.create_invite(owner, roles["junior_technician"].id)
    member = await services.staff.accept_invite(invite.token, 2001, "Ivan", "ivan", "ru")
    assert member.role.code == "junior_technician"
    with pytest.raises(Conflict) as used:
        await services.staff.accept_invite(invite.token, 2002, "Petr", None, "en")
    assert used.value.reason == "invite-used"

    late = await services.staff.create_invite(owner, roles["manager"].id)
    clock.advance(days=7, seconds=1)
    with pytest.raises(Invalid) as expired:
        await services.staff.accept_invite(late.token, 2003, "Late", None, "en")
    assert expired.value.reason == "expired"
    with pytest.raises(NotFound):
        await services.staff.accept_invite("made-up-token", 2004, "Nobody", None, "en")


async def test_revoked_invite_is_not_accepted(services: Services, owner) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    invite = await services.staff.create_invite(owner, roles["newbie"].id)
    [(invite_id, _, _)] = await services.staff.pending_invites(owner)
    await services.staff.revoke_invite(owner, invite_id)
    assert await services.staff.pending_invites(owner) == []
    with pytest.raises(NotFound):
        await services.staff.accept_invite(invite.token, 2005, "Ann", None, "en")


async def test_only_staff_managers_invite_and_nobody_grants_above_themselves(
    services: Services, owner
) -> None:
    tech = await join(services, owner, "senior_technician", 3001, "Tech")
    roles = {r.code: r for r in await services.roles.list(owner)}
    with pytest.raises(PermissionDenied):
        await services.staff.create_invite(tech, roles["newbie"].id)
    admin = await join(services, owner, "administrator", 3002, "Admin")
    with pytest.raises(PermissionDenied):
        await services.staff.create_invite(admin, roles["owner"].id)
    with pytest.raises(PermissionDenied):
        await services.staff.create_invite(admin, roles["administrator"].id)
    assert "administrator" not in {r.code for r in await services.staff.assignable_roles(admin)}


async def test_role_change_and_deactivation_take_effect_and_are_audited(
    services: Services, owner
) -> None:
    member = await join(services, owner, "newbie", 4001, "Nina")
    roles = {r.code: r for r in await services.roles.list(owner)}
    await services.staff.change_role(owner, member.staff_id, roles["manager"].id)
    again = await services.staff.resolve(4001, "Nina", None, "en")
    assert again is not None and again.can(Permission.CLIENTS_ADD)

    await services.staff.set_active(owner, member.staff_id, False)
    assert await services.staff.resolve(4001, "Nina", None, "en") is None

    log = await services.audit.page(owner, per_page=50)
    actions = [e.action for e in log.items]
    assert "staff.role_changed" in actions and "staff.deactivated" in actions
    change = next(e for e in log.items if e.action == "staff.role_changed")
    assert change.changes == {"role": ["newbie", "manager"]}
    assert change.actor_name == "Olga Owner"


async def test_nobody_changes_themselves_or_a_settings_owner(services: Services, owner) -> None:
    admin = await join(services, owner, "administrator", 5001, "Adam")
    with pytest.raises(Conflict):
        await services.staff.set_active(admin, admin.staff_id, False)
    with pytest.raises(Conflict):
        await services.staff.set_active(admin, owner.staff_id, False)


async def test_deactivated_member_comes_back_only_by_a_new_invite(
    services: Services, owner
) -> None:
    member = await join(services, owner, "accountant", 6001, "Alla")
    await services.staff.set_active(owner, member.staff_id, False)
    back = await join(services, owner, "newbie", 6001, "Alla")
    assert back.staff_id == member.staff_id and back.role_code == "newbie"
    roles = {r.code: r for r in await services.roles.list(owner)}
    invite = await services.staff.create_invite(owner, roles["newbie"].id)
    with pytest.raises(Conflict):
        await services.staff.accept_invite(invite.token, 6001, "Alla", None, "en")


async def test_custom_role_from_template_with_toggled_flags(services: Services, owner) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    custom = await services.roles.create_custom(owner, roles["manager"].id, "  Night   shift ")
    assert custom.name == "Night shift" and not custom.is_system
    details = await services.roles.get(owner, custom.id)
    assert Permission.CLIENTS_ADD.value in details.permissions
    details = await services.roles.toggle(owner, custom.id, Permission.CLIENTS_ADD)
    assert Permission.CLIENTS_ADD.value not in details.permissions
    with pytest.raises(Conflict):
        await services.roles.create_custom(owner, roles["newbie"].id, "night SHIFT")
    with pytest.raises(Invalid):
        await services.roles.create_custom(owner, roles["newbie"].id, "x")
    with pytest.raises(Conflict):
        await services.roles.toggle(owner, roles["manager"].id, Permission.CLIENTS_ADD)

    member = await join(services, owner, "newbie", 7001, "Night")
    await services.staff.change_role(owner, member.staff_id, custom.id)
    actor = await services.staff.resolve(7001, "Night", None, "en")
    assert actor is not None and not actor.can(Permission.CLIENTS_ADD)
    assert actor.can(Permission.CLIENTS_EDIT)


async def test_a_manager_cannot_edit_roles(services: Services, owner) -> None:
    manager = await join(services, owner, "manager", 8001, "Max")
    roles = {r.code: r for r in await services.roles.list(owner)}
    with pytest.raises(PermissionDenied):
        await services.roles.create_custom(manager, roles["newbie"].id, "Helpers")


async def test_a_flag_switched_on_a_members_role_counts_from_the_next_update(
    services: Services, owner
) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    custom = await services.roles.create_custom(owner, roles["manager"].id, "Night shift")
    member = await join(services, owner, "newbie", 7101, "Night")
    await services.staff.change_role(owner, member.staff_id, custom.id)
    actor = await services.staff.resolve(7101, "Night", None, "en")
    assert actor is not None and actor.can(Permission.CLIENTS_ADD)
    assert await services.staff.resolve(7101, "Night", None, "en") == actor  # remembered

    await services.roles.toggle(owner, custom.id, Permission.CLIENTS_ADD)
    actor = await services.staff.resolve(7101, "Night", None, "en")
    assert actor is not None and not actor.can(Permission.CLIENTS_ADD)


async def test_any_committed_write_to_staff_counts_from_the_next_update(
    services: Services, owner
) -> None:
    member = await join(services, owner, "manager", 7201, "Max")
    assert await services.staff.resolve(7201, "Max", None, "en") is not None
    async with services.db.write() as session:  # not through StaffService
        await session.execute(
            update(Staff).where(Staff.id == member.staff_id).values(is_active=False)
        )
    assert await services.staff.resolve(7201, "Max", None, "en") is None
    async with services.db.write() as session:
        await session.execute(text("update staff set is_active = true, locale = 'ru'"))
    actor = await services.staff.resolve(7201, "Max", None, "en")
    assert actor is not None and actor.locale == "ru"


async def test_a_change_made_outside_this_process_is_seen_after_the_cache_time(
    services: Services, owner, monkeypatch: pytest.MonkeyPatch
) -> None:
    await join(services, owner, "manager", 7301, "Mia")
    elsewhere = Database(services.db.url)  # another process, as far as counters go
    async with elsewhere.write() as session:
        await session.execute(update(Staff).where(Staff.telegram_id == 7301).values(locale="ru"))
    await elsewhere.close()
    actor = await services.staff.resolve(7301, "Mia", None, "en")
    assert actor is not None and actor.locale == "en"  # still what was read before
    monkeypatch.setattr(staff_service, "SEAT_CACHE_SECONDS", 0.0)
    actor = await services.staff.resolve(7301, "Mia", None, "en")
    assert actor is not None and actor.locale == "ru"


@pytest.mark.parametrize("shared", [True, False])
async def test_a_replica_sees_another_replicas_deactivation_on_the_next_update(
    services: Services, owner, db: Database, clock: Clock, shared: bool
) -> None:
    """Replicas (REDIS_URL set) share the database: a member deactivated by one is refused by
    the other on their very next update. A lone process may cache what it read (its own writes
    are the only ones), and then would not see it."""
    member = await join(services, owner, "manager", 4101, "Rita")
    replica_db = Database(db.url, shared=shared)
    replica = Services.build(replica_db, owner_ids=[OWNER_TG], clock=clock)
    try:
        assert await replica.staff.resolve(4101, "Rita", None, "en") is not None  # cached now
        await services.staff.set_active(owner, member.staff_id, False)  # the other replica
        seen = await replica.staff.resolve(4101, "Rita", None, "en")
        assert (seen is None) is shared
    finally:
        await replica_db.close()

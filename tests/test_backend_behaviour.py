"""What must not depend on the database: run here on SQLite, and on PostgreSQL by
tests/backends/test_postgres_services.py.

SQLite runs one write transaction at a time (storage/db.py: BEGIN IMMEDIATE); PostgreSQL runs them
side by side under READ COMMITTED, so a service that reads a row, checks it and writes it back
locks the row first, or two members acting at the same moment would both pass the check.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, insert, select
from sqlalchemy.exc import StatementError

from services.actor import Actor
from services.clients.service import ClientQuery
from services.container import Services
from services.errors import Conflict
from services.permissions import Permission
from storage.db import Database
from storage.fsm import SQLStorage
from storage.models import AuditEntry, FsmRecord, Miner, Staff


async def _two_connections(services: Services, owner: Actor) -> None:
    """Open two pooled connections first, so that what a test gathers really runs side by side."""
    await asyncio.gather(*(services.roles.list(owner) for _ in range(2)))


async def test_timestamps_come_back_as_the_same_instant_in_utc(db: Database) -> None:
    almaty = datetime(2026, 11, 2, 15, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    async with db.write() as session:
        session.add(AuditEntry(category="general", action="probe", at=almaty))
    async with db.read() as session:
        back = await session.scalar(select(AuditEntry.at).where(AuditEntry.action == "probe"))
        latest = await session.scalar(select(func.max(AuditEntry.at)))
    assert back == almaty and back.tzinfo is UTC and back.hour == 10
    assert latest == almaty and latest.tzinfo is UTC
    with pytest.raises(StatementError, match="naive"):
        async with db.write() as session:
            session.add(AuditEntry(category="general", action="probe", at=datetime(2026, 1, 1)))


async def test_json_keeps_unicode_nesting_and_none(db: Database) -> None:
    changes = {"name": ["Хостинг «Север»", "北"], "limits": {"a": [1, 2.5, None, True]}}
    async with db.write() as session:
        session.add(AuditEntry(category="client", action="x", changes=changes, details=None))
    async with db.read() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "x"))
    assert entry is not None and entry.changes == changes and entry.details is None


async def test_search_takes_wildcards_and_backslashes_as_text(services: Services, owner) -> None:
    names = ["a_b", "axb", "50% off", "50 % off", "back\\slash", "ÉCOLE Straße", "Ёлка"]
    ids = {}
    for n, name in enumerate(names):
        client = await services.clients.add(
            owner, name=name, email=f"c{n}@x.io", manager_id=owner.staff_id
        )
        ids[name] = client.id

    async def found(search: str) -> list[int]:
        page = await services.clients.overview(owner, ClientQuery(search=search))
        return [c.id for c in page.items]

    assert await found("a_b") == [ids["a_b"]]
    assert await found("50%") == [ids["50% off"]]
    assert await found("k\\s") == [ids["back\\slash"]]
    assert await found("école strasse") == [ids["ÉCOLE Straße"]]  # casefold, not lower()
    assert await found("ЁЛК") == [ids["Ёлка"]]


async def test_miner_counts_by_status(services: Services, owner, db: Database) -> None:
    client = await services.clients.add(
        owner, name="Acme", email="a@acme.com", manager_id=owner.staff_id
    )
    async with db.write() as session:
        await session.execute(
            insert(Miner),
            [
                {"serial": f"S{i}", "client_id": client.id, "status": s, "paid": i % 2 == 0}
                for i, s in enumerate(["offline", "offline", "active"])
            ],
        )
    card = await services.clients.card(owner, client.id)
    assert card.miners == {"offline": 2, "active": 1}


async def test_two_edits_from_the_same_version_one_wins(services: Services, owner) -> None:
    client = await services.clients.add(
        owner, name="Acme", email="a@acme.com", manager_id=owner.staff_id
    )
    await _two_connections(services, owner)
    results = await asyncio.gather(
        services.clients.edit(owner, client.id, "name", "First", expected_version=client.version),
        services.clients.edit(owner, client.id, "name", "Second", expected_version=client.version),
        return_exceptions=True,
    )
    saved = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].reason == "stale"
    card = await services.clients.card(owner, client.id)
    assert card.version == client.version + 1 and card.name == saved[0].name
    logs = await services.clients.logs(owner, client.id)
    assert [e.action for e in logs.items] == ["client.updated", "client.created"]


async def test_one_invite_lets_in_one_person_even_at_the_same_moment(
    services: Services, owner, db: Database
) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    invite = await services.staff.create_invite(owner, roles["newbie"].id)
    await _two_connections(services, owner)
    results = await asyncio.gather(
        *(
            services.staff.accept_invite(invite.token, 9000 + n, f"P{n}", None, "en")
            for n in range(3)
        ),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 2, results
    assert all(isinstance(r, Conflict) and r.reason == "invite-used" for r in refused), results
    async with db.read() as session:
        joined = (await session.scalars(select(Staff).where(Staff.telegram_id >= 9000))).all()
    assert len(joined) == 1


async def test_flags_switched_at_the_same_moment_all_stick(services: Services, owner) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    custom = await services.roles.create_custom(owner, roles["newbie"].id, "Night shift")
    before = (await services.roles.get(owner, custom.id)).permissions
    flags = [Permission.TASKS_CREATE, Permission.TASKS_EDIT, Permission.MINERS_IMPORT]
    await _two_connections(services, owner)
    await asyncio.gather(*(services.roles.toggle(owner, custom.id, f) for f in flags))
    after = (await services.roles.get(owner, custom.id)).permissions
    assert after == before ^ {f.value for f in flags}


async def test_role_names_are_unique_whatever_their_case(services: Services, owner) -> None:
    roles = {r.code: r for r in await services.roles.list(owner)}
    await services.roles.create_custom(owner, roles["newbie"].id, "Ночная смена")
    with pytest.raises(Conflict):
        await services.roles.create_custom(owner, roles["newbie"].id, "НОЧНАЯ СМЕНА")


async def test_fsm_writers_at_the_same_moment_and_unicode_data(db: Database) -> None:
    storage = SQLStorage(db)
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    await asyncio.gather(*(storage.set_data(key, {"n": n, "text": "Привет"}) for n in range(10)))
    data = await storage.get_data(key)
    assert data["text"] == "Привет" and data["n"] in range(10)
    other = StorageKey(bot_id=1, chat_id=8, user_id=8)
    await asyncio.gather(
        storage.set_state(other, "Form:name"),
        storage.set_data(other, {"nested": {"ids": [1, 2]}}),
    )
    assert await storage.get_state(other) == "Form:name"
    assert await storage.get_data(other) == {"nested": {"ids": [1, 2]}}
    for k in (key, other):
        await storage.set_state(k, None)
        await storage.set_data(k, {})
    async with db.read() as session:
        assert (await session.scalars(select(FsmRecord))).all() == []

"""Migrations and the persistent conversation storage."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from services.container import Services
from storage.db import Database
from storage.fsm import SQLStorage
from storage.migrate import upgrade
from storage.models import AuditEntry, Base, Role, Staff


async def test_migrations_create_the_whole_schema_and_rerun_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    db = Database(url)
    await upgrade(db)
    services = Services.build(db, owner_ids=[1])
    await services.prepare("UTC")
    await upgrade(db)  # a second start: nothing to do, nothing lost
    async with db.write_engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        staff = (await conn.execute(text("select count(*) from staff"))).scalar()
        mode = (await conn.execute(text("pragma journal_mode"))).scalar()
        fks = (await conn.execute(text("pragma foreign_keys"))).scalar()
    assert set(Base.metadata.tables) <= tables
    assert staff == 1 and mode == "wal" and fks == 1
    await db.close()


async def test_fsm_state_and_data_survive_a_new_storage(db: Database) -> None:
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    first = SQLStorage(db)
    await first.set_state(key, "Form:name")
    await first.set_data(key, {"template": 3})
    await first.set_state(key, "Form:other")  # a state change keeps the data

    second = SQLStorage(db)
    assert await second.get_state(key) == "Form:other"
    assert await second.get_data(key) == {"template": 3}
    await second.set_state(key, None)
    await second.set_data(key, {})
    assert await second.get_state(key) is None and await second.get_data(key) == {}
    async with db.read() as session:
        assert (await session.execute(text("select count(*) from fsm_state"))).scalar() == 0


async def test_a_small_write_takes_its_turn_between_the_chunks_of_a_long_series(
    db: Database,
) -> None:
    """A poll cycle writes chunk after chunk; a member's one write waits for one chunk, not for
    the whole series (SQLite's busy handler alone would let the series win again and again)."""
    order: list[str] = []
    started = asyncio.Event()

    async def series() -> None:
        for n in range(30):
            async with db.write() as session:
                await session.execute(text("select 1"))
                session.add(AuditEntry(category="general", action=f"chunk{n}"))
                await session.flush()
                await asyncio.sleep(0.01)  # the chunk's own work, holding the lock
            order.append(f"chunk{n}")
            started.set()

    async def member() -> None:
        await started.wait()
        async with db.write() as session:
            session.add(AuditEntry(category="general", action="member"))
        order.append("member")

    await asyncio.gather(series(), member())
    assert order.index("member") <= 2, order


async def test_a_committed_write_counts_for_the_tables_it_changed(db: Database) -> None:
    tables = ("staff", "roles")
    before = db.version(*tables)
    async with db.read() as session:  # reading changes nothing
        await session.scalar(select(func.count(Staff.id)))
    async with db.write() as session:  # a write to another table neither
        session.add(AuditEntry(category="general", action="probe"))
    assert db.version(*tables) == before

    async with db.write() as session:  # the unit of work
        session.add(Role(code="probe", name="Probe", rank=5, is_system=False))
    assert db.version(*tables) == before + 1
    async with db.write() as session:  # a Core statement
        await session.execute(update(Role).where(Role.code == "probe").values(rank=6))
    assert db.version(*tables) == before + 2
    async with db.write() as session:  # hand-written SQL: any table may have changed
        await session.execute(text("update roles set rank = 7 where code = 'probe'"))
    assert db.version(*tables) == before + 3

    with pytest.raises(RuntimeError):  # rolled back: nothing changed
        async with db.write() as session:
            await session.execute(update(Role).where(Role.code == "probe").values(rank=8))
            raise RuntimeError("no")
    assert db.version(*tables) == before + 3


async def test_fsm_reads_a_key_once_and_writes_only_changes(db: Database) -> None:
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "fsm_state" in statement:
            statements.append(statement.split()[0].upper())

    event.listen(db.read_engine.sync_engine, "before_cursor_execute", note)
    event.listen(db.write_engine.sync_engine, "before_cursor_execute", note)
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    storage = SQLStorage(db)
    assert await storage.get_state(key) is None and await storage.get_data(key) == {}
    await storage.set_state(key, None)  # what is stored already: no statement
    await storage.set_data(key, {})
    assert statements == ["SELECT"]

    await storage.set_state(key, "Form:name")
    await storage.update_data(key, {"page": 2})
    await storage.update_data(key, {"page": 2})
    assert await storage.get_state(key) == "Form:name"
    assert await storage.get_data(key) == {"page": 2}
    assert statements == ["SELECT", "INSERT", "INSERT"]  # one upsert per change

    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert statements[3:] == ["INSERT", "DELETE"]
    assert await SQLStorage(db).get_data(key) == {}  # as a restart finds it


async def test_fsm_data_handed_out_is_a_copy_that_can_be_changed_and_saved(db: Database) -> None:
    key = StorageKey(bot_id=1, chat_id=6, user_id=6)
    storage = SQLStorage(db)
    await storage.set_data(key, {"ids": [1, 2], "pair": (3, 4)})
    data = await storage.get_data(key)
    assert data == {"ids": [1, 2], "pair": [3, 4]}  # what the database gives back (JSON)
    data["ids"].append(3)
    assert await storage.get_data(key) == {"ids": [1, 2], "pair": [3, 4]}
    await storage.set_data(key, data)
    assert await SQLStorage(db).get_data(key) == {"ids": [1, 2, 3], "pair": [3, 4]}


async def test_fsm_write_that_fails_leaves_the_stored_state(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    storage = SQLStorage(db, cache_size=1)
    await storage.set_state(key, "Form:name")

    async def broken(session: Any, _records: Any) -> None:
        await session.execute(text("insert into nowhere values (1)"))

    monkeypatch.setattr(storage, "_write_all", broken)
    with pytest.raises(DBAPIError):
        await storage.set_state(key, "Form:other")
    monkeypatch.undo()
    assert await storage.get_state(key) == "Form:name"
    with pytest.raises(TypeError):
        await storage.set_data(key, {"not json": {1, 2}})
    assert await storage.get_data(key) == {}

    other = StorageKey(bot_id=1, chat_id=8, user_id=8)  # a cache of one key: the first is forgotten
    await storage.set_state(other, "Form:email")
    assert await storage.get_state(key) == "Form:name"
    assert await storage.get_state(other) == "Form:email"


async def test_fsm_changes_inside_deferred_are_written_once_by_flush(db: Database) -> None:
    key = StorageKey(bot_id=1, chat_id=6, user_id=6)
    storage = SQLStorage(db)
    written = db.version("fsm_state")
    async with storage.deferred():
        await storage.set_state(key, "Form:name")
        await storage.set_data(key, {"page": 2})
        assert await storage.get_state(key) == "Form:name"  # the update reads its own changes
        assert await SQLStorage(db).get_state(key) is None  # nothing stored yet
        await storage.flush()  # what the bot does before it speaks
        assert db.version("fsm_state") == written + 1
        assert await SQLStorage(db).get_data(key) == {"page": 2}
        await storage.set_state(key, "Form:other")
        await storage.set_state(key, "Form:name")  # changed back: nothing to write
    assert db.version("fsm_state") == written + 1
    async with storage.deferred():
        await storage.set_state(key, None)  # FSMContext.clear(): the state, then the data:
        await storage.set_data(key, {})  # one write, at the block's end
    assert db.version("fsm_state") == written + 2
    fresh = SQLStorage(db)
    assert await fresh.get_state(key) is None and await fresh.get_data(key) == {}
    await storage.set_state(key, "Form:name")  # outside a block: written at once
    assert db.version("fsm_state") == written + 3


async def test_fsm_writes_arriving_together_are_committed_together(db: Database) -> None:
    """Group commit: fifty members' writes at once are a few transactions, each member's
    call returning only once its row is committed."""
    storage = SQLStorage(db)
    keys = [StorageKey(bot_id=1, chat_id=100 + n, user_id=100 + n) for n in range(50)]
    await storage.set_state(keys[0], "Form:warm")
    for key in keys:  # known to the storage, as a member's key is after their first tap
        await storage.get_state(key)
    written = db.version("fsm_state")
    await asyncio.gather(
        *(storage.set_data(key, {"n": n}) for n, key in enumerate(keys)),
        *(storage.set_state(key, None) for key in keys[:1]),  # and one row deleted
    )
    assert db.version("fsm_state") - written == 2  # the first write, then all the rest
    fresh = SQLStorage(db)
    assert [await fresh.get_data(key) for key in keys] == [{"n": n} for n in range(50)]
    assert await fresh.get_state(keys[0]) is None
    await storage.set_data(keys[0], {})  # state and data gone: the row too
    async with db.read() as session:
        assert (await session.execute(text("select count(*) from fsm_state"))).scalar() == 49

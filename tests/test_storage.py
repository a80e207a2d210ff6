"""Migrations and the persistent conversation storage."""

from __future__ import annotations

from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import inspect, text

from services.container import Services
from storage.db import Database
from storage.fsm import SQLStorage
from storage.migrate import upgrade
from storage.models import Base


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

"""The migrations and the models describe the same schema; the chain goes down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from storage.db import Database
from storage.migrate import downgrade, upgrade
from storage.models import Base


async def test_models_and_migrations_agree(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(db)

    def diff(connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.write_engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    await db.close()


async def test_downgrade_to_nothing_and_up_again(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(db)
    await downgrade(db, "base")
    async with db.read() as session:
        tables = (
            await session.execute(text("select name from sqlite_master where type='table'"))
        ).all()
    assert [t for (t,) in tables if t != "alembic_version"] == []
    await upgrade(db)
    await db.close()

"""On PostgreSQL: the migrations build the models' schema, go down to nothing and up again;
timestamps are stored as instants whatever the connection's time zone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from services.container import Services
from storage.db import Database
from storage.migrate import downgrade, upgrade
from storage.models import AuditEntry, Base

NewDatabase = Callable[..., Awaitable[str]]


async def _tables(db: Database) -> set[str]:
    async with db.write_engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_down_to_nothing_and_up_again(new_pg_database: NewDatabase) -> None:
    db = Database(await new_pg_database(migrated=False))
    try:
        await upgrade(db)
        assert set(Base.metadata.tables) <= await _tables(db)
        services = Services.build(db, owner_ids=[1])
        await services.prepare("UTC")
        await upgrade(db)  # a second start: nothing to do, nothing lost
        async with db.read() as session:
            assert (await session.execute(text("select count(*) from staff"))).scalar() == 1

        await downgrade(db, "base")
        assert await _tables(db) <= {"alembic_version"}
        await upgrade(db)
        assert set(Base.metadata.tables) <= await _tables(db)
    finally:
        await db.close()


async def test_models_and_migrations_agree(new_pg_database: NewDatabase) -> None:
    db = Database(await new_pg_database(migrated=False))
    await upgrade(db)

    def diff(connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    try:
        async with db.write_engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await db.close()


async def test_timestamps_are_stored_with_their_zone(db: Database) -> None:
    async with db.read() as session:
        kinds = set(
            (
                await session.execute(
                    text(
                        "select distinct data_type from information_schema.columns"
                        " where table_schema = 'public' and column_name in"
                        " ('created_at', 'updated_at', 'at', 'not_before', 'expires_at')"
                    )
                )
            ).scalars()
        )
    assert kinds == {"timestamp with time zone"}


async def test_a_connection_in_another_zone_reads_the_same_instant(db: Database) -> None:
    almaty = datetime(2026, 11, 2, 15, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    async with db.write() as session:
        await session.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))
        session.add(AuditEntry(category="general", action="probe", at=almaty))
    async with db.read() as session:
        await session.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        back = await session.scalar(select(AuditEntry.at).where(AuditEntry.action == "probe"))
        shown = await session.scalar(text("select to_char(at, 'HH24:MI') from audit_log"))
    assert back == almaty and back.tzinfo is UTC
    assert shown == "05:30"  # the server converts for display only; the instant is the same

"""`storage.sqlite`: a statement is one trip to aiosqlite's thread, and transactions still begin
(and hold SQLite's locks) as they did when BEGIN was a trip of its own."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.sqlite import OneTripConnection

SETUP = "create table t (id integer primary key, v text not null unique)"


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call that crosses to an aiosqlite thread, by the function sent there."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    yield sent


def _path(db: Database) -> str:
    return db.url.split("///", 1)[1]


async def _table(db: Database) -> None:
    async with db.write() as session:
        await session.execute(text(SETUP))


async def test_a_statement_is_one_trip_and_a_transaction_two(
    db: Database, trips: list[str]
) -> None:
    await _table(db)
    async with db.read() as session:  # warm the pool: connecting is trips of its own
        await session.execute(text("select 1"))
    trips.clear()
    async with db.write() as session:
        await session.execute(text("insert into t (v) values ('a')"))
    assert len(trips) == 2  # BEGIN IMMEDIATE + the insert; then COMMIT
    trips.clear()
    async with db.read() as session:
        rows = (await session.execute(select(text("v")).select_from(text("t")))).all()
    assert len(rows) == 1 and len(trips) == 2  # BEGIN + the select + its rows; then COMMIT
    trips.clear()
    async with db.write():  # nothing ran: nothing begun, nothing to commit
        pass
    async with db.read():
        pass
    assert trips == []


async def test_rows_is_one_trip_outside_any_transaction(db: Database, trips: list[str]) -> None:
    await _table(db)
    async with db.write() as session:
        await session.execute(text("insert into t (v) values ('a'), ('b')"))
    await db.rows(select(text("v")).select_from(text("t")))  # warm the pool
    trips.clear()
    rows = await db.rows(select(text("v")).select_from(text("t")).order_by(text("v")))
    assert [r[0] for r in rows] == ["a", "b"]
    assert len(trips) == 1  # the select and its rows; no BEGIN, no COMMIT or ROLLBACK
    # the connection goes back clean: the next read still begins, and sees one moment
    other = sqlite3.connect(_path(db), isolation_level=None)
    try:
        async with db.read() as session:
            first = (await session.execute(text("select count(*) from t"))).scalar()
            other.execute("insert into t (v) values ('c')")
            again = (await session.execute(text("select count(*) from t"))).scalar()
        assert first == again == 2
        assert len(await db.rows(select(text("v")).select_from(text("t")))) == 3
    finally:
        other.close()


async def test_a_write_holds_the_write_lock_from_its_first_statement(db: Database) -> None:
    await _table(db)
    other = sqlite3.connect(_path(db), timeout=0, isolation_level=None)
    try:
        async with db.write() as session:
            await session.execute(text("insert into t (v) values ('a')"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # committed: free again
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_read_sees_one_moment_from_its_first_statement(db: Database) -> None:
    await _table(db)
    other = sqlite3.connect(_path(db), isolation_level=None)
    try:
        async with db.read() as session:
            first = (await session.execute(text("select count(*) from t"))).scalar()
            other.execute("insert into t (v) values ('later')")
            second = (await session.execute(text("select count(*) from t"))).scalar()
        assert first == second == 0
    finally:
        other.close()


async def test_a_failed_statement_rolls_the_whole_transaction_back(db: Database) -> None:
    await _table(db)
    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await session.execute(text("insert into t (v) values ('a')"))
            await session.execute(text("insert into t (v) values ('a')"))
    async with db.write() as session:  # the connection is clean and usable again
        await session.execute(text("insert into t (v) values ('b')"))
    async with db.read() as session:
        assert (await session.execute(text("select v from t"))).scalars().all() == ["b"]


async def test_executemany_counts_rows_and_a_stream_reads_in_chunks(db: Database) -> None:
    await _table(db)
    async with db.write() as session:
        result = await session.execute(
            text("insert into t (v) values (:v)"), [{"v": f"v{i}"} for i in range(250)]
        )
        assert result.rowcount == 250  # type: ignore[attr-defined]
    other = sqlite3.connect(_path(db), isolation_level=None)
    try:
        async with db.read() as session:
            stream = await session.stream(
                text("select v from t order by id").execution_options(yield_per=100)
            )
            seen = 0
            async for partition in stream.partitions():
                if seen == 0:  # the stream's transaction began before its first rows
                    other.execute("delete from t")
                seen += len(partition)
        assert seen == 250
    finally:
        other.close()


async def test_the_engines_use_the_one_trip_connection(db: Database) -> None:
    async with db.write_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.dbapi_connection, OneTripConnection)


async def test_a_burst_of_reads_reuses_the_pool_s_connections(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sixteen reads at once (eight updates working, the outbox, exports, the poller) keep
    their connections: each new one is a thread and four PRAGMAs."""
    opened: list[str] = []
    original = aiosqlite.connect

    def counted(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        opened.append("connect")
        return original(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", counted)

    async def burst() -> None:
        async def one() -> None:
            async with db.read() as session:
                await session.execute(text("select 1"))
                await asyncio.sleep(0.01)  # all sixteen are open at once

        await asyncio.gather(*(one() for _ in range(16)))

    await burst()
    assert len(opened) == 16
    await burst()
    assert len(opened) == 16  # none opened again

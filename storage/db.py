"""Engines and transactions.

On SQLite, write transactions start with ``BEGIN IMMEDIATE`` so two writers queue on the busy
timeout instead of failing with "database is locked" when one upgrades a read lock; reads use a
plain deferred ``BEGIN`` and never wait for writers (WAL). Within the process, writers also take
turns on an asyncio lock, first come first served: SQLite's busy handler polls, so a task that
writes chunk after chunk (a poll cycle of many miners) would otherwise win the lock again and
again while a member's one small write waits out the busy timeout.

Every write transaction notes the tables its statements and flushes change; once it has
committed, their counters in `Database.version` grow. A cache of what a few tables say (the
Actor, the facility settings) keeps the version it read at and is stale when it differs.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, TextClause, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, object_mapper
from sqlalchemy.pool import PoolResetState
from sqlalchemy.sql.dml import UpdateBase

from storage.sqlite import OneTripConnection, OneTripDbapi

ANY_TABLE = "*"  # a hand-written statement: which tables it changed is not known
ONE_STATEMENT = "farmdesk_one_statement"  # execution option of `Database.rows`' engine


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_engine(url: str, begin: str) -> AsyncEngine:
    # Every call into aiosqlite is a trip to its thread and back: a statement is one trip
    # (`storage.sqlite`), BEGIN goes with the transaction's first statement, and a connection
    # coming back to the pool is rolled back only if its transaction is still open (a session
    # always commits or rolls back first).
    engine = create_async_engine(
        url,
        connect_args={"timeout": 30},
        pool_reset_on_return=None,
        module=OneTripDbapi(),
        pool_size=16,
        max_overflow=16,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        adapted = conn.connection.dbapi_connection
        assert isinstance(adapted, OneTripConnection)
        if conn.get_execution_options().get(ONE_STATEMENT):
            return  # `Database.rows`: the statement is its own transaction
        adapted.pending_begin = begin  # sent with the first statement

    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, record: Any, state: PoolResetState) -> None:
        dbapi_connection.pending_begin = None
        if not state.terminate_only and record.driver_connection.in_transaction:
            dbapi_connection.rollback()

    return engine


class WriteSession(Session):
    """The session of `Database.write`: notes in ``info["changed"]`` the tables it writes."""


def _changed(session: Session) -> set[str]:
    changed: set[str] = session.info.setdefault("changed", set())
    return changed


@event.listens_for(WriteSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, UpdateBase):  # INSERT, UPDATE, DELETE (ORM or Core)
        name = getattr(statement.table, "name", None)  # a join or an alias: not known
        _changed(state.session).add(name if isinstance(name, str) else ANY_TABLE)
    elif isinstance(statement, TextClause):
        _changed(state.session).add(ANY_TABLE)


@event.listens_for(WriteSession, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    changed = _changed(session)
    for instance in chain(session.new, session.dirty, session.deleted):
        changed.update(table.name for table in object_mapper(instance).tables)


class Database:
    """The database of one installation: sessions for reading and for writing."""

    def __init__(self, url: str, *, shared: bool = False) -> None:
        self.url = url
        # other processes write it too (bot replicas): nothing read outlives its transaction
        self.shared = shared
        path = _sqlite_path(url)
        self.is_sqlite = make_url(url).drivername.startswith("sqlite")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        if self.is_sqlite:
            self.write_engine = _sqlite_engine(url, "BEGIN IMMEDIATE")
            self.read_engine = _sqlite_engine(url, "BEGIN")
        else:
            self.write_engine = create_async_engine(url, pool_pre_ping=True)
            self.read_engine = self.write_engine
        self._writer = async_sessionmaker(
            self.write_engine, expire_on_commit=False, sync_session_class=WriteSession
        )
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._rows_engine = self.read_engine.execution_options(**{ONE_STATEMENT: True})
        self._versions: Counter[str] = Counter()
        # SQLite has one writer at a time: in this process they queue here, in order
        self._turns = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction: committed on success, rolled back on any error."""
        async with self._turn(), self._writer() as session:
            async with session.begin():
                yield session
            self._versions.update(session.info.pop("changed", ()))

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._turns is None:  # PostgreSQL: writers run side by side
            yield
            return
        async with self._turns:
            yield

    def version(self, *tables: str) -> int:
        """How many committed write transactions changed any of `tables`: read it before
        reading them, and what was read is current while the number stays the same. Writes
        made outside this object (another process, a hand-made connection) are not counted:
        for a `shared` database every answer is new, so what was read is never reused."""
        if self.shared:
            self._versions[ANY_TABLE] += 1
        return self._versions[ANY_TABLE] + sum(self._versions[t] for t in tables)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading; nothing it does is committed."""
        async with self._reader() as session, session.begin():
            yield session

    async def rows(
        self, statement: Select[*tuple[Any, ...]], params: Mapping[str, Any] | None = None
    ) -> Sequence[Row[*tuple[Any, ...]]]:
        """The rows of one SELECT of columns (SQLAlchemy Core, no ORM objects). A single
        statement is consistent by itself, so on SQLite it runs without BEGIN and COMMIT: one
        trip to aiosqlite's thread instead of two, and no ORM session around it (a third of a
        short read's CPU in the event loop). Two statements that must agree go in `read`."""
        async with self._rows_engine.connect() as connection:
            return (await connection.execute(statement, params)).all()

    async def close(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()

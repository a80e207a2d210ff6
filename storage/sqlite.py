"""SQLite through aiosqlite in fewer trips to its thread.

aiosqlite runs every call on a thread of its own: each call is a trip there and back (a queue
put, a thread woken, the result posted back to the event loop). SQLAlchemy's adapter makes four
trips per statement (make a cursor, execute, fetch the rows, close the cursor) and our engines
one more for BEGIN. Here one statement is one trip: the cursor is made, executed, read to the end
and closed in the thread, and the transaction's BEGIN goes along with its first statement, as
the asyncpg adapter starts its transactions. A transaction of one statement is two trips (the
statement, COMMIT), and one that ran no statement none at all.

Used by `storage.db` as the engines' DBAPI module (``create_async_engine(module=…)``); the
dialect, the URL (``sqlite+aiosqlite://``) and everything above the DBAPI stay SQLAlchemy's.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
)

_Outcome = tuple[Any, Sequence[Any], int, int | None]


def _run(
    conn: sqlite3.Connection, begin: str | None, operation: str, parameters: Any, many: bool
) -> _Outcome:
    """In aiosqlite's thread: BEGIN if one is owed, the statement, all its rows."""
    if begin is not None:
        conn.execute(begin)
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, () if parameters is None else parameters)
        description = cursor.description
        rows = cursor.fetchall() if description and not many else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A DBAPI cursor whose statement is one trip; its rows are kept here."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False  # nothing is left open in the thread
    _adapt_connection: OneTripConnection

    def __init__(self, adapt_connection: Any) -> None:  # a OneTripConnection; no driver cursor
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._rows = deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        adapt = self._adapt_connection
        async with adapt._execute_mutex:
            begin, adapt.pending_begin = adapt.pending_begin, None
            driver = self._connection
            outcome: _Outcome = await driver._execute(
                _run, driver._conn, begin, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._trip(operation, parameters, False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._trip(operation, seq_of_parameters, True)

    def nextset(self) -> None:
        raise NotImplementedError("SQLite statements have one result set")

    def setinputsizes(self, *inputsizes: Any) -> None:
        """Nothing to do for SQLite."""


class BegunServerSideCursor(AsyncAdapt_aiosqlite_ss_cursor):
    """A streaming cursor (rows fetched in chunks): it issues the BEGIN it is owed first."""

    __slots__ = ()
    _adapt_connection: OneTripConnection

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        adapt = self._adapt_connection
        begin, adapt.pending_begin = adapt.pending_begin, None
        if begin is not None:
            await self._connection.execute_fetchall(begin)  # one trip, its cursor closed
        return await super()._execute_async(operation, parameters)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's connection as SQLAlchemy sees it. `pending_begin` is the BEGIN statement
    the next statement runs first (set by the engine when a transaction starts); a
    transaction that ran nothing, or whose statements ran on their own, has nothing to commit
    or roll back."""

    __slots__ = ("pending_begin",)
    _cursor_cls = OneTripCursor
    _ss_cursor_cls = BegunServerSideCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:  # an aiosqlite.Connection
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None

    def commit(self) -> None:
        if self._nothing_open():
            return
        super().commit()

    def rollback(self) -> None:
        if self._nothing_open():
            return
        super().rollback()

    def _nothing_open(self) -> bool:
        """No transaction to end: none began (BEGIN still owed), or statements ran on their
        own (`Database.rows`). Asked between statements, never while one runs."""
        if self.pending_begin is not None:
            self.pending_begin = None
            return True
        return not self._connection.in_transaction


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module of `sqlite+aiosqlite` engines, making `OneTripConnection`s."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)

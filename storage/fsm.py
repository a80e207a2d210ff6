"""aiogram FSM storage in our own database, so a half-filled form survives a restart.

aiogram reads the state on every update and most screens write it, so the storage keeps what it
last read or wrote for each key in memory (write-through): a read costs no round trip once the
key is known, and a write of what is already stored costs none at all. The cache is right only
while this process is the one that writes the ``fsm_state`` table: one bot process per database,
as polling requires (several replicas keep their state in Redis instead).

A change is written, and committed, before the caller goes on; changes that arrive while another
commits go together into the next transaction (group commit). Inside `SQLStorage.deferred()` (the
bot opens one around each update) the update's changes are kept and written together by
`SQLStorage.flush()`: the bot calls it before every request to Telegram, and the block's end calls
it. A screen (and an answer) is sent only once the state behind it is stored, so after a restart,
or a kill, the member's last screen and their state agree; what an update changes twice
(``clear()`` is a state and then the data; a list sets its state and then its page) is written
once.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import FsmRecord, utcnow

CACHE_SIZE = 10_000  # chat members remembered; the least recently used are forgotten first


@dataclass(frozen=True, slots=True)
class _Record:
    """One key's state and its data as JSON text: every reader decodes its own copy, as it
    would from the database, and two records compare equal when the stored row would."""

    state: str | None
    data: str

    @property
    def empty(self) -> bool:
        return self.state is None and self.data == _NO_DATA


_NO_DATA = json.dumps({})
_EMPTY = _Record(None, _NO_DATA)
_KEEP: Any = object()


@dataclass(slots=True, eq=False)
class _Deferred:
    """One `SQLStorage.deferred()` block: the changes not written yet, and what each of those
    keys held before its first change (a key changed back costs nothing)."""

    storage: SQLStorage
    pending: dict[str, _Record] = field(default_factory=dict)
    before: dict[str, _Record] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one flush at a time
    open: bool = True


@dataclass(slots=True, eq=False)
class _Batch:
    """Writes committed together; `done` once they are."""

    done: asyncio.Future[None]
    records: dict[str, _Record] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # retrieved even when every writer waiting for it was cancelled
        self.done.add_done_callback(lambda f: f.cancelled() or f.exception())


_deferred: ContextVar[_Deferred | None] = ContextVar("fsm_deferred", default=None)


class SQLStorage(BaseStorage):
    """Keeps each chat member's state and data in the ``fsm_state`` table."""

    def __init__(
        self, db: Database, key_builder: KeyBuilder | None = None, *, cache_size: int = CACHE_SIZE
    ) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _Record] = OrderedDict()
        # One lock per key while anyone uses it: a read that fills the cache and a write never
        # interleave, so the cache always holds the last committed row.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._filling: _Batch | None = None  # the writes waiting for the next commit
        self._committing_one = asyncio.Lock()
        self._committing: set[asyncio.Task[None]] = set()

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def _remember(self, key: str, record: _Record) -> None:
        self._cache[key] = record
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _block(self) -> _Deferred | None:
        """This task's open `deferred()` block of this storage, if any."""
        block = _deferred.get()
        return block if block is not None and block.open and block.storage is self else None

    async def _record(self, key: str) -> _Record:
        block = self._block()
        if block is not None and key in block.pending:
            return block.pending[key]
        record = self._cache.get(key)
        if record is not None:
            self._cache.move_to_end(key)
            return record
        async with self._lock(key):
            return await self._load(key)

    async def _load(self, key: str) -> _Record:
        """The key's record from the cache or the database (the caller holds the key's lock)."""
        record = self._cache.get(key)
        if record is None:
            async with self.db.read() as session:
                row = (
                    await session.execute(
                        select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == key)
                    )
                ).first()
            record = _Record(row.state, json.dumps(row.data or {})) if row else _EMPTY
            self._remember(key, record)
        return record

    async def _write(self, key: str, *, state: Any = _KEEP, data: Any = _KEEP) -> None:
        """Set the state and/or the data of one key: one statement, none when nothing changes
        (inside `deferred()`, kept for `flush`); a row left with neither is deleted."""
        async with self._lock(key):
            block = self._block()
            current = block.pending.get(key) if block is not None else None
            if current is None:
                current = await self._load(key)
            new = _Record(
                current.state if state is _KEEP else state,
                current.data if data is _KEEP else json.dumps(data),
            )
            if new == current:
                return
            if block is not None:
                block.before.setdefault(key, current)
                block.pending[key] = new
                self._remember(key, new)
                return
            await self._store({key: new})

    async def _store(self, records: dict[str, _Record]) -> None:
        """Write `records` and return once they are committed (the caller holds their keys'
        locks). Writes that arrive while another commits wait for it and then go together, in
        one transaction (group commit): fifty members tapping at once are a few transactions,
        not fifty in a queue for SQLite's one writer."""
        batch = self._filling
        if batch is None:
            batch = self._filling = _Batch(asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._commit(batch))
            self._committing.add(task)
            task.add_done_callback(self._committing.discard)
        batch.records.update(records)
        try:
            await asyncio.shield(batch.done)
        except BaseException:
            for key in records:  # whether it was written is not known: read it again
                self._cache.pop(key, None)
            raise
        for key, record in records.items():
            self._remember(key, record)

    async def _commit(self, batch: _Batch) -> None:
        async with self._committing_one:  # the batch before this one is committed first
            self._filling = None  # what arrives from now on goes into the next batch
            try:
                async with self.db.write() as session:
                    await self._write_all(session, batch.records)
            except asyncio.CancelledError:
                batch.done.cancel()
                raise
            except BaseException as exc:
                batch.done.set_exception(exc)
            else:
                batch.done.set_result(None)

    async def _write_all(self, session: AsyncSession, records: dict[str, _Record]) -> None:
        """Rows left with neither state nor data deleted, the rest upserted: two statements."""
        gone = [key for key, record in records.items() if record.empty]
        if gone:
            await session.execute(delete(FsmRecord).where(FsmRecord.key.in_(gone)))
        now = utcnow()
        rows = [
            {"key": key, "state": r.state, "data": json.loads(r.data), "updated_at": now}
            for key, r in records.items()
            if not r.empty
        ]
        if rows:
            insert = (sqlite_insert if self.db.is_sqlite else pg_insert)(FsmRecord)
            upsert = insert.on_conflict_do_update(
                index_elements=[FsmRecord.key],
                set_={
                    "state": insert.excluded.state,
                    "data": insert.excluded.data,
                    "updated_at": insert.excluded.updated_at,
                },
            )
            await session.execute(upsert, rows)

    @asynccontextmanager
    async def deferred(self) -> AsyncIterator[None]:
        """Keep this task's changes until `flush()` or the block's end writes them together."""
        block = _Deferred(self)
        token = _deferred.set(block)
        try:
            yield
        finally:
            _deferred.reset(token)
            block.open = False
            await self._flush(block)

    async def flush(self) -> None:
        """Write what this task's `deferred()` block changed; returns once it is committed
        (or raises, and the keys are read again from the database)."""
        block = self._block()
        if block is not None and block.pending:
            await self._flush(block)

    async def _flush(self, block: _Deferred) -> None:
        async with block.lock:
            changed = {k: r for k, r in block.pending.items() if r != block.before.get(k)}
            block.pending.clear()
            block.before.clear()
            if not changed:
                return
            async with AsyncExitStack() as locks:
                for key in sorted(changed):
                    await locks.enter_async_context(self._lock(key))
                await self._store(changed)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._record(self.key_builder.build(key))).state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise TypeError(f"Data must be a dict, not {type(data).__name__}")
        await self._write(self.key_builder.build(key), data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((await self._record(self.key_builder.build(key))).data)
        return data

    async def close(self) -> None:
        """Waits for a commit under way; the database belongs to the application."""
        await asyncio.gather(*self._committing, return_exceptions=True)

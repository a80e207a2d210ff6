"""aiogram FSM storage in our own database, so a half-filled form survives a restart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.db import Database
from storage.models import FsmRecord, utcnow


class SQLStorage(BaseStorage):
    """Keeps each chat member's state and data in the ``fsm_state`` table."""

    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    def _insert(self) -> Any:
        return sqlite_insert if self.db.is_sqlite else pg_insert

    async def _upsert(self, key: str, **values: Any) -> None:
        """Set the given columns of one row, creating it when missing; then drop it if empty."""
        now = utcnow()
        stmt = (
            self._insert()(FsmRecord)
            .values({"key": key, "state": None, "data": {}, "updated_at": now, **values})
            .on_conflict_do_update(
                index_elements=[FsmRecord.key], set_={**values, "updated_at": now}
            )
        )
        async with self.db.write() as session:
            await session.execute(stmt)
            record = await session.get(FsmRecord, key, populate_existing=True)
            if record is not None and record.state is None and not record.data:
                await session.delete(record)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._upsert(self.key_builder.build(key), state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._get(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise TypeError(f"Data must be a dict, not {type(data).__name__}")
        await self._upsert(self.key_builder.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._get(key)
        return dict(record.data or {}) if record else {}

    async def _get(self, key: StorageKey) -> FsmRecord | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(FsmRecord).where(FsmRecord.key == self.key_builder.build(key))
            )

    async def close(self) -> None:
        """The database belongs to the application; nothing to close here."""

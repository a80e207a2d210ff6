"""Long operations a member waits for (reading an import, applying it), from the start until the
member has been told how each ended — across restarts and kill -9.

A handler begins one, naming the chat and the message that shows its progress. The work marks it
done, with its result, in the work's own transaction: "done" is recorded exactly when the work
is stored. The handler marks it told once the member sees the outcome. On start, `recover`
tells every member whose operation a stop cut off, through the outbox and into the progress
message: one still running did nothing (its work is one transaction) and is reported "not done"
with a button to do it again; one done but not told is reported with its result.

An operation with a `key` happens once: beginning it again once it is done raises AlreadyDone
(a second tap on Apply answers with a toast and leaves the result on screen); after a failure or
an interruption it may begin again.

Notices: `params["args"]` are the arguments of its texts, `params["redo"]` the buttons of "not
done" and `params["after"]` those of "done" (outbox button specs; a spec without an id gets the
operation's). Texts: `operation-interrupted-<kind>` and `operation-done-<kind>` (kind with
dashes), the latter with the result's values as arguments too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.errors import AlreadyDone, Conflict, NotFound
from services.outbox import notify
from storage.db import Database
from storage.models import Operation, Staff, utcnow
from storage.repositories import operations as repo

KEEP_FOR = timedelta(days=30)  # a finished operation is remembered this long (repeated taps)


@dataclass(frozen=True, slots=True)
class OperationInfo:
    id: int
    kind: str
    key: str | None
    status: str  # running | done | failed | interrupted
    params: dict[str, Any]
    result: dict[str, Any] | None


def _info(op: Operation) -> OperationInfo:
    return OperationInfo(op.id, op.kind, op.key, op.status, dict(op.params), op.result)


def text_key(kind: str, outcome: str) -> str:
    """`operation-interrupted-import-apply`, `operation-done-import-read`, …"""
    return f"operation-{outcome}-{kind.replace('.', '-').replace('_', '-')}"


class OperationService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    async def begin(
        self,
        actor: Actor,
        kind: str,
        *,
        chat_id: int,
        message_id: int | None = None,
        key: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> int:
        """Record that `actor` started an operation; returns its id. The caller checks that the
        actor may do it."""
        now = self.clock()
        async with self.db.write() as session:
            op = None
            if key is not None:
                op = await session.scalar(
                    select(Operation).where(Operation.kind == kind, Operation.key == key)
                )
            if op is not None and op.staff_id != actor.staff_id:
                raise NotFound(kind, key)
            if op is not None and op.status == "done":
                raise AlreadyDone(kind)
            if op is not None and op.status == "running":
                raise Conflict("operation-running")
            if op is None:
                op = Operation(kind=kind, key=key)
                session.add(op)
            op.staff_id, op.chat_id, op.message_id = actor.staff_id, chat_id, message_id
            op.params, op.status, op.result = params or {}, "running", None
            op.started_at, op.finished_at, op.told_at = now, None, None
            await session.flush()
            return op.id

    async def check_not_done(self, actor: Actor, kind: str, key: str) -> None:
        """Raise AlreadyDone when `actor`'s operation (kind, key) is done."""
        async with self.db.read() as session:
            op = await session.scalar(
                select(Operation).where(Operation.kind == kind, Operation.key == key)
            )
        if op is not None and op.staff_id == actor.staff_id and op.status == "done":
            raise AlreadyDone(kind)

    async def progress_message(self, op_id: int, message_id: int) -> None:
        """The message that shows the operation from now on (and gets its outcome)."""
        async with self.db.write() as session:
            op = await session.get(Operation, op_id)
            if op is not None:
                op.message_id = message_id

    async def done_in(
        self,
        session: AsyncSession,
        op_id: int | None,
        result: dict[str, Any],
        *,
        after: list[dict[str, Any]] | None = None,
    ) -> None:
        """Mark the operation done inside the transaction that stores its work; `after` are
        the buttons of its result when it is told after a restart."""
        await repo.mark_done(session, op_id, result, self.clock(), after=after)

    async def done(
        self,
        op_id: int | None,
        result: dict[str, Any],
        *,
        after: list[dict[str, Any]] | None = None,
    ) -> None:
        """Mark the operation done (work that is not a database transaction, such as files)."""
        if op_id is None:
            return
        async with self.db.write() as session:
            await self.done_in(session, op_id, result, after=after)

    async def told(self, op_id: int | None) -> None:
        """The member sees how the operation ended (one not done by now failed: it may begin
        again)."""
        await self._end(op_id, None)

    async def failed(self, op_id: int | None) -> None:
        """The operation stopped with an error, and the member was shown it; nothing was done,
        so it may begin again."""
        await self._end(op_id, "failed")

    async def _end(self, op_id: int | None, status: str | None) -> None:
        if op_id is None:
            return
        async with self.db.write() as session:
            op = await session.get(Operation, op_id)
            if op is None:
                return
            now = self.clock()
            if status is None and op.status == "running":
                status = "failed"
            if status is not None:
                op.status, op.finished_at = status, now
            op.told_at = now

    async def get(self, actor: Actor, op_id: int) -> OperationInfo:
        """One of `actor`'s own operations (another member's is not found)."""
        async with self.db.read() as session:
            op = await session.get(Operation, op_id)
            if op is None or op.staff_id != actor.staff_id:
                raise NotFound("operation", op_id)
            return _info(op)

    async def recover(self) -> int:
        """On start: tell each member how every operation a stop cut off ended (through the
        outbox, into its progress message). Returns how many were reported."""
        now = self.clock()
        async with self.db.write() as session:
            cut_off = (
                await session.scalars(
                    select(Operation)
                    .where(
                        (Operation.status == "running")
                        | ((Operation.status == "done") & Operation.told_at.is_(None))
                    )
                    .order_by(Operation.id)
                )
            ).all()
            for op in cut_off:
                staff = await session.get(Staff, op.staff_id)
                args = dict(op.params.get("args") or {})
                if op.status == "running":
                    op.status, op.finished_at = "interrupted", now
                    outcome, buttons = "interrupted", op.params.get("redo") or []
                else:
                    outcome, buttons = "done", op.params.get("after") or []
                    args.update(op.result or {})
                op.told_at = now
                if staff is None:
                    continue
                notify(
                    session,
                    staff,
                    text_key(op.kind, outcome),
                    args=args,
                    buttons=[{"id": op.id, **spec} for spec in buttons],
                    edit_message_id=op.message_id,
                )
            return len(cut_off)

    async def purge(self, older_than: timedelta = KEEP_FOR) -> int:
        """Forget operations that ended and were told long ago (a scheduled job)."""
        async with self.db.write() as session:
            result = await session.execute(
                delete(Operation).where(
                    Operation.status != "running",
                    Operation.told_at.is_not(None),
                    Operation.started_at < self.clock() - older_than,
                )
            )
            return cast("CursorResult[Any]", result).rowcount or 0

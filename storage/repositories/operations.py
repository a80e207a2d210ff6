"""Operations in flight (services/operations.py): marked done inside the work's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Operation


async def mark_done(
    session: AsyncSession,
    op_id: int | None,
    result: dict[str, Any],
    at: datetime,
    *,
    after: list[dict[str, Any]] | None = None,
) -> None:
    """Operation `op_id` is done with `result` once `session` commits (None: no operation);
    `after` are the buttons of its result when it is told after a restart."""
    op = await session.get(Operation, op_id) if op_id is not None else None
    if op is not None:
        op.status, op.result, op.finished_at = "done", result, at
        if after is not None:
            op.params = {**op.params, "after": after}

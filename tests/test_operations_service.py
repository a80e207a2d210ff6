"""services/operations.py on a real database: begun, done with the work, told; what a stop cut
off is told on start; an operation with a key happens once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from services.actor import Actor
from services.container import Services
from services.errors import AlreadyDone, Conflict, NotFound
from storage.models import Operation, OutboxMessage
from tests.conftest import join
from tests.miner_files import HEADER, xlsx


async def outbox(services: Services) -> list[OutboxMessage]:
    async with services.db.read() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def status(services: Services, op_id: int) -> tuple[str, bool]:
    async with services.db.read() as session:
        op = await session.get(Operation, op_id)
        assert op is not None
        return op.status, op.told_at is not None


async def test_a_keyed_operation_happens_once_and_only_for_its_member(
    services: Services, owner: Actor
) -> None:
    ops = services.operations
    first = await ops.begin(owner, "miners.edit", key="k1", chat_id=1001, message_id=5)
    with pytest.raises(Conflict):  # still running
        await ops.begin(owner, "miners.edit", key="k1", chat_id=1001)
    await ops.done(first, {"changed": 3})
    await ops.told(first)
    with pytest.raises(AlreadyDone):
        await ops.begin(owner, "miners.edit", key="k1", chat_id=1001)
    with pytest.raises(AlreadyDone):
        await ops.check_not_done(owner, "miners.edit", "k1")
    other = await join(services, owner, "manager", 2002, "Mark")
    with pytest.raises(NotFound):
        await ops.begin(other, "miners.edit", key="k1", chat_id=2002)
    with pytest.raises(NotFound):
        await ops.get(other, first)

    # a failed one may begin again, under the same id
    second = await ops.begin(owner, "miners.edit", key="k2", chat_id=1001)
    await ops.told(second)  # told while not done: it failed
    assert await status(services, second) == ("failed", True)
    assert await ops.begin(owner, "miners.edit", key="k2", chat_id=1001) == second


async def test_on_start_each_member_hears_how_what_a_stop_cut_off_ended(
    services: Services, owner: Actor, tmp_path: Path
) -> None:
    services.imports.store.directory = tmp_path / "imports"
    preview = await services.imports.read(owner, xlsx([HEADER, ["10.0.0.1", None, "S1"]]), "a.xlsx")
    cut = await services.imports.begin_apply(owner, preview.id, chat_id=1001, message_id=7)
    applied = await services.imports.begin_read(
        owner, chat_id=1001, message_id=8, file_id="F1", file_name="b.xlsx"
    )
    await services.operations.done(
        applied, {"file": "b.xlsx"}, after=[{"open": "import-preview", "key": "x"}]
    )
    told = await services.operations.begin(owner, "miners.edit", chat_id=1001)
    await services.operations.told(told)

    assert await services.operations.recover() == 2
    first, second = await outbox(services)
    assert (first.text_key, first.edit_message_id) == ("operation-interrupted-import-apply", 7)
    assert first.args == {"file": "a.xlsx"}
    assert first.buttons == [{"id": cut, "open": "import-apply", "key": preview.id}]
    assert (second.text_key, second.edit_message_id) == ("operation-done-import-read", 8)
    assert second.buttons == [{"id": applied, "open": "import-preview", "key": "x"}]
    assert await status(services, cut) == ("interrupted", True)
    assert await services.operations.recover() == 0  # told once

    # "apply it again" begins the same operation again, and this time it is done
    assert await services.imports.begin_apply(owner, preview.id, chat_id=1001, message_id=7) == cut
    result = await services.imports.apply(owner, preview.id, operation=cut)
    assert result.new == 1 and await status(services, cut) == ("done", False)
    with pytest.raises(AlreadyDone):
        await services.imports.begin_apply(owner, preview.id, chat_id=1001, message_id=7)

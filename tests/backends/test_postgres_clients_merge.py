"""Merging and archiving clients on PostgreSQL: tests/test_clients_merge.py once more, and what
only a server with writers side by side shows — an edit, a mass edit, a task, an export and a
monthly bill run meeting a merge in progress, each waiting for it and then seeing it done."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from services.actor import Actor
from services.container import Services
from services.errors import Conflict
from services.miners.service import Selection
from services.tasks.service import TaskDraft
from storage.db import Database
from storage.models import Bill, Client, Miner
from tests import bills_data as data
from tests.backends.conftest import rerun
from tests.conftest import Clock

rerun(globals(), "tests.test_clients_merge", needs=("db", "services", "owner"))

WAIT = 0.5  # seconds a blocked writer is given to show that it waits


@asynccontextmanager
async def miners_held(db: Database) -> AsyncIterator[None]:
    """Another transaction holding the miners table (SHARE: no writer of miners gets in) until
    the block ends: a merge started meanwhile stops there, with both clients locked and new
    exports and bill runs held off."""
    async with db.write() as session:
        await session.execute(text("LOCK TABLE miners IN SHARE MODE"))
        yield


async def still_waiting(*tasks: asyncio.Task[Any]) -> None:
    await asyncio.sleep(WAIT)
    assert not any(t.done() for t in tasks), [t for t in tasks if t.done()]


async def _client(services: Services, owner: Actor, name: str) -> int:
    card = await services.clients.add(
        owner, name=name, email=f"{name.lower()}@example.com", manager_id=owner.staff_id
    )
    return card.id


async def _two_clients(services: Services, owner: Actor) -> tuple[int, int, list[int]]:
    a = await _client(services, owner, "Alpha")
    b = await _client(services, owner, "Beta")
    async with services.db.write() as session:
        miners = [Miner(serial=f"SN-{i}", client_id=a, status="active") for i in range(3)]
        session.add_all(miners)
        await session.flush()
        ids = [m.id for m in miners]
    return a, b, ids


def start(coro: Awaitable[Any]) -> asyncio.Task[Any]:
    return asyncio.ensure_future(coro)


async def test_an_edit_saved_first_is_waited_for_and_kept(services: Services, owner: Actor) -> None:
    a, b, _ = await _two_clients(services, owner)
    version = (await services.clients.card(owner, a)).version
    async with services.db.write() as session:  # the edit's transaction, not committed yet
        client = await session.get(Client, a, with_for_update=True)
        assert client is not None
        client.name, client.name_key = "Alpha Mining", "alpha mining"
        client.version = version + 1
        merge = start(services.client_merge.merge(owner, a, b))
        await still_waiting(merge)
    result = await merge
    assert result.source.name == "Alpha Mining" and result.moved.miners == 3
    async with services.db.read() as session:
        merged = await session.get(Client, a)
        assert merged is not None and merged.archived_at is not None
        assert merged.name == "Alpha Mining" and merged.version == version + 2


async def test_an_edit_during_a_merge_waits_and_is_refused(
    services: Services, owner: Actor
) -> None:
    a, b, ids = await _two_clients(services, owner)
    version = (await services.clients.card(owner, a)).version
    async with miners_held(services.db):
        merge = start(services.client_merge.merge(owner, a, b))
        await asyncio.sleep(WAIT)  # the merge holds both clients and waits for the miners
        edit = start(services.clients.edit(owner, a, "name", "Late", expected_version=version))
        move = start(services.miners.set_client(owner, Selection(ids=frozenset(ids[:1])), a))
        await still_waiting(merge, edit, move)
    result = await merge
    assert result.moved.miners == 3
    for late in (edit, move):
        with pytest.raises(Conflict) as refused:
            await late
        assert refused.value.reason == "client-merged"
    async with services.db.read() as session:
        client = await session.get(Client, a)
        assert client is not None and client.name == "Alpha"
        owners = set((await session.scalars(select(Miner.client_id))).all())
    assert owners == {b}


async def test_a_task_or_an_export_asked_for_during_a_merge_waits_for_it(
    services: Services, owner: Actor
) -> None:
    a, b, _ = await _two_clients(services, owner)
    board = next(m for m in await services.task_managers.list(owner) if m.is_builtin)
    draft = TaskDraft(manager_id=board.id, type_id=board.types[0].id, summary="X", client_id=a)
    async with miners_held(services.db):
        merge = start(services.client_merge.merge(owner, a, b))
        await asyncio.sleep(WAIT)
        task = start(services.tasks.create(owner, draft))
        export = start(
            services.exports.request(owner, clients=[a, b], kinds=["miners"], preset="this_month")
        )
        await still_waiting(merge, task, export)
    await merge
    with pytest.raises(Conflict):
        await task  # the client it was for is merged now
    job = await export  # an archived client can still be exported, after the merge
    assert job.clients == [a, b]
    with pytest.raises(Conflict) as busy:  # and while that export is queued, no merge
        await services.client_merge.merge(owner, b, await _client(services, owner, "Gamma"))
    assert busy.value.reason == "merge-export"


async def test_a_bill_run_starting_during_a_merge_bills_the_survivor(
    services: Services, owner: Actor, clock: Clock
) -> None:
    a = await _client(services, owner, "Alpha")
    b = await _client(services, owner, "Beta")
    await services.bills.set_rate(owner, None, "price_kwh", "0.05", data.FIRST)
    await data.add_miners(services.db, a)
    clock.now = data.local(date(2026, 11, 2), 12)
    async with miners_held(services.db):
        merge = start(services.client_merge.merge(owner, a, b))
        await asyncio.sleep(WAIT)
        run = start(services.billing.due())
        await still_waiting(merge, run)
    await merge
    result = await run
    assert (result.period, result.bills, result.finished) == ("2026-10", 1, True)
    async with services.db.read() as session:
        bill = await session.scalar(select(Bill))
    assert bill is not None and (bill.client_id, bill.usage_client_id) == (b, a)
    assert bill.energy_wh == (3250 + 3250 + 3000) * 31 * 24

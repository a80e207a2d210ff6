"""The synthetic facility generator: counts, uniqueness and the overview's view of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.generate import OWNER_TG, generate, sqlite_url
from services.clients.service import ClientQuery
from services.container import Services
from storage.db import Database
from storage.models import Bill, Client, ConsumptionDaily, Miner, Task, TaskManager


async def test_generate_tiny_facility(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "bench.db"))
    try:
        facility = await generate(db, clients=20, miners=300, days=3)
        assert facility.owner_telegram_id == OWNER_TG
        assert (facility.clients, facility.miners, facility.tasks, facility.bills) == (
            20,
            300,
            60,
            40,
        )
        assert facility.consumption_rows == 60
        assert 250 <= facility.assigned_miners < 300

        async with db.read() as session:

            async def count(column: Any) -> int:
                return int(await session.scalar(select(func.count(column))) or 0)

            assert await count(Client.id) == 20
            assert await count(Miner.id) == 300
            assert await count(Miner.client_id) == facility.assigned_miners
            assert await count(func.distinct(Miner.mac)) == 300
            assert await count(func.distinct(Miner.ip)) == 300
            assert await count(func.distinct(Client.name_key)) == 20
            assert await count(Task.id) == 60
            assert await count(Bill.id) == 40
            assert await count(ConsumptionDaily.day) == 60
            assert await count(TaskManager.id) == 1

        services = Services.build(db, owner_ids=[OWNER_TG])
        actor = await services.staff.resolve(OWNER_TG, f"Owner {OWNER_TG}", None, "en")
        assert actor is not None
        page = await services.clients.overview(actor, ClientQuery(), 0, 50)
        assert page.total == 20
        assert sum(c.miners_total for c in page.items) == facility.assigned_miners
        assert sum(sum(c.tasks.values()) for c in page.items) == 60
        assert all(c.bills == 2 for c in page.items)
        busiest = await services.clients.card(actor, facility.busiest_client_id or 0)
        assert busiest.miners_total == facility.busiest_client_miners

        again = await generate(db, clients=5, miners=10, seed=2)  # adds to what is there
        assert again.clients == 5
        async with db.read() as session:
            assert await session.scalar(select(func.count(Client.id))) == 25
            assert await session.scalar(select(func.count(TaskManager.id))) == 1
    finally:
        await db.close()

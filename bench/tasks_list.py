"""How long the Tasks area's screens and the reminder job take on a large facility.

    python -m bench.tasks_list [--clients 2000] [--miners 20000] [--tasks-per-client 25]
                               [--repeat 30] [--db PATH]

Without --db a fresh temporary SQLite file is generated (bench/generate.py); with --db an
existing facility is used as it is (or generated into the file when it has no tasks). Figures are
medians of --repeat runs after a warm-up, in milliseconds; the last line printed is one JSON object.

- first_ms: `TaskService.page`, the first page of all tasks (what the Tasks button opens), plus
  the text of its entries;
- middle_ms: the same for a page in the middle of all tasks (thousands of pages in: a stress
  figure, no one pages that far);
- client_ms: the tasks of the client with the most tasks (the client card's count, tapped);
- mine_open_ms: one member's tasks that are not done (the "My tasks" filter and a status filter);
- card_ms: `TaskService.card` of a task with 500 miners attached, plus its text;
- remind_first_ms / remind_again_ms: the reminder job on a day with tasks due (it queues one
  notification per task), then run again (it finds nothing to do: safe to run twice).

Goal: every screen but the stress figure under 30 ms at 50,000 tasks (`goal_met`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench.generate import NOW, OWNER_TG, generate, sqlite_url
from handlers.tasks import views
from locales import Translations
from services.container import Services
from services.tasks.service import TaskQuery
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Miner, OutboxMessage, Task, TaskMiner

PER_PAGE = 6  # handlers/tasks/area.py
GOAL_MS = 30.0
CARD_MINERS = 500


async def median_ms(fn: Callable[[], Awaitable[Any]], repeat: int, warmup: int) -> float:
    for _ in range(warmup):
        await fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(sqlite_url(args.db or Path(tmp) / "bench.db"))
        try:
            return await _measure(db, args)
        finally:
            await db.close()


async def _measure(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    await upgrade(db)
    async with db.read() as session:
        existing = await session.scalar(select(func.count(Task.id)))
    if not existing:
        await generate(
            db,
            clients=args.clients,
            miners=args.miners,
            tasks_per_client=args.tasks_per_client,
            seed=args.seed,
        )
    clock_now = NOW  # 09:00 UTC on the generated facility's "today"
    services = Services.build(db, owner_ids=[OWNER_TG], clock=lambda: clock_now)
    await services.prepare("UTC")
    owner = await services.staff.resolve(OWNER_TG, "Owner", None, "en")
    assert owner is not None
    t = Translations().get("en")
    zone = (await services.facility.get()).zone

    async with db.write() as session:
        tasks = int(await session.scalar(select(func.count(Task.id))) or 0)
        busiest_client = (
            await session.execute(
                select(Task.client_id, func.count())
                .where(Task.client_id.is_not(None))
                .group_by(Task.client_id)
                .order_by(func.count().desc())
                .limit(1)
            )
        ).one()[0]
        member = (
            await session.execute(
                select(Task.assignee_id, func.count())
                .where(Task.assignee_id.is_not(None))
                .group_by(Task.assignee_id)
                .order_by(func.count().desc())
                .limit(1)
            )
        ).one()[0]
        card_task = int(await session.scalar(select(func.min(Task.id))) or 0)
        if not await session.scalar(select(func.count()).where(TaskMiner.task_id == card_task)):
            miner_ids = list(await session.scalars(select(Miner.id).limit(CARD_MINERS)))
            await session.execute(
                insert(TaskMiner), [{"task_id": card_task, "miner_id": m} for m in miner_ids]
            )

    total_pages = max(1, -(-tasks // PER_PAGE))
    repeat, warmup = args.repeat, max(3, args.repeat // 5)

    async def page(query: TaskQuery, number: int) -> str:
        result = await services.tasks.page(owner, query, number, PER_PAGE)
        return "\n\n".join(views.entry(t, line) for line in result.items)

    async def card() -> str:
        return views.card(t, await services.tasks.card(owner, card_task), zone)

    figures: dict[str, Any] = {
        "tasks": tasks,
        "first_ms": await median_ms(lambda: page(TaskQuery(), 0), repeat, warmup),
        "middle_ms": await median_ms(lambda: page(TaskQuery(), total_pages // 2), repeat, warmup),
        "client_ms": await median_ms(
            lambda: page(TaskQuery(client_id=busiest_client), 0), repeat, warmup
        ),
        "mine_open_ms": await median_ms(
            lambda: page(TaskQuery(assignee_id=member, category="open"), 0), repeat, warmup
        ),
        "card_ms": await median_ms(card, repeat, warmup),
    }
    start = time.perf_counter()
    reminded = await services.tasks.remind_due()
    figures["remind_first_ms"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    again = await services.tasks.remind_due()
    figures["remind_again_ms"] = (time.perf_counter() - start) * 1000
    async with db.read() as session:
        queued = await session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.text_key == "notify-task-due")
        )
    figures.update(reminded=reminded, reminded_again=again, reminders_queued=queued)
    figures["repeat"] = repeat
    screens = ("first_ms", "client_ms", "mine_open_ms", "card_ms")
    figures["goal_met"] = all(figures[k] < GOAL_MS for k in screens)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--miners", type=int, default=20000)
    parser.add_argument("--tasks-per-client", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path)
    figures = asyncio.run(run(parser.parse_args()))
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()

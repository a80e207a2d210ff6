"""How long the Clients overview takes, against the bare SQL that computes the same page.

    python -m bench.clients_page [--clients 2000] [--miners 100000] [--repeat 50] [--db PATH]

Without --db a fresh temporary SQLite file is generated; with --db an existing facility is used as
it is (or generated into the file when it has no clients). Every figure is the median of --repeat
runs after a warm-up, in milliseconds. The last line printed is one JSON object.

- page_ms: `ClientService.overview` of a page in the middle of the list (8 per page, sorted by
  name) plus the text of its entries, as the bot renders them;
- card_ms: `ClientService.card` of the client with the most miners plus its text;
- bare_sql_ms: the fastest of a few hand-written single statements returning the same page
  (clients, manager names, miners per status, tasks per category, bills, the total), run on the
  same read engine in a transaction of its own like the service's, fetched with `.all()`;
- search_ms: the overview searched by a name fragment, plus the text;
- ratio: page_ms / bare_sql_ms.

Goal: page under 30 ms and within 2x of the bare query, at 2,000 clients / 100,000 miners.
With --breakdown the time of each statement the overview runs is printed as well.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import TextClause, func, select, text

from bench.generate import OWNER_TG, generate, sqlite_url
from handlers.clients import views
from locales import Localizer, Translations
from services.actor import Actor
from services.clients.service import MINER_STATUSES, TASK_CATEGORIES, ClientQuery, ClientSummary
from services.container import Services
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Client, Miner, UTCDateTime
from storage.repositories import clients as repo

PER_PAGE = 8  # handlers/clients/overview.py
GOAL_PAGE_MS = 30.0
GOAL_RATIO = 2.0

_PAGE_CTE = """
page AS {materialized} (
    SELECT c.id, c.name, c.name_key, c.email, c.phone, c.messenger, c.manager_id, c.version,
           c.created_at, s.name AS manager_name
    FROM clients AS c JOIN staff AS s ON s.id = c.manager_id
    ORDER BY c.name_key, c.id
    LIMIT :limit OFFSET :offset
)"""

_MINER_SUBSELECTS = ",\n".join(
    f"(SELECT count(*) FROM miners AS m WHERE m.client_id = p.id AND m.status = '{s}') AS m_{s}"
    for s in MINER_STATUSES
)
_TASK_SUBSELECTS = ",\n".join(
    f"(SELECT count(*) FROM tasks AS t JOIN task_statuses AS ts ON ts.id = t.status_id"
    f" WHERE t.client_id = p.id AND ts.category = '{c}') AS t_{c}"
    for c in TASK_CATEGORIES
)

# One statement each; the benchmark keeps the fastest. Columns: the client, its manager's name,
# m_<status> for each miner status, t_<category> for each task category, bills, total.
BARE_SQL: dict[str, str] = {
    "correlated": f"""
WITH {_PAGE_CTE.format(materialized="")}
SELECT p.*,
{_MINER_SUBSELECTS},
{_TASK_SUBSELECTS},
(SELECT count(*) FROM bills AS b WHERE b.client_id = p.id) AS bills,
(SELECT count(*) FROM clients) AS total
FROM page AS p
ORDER BY p.name_key, p.id
""",
    "grouped": f"""
WITH {_PAGE_CTE.format(materialized="MATERIALIZED")},
mc AS (
    SELECT m.client_id,
           {", ".join(f"sum(m.status = '{s}') AS m_{s}" for s in MINER_STATUSES)}
    FROM miners AS m WHERE m.client_id IN (SELECT id FROM page)
    GROUP BY m.client_id
),
tc AS (
    SELECT t.client_id,
           {", ".join(f"sum(ts.category = '{c}') AS t_{c}" for c in TASK_CATEGORIES)}
    FROM tasks AS t JOIN task_statuses AS ts ON ts.id = t.status_id
    WHERE t.client_id IN (SELECT id FROM page)
    GROUP BY t.client_id
),
bc AS (
    SELECT b.client_id, count(*) AS bills
    FROM bills AS b WHERE b.client_id IN (SELECT id FROM page)
    GROUP BY b.client_id
)
SELECT p.*,
       {", ".join(f"coalesce(mc.m_{s}, 0) AS m_{s}" for s in MINER_STATUSES)},
       {", ".join(f"coalesce(tc.t_{c}, 0) AS t_{c}" for c in TASK_CATEGORIES)},
       coalesce(bc.bills, 0) AS bills,
       (SELECT count(*) FROM clients) AS total
FROM page AS p
LEFT JOIN mc ON mc.client_id = p.id
LEFT JOIN tc ON tc.client_id = p.id
LEFT JOIN bc ON bc.client_id = p.id
ORDER BY p.name_key, p.id
""",
}


Timed = Callable[[], Awaitable[Any]]


async def medians_ms(fns: dict[str, Timed], repeat: int, warmup: int) -> dict[str, float]:
    """The median wall time of each of `fns` in milliseconds, over `repeat` runs after `warmup`
    runs. The functions take turns, so a busy machine slows them all alike."""
    for _ in range(warmup):
        for fn in fns.values():
            await fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            await fn()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


def _same_page(rows: Sequence[Any], items: Sequence[ClientSummary]) -> bool:
    """The bare SQL's rows carry what the service's summaries do."""
    if len(rows) != len(items):
        return False
    for row, item in zip(rows, items, strict=True):
        m = row._mapping
        miners = {s: m[f"m_{s}"] for s in MINER_STATUSES if m[f"m_{s}"]}
        tasks = {c: m[f"t_{c}"] for c in TASK_CATEGORIES if m[f"t_{c}"]}
        if (m["id"], m["manager_name"], miners, tasks, m["bills"]) != (
            item.id,
            item.manager_name,
            item.miners,
            item.tasks,
            item.bills,
        ):
            return False
    return True


def _summaries(rows: Sequence[Any]) -> list[ClientSummary]:
    """ClientSummary objects from rows of a BARE_SQL statement."""
    out = []
    for row in rows:
        m = row._mapping
        out.append(
            ClientSummary(
                id=m["id"],
                name=m["name"],
                email=m["email"],
                phone=m["phone"],
                messenger=m["messenger"],
                manager_id=m["manager_id"],
                manager_name=m["manager_name"],
                version=m["version"],
                created_at=m["created_at"],
                miners={s: m[f"m_{s}"] for s in MINER_STATUSES if m[f"m_{s}"]},
                tasks={c: m[f"t_{c}"] for c in TASK_CATEGORIES if m[f"t_{c}"]},
                bills=m["bills"],
            )
        )
    return out


async def _breakdown(
    services: Services,
    actor: Actor,
    t: Localizer,
    page: int,
    sql: str,
    repeat: int,
    warmup: int,
) -> dict[str, float]:
    """Median time of each step of `ClientService.overview`, run in sequence in one session as
    the service runs them, and of the same page done as one statement in one session."""
    db = services.db
    offset = page * PER_PAGE
    samples: dict[str, list[float]] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        samples.setdefault(name, []).append(now - since)
        return now

    async def overview_steps() -> None:
        started = time.perf_counter()
        await services.facility.require_clients(actor)
        mark = lap("gate: facility.require_clients", started)
        async with db.read() as session:
            mark = lap("connection, BEGIN", mark)
            await repo.summaries(
                session, search=None, manager_id=None, sort="name", offset=offset, limit=PER_PAGE
            )
            mark = lap("summaries (one statement)", mark)
        lap("end of read transaction (COMMIT)", mark)
        lap("= all steps", started)

    statement = text(sql).columns(created_at=UTCDateTime)
    params = {"limit": PER_PAGE, "offset": offset}

    async def one_statement() -> None:
        started = time.perf_counter()
        async with db.read() as session:
            rows = (await session.execute(statement, params)).all()
        "\n\n".join(views.entry(t, c) for c in _summaries(rows))
        lap("one statement, one session, no gate (+ text)", started)

    for _ in range(warmup):
        await overview_steps()
        await one_statement()
    samples.clear()
    for _ in range(repeat):
        await overview_steps()
        await one_statement()
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="farmdesk-bench-") as tmp:
        db = Database(sqlite_url(args.db or Path(tmp) / "bench.db"))
        try:
            return await _measure(db, args)
        finally:
            await db.close()


async def _measure(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    await upgrade(db)
    generated_s = None
    async with db.read() as session:
        existing = int(await session.scalar(select(func.count(Client.id))) or 0)
    if existing == 0:
        started = time.perf_counter()
        await generate(db, clients=args.clients, miners=args.miners, days=args.days, seed=args.seed)
        generated_s = time.perf_counter() - started

    services = Services.build(db, owner_ids=[OWNER_TG])
    await services.prepare("UTC")
    actor = await services.staff.resolve(OWNER_TG, f"Owner {OWNER_TG}", None, "en")
    assert actor is not None
    t = Translations().get("en")
    zone = (await services.facility.get()).zone
    async with db.read() as session:
        clients = int(await session.scalar(select(func.count(Client.id))) or 0)
        miners = int(await session.scalar(select(func.count(Miner.id))) or 0)
        busiest = await session.scalar(
            select(Miner.client_id)
            .where(Miner.client_id.is_not(None))
            .group_by(Miner.client_id)
            .order_by(func.count().desc(), Miner.client_id)
            .limit(1)
        )
    if busiest is None:
        async with db.read() as session:
            busiest = await session.scalar(select(func.min(Client.id)))
    assert busiest is not None
    pages = max(1, -(-clients // PER_PAGE))
    middle = pages // 2
    repeat, warmup = args.repeat, max(5, args.repeat // 5)

    async def page_once() -> str:
        result = await services.clients.overview(actor, ClientQuery(), middle, PER_PAGE)
        return "\n\n".join(views.entry(t, c) for c in result.items)

    async def card_once() -> str:
        return views.card(t, await services.clients.card(actor, busiest), zone)

    async def search_once() -> str:
        result = await services.clients.overview(
            actor, ClientQuery(search=args.search), 0, PER_PAGE
        )
        return "\n\n".join(views.entry(t, c) for c in result.items)

    params = {"limit": PER_PAGE, "offset": middle * PER_PAGE}

    def bare(statement: TextClause) -> Timed:
        async def once() -> Sequence[Any]:
            async with db.read_engine.connect() as conn:
                return (await conn.execute(statement, params)).all()

        return once

    expected = (await services.clients.overview(actor, ClientQuery(), middle, PER_PAGE)).items
    timed: dict[str, Timed] = {"page": page_once, "card": card_once, "search": search_once}
    for name, sql in BARE_SQL.items():
        once = bare(text(sql))
        if not _same_page(await once(), expected):
            raise AssertionError(f"bare SQL {name!r} does not return the service's page")
        timed[f"bare:{name}"] = once
    ms = await medians_ms(timed, repeat, warmup)
    bare_ms = {name: ms[f"bare:{name}"] for name in BARE_SQL}
    best = min(bare_ms, key=bare_ms.__getitem__)
    page_ms, card_ms, search_ms = ms["page"], ms["card"], ms["search"]
    figures: dict[str, Any] = {
        "page_ms": round(page_ms, 3),
        "card_ms": round(card_ms, 3),
        "bare_sql_ms": round(bare_ms[best], 3),
        "ratio": round(page_ms / bare_ms[best], 2),
        "search_ms": round(search_ms, 3),
        "clients": clients,
        "miners": miners,
        "page": middle,
        "card_client_id": busiest,
        "search": args.search,
        "bare_sql": best,
        "bare_sql_all_ms": {k: round(v, 3) for k, v in bare_ms.items()},
        "repeat": repeat,
        "goal_met": page_ms < GOAL_PAGE_MS and page_ms <= GOAL_RATIO * bare_ms[best],
        "generated_s": round(generated_s, 3) if generated_s is not None else None,
    }
    if args.breakdown:
        steps = await _breakdown(services, actor, t, middle, BARE_SQL[best], repeat, warmup)
        figures["breakdown_ms"] = {k: round(v, 3) for k, v in steps.items()}
    return figures


def report(figures: dict[str, Any]) -> str:
    """A short table for people; the JSON line follows it."""
    rows = [
        (f"page {figures['page']} (overview + text)", f"{figures['page_ms']:.3f} ms"),
        (f"card #{figures['card_client_id']} (+ text)", f"{figures['card_ms']:.3f} ms"),
        (f"search {figures['search']!r} (+ text)", f"{figures['search_ms']:.3f} ms"),
        (f"bare SQL ({figures['bare_sql']})", f"{figures['bare_sql_ms']:.3f} ms"),
        ("ratio page / bare SQL", f"{figures['ratio']:.2f}"),
    ]
    rows += [(f"  {name}", f"{ms:.3f} ms") for name, ms in figures.get("breakdown_ms", {}).items()]
    verdict = "met" if figures["goal_met"] else "MISSED"
    rows.append((f"goal: < {GOAL_PAGE_MS:g} ms and <= {GOAL_RATIO:g}x bare SQL", verdict))
    width = max(len(label) for label, _ in rows) + 2
    head = (
        f"Clients overview: {figures['clients']} clients, {figures['miners']} miners, "
        f"medians of {figures['repeat']} runs"
    )
    return "\n".join([head, *(f"  {label:<{width}}{value:>12}" for label, value in rows)])


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.clients_page", description="Time the Clients overview page."
    )
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--miners", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--search", default="smi", help="a name fragment for search_ms")
    parser.add_argument("--db", help="SQLite file; default: a fresh temporary one")
    parser.add_argument("--breakdown", action="store_true", help="time each overview statement")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    figures = asyncio.run(run(parse_args(argv)))
    print(report(figures))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""How long the monthly billing run takes for a large facility, against a bare SQL aggregate.

    python -m bench.bills [--clients 2000] [--miners 100000] [--db PATH] [--repeat 3]

Without --db a temporary SQLite file is filled by `bench.generate` (in a child process): the
clients, the miners and telemetry's per-miner energy rows for every day of September 2026
(`--energy-month 2026-09`, 30 days: about 3 million rows for 100,000 miners). The facility
charges a price per kWh, a markup and a hosting fee from September 1st; one client in ten has its
own price from the 15th (two rate periods on its bill). Each measurement runs in a fresh child:

- run: `MonthlyRun.bill_month` for September, as the scheduler's job runs it: the usage
  aggregates, the lines of every client's bill, the bills and their lines written in batches.
  The bills are deleted (untimed) before each repeat.
- bare: `SELECT client_id, SUM(energy_wh) … GROUP BY client_id` over the same month's rows,
  read to the end: what the database alone needs to add the energy up.
- `ratio` = seconds / bare_seconds; `cpu_s` is the run's process CPU time; `peak_mb` the run
  process's peak resident set size (ru_maxrss, the interpreter included).

The fastest of --repeat runs is kept (and the highest peak): a shared machine only errs slow.
Goal: ratio within 3 and peak memory under 400 MB. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

GOAL_RATIO = 3.0
GOAL_PEAK_MB = 400.0
MONTH = date(2026, 9, 1)
LAST = date(2026, 9, 30)
RUN_AT = datetime(2026, 10, 2, 6, 0, tzinfo=UTC)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.bills", *args], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


async def _prices(db_path: Path) -> None:
    """Facility rates from the month's first day; every tenth client its own price from the
    15th."""
    from sqlalchemy import func, insert, select

    from bench.generate import sqlite_url
    from storage.db import Database
    from storage.models import Client, PricingRate

    db = Database(sqlite_url(db_path))
    try:
        async with db.write() as session:
            if await session.scalar(select(func.count(PricingRate.id))):
                return
            rows: list[dict[str, Any]] = [
                {"client_id": None, "name": name, "value": value, "valid_from": MONTH}
                for name, value in (
                    ("price_kwh", 50_000),
                    ("markup", 1_000),
                    ("hosting_fee", 2_000),
                )
            ]
            clients = (await session.scalars(select(Client.id).order_by(Client.id))).all()
            rows += [
                {
                    "client_id": c,
                    "name": "price_kwh",
                    "value": 60_000,
                    "valid_from": date(2026, 9, 15),
                }
                for c in clients[::10]
            ]
            now = datetime.now(UTC)
            await session.execute(insert(PricingRate), [{**r, "created_at": now} for r in rows])
    finally:
        await db.close()


async def _run(db_path: Path) -> dict[str, Any]:
    from sqlalchemy import delete, func, select

    from bench.generate import sqlite_url
    from services.container import Services
    from storage.db import Database
    from storage.models import Bill, BillingRun, BillLine

    db = Database(sqlite_url(db_path))
    try:
        async with db.write() as session:
            await session.execute(delete(BillLine))
            await session.execute(delete(Bill))
            await session.execute(delete(BillingRun))
        services = Services.build(db, clock=lambda: RUN_AT)
        await services.facility.get()
        cpu, started = time.process_time(), time.perf_counter()
        result = await services.billing.bill_month(MONTH)
        seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
        async with db.read() as session:
            lines = await session.scalar(select(func.count(BillLine.id)))
    finally:
        await db.close()
    return {
        "bills": result.bills,
        "lines": int(lines or 0),
        "seconds": seconds,
        "cpu_s": cpu_s,
        "peak_mb": _peak_mb(),
    }


async def _bare(db_path: Path) -> dict[str, Any]:
    from sqlalchemy import func, select

    from bench.generate import sqlite_url
    from storage.db import Database
    from storage.models import MinerEnergyDaily as E

    db = Database(sqlite_url(db_path))
    try:
        async with db.read() as session:
            rows = await session.scalar(select(func.count()).where(E.day >= MONTH, E.day <= LAST))
            started = time.perf_counter()
            result = await session.execute(
                select(E.client_id, func.sum(E.energy_wh))
                .where(E.day >= MONTH, E.day <= LAST)
                .group_by(E.client_id)
            )
            clients = len(result.all())
            seconds = time.perf_counter() - started
    finally:
        await db.close()
    return {"seconds": seconds, "rows": int(rows or 0), "clients": clients}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bills")
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--miners", type=int, default=100_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=("run", "bare"))
    args = parser.parse_args(argv)
    if args.child:
        task = _run(args.db) if args.child == "run" else _bare(args.db)
        print(json.dumps(asyncio.run(task)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "bills.db"
        if not db_path.exists() or db_path.stat().st_size == 0:
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.generate",
                    "--db",
                    str(db_path),
                    "--clients",
                    str(args.clients),
                    "--miners",
                    str(args.miners),
                    "--bills-per-client",
                    "0",
                    "--tasks-per-client",
                    "1",
                    "--energy-month",
                    f"{MONTH:%Y-%m}",
                ],
                check=True,
                capture_output=True,
            )
            print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
        asyncio.run(_prices(db_path))
        runs = [_child("--db", str(db_path), "--child", "run") for _ in range(args.repeat)]
        bares = [_child("--db", str(db_path), "--child", "bare") for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    bare = min(b["seconds"] for b in bares)
    peak = max(r["peak_mb"] for r in runs)
    print(f"{'':22}{'seconds':>10}{'cpu s':>10}{'peak MB':>10}")
    for n, r in enumerate(runs, 1):
        print(f"monthly run #{n:<9}{r['seconds']:>10.2f}{r['cpu_s']:>10.2f}{r['peak_mb']:>10.0f}")
    for n, b in enumerate(bares, 1):
        print(f"bare aggregate #{n:<6}{b['seconds']:>10.2f}")
    ratio = best["seconds"] / bare if bare else float("inf")
    figures = {
        "clients": bares[0]["clients"],
        "rows": bares[0]["rows"],
        "bills": best["bills"],
        "lines": best["lines"],
        "seconds": round(best["seconds"], 3),
        "cpu_s": round(best["cpu_s"], 3),
        "bare_seconds": round(bare, 3),
        "ratio": round(ratio, 2),
        "peak_mb": round(peak, 1),
        "goal_ratio": GOAL_RATIO,
        "goal_peak_mb": GOAL_PEAK_MB,
        "ok": ratio <= GOAL_RATIO and peak < GOAL_PEAK_MB,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

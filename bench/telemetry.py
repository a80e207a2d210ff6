"""One telemetry poll cycle over a fleet of fake miners on loopback, as the bot runs it.

    python -m bench.telemetry [--miners 10000] [--cycles 3] [--concurrency 200] [--timeout 10]

The fake fleet (`tests.fakefleet`, Whatsminer-shaped cgminer RPC, each on port 4028 of a loopback
address of its own; 86 % healthy, the rest lowhash, hashing nothing, hot, flapping, offline and
hung; 70 % report watts) runs in a child process, so its CPU is not ours. The miners are put in a
fresh SQLite database with 200 clients, then `TelemetryService.run_cycle` runs --cycles times,
exactly as the scheduler starts it: pyasic-rs reads each miner (at most --concurrency at once,
--timeout seconds each), the results go to the database in chunks.

- first_cycle_s: the first cycle, which also identifies every miner (several extra requests each).
- cycle_s: the fastest later cycle (steady state); cpu_s: this process's CPU time in it (the
  miner library's own threads included); cpu_s_per_1000: the same per 1,000 miners.
- peak_mb: this process's peak resident set size (`ru_maxrss`, interpreter included).
- loop_lag_ms: the longest a 10 ms timer on the event loop fired late during any cycle, and
  page_ms: the slowest Miners-list page a member asked for (every 0.5 s) during the cycles —
  the bot keeps answering while it polls.
- fleet_cpu_s: the fake fleet's CPU time in the fastest cycle (for the record).
- energy_day_s: computing today's energy rows from the samples afterwards.

Goal: cycle_s under 60 and peak_mb under 400 at 10,000 miners on 2 cores. The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.generate import OWNER_TG, sqlite_url
from services.container import Services
from services.miners.service import MinerFilter
from services.telemetry.miner_api import open_miner_api
from services.telemetry.service import CycleReport
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Client, Miner

CLIENTS = 200
GOAL_CYCLE_S = 60.0
GOAL_PEAK_MB = 400.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_fleet(count: int) -> tuple[subprocess.Popen[str], list[list[Any]]]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fakefleet", "--miners", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        raise SystemExit("the fake fleet did not start")
    return child, json.loads(line)["miners"]


async def fill(db: Database, miners: list[list[Any]], manager: int) -> None:
    async with db.write() as session:
        result = await session.execute(
            insert(Client).returning(Client.id),
            [
                {
                    "name": f"Client {i:03d}",
                    "name_key": f"client {i:03d}",
                    "email": f"c{i}@bench.example",
                    "manager_id": manager,
                }
                for i in range(CLIENTS)
            ],
        )
        client_ids = [row[0] for row in result]
        await session.execute(
            insert(Miner),
            [
                {
                    "ip": ip,
                    "model": "Whatsminer M30S+",
                    "serial": f"BENCH{i:06d}",
                    "client_id": client_ids[i % CLIENTS],
                    "nominal_power_w": 3250,
                    "status": "unknown",
                }
                for i, (ip, _, _) in enumerate(miners)
            ],
        )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    child, miners = start_fleet(args.miners)
    try:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(sqlite_url(Path(folder) / "telemetry.db"))
            await upgrade(db)
            services = Services.build(
                db,
                owner_ids=[OWNER_TG],
                miner_api=open_miner_api(timeout=args.timeout),
                telemetry_concurrency=args.concurrency,
                telemetry_networks=["127.0.0.0/8"],
            )
            await services.prepare("UTC")
            owner = await services.staff.resolve(OWNER_TG, "Bench Owner", None, "en")
            assert owner is not None
            await fill(db, miners, owner.staff_id)
            base_mb = _rss_mb()

            lag = [0.0]
            pages: list[float] = []

            async def watch_loop() -> None:
                while True:
                    before = time.perf_counter()
                    await asyncio.sleep(0.01)
                    lag[0] = max(lag[0], (time.perf_counter() - before - 0.01) * 1000)

            async def member() -> None:
                while True:
                    started = time.perf_counter()
                    await services.miners.page(owner, MinerFilter(status="offline"), 3)
                    pages.append((time.perf_counter() - started) * 1000)
                    await asyncio.sleep(0.5)

            watchers = [asyncio.create_task(watch_loop()), asyncio.create_task(member())]
            cycles: list[tuple[float, float, float, CycleReport]] = []
            for number in range(args.cycles):
                await asyncio.sleep(1.1)  # a cycle's samples are one second apart at least
                cpu, fleet_cpu = time.process_time(), _child_cpu(child.pid)
                report = await services.telemetry.run_cycle()
                cycles.append(
                    (
                        report.seconds,
                        time.process_time() - cpu,
                        _child_cpu(child.pid) - fleet_cpu,
                        report,
                    )
                )
                print(
                    f"cycle {number + 1}: {report.seconds:6.2f} s, cpu {cycles[-1][1]:5.2f} s, "
                    f"fleet cpu {cycles[-1][2]:5.2f} s, {report.polled} miners, "
                    f"{len(report.changes)} changes, {report.observed}",
                    flush=True,
                )
            for task in watchers:
                task.cancel()
            started = time.perf_counter()
            await services.energy.compute_day(date.today())
            energy_s = time.perf_counter() - started
            await db.close()
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)
    first = cycles[0]
    best = min(cycles[1:] or cycles, key=lambda c: c[0])
    return {
        "miners": args.miners,
        "concurrency": args.concurrency,
        "timeout_s": args.timeout,
        "first_cycle_s": round(first[0], 2),
        "cycle_s": round(best[0], 2),
        "cpu_s": round(best[1], 2),
        "cpu_s_per_1000": round(best[1] / args.miners * 1000, 3),
        "fleet_cpu_s": round(best[2], 2),
        "peak_mb": round(_rss_mb(), 1),
        "base_mb": round(base_mb, 1),
        "loop_lag_ms": round(lag[0], 1),
        "page_ms": round(max(pages), 1) if pages else None,
        "energy_day_s": round(energy_s, 2),
        "statuses": best[3].observed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--miners", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    result["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    ok = result["cycle_s"] < GOAL_CYCLE_S and result["peak_mb"] < GOAL_PEAK_MB
    print(
        f"{result['miners']} miners: cycle {result['cycle_s']} s "
        f"(first {result['first_cycle_s']} s, goal < {GOAL_CYCLE_S:.0f}), "
        f"cpu {result['cpu_s_per_1000']} s per 1,000 miners, "
        f"peak {result['peak_mb']} MB (goal < {GOAL_PEAK_MB:.0f}), loop lag ≤ "
        f"{result['loop_lag_ms']} ms, slowest page {result['page_ms']} ms — "
        f"{'goal met' if ok else 'GOAL MISSED'}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""What one tap costs the bot: CPU per update, updates per second, answer times, and a profile.

    python -m bench.updates [--clients 2000] [--miners 100000] [--members 50] [--rounds 2]
                            [--repeat 3] [--db PATH] [--no-profile] [--profile-dir DIR]

The real `FarmDesk` (its Dispatcher, middlewares, FSM storage, routers, outbox and scheduler)
runs in this process with long polling against the tests' fake Bot API, which runs in a process
of its own together with the members who tap (`bench/tappers.py`): so this process's CPU time is
the bot's alone. The facility is `bench/generate.py`'s (2,000 clients, 100,000 miners and one
Manager per member); logging is configured as `python -m bot` does it (INFO, to a file here).

Each member taps through the steps menu (`/menu`) → Clients → ▶️ next page → a client's card →
Back to the list:

- burst: for each step, every member taps at the same moment; the CPU this process spent on the
  step is divided by its updates (`steps` in the JSON; the best of --repeat rounds);
- closed loop: the members tap through all steps --rounds times, each waiting for the answer to
  its last tap; updates/s, CPU per update and the p50/p95 answer time over all taps (each figure
  the best of --repeat runs);
- profile (unless --no-profile): one burst of each step again under cProfile; the functions with
  the most own time and the share of each package. cProfile sees the event loop's thread only: the
  SQLite statements run in aiosqlite's threads (`loop_cpu_ms_per_update` is the loop thread's
  part of the CPU).

The CPU the fake Bot API and the members spend (`fake_cpu_ms_per_update`) is printed too: they
share the machine's cores with the bot, and it shows how fast the machine was during the run.

Goal: under 4 ms of CPU per update and, with 50 members tapping at once, p95 under 300 ms.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.generate import OWNER_TG, generate, sqlite_url
from bench.tappers import STEPS
from bot.__main__ import configure_logging
from bot.app import FarmDesk
from bot.config import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Client, Miner, Role, Staff

TOKEN = "123456789:AAEbenchbenchbenchbenchbenchbench_XY"
GOAL_CPU_MS = 4.0
GOAL_P95_MS = 300.0
ROOT = Path(__file__).resolve().parent.parent
IDLE_SECONDS = 2.0


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Tappers:
    """The child process with the fake Bot API and the members."""

    def __init__(self, process: asyncio.subprocess.Process, base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    @classmethod
    async def start(cls) -> Tappers:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.tappers",
            TOKEN,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
        )
        assert process.stdout is not None
        first = json.loads(await process.stdout.readline() or b"{}")
        if "base_url" not in first:
            raise RuntimeError("the fake Bot API did not start")
        return cls(process, first["base_url"])

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(command).encode() + b"\n")
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Bot API process ended")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def cpu_s(self) -> float:
        """CPU seconds the fake Bot API and the members have spent so far (Linux's /proc; 0 where
        there is none). They share this machine with the bot, so what they take is not the
        bot's to use: printed beside the bot's own figures."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.write(b'{"cmd": "quit"}\n')
            await self.process.stdin.drain()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


class Processed:
    """Counts the updates the Dispatcher has finished, so a measurement ends when the bot does."""

    def __init__(self, app: FarmDesk) -> None:
        self.count = 0
        self._changed = asyncio.Event()
        feed = app.dp.feed_update

        async def counted(bot: Any, update: Any, **kwargs: Any) -> Any:
            try:
                return await feed(bot, update, **kwargs)
            finally:
                self.count += 1
                self._changed.set()

        app.dp.feed_update = counted  # type: ignore[method-assign]

    async def reach(self, count: int) -> None:
        while self.count < count:
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), 60)


class GcClock:
    """Time spent in the garbage collector (it runs inside whatever allocates)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


@dataclass
class Measured:
    """One measured command: what the members saw and what this process spent."""

    updates: int
    cpu_s: float
    loop_cpu_s: float
    gc_s: float
    fake_cpu_s: float
    wall_s: float
    ms: list[float]
    ms_by_step: dict[str, list[float]] = field(default_factory=dict)

    @property
    def cpu_ms_per_update(self) -> float:
        return self.cpu_s * 1000 / self.updates

    @property
    def fake_cpu_ms_per_update(self) -> float:
        return self.fake_cpu_s * 1000 / self.updates

    @property
    def loop_cpu_ms_per_update(self) -> float:
        return self.loop_cpu_s * 1000 / self.updates

    @property
    def gc_ms_per_update(self) -> float:
        return self.gc_s * 1000 / self.updates


class Bench:
    def __init__(self, tappers: Tappers, processed: Processed, members: int) -> None:
        self.tappers = tappers
        self.processed = processed
        self.members = members
        self.gc = GcClock()

    async def measure(self, command: dict[str, Any], updates: int) -> Measured:
        expected = self.processed.count + updates
        cpu, loop_cpu, gc_s = time.process_time(), time.thread_time(), self.gc.seconds
        fake_cpu = self.tappers.cpu_s()
        answer = await self.tappers.ask(command)
        await self.processed.reach(expected)
        cpu, loop_cpu = time.process_time() - cpu, time.thread_time() - loop_cpu
        fake_cpu = self.tappers.cpu_s() - fake_cpu
        gc_s = self.gc.seconds - gc_s
        raw = answer["ms"]
        by_step: dict[str, list[float]] = raw if isinstance(raw, dict) else {}
        ms = [v for values in by_step.values() for v in values] if by_step else list(raw)
        return Measured(updates, cpu, loop_cpu, gc_s, fake_cpu, answer["wall_s"], ms, by_step)

    async def burst(self, step: str) -> Measured:
        return await self.measure({"cmd": "burst", "step": step}, self.members)

    async def closed(self, rounds: int) -> Measured:
        updates = self.members * rounds * len(STEPS)
        return await self.measure({"cmd": "closed", "rounds": rounds}, updates)


# --- the profile -----------------------------------------------------------------------------

_IDLE = ("<method 'poll' of 'select.epoll' objects>",)  # waiting, not working
# Counted per update from the profile (plain functions, so their call counts are exact):
# transactions (our BEGIN hook), statements (the DBAPI's execute) and hand-offs to aiosqlite's
# thread (one queue put per operation: execute, fetch, commit, cursor, close …).
_COUNTS = {
    "transactions": ("storage/db.py", "_on_begin"),
    "statements": ("sqlalchemy/engine/default.py", "do_execute"),
    "aiosqlite_handoffs": ("~", "<method 'put_nowait' of '_queue.SimpleQueue' objects>"),
}


def _package(filename: str) -> str:
    """Which package a profiled function belongs to."""
    if filename.startswith("~") or filename.startswith("<"):
        return "(built-in)"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else "site-packages"
    try:
        relative = path.resolve().relative_to(ROOT)
    except ValueError:
        return "stdlib"
    return f"farmdesk:{relative.parts[0]}"


def _label(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = Path(filename)
    try:
        short = str(path.resolve().relative_to(ROOT))
    except ValueError:
        parts = path.parts
        short = (
            "/".join(parts[parts.index("site-packages") + 1 :])
            if "site-packages" in parts
            else path.name
        )
    return f"{short}:{line}({name})"


def _profile_summary(stats: pstats.Stats, updates: int, top: int) -> dict[str, Any]:
    """Own time per function and per package (the event loop's wait left out), ms per update;
    database work counted per update."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    own: dict[str, float] = {}
    packages: dict[str, float] = defaultdict(float)
    counts = dict.fromkeys(_COUNTS, 0)
    for func_key, (_cc, calls, tt, _ct, _callers) in raw.items():
        label = _label(func_key)
        for name, (where, function) in _COUNTS.items():
            if func_key[2] == function and func_key[0].endswith(where):
                counts[name] += calls
        if label in _IDLE:
            continue
        own[label] = own.get(label, 0.0) + tt
        packages[_package(func_key[0])] += tt
    total = sum(packages.values()) or 1.0

    def per_update(seconds: float) -> float:
        return round(seconds * 1000 / updates, 3)

    return {
        "profiled_ms_per_update": per_update(total),
        "per_update": {name: round(n / updates, 2) for name, n in counts.items()},
        "packages": {
            name: {"ms": per_update(s), "share": round(s / total, 3)}
            for name, s in sorted(packages.items(), key=lambda kv: -kv[1])[:top]
        },
        "own": {
            name: per_update(s) for name, s in sorted(own.items(), key=lambda kv: -kv[1])[:top]
        },
    }


async def profile_steps(bench: Bench, top: int, directory: Path | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step in STEPS:
        profiler = cProfile.Profile()
        profiler.enable()
        await bench.burst(step)
        profiler.disable()
        if directory is not None:
            profiler.dump_stats(directory / f"{step}.pstats")
        out[step] = _profile_summary(pstats.Stats(profiler), bench.members, top)
    return out


# --- the run ----------------------------------------------------------------------------------


async def _facility(db: Database, args: argparse.Namespace) -> tuple[int, int, list[list[Any]]]:
    """Generate the facility unless the file has one; its counts and the members who tap."""
    await upgrade(db)
    async with db.read() as session:
        existing = int(await session.scalar(select(func.count(Client.id))) or 0)
    if existing == 0:
        await generate(
            db, clients=args.clients, miners=args.miners, managers=args.members, seed=args.seed
        )
    async with db.read() as session:
        clients = int(await session.scalar(select(func.count(Client.id))) or 0)
        miners = int(await session.scalar(select(func.count(Miner.id))) or 0)
        rows = (
            await session.execute(
                select(Staff.telegram_id, Staff.name, Staff.username)
                .join(Role, Role.id == Staff.role_id)
                .where(Role.code == "manager", Staff.is_active.is_(True))
                .order_by(Staff.telegram_id)
                .limit(args.members)
            )
        ).all()
    if len(rows) < args.members:
        raise SystemExit(f"the facility has {len(rows)} active Managers; use a fresh --db")
    return clients, miners, [list(row) for row in rows]


def _logging(path: Path, level: str) -> None:
    """As `python -m bot` configures it, into a file instead of the terminal."""
    configure_logging(level, logging.FileHandler(path, encoding="utf-8"))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="farmdesk-bench-") as tmp:
        db_path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        db = Database(sqlite_url(db_path))
        try:
            clients, miners, members = await _facility(db, args)
        finally:
            await db.close()
        _logging(Path(tmp) / "bot.log", args.log_level)
        tappers = await Tappers.start()
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            bot_api_url=tappers.base_url,
            database_url=sqlite_url(db_path),
            owner_ids=[OWNER_TG],
            timezone="UTC",
            data_dir=str(Path(tmp) / "data"),
            log_level=args.log_level,
            # the facility's miners have made-up 10.x addresses: never poll them (the fleet's
            # cost is bench.telemetry's to measure, against fakes on loopback)
            telemetry_networks=["127.0.0.0/8"],
        )
        app = FarmDesk(settings)
        processed = Processed(app)
        polling = asyncio.create_task(app.run_polling())
        try:
            await tappers.ask({"cmd": "members", "members": members})
            await tappers.ask({"cmd": "polling"})
            bench = Bench(tappers, processed, len(members))
            figures = await _measure(bench, args)
        finally:
            await app.dp.stop_polling()
            await asyncio.wait_for(polling, 30)
            await app.close()
            await tappers.stop()
    figures.update(clients=clients, miners=miners)
    return figures


async def _measure(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    cpu = time.process_time()
    await asyncio.sleep(IDLE_SECONDS)
    idle_ms_per_s = (time.process_time() - cpu) * 1000 / IDLE_SECONDS

    await bench.closed(1)  # warm-up: caches, compiled statements, the members' first screens

    bursts: dict[str, list[Measured]] = {step: [] for step in STEPS}
    for _ in range(args.repeat):
        for step in STEPS:
            bursts[step].append(await bench.burst(step))
    runs = [await bench.closed(args.rounds) for _ in range(args.repeat)]

    steps = {
        step: {
            "cpu_ms_per_update": round(min(m.cpu_ms_per_update for m in ms), 3),
            "loop_cpu_ms_per_update": round(min(m.loop_cpu_ms_per_update for m in ms), 3),
            "gc_ms_per_update": round(min(m.gc_ms_per_update for m in ms), 3),
            "p50_ms": round(min(statistics.median(m.ms) for m in ms), 1),
            "p95_ms": round(min(percentile(m.ms, 95) for m in ms), 1),
        }
        for step, ms in bursts.items()
    }
    for step in STEPS:
        steps[step]["closed_p50_ms"] = round(
            min(statistics.median(r.ms_by_step[step]) for r in runs), 1
        )
        steps[step]["closed_p95_ms"] = round(
            min(percentile(r.ms_by_step[step], 95) for r in runs), 1
        )
    all_bursts = [m for ms in bursts.values() for m in ms]
    burst_updates = sum(m.updates for m in all_bursts)
    cpu_ms = min(r.cpu_ms_per_update for r in runs)
    figures: dict[str, Any] = {
        "updates": runs[0].updates,
        "cpu_ms_per_update": round(cpu_ms, 3),
        "updates_per_s": round(max(r.updates / r.wall_s for r in runs), 1),
        "p50_ms": round(min(statistics.median(r.ms) for r in runs), 1),
        "p95_ms": round(min(percentile(r.ms, 95) for r in runs), 1),
        "members": bench.members,
        "loop_cpu_ms_per_update": round(min(r.loop_cpu_ms_per_update for r in runs), 3),
        "gc_ms_per_update": round(min(r.gc_ms_per_update for r in runs), 3),
        "fake_cpu_ms_per_update": round(min(r.fake_cpu_ms_per_update for r in runs), 3),
        "updates_per_core_s": round(1000 / cpu_ms, 1),
        "burst": {
            "updates": burst_updates,
            "cpu_ms_per_update": round(sum(m.cpu_s for m in all_bursts) * 1000 / burst_updates, 3),
            "p50_ms": round(statistics.median([v for m in all_bursts for v in m.ms]), 1),
            "p95_ms": round(percentile([v for m in all_bursts for v in m.ms], 95), 1),
        },
        "steps": steps,
        "idle_cpu_ms_per_s": round(idle_ms_per_s, 2),
        "rounds": args.rounds,
        "repeat": args.repeat,
    }
    if args.profile:
        directory = Path(args.profile_dir) if args.profile_dir else None
        figures["profile"] = await profile_steps(bench, args.top, directory)
    figures["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    figures["goal_met"] = cpu_ms < GOAL_CPU_MS and figures["p95_ms"] < GOAL_P95_MS
    return figures


def report(figures: dict[str, Any]) -> str:
    """A short table for people; the JSON line follows it."""
    lines = [
        f"One tap: {figures['clients']} clients, {figures['miners']} miners, "
        f"{figures['members']} members; best of {figures['repeat']} runs; "
        f"load average {' '.join(map(str, figures['loadavg']))}",
        f"  {'step (burst: all members at once)':<36}{'cpu ms/upd':>11}{'loop ms':>9}{'gc ms':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'closed p50':>12}{'closed p95':>12}",
    ]
    for step, s in figures["steps"].items():
        lines.append(
            f"  {step:<36}{s['cpu_ms_per_update']:>11.3f}{s['loop_cpu_ms_per_update']:>9.3f}"
            f"{s['gc_ms_per_update']:>8.3f}"
            f"{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['closed_p50_ms']:>12.1f}"
            f"{s['closed_p95_ms']:>12.1f}"
        )
    lines += [
        f"  closed loop: {figures['updates']} updates, {figures['cpu_ms_per_update']:.3f} ms CPU "
        f"each ({figures['loop_cpu_ms_per_update']:.3f} in the event loop's thread, "
        f"{figures['gc_ms_per_update']:.3f} collecting garbage), "
        f"{figures['updates_per_s']:.1f} updates/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p95 {figures['p95_ms']:.1f} ms",
        f"  the fake Bot API and the members beside it: "
        f"{figures['fake_cpu_ms_per_update']:.3f} ms CPU per update (on this machine's cores)",
        f"  one core would serve {figures['updates_per_core_s']:.0f} updates/s; idle bot: "
        f"{figures['idle_cpu_ms_per_s']:.2f} ms CPU/s",
    ]
    verdict = "met" if figures["goal_met"] else "MISSED"
    goal = f"< {GOAL_CPU_MS:g} ms CPU per update, p95 < {GOAL_P95_MS:g} ms"
    lines.append(f"  goal: {goal}: {verdict}")
    for step, p in figures.get("profile", {}).items():
        lines.append(
            f"\nprofile of {step!r}: {p['profiled_ms_per_update']:.2f} ms per update in the "
            f"event loop's thread under cProfile (which slows it down)"
        )
        lines.append(
            "  by package: "
            + ", ".join(f"{name} {v['share']:.0%}" for name, v in p["packages"].items())
        )
        lines.append(
            "  per update: " + ", ".join(f"{n} {name}" for name, n in p["per_update"].items())
        )
        lines.append("  own time, ms per update:")
        lines += [f"    {ms:8.3f}  {name}" for name, ms in p["own"].items()]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.updates", description="What one tap costs the bot."
    )
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--miners", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=50, help="Managers tapping at once")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all steps per closed run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; each figure is the best")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", help="SQLite file; default: a fresh temporary one")
    parser.add_argument("--log-level", default="INFO", help="the bot's LOG_LEVEL")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--profile-dir", help="also write each step's cProfile stats here")
    parser.add_argument("--top", type=int, default=12, help="lines per profile table")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.profile_dir:
        Path(args.profile_dir).mkdir(parents=True, exist_ok=True)
    figures = asyncio.run(run(args))
    print(report(figures))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

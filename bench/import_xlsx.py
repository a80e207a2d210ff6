"""Benchmark: importing a 100,000-row .xlsx of miners, against bare openpyxl and calamine passes.

    python -m bench.import_xlsx [--rows 100000] [--repeat 3] [--keep DIR]

What is measured, each run in a fresh child process (so one run's memory and caches do not
help the next), alternating the kinds of run, the best time of each kind kept (the machine is
shared: the best run is the one least disturbed; CPU time is printed beside wall time):

- bare:     ``openpyxl.load_workbook(read_only=True, data_only=True)`` and every row read with
            ``iter_rows(values_only=True)``: what the import cost before it moved to calamine.
- calamine: ``python_calamine`` opening the same bytes and every row of the first sheet read
            with ``iter_rows()``: the least this import's reader can do.
- import:   ``ImportService.read`` on the same bytes, what the bot runs after the download:
            check the file (zip, the sheets' spans), read and validate every row in a worker
            thread, plan it against the stored miners and clients (SQLite), and keep the parsed
            import on disk for Apply.
- stages:   the same work step by step without the service (check, read + validate, plan,
            keep), to show where the time goes.

The file has 100,000 miners of 2,000 clients (every email known), with some mess (spaces,
numbers as text, 0.5 % bad rows). "fresh" imports into a facility with no miners (all new);
"reimport" runs after the file was applied (every row finds its miner: the heaviest plan).

Memory: ``peak_mb`` is the child's peak resident set (``resource.getrusage(RUSAGE_SELF)
.ru_maxrss``), the interpreter and its imported libraries included; ``base_mb`` is that same
figure just before the timed work. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import insert

from services.container import Services
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Client

OWNER_TG = 1001
CLIENTS = 2_000
GOAL_RATIO = 0.35  # of the bare openpyxl pass
GOAL_RATIO_CALAMINE = 4.0  # of the bare calamine pass
GOAL_PEAK_MB = 400
MODELS = ("Antminer S19j Pro", "Antminer S21", "Whatsminer M50S", "Avalon A1366")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_file(path: Path, rows: int) -> None:
    """The import file, written with openpyxl's write-only mode (constant memory)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Miners")
    sheet.append(
        [
            "IP",
            "MAC",
            "Serial number",
            "Model",
            "Submodel",
            "Worker",
            "Location",
            "Client email",
            "Nominal power (W)",
            "Paid",
            "Status",
        ]
    )
    for n in range(rows):
        low = (n * 0x9E3779B1) & 0xFFFFFF
        client = n % CLIENTS
        bad = n % 200 == 199  # 0.5 % of the rows carry a mistake
        sheet.append(
            [
                f"10.{n // 65_000}.{n // 254 % 256}.{n % 254 + 1}" + (".7" if bad else ""),
                f"02:B1:7A:{low >> 16:02X}:{(low >> 8) & 255:02X}:{low & 255:02X}",
                f"JYZZ{n:010d} " if n % 3 else f"JYZZ{n:010d}",
                MODELS[n % len(MODELS)],
                "104Th" if n % 2 else None,
                f"acc{client}.{n}",
                f"C{n // 960 + 1:02d}/R{n // 40 % 24 + 1:02d}/P{n % 40 + 1:02d}",
                f"client{client}@example.com",
                "3 250" if n % 5 == 0 else 3250,
                "yes" if n % 10 else "no",
                ("active", "offline", "lowhash", "hanged")[n % 4] if n % 7 else None,
            ]
        )
    book.save(path)


async def prepare_db(url: str) -> None:
    """A migrated database with the owner and the 2,000 clients the file names."""
    db = Database(url)
    try:
        await upgrade(db)
        services = Services.build(db, owner_ids=[OWNER_TG])
        await services.prepare("UTC")
        owner = await services.staff.resolve(OWNER_TG, "Bench Owner", None, "en")
        assert owner is not None
        async with db.write() as session:
            await session.execute(
                insert(Client),
                [
                    {
                        "name": f"Client {n}",
                        "name_key": f"client {n}",
                        "email": f"client{n}@example.com",
                        "manager_id": owner.staff_id,
                    }
                    for n in range(CLIENTS)
                ],
            )
    finally:
        await db.close()


# --- child processes ----------------------------------------------------------------------------


def _bare_pass(file: Path, rows_of: Callable[[bytes], Iterator[Any]]) -> dict[str, Any]:
    """Every row of the file's first sheet read by a bare reader, timed from the bytes."""
    data = file.read_bytes()
    base = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    rows = sum(1 for _ in rows_of(data))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
        "base_mb": base,
    }


def _openpyxl_rows(data: bytes) -> Iterator[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    yield from book.worksheets[0].iter_rows(values_only=True)
    book.close()


def _calamine_rows(data: bytes) -> Iterator[Any]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    yield from book.get_sheet_by_index(0).iter_rows()
    book.close()


def child_stages(file: Path, data_dir: Path) -> dict[str, Any]:
    """The import's steps one by one, each timed (CPU seconds): where the time goes."""
    from services.miners.file_kind import sniff
    from services.miners.import_plan import MinerIndex, make_plan, parse_file
    from services.miners.import_store import ImportStore

    data = file.read_bytes()
    out: dict[str, Any] = {}

    def timed(name: str, work: Any) -> Any:
        cpu = time.process_time()
        result = work()
        out[name] = round(time.process_time() - cpu, 3)
        return result

    timed("check", lambda: sniff(data))
    parsed = timed("read_validate", lambda: parse_file(data, file.name))
    out["read_validate"] = round(out["read_validate"] - out["check"], 3)  # parse_file checks too
    clients = {f"client{n}@example.com": n + 1 for n in range(CLIENTS)}
    timed("plan", lambda: make_plan(parsed.rows, MinerIndex(), clients))
    store = ImportStore(data_dir / "stages")
    timed("keep", lambda: store.save(store.new_id(), {"v": 1}, parsed.rows))
    return out


async def child_import(
    data: bytes, name: str, url: str, data_dir: Path, apply: bool
) -> dict[str, Any]:
    db = Database(url)
    try:
        services = Services.build(db, owner_ids=[OWNER_TG], data_dir=data_dir)
        owner = await services.staff.resolve(OWNER_TG, "Bench Owner", None, "en")
        assert owner is not None
        base = _rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        preview = await services.imports.read(owner, data, name)
        seconds = time.perf_counter() - started
        out: dict[str, Any] = {
            "seconds": seconds,
            "cpu_seconds": time.process_time() - cpu,
            "base_mb": base,
            "new": preview.new,
            "updated": preview.updated,
            "unchanged": preview.unchanged,
            "rejected": preview.rejected_rows,
            "without_client": preview.without_client,
        }
        if apply:
            started = time.perf_counter()
            result = await services.imports.apply(owner, preview.id)
            out["apply_seconds"] = time.perf_counter() - started
            out["applied"] = result.new + result.updated
        return out
    finally:
        await db.close()


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_xlsx", "--child", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the benchmark ------------------------------------------------------------------------------


Runs = list[dict[str, Any]]


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def measure(file: Path, url: str, data_dir: Path, repeat: int) -> tuple[Runs, Runs, Runs]:
    bare, calamine, runs = [], [], []
    for n in range(repeat):
        bare.append(run_child("bare", str(file)))
        calamine.append(run_child("calamine", str(file)))
        runs.append(run_child("import", str(file), url, str(data_dir)))
        print(
            f"  run {n + 1}: openpyxl {bare[-1]['seconds']:.2f} s "
            f"(cpu {bare[-1]['cpu_seconds']:.2f}), "
            f"calamine {calamine[-1]['seconds']:.2f} s (cpu {calamine[-1]['cpu_seconds']:.2f}), "
            f"import {runs[-1]['seconds']:.2f} s (cpu {runs[-1]['cpu_seconds']:.2f}), "
            f"peak {runs[-1]['peak_mb']:.0f} MB, load {_loadavg()}",
            flush=True,
        )
    return bare, calamine, runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the file and database here and keep them")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        if kind == "bare":
            result = _bare_pass(Path(rest[0]), _openpyxl_rows)
        elif kind == "calamine":
            result = _bare_pass(Path(rest[0]), _calamine_rows)
        elif kind == "stages":
            result = child_stages(Path(rest[0]), Path(rest[1]))
        else:
            file, url, data_dir = Path(rest[0]), rest[1], Path(rest[2])
            data = file.read_bytes()
            result = asyncio.run(child_import(data, file.name, url, data_dir, kind == "apply"))
        result["peak_mb"] = _rss_mb()
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="farmdesk-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        file = folder / f"miners-{args.rows}.xlsx"
        db_path = folder / "import-bench.db"
        db_path.unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{db_path}"
        data_dir = folder / "data"

        started = time.perf_counter()
        write_file(file, args.rows)
        asyncio.run(prepare_db(url))
        size_mb = file.stat().st_size / 1024 / 1024
        made = time.perf_counter() - started
        print(f"file: {args.rows} rows, {size_mb:.1f} MB, made in {made:.1f} s")
        load_before = _loadavg()

        print("fresh import (no miners stored yet):", flush=True)
        bare, calamine, fresh = measure(file, url, data_dir, args.repeat)
        stages = [run_child("stages", str(file), str(data_dir)) for _ in range(args.repeat)]
        steps = {k: min(s[k] for s in stages) for k in ("check", "read_validate", "plan", "keep")}
        print("stages (best cpu seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
        applied = run_child("apply", str(file), url, str(data_dir))
        print(f"apply: {applied['apply_seconds']:.2f} s ({applied['applied']} miners written)")
        print("re-import (every row finds its miner):", flush=True)
        bare_again, calamine_again, again = measure(file, url, data_dir, args.repeat)
        bare += bare_again
        calamine += calamine_again

        def best(runs: list[dict[str, Any]], key: str = "seconds") -> float:
            return min(r[key] for r in runs)

        peak = max(r["peak_mb"] for r in fresh + again)
        ratio = best(fresh) / best(bare)
        ratio_calamine = best(fresh) / best(calamine)
        figures = {
            "rows": args.rows,
            "file_mb": round(size_mb, 1),
            "seconds": round(best(fresh), 2),
            "bare_seconds": round(best(bare), 2),
            "calamine_seconds": round(best(calamine), 2),
            "ratio": round(ratio, 3),
            "ratio_calamine": round(ratio_calamine, 3),
            "cpu_seconds": round(best(fresh, "cpu_seconds"), 2),
            "bare_cpu_seconds": round(best(bare, "cpu_seconds"), 2),
            "calamine_cpu_seconds": round(best(calamine, "cpu_seconds"), 2),
            "cpu_ratio": round(best(fresh, "cpu_seconds") / best(bare, "cpu_seconds"), 3),
            "cpu_ratio_calamine": round(
                best(fresh, "cpu_seconds") / best(calamine, "cpu_seconds"), 3
            ),
            "stages_cpu_seconds": steps,
            "reimport_seconds": round(best(again), 2),
            "reimport_ratio": round(best(again) / best(bare), 3),
            "reimport_cpu_ratio": round(best(again, "cpu_seconds") / best(bare, "cpu_seconds"), 3),
            "reimport_ratio_calamine": round(best(again) / best(calamine), 3),
            "apply_seconds": round(applied["apply_seconds"], 2),
            "peak_mb": round(peak, 1),
            "base_mb": round(min(r["base_mb"] for r in fresh), 1),
            "memory": "ru_maxrss of the child process (interpreter and libraries included)",
            "new": fresh[0]["new"],
            "rejected": fresh[0]["rejected"],
            "reimport_unchanged": again[0]["unchanged"],
            "loadavg_before": load_before,
            "loadavg_after": _loadavg(),
            "goal_met": ratio <= GOAL_RATIO
            and ratio_calamine <= GOAL_RATIO_CALAMINE
            and peak < GOAL_PEAK_MB,
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()

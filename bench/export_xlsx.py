"""How long a client data export takes and how much memory it needs, against bare openpyxl.

    python -m bench.export_xlsx [--clients 2000] [--miners 100000] [--days 30] [--db PATH]
                                [--repeat 3]

Without --db a temporary SQLite file is filled by `bench.generate` (in a child process, so its
memory does not count); with --db an existing facility is used (generated into it when empty).
Each measurement runs in a fresh child process:

- export: `ExportService.build` of one export of every client, all six kinds of data, for the
  30 days the generator fills with daily consumption (2026-09-01 … 2026-09-30): rows streamed
  from the database, sanitized and written by openpyxl in write-only mode in a worker thread.
  `seconds` is from the claim of the queued job to the recorded file.
- bare: the same cells — read back from the exported file beforehand, untimed — written by a
  plain openpyxl write-only loop (bold header, frozen row, widths, number formats): the cost of
  openpyxl alone. `ratio` = seconds / bare_seconds.
- peak_mb: the export process's peak resident set size (`getrusage(RUSAGE_SELF).ru_maxrss`,
  the whole interpreter included); `base_mb` is its resident size just before the export began.

Each is measured --repeat times (the export in a fresh process each time, the bare pass in one
process); the fastest time of each is kept, and the highest peak — timings on a shared machine
only ever err on the slow side.

Goal: ratio within 1.5 and peak memory under 400 MB. The last line printed is one JSON object.
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

GOAL_RATIO = 1.5
GOAL_PEAK_MB = 400.0
PERIOD = (date(2026, 9, 1), date(2026, 9, 30))  # the days bench.generate fills first
KINDS = ["profile", "miners", "tasks", "billing", "consumption", "logs"]


def _rss_mb() -> float:
    """Current resident set size (Linux /proc; 0 where unavailable)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export_xlsx", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the export, as the bot runs it ----------------------------------------------------------


async def _export(db_path: Path, out: Path) -> dict[str, Any]:
    from bench.generate import NOW, OWNER_TG, sqlite_url
    from locales import Translations
    from services.container import Services
    from storage.db import Database

    db = Database(sqlite_url(db_path))
    services = Services.build(db, owner_ids=[OWNER_TG], clock=lambda: NOW, data_dir=out)
    owner = await services.staff.resolve(OWNER_TG, "Owner", None, "en")
    assert owner is not None
    await services.exports.request(owner, clients=None, kinds=KINDS, start=PERIOD[0], end=PERIOD[1])
    texts = Translations().get("en")
    base = _rss_mb()
    started = time.perf_counter()
    job = await services.exports.claim_next()
    assert job is not None
    view = await services.exports.build(job.id, texts)
    seconds = time.perf_counter() - started
    await db.close()
    paths = [str(services.exports.path(view, part)) for part in view.parts]
    return {
        "seconds": round(seconds, 3),
        "peak_mb": round(_peak_mb(), 1),
        "base_mb": round(base, 1),
        "file_mb": round(sum(p.size for p in view.parts) / 2**20, 2),
        "files": paths,
    }


# --- the same cells with openpyxl alone -------------------------------------------------------


def _read_back(paths: list[str]) -> list[tuple[str, list[Any], list[float], list[list[Any]]]]:
    """Every sheet of the exported files: title, header cells, widths, rows of (value, format)."""
    from openpyxl import load_workbook

    sheets = []
    for path in paths:
        book = load_workbook(path, read_only=True)
        for ws in book.worksheets:
            rows = ws.iter_rows()
            header = [c.value for c in next(rows)]
            body = [
                [(c.value, c.number_format if c.number_format != "General" else None) for c in r]
                for r in rows
            ]
            widths = [10.0] * len(header)
            sheets.append((ws.title, header, widths, body))
        book.close()
    return sheets


def _bare(paths: list[str], out: Path, repeat: int) -> dict[str, Any]:
    sheets = _read_back(paths)
    cells = sum(len(row) for *_, body in sheets for row in body)
    rows = sum(len(body) for *_, body in sheets)
    seconds = min(_bare_pass(sheets, out) for _ in range(repeat))
    return {"bare_seconds": round(seconds, 3), "rows": rows, "cells": cells}


def _bare_pass(
    sheets: list[tuple[str, list[Any], list[float], list[list[Any]]]], out: Path
) -> float:
    """One plain write-only pass over `sheets`; returns its seconds."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    started = time.perf_counter()
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, widths, body in sheets:
        ws = book.create_sheet(title)
        ws.freeze_panes = "A2"
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        heads = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            heads.append(cell)
        ws.append(heads)
        for row in body:
            values = []
            for value, number_format in row:
                if number_format is not None and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = number_format
                    values.append(cell)
                else:
                    values.append(value)
            ws.append(values)
    book.save(out / "bare.xlsx")
    return time.perf_counter() - started


# --- orchestration ---------------------------------------------------------------------------


def _facility(db_path: Path, args: argparse.Namespace) -> None:
    """Generate the facility into `db_path` unless it already has clients."""
    import sqlite3

    if db_path.exists():
        with sqlite3.connect(db_path) as conn:
            try:
                (clients,) = conn.execute("select count(*) from clients").fetchone()
            except sqlite3.OperationalError:
                clients = 0
        if clients:
            return
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
            "--days",
            str(args.days),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="farmdesk-bench-") as tmp:
        work = Path(tmp)
        db_path = Path(args.db) if args.db else work / "bench.db"
        started = time.perf_counter()
        _facility(db_path, args)
        generated = time.perf_counter() - started
        exports = []
        for n in range(args.repeat):
            out = work / f"export-{n}"
            exports.append(_child("--child", "export", "--db", str(db_path), "--out", str(out)))
        export = min(exports, key=lambda e: e["seconds"])
        export["peak_mb"] = max(e["peak_mb"] for e in exports)
        bare = _child(
            "--child", "bare", "--out", str(work), "--repeat", str(args.repeat), *export["files"]
        )
    ratio = export["seconds"] / bare["bare_seconds"] if bare["bare_seconds"] else 0.0
    return {
        "clients": args.clients,
        "miners": args.miners,
        "days": args.days,
        "rows": bare["rows"],
        "cells": bare["cells"],
        "seconds": export["seconds"],
        "bare_seconds": bare["bare_seconds"],
        "ratio": round(ratio, 2),
        "peak_mb": export["peak_mb"],
        "base_mb": export["base_mb"],
        "file_mb": export["file_mb"],
        "files": len(export["files"]),
        "repeat": args.repeat,
        "generate_seconds": round(generated, 1),
        "goal": {"ratio": GOAL_RATIO, "peak_mb": GOAL_PEAK_MB},
        "ok": ratio <= GOAL_RATIO and export["peak_mb"] < GOAL_PEAK_MB,
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.export_xlsx", description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--miners", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--db", help="SQLite file with a facility (generated into it if empty)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest counts")
    parser.add_argument("--child", choices=("export", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child == "export":
        print(json.dumps(asyncio.run(_export(Path(args.db), Path(args.out)))))
        return
    if args.child == "bare":
        print(json.dumps(_bare(args.files, Path(args.out), args.repeat)))
        return
    figures = run(args)
    print(
        f"export {figures['seconds']} s, bare openpyxl {figures['bare_seconds']} s "
        f"(ratio {figures['ratio']}, goal ≤ {GOAL_RATIO}); peak {figures['peak_mb']} MB "
        f"(goal < {GOAL_PEAK_MB:.0f}); {figures['rows']} rows, {figures['file_mb']} MB"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

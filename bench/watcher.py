"""The watcher view of one big client, as a watcher's tap and a web page build it.

    python -m bench.watcher [--clients 1000] [--miners 100000] [--big 5000] [--runs 21]

A synthetic facility (`bench.generate`: 1,000 clients, 100,000 miners, the first client with
exactly --big of them, latest readings for every polled miner and 24 hours of fleet samples every
5 minutes for every client) in a fresh SQLite file. A watcher link is made for the big client and
opened once; then, --runs times each, the median (and the CPU time of this process):

- view_ms: a tap on the chat's view: the chat's binding checked, the view read (miners by status,
  hashrate now and over 24 h, one page of 10 miners) and its text and keyboard written.
- view_filtered_ms: the same on the last page of the offline miners.
- chart_ms: the 24-hour series read and the chart drawn as PNG (no cache).
- chart_cached_ms: the chart as the view asks for it (drawn once per poll cycle and language).
- page_ms: the web page (token checked, 100 miners, the cached chart inlined, HTML written).

Goals: view under 300 ms, chart under 1 s. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.generate import NOW, OWNER_TG, generate, sqlite_url
from handlers.miners.card_views import chart_texts
from handlers.watchers import page, views
from handlers.watchers.public import _keyboard
from locales import Translations
from services.container import Services
from services.telemetry import charts
from services.telemetry.service import FleetSeries
from services.watchers.service import WEB_PER_PAGE
from storage.db import Database

GOAL_VIEW_MS = 300.0
GOAL_CHART_MS = 1000.0
VIEWER = 9_000_001


async def measure(runs: int, step: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of `runs` calls of `step` after one warm-up call."""
    await step()
    walls, cpus = [], []
    for _ in range(runs):
        cpu, wall = time.process_time(), time.perf_counter()
        await step()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def keep(folder: Path, png: bytes, text: str, html: str) -> None:
    """What a watcher would see, to look at: the chart, the chat's text, the web page."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "watcher-chart.png").write_bytes(png)
    (folder / "watcher-view.txt").write_text(text)
    (folder / "watcher-page.html").write_text(html)


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(sqlite_url(Path(folder) / "watcher.db"))
        started = time.perf_counter()
        facility = await generate(
            db,
            clients=args.clients,
            miners=args.miners,
            big_client=args.big,
            telemetry_hours=24,
        )
        built_s = time.perf_counter() - started
        assert facility.busiest_client_id is not None
        client_id = facility.busiest_client_id
        services = Services.build(
            db, owner_ids=[OWNER_TG], clock=lambda: NOW + timedelta(minutes=1)
        )
        owner = await services.staff.resolve(OWNER_TG, "Bench Owner", None, "en")
        assert owner is not None
        new = await services.watchers.create(owner, client_id, "en", None)
        watch = await services.watchers.open_in_chat(new.token, VIEWER, "Viewer", None)
        t = Translations().get("en")
        zone = (await services.facility.get()).zone
        texts = chart_texts(t, watch.client_name, zone)
        counts = (await services.watchers.view(watch)).counts

        async def tap(status: str | None = None, number: int = 0) -> str:
            checked = await services.watchers.for_viewer(VIEWER, watch.link_id)
            view = await services.watchers.view(checked, page=number, status=status)
            _keyboard(t, view)
            return views.view_text(t, view)

        def draw(series: FleetSeries) -> bytes:
            return charts.fleet_chart(series, zone, texts)

        async def chart() -> bytes:
            return draw(await services.watchers.fleet_series(watch))

        async def cached() -> bytes:
            return await services.watchers.chart(watch, f"en:{zone}", draw)

        async def web() -> str:
            checked = await services.watchers.open_on_web(new.token, "203.0.113.5", counts=False)
            view = await services.watchers.view(checked, per_page=WEB_PER_PAGE)
            return page.render(t, view, await cached())

        last_offline = (counts.get("offline", 1) - 1) // 10
        view_ms, view_cpu = await measure(args.runs, tap)
        filtered_ms, _ = await measure(args.runs, lambda: tap("offline", last_offline))
        chart_ms, chart_cpu = await measure(max(5, args.runs // 3), chart)
        cached_ms, _ = await measure(args.runs, cached)
        page_ms, page_cpu = await measure(args.runs, web)
        text = await tap()
        png = await chart()
        html = await web()
        if args.out:
            keep(Path(args.out), png, text, html)
        await db.close()
    load = loadavg()
    return {
        "clients": args.clients,
        "miners": args.miners,
        "client_miners": sum(counts.values()),
        "build_s": round(built_s, 1),
        "view_ms": round(view_ms, 1),
        "view_cpu_ms": round(view_cpu, 1),
        "view_filtered_ms": round(filtered_ms, 1),
        "chart_ms": round(chart_ms, 1),
        "chart_cpu_ms": round(chart_cpu, 1),
        "chart_cached_ms": round(cached_ms, 2),
        "page_ms": round(page_ms, 1),
        "page_cpu_ms": round(page_cpu, 1),
        "page_kb": round(len(html.encode()) / 1024, 1),
        "chart_kb": round(len(png) / 1024, 1),
        "view_chars": len(text),
        "loadavg": " ".join(load),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--miners", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=5000, help="miners of the watched client")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--out", help="a folder to keep the chart, the view's text and the page")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(
        f"{result['client_miners']} miners of {result['miners']} ({result['clients']} clients), "
        f"facility built in {result['build_s']} s, load average {result['loadavg']}\n"
        f"  view (chat tap)       {result['view_ms']:8.1f} ms  (CPU {result['view_cpu_ms']} ms, "
        f"goal {GOAL_VIEW_MS:.0f})\n"
        f"  view, offline, last   {result['view_filtered_ms']:8.1f} ms\n"
        f"  chart (drawn)         {result['chart_ms']:8.1f} ms  (CPU {result['chart_cpu_ms']} ms, "
        f"goal {GOAL_CHART_MS:.0f})\n"
        f"  chart (cached)        {result['chart_cached_ms']:8.2f} ms\n"
        f"  web page (100 miners) {result['page_ms']:8.1f} ms  (CPU {result['page_cpu_ms']} ms, "
        f"{result['page_kb']} KB)",
        flush=True,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

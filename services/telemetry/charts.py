"""24-hour hashrate charts as PNG: plain data in, bytes out (matplotlib, Agg, no GUI, no pyplot).

Made for a phone: 1200×750 px, large type, times on the axis in the facility's time zone. The
words come from the caller (`ChartTexts`), already in the member's language. Rendering takes
~0.1–0.3 s of CPU: callers run it in a worker thread (`asyncio.to_thread`); each call builds its
own Figure, so two renders at once do not share state.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from services.telemetry.service import FleetSeries, MinerSeries

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 5.0, 150
LINE = "#1f6fd1"
UP = "#2e9d4f"
BAD = {"offline": "#e5484d", "hanged": "#f08c2b", "lowhash": "#f2c94c"}
GAP_S = 900  # at least: no sample for longer than this, the line breaks (nobody was polling)
UNITS = ((1e3, "PH/s"), (1.0, "TH/s"), (1e-3, "GH/s"), (1e-6, "MH/s"))  # in TH/s


@dataclass(frozen=True, slots=True)
class ChartTexts:
    """Words on a chart, in the reader's language."""

    title: str  # e.g. "Whatsminer M30S+ · 10.0.0.12" or the client's name
    subtitle: str  # e.g. "Hashrate, last 24 hours (Europe/Moscow)"
    hashrate: str  # axis label, without the unit
    miners_up: str = ""  # fleet chart: the lower panel's label
    miners_total: str = ""  # fleet chart: the line of all polled miners
    no_data: str = ""  # shown when there is nothing to draw
    statuses: dict[str, str] = field(default_factory=dict)  # status → its name (the legend)


def unit_for(max_ths: float) -> tuple[float, str]:
    """The unit that keeps the axis figures readable: (TH/s per unit, name)."""
    for scale, name in UNITS:
        if max_ths >= scale:
            return scale, name
    return UNITS[-1]


def rate(ths: float | None) -> str:
    """99.5 TH/s, 1.25 PH/s, 950 GH/s, 0 TH/s; — when unknown (the same in every language)."""
    if ths is None:
        return "—"
    if ths == 0:
        return "0 TH/s"
    scale, unit = unit_for(ths)
    value = ths / scale
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{digits}f} {unit}"


def _figure(rows: int, ratios: Sequence[int]) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, 1, sharex=True, gridspec_kw={"height_ratios": list(ratios)})
    return figure, list(axes) if rows > 1 else [axes]


def _style(ax: Axes, zone: ZoneInfo) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=11)
    ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, 3), tz=zone))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=zone))


def _times(points: Sequence[int], zone: ZoneInfo) -> list[float]:
    """Matplotlib's date numbers of Unix times (shown in `zone` by the axis formatter)."""
    return [float(mdates.date2num(datetime.fromtimestamp(ts, zone))) for ts in points]


def gap_of(ts: Sequence[int]) -> int:
    """The longest step between samples that is not a gap: GAP_S, or 2.5 usual steps when the
    facility polls less often."""
    steps = sorted(b - a for a, b in itertools.pairwise(ts))
    return max(GAP_S, int(2.5 * steps[len(steps) // 2])) if steps else GAP_S


def _with_gaps(ts: list[int], values: list[float]) -> tuple[list[int], list[float]]:
    """Insert a break (NaN) wherever samples are missing for longer than `gap_of`."""
    gap = gap_of(ts)
    out_ts: list[int] = []
    out_values: list[float] = []
    for i, (t, v) in enumerate(zip(ts, values, strict=True)):
        if i and t - ts[i - 1] > gap:
            out_ts.append(ts[i - 1] + 1)
            out_values.append(math.nan)
        out_ts.append(t)
        out_values.append(v)
    return out_ts, out_values


def _frame(ax: Axes, until: int, zone: ZoneInfo) -> None:
    start, end = _times([until - 24 * 3600, until], zone)
    ax.set_xlim(start, end)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _header(figure: Figure, texts: ChartTexts) -> None:
    figure.suptitle(f"{texts.title}\n{texts.subtitle}", fontsize=14, x=0.02, ha="left")


def _empty(ax: Axes, texts: ChartTexts) -> None:
    ax.set_yticks([])
    ax.text(0.5, 0.5, texts.no_data, ha="center", va="center", fontsize=14, transform=ax.transAxes)


def _canvas(
    texts: ChartTexts, zone: ZoneInfo, until: int, ratios: Sequence[int] = (1,)
) -> tuple[Figure, list[Axes]]:
    """A titled figure of `len(ratios)` panels over the 24 hours before `until`."""
    figure, axes = _figure(len(ratios), ratios)
    _header(figure, texts)
    for ax in axes:
        _style(ax, zone)
        _frame(ax, until, zone)
    return figure, axes


def _hashrate(
    ax: Axes, times: list[float], values: list[float], unit: str, texts: ChartTexts
) -> None:
    ax.plot(times, values, color=LINE, linewidth=2.2)
    ax.set_ylim(bottom=0, top=max(values_or_one(values)) * 1.15)
    ax.set_ylabel(f"{texts.hashrate}, {unit}", fontsize=12)


def miner_chart(series: MinerSeries, zone: ZoneInfo, texts: ChartTexts) -> bytes:
    """One miner's hashrate over 24 hours; offline, hanged and lowhash spells shaded."""
    figure, (ax,) = _canvas(texts, zone, series.until)
    points = series.points
    if not points:
        _empty(ax, texts)
        return _png(figure)
    peak = max((h for _, h, _ in points if h is not None), default=0.0)
    scale, unit = unit_for(peak)
    shaded: set[str] = set()
    gap = gap_of([ts for ts, _, _ in points])
    for (prev, _, _), (ts, _, status) in itertools.pairwise(points):
        if status in BAD and ts - prev <= gap:
            start, end = _times([prev, ts], zone)
            ax.axvspan(start, end, color=BAD[status], alpha=0.25, linewidth=0)
            shaded.add(status)
    if shaded:
        legend = [
            Patch(color=BAD[s], alpha=0.35, label=texts.statuses.get(s, s))
            for s in BAD
            if s in shaded
        ]
        ax.legend(handles=legend, loc="lower left", fontsize=10, frameon=False, ncols=3)
    ts_list, values = _with_gaps(
        [ts for ts, _, _ in points], [(h or 0.0) / scale for _, h, _ in points]
    )
    _hashrate(ax, _times(ts_list, zone), values, unit, texts)
    return _png(figure)


def values_or_one(values: Sequence[float]) -> list[float]:
    finite = [v for v in values if not math.isnan(v)]
    return finite if finite and max(finite) > 0 else [1.0]


def fleet_chart(series: FleetSeries, zone: ZoneInfo, texts: ChartTexts) -> bytes:
    """A client's miners over 24 hours: total hashrate above, miners up (of those polled) below."""
    figure, (top, bottom) = _canvas(texts, zone, series.until, (3, 2))
    points = series.points
    if not points:
        _empty(top, texts)
        return _png(figure)
    peak = max(h for _, h, _, _ in points)
    scale, unit = unit_for(peak)
    ts_list = [ts for ts, _, _, _ in points]
    gap_ts, rates = _with_gaps(ts_list, [h / scale for _, h, _, _ in points])
    _hashrate(top, _times(gap_ts, zone), rates, unit, texts)
    gap_ts, up = _with_gaps(ts_list, [float(u) for _, _, u, _ in points])
    _, total = _with_gaps(ts_list, [float(n) for _, _, _, n in points])
    times = _times(gap_ts, zone)
    bottom.fill_between(times, up, color=UP, alpha=0.35, linewidth=0)
    bottom.plot(times, up, color=UP, linewidth=2, label=texts.miners_up)
    bottom.plot(
        times, total, color="#666666", linewidth=1.2, linestyle="--", label=texts.miners_total
    )
    bottom.set_ylim(bottom=0, top=max(values_or_one(total)) * 1.2)
    bottom.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    bottom.legend(loc="lower left", fontsize=10, frameon=False, ncols=2)
    return _png(figure)

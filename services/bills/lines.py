"""The lines of a bill, from a client's usage and the rates of each day; and the status.

Order: energy (one line per rate period and source, in date order), hosting markup (one per
rate period, on that period's energy amount), hosting fee (one per fee period), closed tasks'
costs (by closing time), service lines added by hand. Every amount is rounded once (half away
from zero, to a minor unit); the total is the sum of the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from services.bills.money import energy_amount, fee_amount, markup_amount

SOURCES = ("measured", "mixed", "nominal", "metered")
KINDS = ("energy", "markup", "fee", "task", "service")
STATUSES = ("overdue", "unpaid", "partially_paid", "paid", "overpaid", "cancelled")
OPEN_STATUSES = ("overdue", "unpaid", "partially_paid")


@dataclass(frozen=True, slots=True)
class Line:
    kind: str
    amount: int
    source: str | None = None
    group_no: int = 0
    first_day: date | None = None
    last_day: date | None = None
    quantity: int = 0
    rate: int = 0
    description: str | None = None
    task_id: int | None = None


@dataclass(frozen=True, slots=True)
class TaskCost:
    task_id: int
    summary: str
    amount: int


@dataclass(frozen=True, slots=True)
class DayRates:
    price: int
    markup: int
    fee: int


def _runs(days: Sequence[date], key: Sequence[object]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of consecutive days with the same key."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(days) + 1):
        if i == len(days) or key[i] != key[start]:
            runs.append((start, i))
            start = i
    return runs


def build(
    days: Sequence[date],
    rates: Sequence[DayRates],
    energy: Mapping[date, Mapping[str, int]],
    miner_days: Mapping[date, int],
    days_in_month: int,
    tasks: Iterable[TaskCost] = (),
) -> list[Line]:
    """The lines of a bill for `days` (each with its rates)."""
    lines: list[Line] = []
    groups = _runs(days, [(r.price, r.markup) for r in rates])
    for group_no, (i, j) in enumerate(groups, start=1):
        price = rates[i].price
        for source in SOURCES:
            wh = sum(energy.get(d, {}).get(source, 0) for d in days[i:j])
            if wh:
                lines.append(
                    Line(
                        "energy",
                        energy_amount(wh, price),
                        source=source,
                        group_no=group_no,
                        first_day=days[i],
                        last_day=days[j - 1],
                        quantity=wh,
                        rate=price,
                    )
                )
    markups = {g: rates[i].markup for g, (i, _) in enumerate(groups, start=1)}
    lines += markup_lines(lines, markups)
    for i, j in _runs(days, [r.fee for r in rates]):
        fee = rates[i].fee
        count = sum(miner_days.get(d, 0) for d in days[i:j])
        if fee and count:
            lines.append(
                Line(
                    "fee",
                    fee_amount(fee, count, days_in_month),
                    first_day=days[i],
                    last_day=days[j - 1],
                    quantity=count,
                    rate=fee,
                )
            )
    lines += [Line("task", t.amount, description=t.summary[:256], task_id=t.task_id) for t in tasks]
    return lines


def markup_lines(energy_lines: Iterable[Line], markups: Mapping[int, int]) -> list[Line]:
    """One markup line per rate period with a markup, on the sum of its energy lines' amounts."""
    periods: dict[int, list[Line]] = {}
    for line in energy_lines:
        if line.kind == "energy":
            periods.setdefault(line.group_no, []).append(line)
    out = []
    for group_no, members in sorted(periods.items()):
        bp = markups.get(group_no, 0)
        base = sum(m.amount for m in members)
        if bp and base:
            out.append(
                Line(
                    "markup",
                    markup_amount(base, bp),
                    group_no=group_no,
                    first_day=min(m.first_day for m in members if m.first_day),
                    last_day=max(m.last_day for m in members if m.last_day),
                    quantity=base,
                    rate=bp,
                )
            )
    return out


def reprice(lines: Sequence[Line], *, price: int | None, markup: int | None) -> list[Line]:
    """The lines after an edit: every energy line at `price`, every rate period's markup at
    `markup` (None keeps what a line has); markup lines are computed again."""
    energy = [
        replace(line, rate=price, amount=energy_amount(line.quantity, price))
        if price is not None and line.kind == "energy"
        else line
        for line in lines
        if line.kind == "energy"
    ]
    kept = {line.group_no: line.rate for line in lines if line.kind == "markup"}
    groups = {line.group_no for line in energy}
    markups = {g: markup if markup is not None else kept.get(g, 0) for g in groups}
    others = [line for line in lines if line.kind not in ("energy", "markup")]
    return ordered([*energy, *markup_lines(energy, markups), *others])


def ordered(lines: Iterable[Line]) -> list[Line]:
    """Lines in the printed order (stable within a kind)."""
    return sorted(lines, key=lambda line: KINDS.index(line.kind))


def total(lines: Iterable[Line]) -> int:
    return sum(line.amount for line in lines)


def status_of(
    total_minor: int, paid_minor: int, due_on: date, today: date, *, cancelled: bool = False
) -> str:
    if cancelled:
        return "cancelled"
    if paid_minor > total_minor:
        return "overpaid"
    if paid_minor == total_minor:
        return "paid"
    if today > due_on:
        return "overdue"
    return "partially_paid" if paid_minor > 0 else "unpaid"


def credit_of(total_minor: int, paid_minor: int, cancelled: bool) -> int:
    """What was paid beyond what a bill asks (all of it for a cancelled bill)."""
    return max(paid_minor - (0 if cancelled else total_minor), 0)

"""Rates as history: the facility's defaults and each client's overrides, each from a day on.

Every day is charged at the rate valid on that day: the client's own rate if it has one from a
day on or before it (and did not end it), else the facility's. Before the facility's first
rate of a kind there is none: a price per kWh is needed to bill, the others default below.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

RATES = ("price_kwh", "markup", "hosting_fee", "payment_term")
DEFAULTS: dict[str, int | None] = {
    "price_kwh": None,
    "markup": 0,
    "hosting_fee": 0,
    "payment_term": 10,
}


@dataclass(frozen=True, slots=True)
class RateRow:
    client_id: int | None
    name: str
    value: int | None
    valid_from: date


@dataclass
class _Series:
    """Values of one rate from days on (the latest entry for a day wins)."""

    days: list[date] = field(default_factory=list)
    values: list[int | None] = field(default_factory=list)

    def add(self, day: date, value: int | None) -> None:
        if self.days and self.days[-1] == day:
            self.values[-1] = value
            return
        self.days.append(day)
        self.values.append(value)

    def at(self, day: date) -> tuple[bool, int | None]:
        """(is there an entry on or before `day`, its value)."""
        i = bisect_right(self.days, day)
        return (True, self.values[i - 1]) if i else (False, None)


class RateBook:
    """Rates of the facility and of clients; `rows` ordered by valid_from, then by id."""

    def __init__(self, rows: Iterable[RateRow]) -> None:
        self._series: dict[tuple[int | None, str], _Series] = {}
        for row in rows:
            self._series.setdefault((row.client_id, row.name), _Series()).add(
                row.valid_from, row.value
            )

    def facility(self, name: str, day: date) -> int | None:
        found, value = self._series.get((None, name), _Series()).at(day)
        return value if found else DEFAULTS[name]

    def override(self, client_id: int, name: str, day: date) -> int | None:
        """The client's own rate on `day`, or None."""
        series = self._series.get((client_id, name))
        return series.at(day)[1] if series is not None else None

    def value(self, client_id: int | None, name: str, day: date) -> int | None:
        if client_id is not None:
            own = self.override(client_id, name, day)
            if own is not None:
                return own
        return self.facility(name, day)

    def daily(self, client_id: int, name: str, days: Sequence[date]) -> list[int | None]:
        return [self.value(client_id, name, d) for d in days]

    def changes(self, client_id: int | None, name: str) -> list[tuple[date, int | None]]:
        """The entries of one series (a client's, or the facility's with None)."""
        series = self._series.get((client_id, name), _Series())
        return list(zip(series.days, series.values, strict=True))

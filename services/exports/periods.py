"""Export periods: whole days in the facility's time zone, and the UTC instants that bound them.

A period is a pair of local dates, both included. The rows of a period are those stamped at or
after local midnight of the first day and before local midnight of the day after the last, which
are converted to UTC for the queries (stored times are UTC). Local midnight may be 23 or 25 hours
from the next one around a DST change; zoneinfo does that arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import Invalid

PRESETS = ("this_month", "last_month", "last_7", "last_30")
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    start: date  # first day, included
    end: date  # last day, included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[from, to) in UTC: local midnight of `start` and of the day after `end`."""
        return local_midnight(self.start, zone), local_midnight(self.end + timedelta(days=1), zone)

    def months(self) -> tuple[str, str]:
        """The first and last billing month ("YYYY-MM") the period touches."""
        return f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`.

    fold=0 is right at both kinds of DST edge: a midnight that occurs twice is taken the first
    time, and a midnight skipped by a jump resolves (with the offset before it) to the jump.
    """
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_today(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def preset(name: str, today: date) -> Period:
    """This month (so far), last month, the last 7 or 30 days (today included)."""
    if name == "this_month":
        return Period(first_of_month(today), today)
    if name == "last_month":
        start = add_months(today, -1)
        return Period(start, first_of_month(today) - timedelta(days=1))
    if name == "last_7":
        return Period(today - timedelta(days=6), today)
    if name == "last_30":
        return Period(today - timedelta(days=29), today)
    raise Invalid("period", "unknown")


def custom(start: date, end: date, today: date) -> Period:
    """A from–to period; both days included, none after today."""
    if start < EARLIEST or end < EARLIEST:
        raise Invalid("period", "too-early")
    if end > today or start > today:
        raise Invalid("period", "future")
    if end < start:
        raise Invalid("period", "order")
    return Period(start, end)


def parse_day(text: str) -> date:
    """A day from callback data or stored parameters: YYYYMMDD or YYYY-MM-DD."""
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text)
    except ValueError as exc:
        raise Invalid("period", "format") from exc

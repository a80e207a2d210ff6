"""Billing months and the facility-local days in them, with their UTC bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import Invalid

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def period_of(day: date) -> str:
    return f"{day:%Y-%m}"


def parse_period(text: str) -> date:
    found = _PERIOD.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise Invalid("period", "format")
    return date(int(found.group(1)), int(found.group(2)), 1)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a facility-local day starts."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


@dataclass(frozen=True, slots=True)
class Window:
    """The local days `first`…`last` of one month, cut at `until` (the month in progress is
    counted up to now). `starts[i]` is when day i starts and `ends[i]` when it ends (UTC)."""

    first: date
    last: date
    zone: ZoneInfo
    start_utc: datetime
    end_utc: datetime
    days_in_month: int

    @classmethod
    def month(cls, first: date, zone: ZoneInfo, until: datetime | None = None) -> Window:
        first = month_start(first)
        following = next_month(first)
        start, end = local_midnight(first, zone), local_midnight(following, zone)
        last = following - timedelta(days=1)
        if until is not None and until < end:
            end = max(until, start)
            last = max(min(local_day(end - timedelta(microseconds=1), zone), last), first)
        return cls(first, last, zone, start, end, (following - first).days)

    @property
    def period(self) -> str:
        return period_of(self.first)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """When `day` starts and ends (UTC), cut to the window."""
        start = max(local_midnight(day, self.zone), self.start_utc)
        end = min(local_midnight(day + timedelta(days=1), self.zone), self.end_utc)
        return start, end

    def seconds(self, day: date) -> int:
        start, end = self.bounds(day)
        return max(int((end - start).total_seconds()), 0)

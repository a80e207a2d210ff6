"""A compact month calendar as inline buttons: ◀️ month ▶️, weekday names, then the days.

The caller says what a tap on a day or on ◀️/▶️ sends (its own CallbackData, a date in ISO form
fits easily in 64 bytes). Days before `earliest` or after `latest` are shown as "·" and cannot be
tapped; the service still refuses such a date if one arrives by other means. Weeks entirely
before `earliest` are left out. Used by the task form (due dates: from today on) and the export
form (periods: up to today, the chosen first and last day in brackets).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection
from datetime import date, timedelta

from aiogram.types import InlineKeyboardButton

from handlers.callbacks import NoopCb
from handlers.render import button
from locales import Localizer

_NOOP = NoopCb().pack()


def month_of(value: str | None, default: date) -> date:
    """The first day of the month named "YYYY-MM" (the shown month kept in a form)."""
    try:
        year, month = (int(p) for p in (value or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


def month_rows(
    t: Localizer,
    month: date,
    *,
    today: date,
    on_day: Callable[[date], str],
    on_month: Callable[[date], str],
    earliest: date | None = None,
    latest: date | None = None,
    marked: Collection[date] = (),
) -> list[list[InlineKeyboardButton]]:
    """Rows of buttons for the month that contains `month`; today is marked •, `marked` days
    are shown in brackets."""
    first = month.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    names = t("calendar-months").split()
    header = [
        button("◀️", on_month(previous))
        if earliest is None or first > earliest.replace(day=1)
        else button(" ", _NOOP),
        button(f"{names[first.month - 1]} {first.year}", _NOOP),
        button("▶️", on_month(following))
        if latest is None or following <= latest
        else button(" ", _NOOP),
    ]
    rows = [header, [button(d, _NOOP) for d in t("calendar-weekdays").split()]]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        if earliest is not None and week[-1] < earliest:
            continue  # a week already gone: left out to keep the keyboard short
        row = []
        for day in week:
            if day.month != first.month:
                row.append(button(" ", _NOOP))
            elif (earliest is not None and day < earliest) or (latest is not None and day > latest):
                row.append(button("·", _NOOP))
            else:
                label = str(day.day)
                if day in marked:
                    label = f"[{day.day}]"
                elif day == today:
                    label = f"•{day.day}"
                row.append(button(label, on_day(day)))
        rows.append(row)
    return rows

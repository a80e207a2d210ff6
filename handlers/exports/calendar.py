"""The export form's calendar: the shared one (handlers/calendar.py) for an export's first and
last day. Days after today cannot be chosen; the chosen days are shown in brackets. Every day
button carries only ``ex:day:…:YYYYMMDD`` (about 20 bytes); the service checks any date it gets.
"""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton

from handlers.calendar import month_rows
from handlers.callbacks import ExportCb
from locales import Localizer
from services.exports.periods import EARLIEST


def month_arg(month: date) -> str:
    return f"{month:%Y%m}"


def parse_month(arg: str, default: date) -> date:
    """The first day of the month "YYYYMM"; `default`'s month for anything else."""
    if len(arg) == 6 and arg.isdigit() and 1 <= int(arg[4:]) <= 12:
        return date(int(arg[:4]), int(arg[4:]), 1)
    return default.replace(day=1)


def calendar_rows(
    t: Localizer, month: date, *, today: date, first: date | None, last: date | None
) -> list[list[InlineKeyboardButton]]:
    """The shared month calendar, limited to the days an export can cover."""
    return month_rows(
        t,
        month,
        today=today,
        on_day=lambda day: ExportCb(action="day", arg=f"{day:%Y%m%d}").pack(),
        on_month=lambda m: ExportCb(action="cal", arg=month_arg(m)).pack(),
        earliest=EARLIEST,
        latest=today,
        marked={d for d in (first, last) if d is not None},
    )

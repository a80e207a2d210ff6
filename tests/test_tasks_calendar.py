"""The inline month calendar of the task forms."""

from __future__ import annotations

from datetime import date

from handlers.calendar import month_of, month_rows
from handlers.callbacks import NoopCb, TaskCb, TaskFormCb
from locales import Translations

TODAY = date(2026, 11, 18)


def _rows(earliest: date | None = TODAY, month: date = TODAY):
    return month_rows(
        Translations().get("ru"),
        month,
        today=TODAY,
        earliest=earliest,
        on_day=lambda d: TaskCb(action="dday", id=9_999_999, arg=d.isoformat()).pack(),
        on_month=lambda m: TaskFormCb(action="cal", value=m.strftime("%Y-%m")).pack(),
    )


def test_a_month_is_seven_columns_with_past_days_closed() -> None:
    rows = _rows()
    header, weekdays, *weeks = rows
    assert [b.text for b in header] == [" ", "Ноябрь 2026", "▶️"]  # no way back before today
    assert [b.text for b in weekdays] == ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
    assert all(len(week) == 7 for week in weeks) and len(weeks) == 3  # 16 Nov – 6 Dec
    days = {b.text: b.callback_data for week in weeks for b in week}
    assert days["·"] == NoopCb().pack()  # 16 and 17 November are gone
    assert days[" "] == NoopCb().pack()  # 1–6 December are not November
    assert days["•18"] == TaskCb(action="dday", id=9_999_999, arg="2026-11-18").pack()
    assert "17" not in days and "30" in days
    packed = [b.callback_data for row in rows for b in row]
    assert max(len(p.encode()) for p in packed) <= 64


def test_month_navigation_and_free_dates() -> None:
    header = _rows(earliest=None, month=date(2027, 1, 1))[0]
    assert header[0].callback_data == TaskFormCb(action="cal", value="2026-12").pack()
    assert header[2].callback_data == TaskFormCb(action="cal", value="2027-02").pack()
    december = _rows(month=date(2026, 12, 1))[0]
    assert december[0].callback_data == TaskFormCb(action="cal", value="2026-11").pack()
    assert month_of("2027-02", TODAY) == date(2027, 2, 1)
    assert month_of("garbage", TODAY) == date(2026, 11, 1)
    assert month_of(None, TODAY) == date(2026, 11, 1)

"""The parts of an export that need no database: periods, the sanitizer, the streaming writer."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.errors import Invalid
from services.exports.periods import (
    Period,
    custom,
    local_midnight,
    local_today,
    parse_day,
    preset,
)
from services.exports.xlsx_writer import (
    MAX_TEXT,
    MONEY_FORMAT,
    PART_OVERHEAD,
    SHEET_OVERHEAD,
    ForcedText,
    SheetSpec,
    XlsxParts,
    clean,
    clean_text,
    sheet_title,
)

MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")

# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "today", "start", "end"),
    [
        ("this_month", date(2026, 11, 2), date(2026, 11, 1), date(2026, 11, 2)),
        ("this_month", date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 1)),
        ("last_month", date(2026, 11, 2), date(2026, 10, 1), date(2026, 10, 31)),
        ("last_month", date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        ("last_month", date(2024, 3, 31), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("last_month", date(2026, 3, 1), date(2026, 2, 1), date(2026, 2, 28)),
        ("last_7", date(2026, 3, 3), date(2026, 2, 25), date(2026, 3, 3)),
        ("last_30", date(2026, 1, 10), date(2025, 12, 12), date(2026, 1, 10)),
    ],
)
def test_presets_count_whole_local_days_up_to_today(
    name: str, today: date, start: date, end: date
) -> None:
    period = preset(name, today)
    assert (period.start, period.end) == (start, end)
    if name == "last_7":
        assert period.days == 7
    if name == "last_30":
        assert period.days == 30


def test_a_period_is_bounded_by_local_midnights_in_utc() -> None:
    start, end = Period(date(2026, 10, 1), date(2026, 10, 31)).utc_bounds(MOSCOW)
    assert start == datetime(2026, 9, 30, 21, 0, tzinfo=UTC)  # Moscow is UTC+3
    assert end == datetime(2026, 10, 31, 21, 0, tzinfo=UTC)


def test_days_around_a_dst_change_are_23_and_25_hours_long() -> None:
    spring = Period(date(2026, 3, 29), date(2026, 3, 29)).utc_bounds(BERLIN)
    autumn = Period(date(2026, 10, 25), date(2026, 10, 25)).utc_bounds(BERLIN)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert spring[0] == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


def test_a_day_whose_midnight_is_skipped_begins_at_the_jump() -> None:
    # São Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04.
    begins = local_midnight(date(2018, 11, 4), ZoneInfo("America/Sao_Paulo"))
    assert begins == datetime(2018, 11, 4, 3, 0, tzinfo=UTC)
    assert begins.astimezone(ZoneInfo("America/Sao_Paulo")).time() == time(1, 0)


def test_today_is_the_facility_s_date_not_utc_s() -> None:
    late = datetime(2026, 10, 31, 22, 30, tzinfo=UTC)
    assert local_today(late, MOSCOW) == date(2026, 11, 1)
    assert local_today(late, ZoneInfo("America/New_York")) == date(2026, 10, 31)
    assert preset("last_month", local_today(late, MOSCOW)).start == date(2026, 10, 1)


def test_a_custom_period_runs_forward_and_not_past_today() -> None:
    today = date(2026, 11, 2)
    assert custom(date(2026, 10, 5), date(2026, 10, 5), today).days == 1
    for start, end, reason in [
        (date(2026, 10, 6), date(2026, 10, 5), "order"),
        (date(2026, 11, 1), date(2026, 11, 3), "future"),
        (date(1999, 12, 31), date(2026, 1, 1), "too-early"),
    ]:
        with pytest.raises(Invalid) as caught:
            custom(start, end, today)
        assert caught.value.reason == reason
    with pytest.raises(Invalid):
        preset("next_year", today)


def test_days_are_parsed_from_callback_data_or_iso() -> None:
    assert parse_day("20261005") == parse_day("2026-10-05") == date(2026, 10, 5)
    for bad in ("20261305", "2026-02-30", "tomorrow", ""):
        with pytest.raises(Invalid):
            parse_day(bad)


# --- the sanitizer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+7 900", "-1", "@SUM(A1)", "\tTab", "\rCR", "#N/A", "#REF!"],
)
def test_text_a_spreadsheet_would_evaluate_is_marked_as_text(text: str) -> None:
    cleaned = clean_text(text)
    assert type(cleaned) is ForcedText and cleaned == text.replace("\r", "\n")


def test_ordinary_text_stays_plain_and_bad_characters_go() -> None:
    assert type(clean_text("Acme = Mining")) is str
    assert clean_text("A\x00c\x07m\x0be\x1f") == "Acme"
    assert clean_text("a\tb\nc") == "a\tb\nc"  # tab and newline inside text are fine
    assert len(clean_text("x" * 40_000)) == MAX_TEXT
    assert type(clean_text("\x00=1+1")) is ForcedText  # what is left is checked, not the input


def test_values_become_what_a_spreadsheet_reads_best() -> None:
    aware = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    assert clean(aware, MOSCOW) == datetime(2026, 10, 1, 12, 30)
    assert clean(aware.astimezone(timezone(timedelta(hours=-5))), MOSCOW) == datetime(
        2026, 10, 1, 12, 30
    )
    assert clean(date(2026, 10, 1), MOSCOW) == date(2026, 10, 1)
    assert clean(True, MOSCOW) is True and clean(7, MOSCOW) == 7
    assert clean(Decimal("12.50"), MOSCOW) == Decimal("12.50")
    assert clean(float("nan"), MOSCOW) == "nan" and clean(Decimal("Infinity"), MOSCOW) == "Infinity"
    assert clean(b"=cmd", MOSCOW) == "=cmd" and type(clean(b"=cmd", MOSCOW)) is ForcedText
    assert clean({"a": 1}, MOSCOW) == "{'a': 1}"
    assert clean(None, MOSCOW) is None
    assert clean(time(10, 0, tzinfo=UTC), MOSCOW) == time(10, 0)


def test_sheet_titles_are_valid() -> None:
    assert sheet_title("Bills/Payments: [2026]?") == "Bills Payments 2026"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("''") == "Sheet"


# --- the writer --------------------------------------------------------------------------------


def test_a_written_sheet_is_safe_typed_and_readable(tmp_path: Path) -> None:
    spec = SheetSpec(
        key="t",
        title="Things",
        headers=["Name", "Amount", "When", "Note"],
        widths=[30, 12, 17, 40],
        formats=[None, MONEY_FORMAT, "yyyy-mm-dd hh:mm", None],
    )
    writer = XlsxParts(tmp_path, "things", MOSCOW)
    writer.begin(spec)
    writer.write(
        [
            ("=1+1", Decimal("1234.50"), datetime(2026, 10, 1, 9, 0, tzinfo=UTC), "ok"),
            ("#N/A", None, None, "bad\x00char"),
            ("plain", Decimal("0.00"), datetime(2026, 10, 1, 23, 0), "x" * 40_000),
        ]
    )
    [part] = writer.finish()
    assert part.name == "things.xlsx" and part.rows == {"t": 3}
    sheet = load_workbook(part.path)["Things"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert [c.value for c in sheet[1]] == ["Name", "Amount", "When", "Note"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["A"].width == 30
    formula, error = sheet["A2"], sheet["A3"]
    assert (formula.value, formula.data_type, formula.quotePrefix) == ("=1+1", "s", True)
    assert (error.value, error.data_type) == ("#N/A", "s")
    assert sheet["B2"].value == 1234.5 and sheet["B2"].number_format == MONEY_FORMAT
    assert sheet["C2"].value == datetime(2026, 10, 1, 12, 0)  # local time, no zone
    assert sheet["D3"].value == "badchar" and len(sheet["D4"].value) == MAX_TEXT
    assert sheet["A4"].quotePrefix is False


def test_with_a_plan_rows_are_spread_over_files_under_the_target(tmp_path: Path) -> None:
    spec = SheetSpec("n", "Numbers", ["N", "Text"], [8, 30], [None, None])
    target = PART_OVERHEAD + SHEET_OVERHEAD + 250 * 100  # 250 rows of 100 bytes a file
    writer = XlsxParts(
        tmp_path, "numbers", ZoneInfo("UTC"), bytes_per_row={"n": 100.0}, target=target
    )
    writer.begin(spec)
    writer.write((n, f"row {n}") for n in range(500))
    parts = writer.finish()
    assert [p.name for p in parts] == ["numbers-part1.xlsx", "numbers-part2.xlsx"]
    assert [p.rows["n"] for p in parts] == [250, 250]
    for part in parts:
        sheet = load_workbook(part.path).worksheets[0]
        assert [c.value for c in sheet[1]] == ["N", "Text"] and sheet.freeze_panes == "A2"
        assert sheet.max_row == part.rows["n"] + 1


def test_an_abandoned_file_is_closed_and_nothing_is_saved(tmp_path: Path) -> None:
    spec = SheetSpec("n", "Numbers", ["N"], [8], [None])
    writer = XlsxParts(tmp_path / "out", "numbers", ZoneInfo("UTC"))
    writer.begin(spec)
    writer.write((n,) for n in range(100))
    writer.abort()
    del writer
    gc.collect()  # an unclosed write-only sheet would complain here (an error in this suite)
    assert list((tmp_path / "out").iterdir()) == []

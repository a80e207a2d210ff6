"""The telemetry rules as pure functions: classification, the two-cycle rule, counted watts."""

from __future__ import annotations

import pytest

from services.telemetry.snapshot import HUNG, OFFLINE, Board, MinerSnapshot, Reach
from services.telemetry.status import (
    SOURCE_MEASURED,
    SOURCE_NOMINAL,
    SOURCE_NONE,
    classify,
    counted_watts,
    covers,
    settle,
)


def ok(**kw: object) -> MinerSnapshot:
    return MinerSnapshot(Reach.OK, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("snapshot", "status"),
    [
        (OFFLINE, "offline"),
        (HUNG, "hanged"),
        (ok(hashrate_ths=100.0, expected_ths=100.0), "active"),
        (ok(hashrate_ths=90.0, expected_ths=100.0), "active"),  # exactly the threshold
        (ok(hashrate_ths=89.9, expected_ths=100.0), "lowhash"),
        (ok(hashrate_ths=0.0, expected_ths=100.0), "hanged"),
        (ok(hashrate_ths=None, uptime_s=10), "hanged"),  # answers, no hashrate
        (ok(hashrate_ths=95.0, expected_ths=100.0, is_mining=False), "hanged"),
        (ok(hashrate_ths=50.0), "active"),  # no expected hashrate: cannot be lowhash
        # no total: the boards' sum
        (ok(boards=(Board(0, 30.0), Board(1, 30.0)), expected_ths=100.0), "lowhash"),
    ],
)
def test_classify(snapshot: MinerSnapshot, status: str) -> None:
    assert classify(snapshot, 90) == status


def test_the_threshold_is_the_facility_setting() -> None:
    reading = ok(hashrate_ths=70.0, expected_ths=100.0)
    assert classify(reading, 90) == "lowhash"
    assert classify(reading, 70) == "active"


def test_a_change_is_taken_on_the_second_reading_in_a_row() -> None:
    one = settle("active", None, "offline", first=False)
    assert (one.status, one.pending, one.changed) == ("active", "offline", False)
    two = settle("active", one.pending, "offline", first=False)
    assert (two.status, two.pending, two.changed) == ("offline", None, True)


def test_a_single_bad_reading_is_forgotten() -> None:
    bad = settle("active", None, "offline", first=False)
    back = settle("active", bad.pending, "active", first=False)
    assert (back.status, back.pending, back.changed) == ("active", None, False)
    other = settle("active", "offline", "hanged", first=False)  # a different status: count anew
    assert (other.status, other.pending, other.changed) == ("active", "hanged", False)


def test_a_miner_never_polled_takes_its_first_reading_at_once() -> None:
    first = settle("unknown", None, "lowhash", first=True)
    assert (first.status, first.pending, first.changed) == ("lowhash", None, True)
    same = settle("active", None, "active", first=True)
    assert same.changed is False


@pytest.mark.parametrize(
    ("snapshot", "observed", "nominal", "counted"),
    [
        (ok(watts=3340), "active", 3250, (3340, SOURCE_MEASURED)),
        (ok(watts=120), "hanged", 3250, (120, SOURCE_MEASURED)),  # reported: counted as is
        (ok(), "active", 3250, (3250, SOURCE_NOMINAL)),
        (ok(), "lowhash", 3250, (3250, SOURCE_NOMINAL)),
        (ok(), "hanged", 3250, (None, SOURCE_NONE)),  # hashes nothing, reports nothing
        (ok(), "active", None, (None, SOURCE_NONE)),  # no nominal power known
        (OFFLINE, "offline", 3250, (None, SOURCE_NONE)),
        (HUNG, "hanged", 3250, (None, SOURCE_NONE)),
    ],
)
def test_counted_watts(
    snapshot: MinerSnapshot, observed: str, nominal: int | None, counted: tuple[int | None, int]
) -> None:
    assert counted_watts(snapshot, observed, nominal) == counted


def test_a_sample_covers_the_time_since_the_last_poll_at_most_two_intervals() -> None:
    assert covers(1_000, None, 300) == 0
    assert covers(1_300, 1_000, 300) == 300
    assert covers(1_310, 1_000, 300) == 310  # a late cycle
    assert covers(9_000, 1_000, 300) == 600  # the bot was stopped: the gap counts nothing
    assert covers(1_000, 1_000, 300) == 0


def test_charts_render_one_miner_and_a_fleet_as_png() -> None:
    from zoneinfo import ZoneInfo

    from services.telemetry.charts import ChartTexts, fleet_chart, gap_of, miner_chart
    from services.telemetry.service import FleetSeries, MinerSeries

    until = 1_790_000_000
    texts = ChartTexts("M30S+ · 10.0.0.1", "Hashrate, last 24 hours", "Hashrate", "Up", "All", "—")
    points = [(until - 3600 + 300 * i, 99.5 if i % 5 else None, "active") for i in range(12)]
    one = miner_chart(MinerSeries(1, "x", points, until), ZoneInfo("Europe/Moscow"), texts)
    fleet = [(until - 3600 + 300 * i, 995.0, 10, 10) for i in range(12)]
    many = fleet_chart(FleetSeries(1, "Acme", fleet, until), ZoneInfo("UTC"), texts)
    empty = miner_chart(MinerSeries(1, "x", [], until), ZoneInfo("UTC"), texts)
    for png in (one, many, empty):
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == 1200
    assert gap_of([0, 300, 600]) == 900  # 5-minute polls: a line breaks after 15 minutes
    assert gap_of([0, 3600, 7200]) == 9000  # hourly polls: after 2.5 hours

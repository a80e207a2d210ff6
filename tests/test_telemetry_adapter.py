"""The miner adapter (pyasic-rs) against fake miners on loopback: real sockets, real library."""

from __future__ import annotations

import time

import pytest

from services.telemetry.miner_api import PyasicRsApi, RebootOutcome
from services.telemetry.snapshot import Reach
from tests.fakefleet import FakeFleet, Mode


@pytest.fixture
async def fleet():
    async with FakeFleet() as f:
        yield f


async def test_a_healthy_miner_reads_in_full(fleet: FakeFleet) -> None:
    miner = await fleet.add(Mode.HEALTHY, worker="acme.rig1")
    snap = await PyasicRsApi(timeout=3).read(miner.ip)
    assert snap.reach is Reach.OK
    assert snap.hashrate_ths == pytest.approx(99.5)
    assert snap.expected_ths == pytest.approx(100.0)
    assert snap.watts == 3340
    assert [b.position for b in snap.boards] == [0, 1, 2]
    assert snap.hottest_c == 66.0
    assert snap.fans_rpm == (5400, 5300)
    assert snap.uptime_s is not None and snap.uptime_s >= 0
    assert snap.mac == miner.mac
    assert snap.model == "M30SPlusVE40" and snap.make and snap.firmware
    assert [(p.url, p.user, p.alive) for p in snap.pools] == [
        ("stratum+tcp://btc.pool.example:3333", "acme.rig1", True)
    ]


@pytest.mark.parametrize(
    ("mode", "watts", "hashrate", "hottest", "reported"),
    [
        (Mode.LOWHASH, 3340, 66.67, 66.0, 3340),
        (Mode.ZERO, 3340, 0.0, 66.0, 120),
        (Mode.HOT, 3340, 99.5, 94.0, 3340),
        (Mode.HEALTHY, None, 99.5, 66.0, None),
    ],
)
async def test_scripted_miners_read_as_scripted(
    fleet: FakeFleet,
    mode: Mode,
    watts: int | None,
    hashrate: float,
    hottest: float,
    reported: int | None,
) -> None:
    miner = await fleet.add(mode, watts=watts)
    snap = await PyasicRsApi(timeout=3).read(miner.ip)
    assert snap.reach is Reach.OK
    assert snap.hashrate_ths == pytest.approx(hashrate, abs=0.01)
    assert snap.hottest_c == hottest
    assert snap.watts == reported


async def test_offline_is_told_at_once_and_a_hung_api_within_the_time_limit(
    fleet: FakeFleet,
) -> None:
    offline = await fleet.add(Mode.OFFLINE)
    hung = await fleet.add(Mode.HUNG)
    api = PyasicRsApi(timeout=2)
    started = time.monotonic()
    assert (await api.read(offline.ip)).reach is Reach.OFFLINE
    assert time.monotonic() - started < 1
    started = time.monotonic()
    assert (await api.read(hung.ip)).reach is Reach.HUNG
    assert time.monotonic() - started < 2.5  # the hard limit holds for a miner that never answers


async def test_a_miner_hanging_after_it_was_identified_is_cut_off(fleet: FakeFleet) -> None:
    miner = await fleet.add(Mode.HEALTHY)
    api = PyasicRsApi(timeout=1.5)
    assert (await api.read(miner.ip)).reach is Reach.OK
    fleet.set_mode(miner.ip, Mode.HUNG)
    started = time.monotonic()
    assert (await api.read(miner.ip)).reach is Reach.HUNG
    assert time.monotonic() - started < 2


async def test_a_miner_going_away_and_coming_back(fleet: FakeFleet) -> None:
    miner = await fleet.add(Mode.HEALTHY)
    api = PyasicRsApi(timeout=3)
    assert (await api.read(miner.ip)).reach is Reach.OK
    fleet.set_mode(miner.ip, Mode.OFFLINE)
    assert (await api.read(miner.ip)).reach is Reach.OFFLINE
    fleet.set_mode(miner.ip, Mode.HEALTHY)
    assert (await api.read(miner.ip)).hashrate_ths == pytest.approx(99.5)


async def test_flapping_alternates_on_each_poll(fleet: FakeFleet) -> None:
    miner = await fleet.add(Mode.FLAPPING)
    api = PyasicRsApi(timeout=3)
    rates = [(await api.read(miner.ip)).hashrate_ths for _ in range(4)]
    assert rates in ([0.0, 99.5, 0.0, 99.5], [99.5, 0.0, 99.5, 0.0])


async def test_reboot_reaches_the_miner_and_an_offline_one_is_unreachable(
    fleet: FakeFleet,
) -> None:
    miner = await fleet.add(Mode.HEALTHY)
    offline = await fleet.add(Mode.OFFLINE)
    api = PyasicRsApi(timeout=3)
    assert await api.reboot(miner.ip) is RebootOutcome.SENT
    assert miner.reboots == 1
    assert await api.reboot(offline.ip) is RebootOutcome.UNREACHABLE


async def test_two_fleets_at_once_never_share_an_address() -> None:
    """Concurrent test runs draw addresses at random; a clash is drawn again, never shared.
    The same seed makes the second fleet draw exactly the first one's addresses first."""
    async with FakeFleet(seed=7) as one, FakeFleet(seed=7) as two:
        first = await one.start([Mode.HEALTHY] * 5)
        second = await two.start([Mode.HEALTHY] * 5, mac="D4:0F:99:99:99:99")
        assert not {m.ip for m in first} & {m.ip for m in second}
        api = PyasicRsApi(timeout=3)
        for miner in first:
            assert (await api.read(miner.ip)).mac == miner.mac
        for miner in second:
            assert (await api.read(miner.ip)).mac == "D4:0F:99:99:99:99"

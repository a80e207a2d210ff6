"""Poll cycles over real sockets (fake miners on loopback) into a real SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from services.actor import Actor
from services.container import Services
from services.errors import Conflict, PermissionDenied
from services.telemetry.miner_api import PyasicRsApi, RebootOutcome
from services.telemetry.service import CycleReport
from storage.models import (
    AuditEntry,
    Client,
    FleetSample,
    Miner,
    MinerSample,
    MinerStatusChange,
    MinerTelemetry,
)
from tests.conftest import Clock, join
from tests.fakefleet import FakeFleet, FakeMiner, Mode


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


@pytest.fixture
async def telemetry(services: Services) -> Services:
    services.telemetry.api = PyasicRsApi(timeout=2)
    return services


async def add_client(services: Services, owner: Actor, name: str) -> int:
    async with services.db.write() as session:
        client = Client(
            name=name, name_key=name.casefold(), email=f"{name}@x.io", manager_id=owner.staff_id
        )
        session.add(client)
        await session.flush()
        return client.id


async def add_miners(
    services: Services,
    fakes: list[FakeMiner],
    client_id: int | None = None,
    nominal: int | None = 3250,
    status: str = "unknown",
) -> list[int]:
    async with services.db.write() as session:
        rows = [
            Miner(
                ip=f.ip,
                model="Whatsminer M30S+",
                client_id=client_id,
                nominal_power_w=nominal,
                status=status,
            )
            for f in fakes
        ]
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows]


async def statuses(services: Services, ids: list[int]) -> list[str]:
    async with services.db.read() as session:
        found = {m.id: m.status for m in await session.scalars(select(Miner))}
    return [found[i] for i in ids]


async def cycle(services: Services, clock: Clock) -> CycleReport:
    clock.advance(minutes=5)
    return await services.telemetry.run_cycle()


async def test_a_first_cycle_takes_each_status_at_once_and_logs_it(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    modes = [Mode.HEALTHY, Mode.LOWHASH, Mode.ZERO, Mode.HUNG, Mode.OFFLINE, Mode.HOT]
    fakes = await fleet.start(modes)
    client = await add_client(telemetry, owner, "Acme")
    ids = await add_miners(telemetry, fakes, client)
    report = await cycle(telemetry, clock)
    expected = ["active", "lowhash", "hanged", "hanged", "offline", "active"]
    assert await statuses(telemetry, ids) == expected
    assert report.polled == 6 and len(report.changes) == 6
    assert {(c.miner_id, c.old, c.new) for c in report.changes} == {
        (i, "unknown", s) for i, s in zip(ids, expected, strict=True)
    }
    async with telemetry.db.read() as session:
        logged = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "miner.status_changed")
            )
        )
        hot = await session.get(MinerTelemetry, ids[5])
        offline = await session.get(MinerTelemetry, ids[4])
        fleet_rows = list(await session.scalars(select(FleetSample)))
    assert {e.entity_id: e.changes for e in logged}[ids[0]] == {"status": ["unknown", "active"]}
    assert all(e.category == "miner" and e.actor_id is None for e in logged)
    assert hot is not None and hot.hottest_c == 94.0 and hot.watts == 3340
    assert hot.hashrate_ths == pytest.approx(99.5) and hot.seen_at is not None
    assert offline is not None and offline.reach == "offline" and offline.seen_at is None
    [row] = fleet_rows
    assert (row.client_id, row.miners, row.miners_up) == (client, 6, 3)
    assert row.hashrate_mhs == pytest.approx(99_500_000 + 66_666_667 + 99_500_000, abs=2)


async def test_a_change_needs_two_cycles_in_a_row(
    telemetry: Services, fleet: FakeFleet, clock: Clock
) -> None:
    steady, flapping = await fleet.start([Mode.HEALTHY, Mode.FLAPPING])
    ids = await add_miners(telemetry, [steady, flapping])
    await cycle(telemetry, clock)
    first = await statuses(telemetry, ids)
    for _ in range(4):  # flapping: every other reading hashes nothing
        report = await cycle(telemetry, clock)
        assert await statuses(telemetry, ids) == first
        assert report.changes == ()

    fleet.set_mode(steady.ip, Mode.OFFLINE)  # one lost reading changes nothing
    await cycle(telemetry, clock)
    assert (await statuses(telemetry, ids))[0] == "active"
    fleet.set_mode(steady.ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    fleet.set_mode(steady.ip, Mode.OFFLINE)  # offline twice in a row: taken
    await cycle(telemetry, clock)
    report = await cycle(telemetry, clock)
    assert (await statuses(telemetry, ids))[0] == "offline"
    assert [(c.old, c.new) for c in report.changes] == [("active", "offline")]
    async with telemetry.db.read() as session:
        row = await session.get(MinerTelemetry, ids[0])
        samples = await session.scalar(
            select(func.count()).select_from(MinerSample).where(MinerSample.miner_id == ids[0])
        )
    assert row is not None and row.hashrate_ths == pytest.approx(99.5)  # last reading kept
    assert row.reach == "offline" and row.status_since == clock.now
    assert samples == 9
    # the status history that bills read for the hours a miner was known offline
    async with telemetry.db.read() as session:
        history = (
            await session.execute(
                select(MinerStatusChange.old_status, MinerStatusChange.new_status)
                .where(
                    MinerStatusChange.miner_id == ids[0], MinerStatusChange.source == "telemetry"
                )
                .order_by(MinerStatusChange.id)
            )
        ).all()
    assert [tuple(h) for h in history] == [("unknown", "active"), ("active", "offline")]


async def test_lowhash_follows_the_facility_threshold(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    miner = await fleet.add(Mode.LOWHASH)  # 2 of 3 boards: 66.7 % of expected
    [miner_id] = await add_miners(telemetry, [miner])
    await cycle(telemetry, clock)
    assert await statuses(telemetry, [miner_id]) == ["lowhash"]
    await telemetry.facility.update(owner, "lowhash_pct", "60")
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    assert await statuses(telemetry, [miner_id]) == ["active"]


async def test_miners_outside_the_polled_networks_are_left_alone(
    telemetry: Services, fleet: FakeFleet, clock: Clock
) -> None:
    fake = await fleet.add(Mode.HEALTHY)
    async with telemetry.db.write() as session:
        session.add_all(
            [
                Miner(ip="10.0.0.1", status="active"),
                Miner(ip="not an ip", status="unknown"),
                Miner(ip=None, status="unknown"),
            ]
        )
    [ours] = await add_miners(telemetry, [fake])
    report = await cycle(telemetry, clock)
    assert (report.polled, report.skipped) == (1, 2)
    assert await statuses(telemetry, [1, ours]) == ["active", "active"]


async def test_cycles_never_overlap_and_listeners_hear_each(
    telemetry: Services, fleet: FakeFleet, clock: Clock
) -> None:
    fakes = await fleet.start([Mode.HUNG, Mode.HEALTHY])
    await add_miners(telemetry, fakes)
    heard: list[CycleReport] = []

    async def listener(report: CycleReport) -> None:
        heard.append(report)

    telemetry.telemetry.add_listener(listener)
    clock.advance(minutes=5)
    first = asyncio.create_task(telemetry.telemetry.run_cycle())
    await asyncio.sleep(0.2)
    assert telemetry.telemetry.running
    await telemetry.telemetry.tick()  # the scheduler's tick sees a cycle running: no second
    assert telemetry.telemetry._task is None
    second = asyncio.create_task(telemetry.telemetry.run_cycle())
    one = await first
    two = await second
    assert two.started >= one.started  # the second waited for the first
    assert len(heard) == 2 and heard[0].observed == {"hanged": 1, "active": 1}


async def test_the_tick_starts_a_cycle_only_when_one_is_due(
    telemetry: Services, owner: Actor, fleet: FakeFleet
) -> None:
    await add_miners(telemetry, [await fleet.add(Mode.HEALTHY)])
    service = telemetry.telemetry
    await service.tick()
    assert service._task is not None
    await service._task
    done = service._task
    await service.tick()  # the interval (5 minutes) has not passed
    assert service._task is done
    await telemetry.facility.update(owner, "telemetry", False)
    service._last_start = None
    await service.tick()  # switched off: no cycle, statuses stay as they are
    assert service._task is done


async def test_refresh_reads_one_miner_now_and_reboot_needs_the_flag(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    fake = await fleet.add(Mode.HEALTHY)
    [miner_id] = await add_miners(telemetry, [fake])
    card = await telemetry.telemetry.refresh(owner, miner_id)
    assert card.status == "active" and card.reading is not None
    assert card.reading.hashrate_ths == pytest.approx(99.5)
    assert card.watts == (3340, "reported")

    junior = await join(telemetry, owner, "junior_technician", 2001, "June")
    with pytest.raises(PermissionDenied):
        await telemetry.telemetry.reboot(junior, miner_id)
    assert fake.reboots == 0
    senior = await join(telemetry, owner, "senior_technician", 2002, "Sam")
    assert await telemetry.telemetry.reboot(senior, miner_id) is RebootOutcome.SENT
    assert fake.reboots == 1
    fleet.set_mode(fake.ip, Mode.OFFLINE)
    assert await telemetry.telemetry.reboot(senior, miner_id) is RebootOutcome.UNREACHABLE
    async with telemetry.db.read() as session:
        logged = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action.startswith("miner.reboot"))
            )
        )
    assert [(e.actor_id, e.action, e.entity_id) for e in logged] == [
        (senior.staff_id, "miner.reboot_sent", miner_id),
        (senior.staff_id, "miner.reboot_unreachable", miner_id),
    ]
    await telemetry.facility.update(owner, "telemetry", False)
    with pytest.raises(Conflict):
        await telemetry.telemetry.refresh(owner, miner_id)


async def test_nominal_watts_stand_in_for_a_miner_that_reports_none(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    quiet = await fleet.add(Mode.HEALTHY, watts=None)
    zero = await fleet.add(Mode.ZERO, watts=None)
    ids = await add_miners(telemetry, [quiet, zero], nominal=3250)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    async with telemetry.db.read() as session:
        samples = list(
            await session.scalars(
                select(MinerSample).order_by(MinerSample.ts, MinerSample.miner_id)
            )
        )
    assert [(s.miner_id, s.watts, s.source, s.covers_s) for s in samples] == [
        (ids[0], 3250, 2, 0),
        (ids[1], None, 0, 0),
        (ids[0], 3250, 2, 300),
        (ids[1], None, 0, 300),
    ]
    card = await telemetry.telemetry.card(owner, ids[0])
    assert card.watts == (3250, "nominal")
    assert card.avg24_ths == pytest.approx(99.5)


async def test_purge_keeps_35_days(telemetry: Services, owner: Actor, clock: Clock) -> None:
    client = await add_client(telemetry, owner, "Acme")
    async with telemetry.db.write() as session:
        miner = Miner(ip="127.200.0.1", status="active")
        session.add(miner)
        await session.flush()
        miner_id = miner.id
        now = int(clock.now.timestamp())
        for days in (40, 36, 34, 1):
            ts = now - days * 86400
            session.add(MinerSample(miner_id=miner_id, ts=ts, covers_s=300, status=0, source=0))
            session.add(FleetSample(client_id=client, ts=ts, hashrate_mhs=1, miners_up=1, miners=1))
    assert await telemetry.telemetry.purge() == 4
    async with telemetry.db.read() as session:
        left = list(await session.scalars(select(MinerSample.ts)))
    assert sorted(now - t for t in left) == [86400, 34 * 86400]


async def test_two_cycles_in_one_second_keep_one_fleet_row(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    """A cycle started by hand right after the scheduled one (same second): no clash."""
    fakes = await fleet.start([Mode.HEALTHY, Mode.OFFLINE])
    client = await add_client(telemetry, owner, "Acme")
    await add_miners(telemetry, fakes, client)
    await cycle(telemetry, clock)
    fleet.set_mode(fakes[1].ip, Mode.HEALTHY)
    clock.advance(seconds=0.5)  # the same second
    await telemetry.telemetry.run_cycle()
    async with telemetry.db.read() as session:
        rows = list(await session.scalars(select(FleetSample)))
    [row] = rows
    assert (row.client_id, row.miners, row.miners_up) == (client, 2, 2)

"""Energy per miner per local day from samples: midnight, DST, a client change, sources, re-runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.actor import Actor
from services.container import Services
from services.telemetry.energy import day_bounds
from services.telemetry.miner_api import PyasicRsApi
from storage.models import Client, ConsumptionDaily, Miner, MinerEnergyDaily, MinerSample
from tests.conftest import Clock
from tests.fakefleet import FakeFleet, Mode

ACTIVE, HANGED, OFFLINE = 0, 2, 3
NONE, MEASURED, NOMINAL = 0, 1, 2
STEP = 300


async def setup(services: Services, owner: Actor, clients: int = 1) -> tuple[int, list[int]]:
    async with services.db.write() as session:
        miner = Miner(ip="127.201.0.1", status="active")
        rows = [
            Client(name=f"C{i}", name_key=f"c{i}", email=f"c{i}@x.io", manager_id=owner.staff_id)
            for i in range(clients)
        ]
        session.add_all([miner, *rows])
        await session.flush()
        return miner.id, [c.id for c in rows]


async def add_samples(
    services: Services,
    miner_id: int,
    start: datetime,
    end: datetime,
    *,
    client_id: int | None,
    watts: int | None = 3000,
    source: int = MEASURED,
    status: int = ACTIVE,
) -> None:
    """Samples every 5 minutes, each standing for the 5 minutes before it, in (start, end]."""
    ts = int(start.timestamp()) + STEP
    async with services.db.write() as session:
        while ts <= int(end.timestamp()):
            session.add(
                MinerSample(
                    miner_id=miner_id,
                    ts=ts,
                    covers_s=STEP,
                    client_id=client_id,
                    status=status,
                    watts=watts,
                    source=source,
                )
            )
            ts += STEP


async def rows(services: Services, day: date) -> list[tuple[int | None, int, str, int]]:
    async with services.db.read() as session:
        found = await session.scalars(
            select(MinerEnergyDaily)
            .where(MinerEnergyDaily.day == day)
            .order_by(MinerEnergyDaily.client_id)
        )
        return [(r.client_id, r.energy_wh, r.source, r.up_seconds) for r in found]


async def consumption(services: Services, day: date) -> dict[int, int]:
    async with services.db.read() as session:
        found = await session.scalars(select(ConsumptionDaily).where(ConsumptionDaily.day == day))
        return {r.client_id: r.energy_wh for r in found}


def local(day: date, hour: int, minute: int, zone: str) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


async def test_a_whole_day_and_an_interval_across_midnight(
    services: Services, owner: Actor
) -> None:
    miner, [client] = await setup(services, owner)
    day = date(2026, 11, 2)  # Europe/Moscow, UTC+3
    start = local(day, 0, 0, "Europe/Moscow")
    # 23:57 → 00:02 and so on: every sample straddles a local 5-minute mark
    await add_samples(
        services,
        miner,
        start - timedelta(minutes=3),
        start + timedelta(days=1, minutes=2),
        client_id=client,
    )
    result = await services.energy.compute_day(day)
    assert await rows(services, day) == [(client, 72_000, "measured", 86_400)]
    assert result.energy_wh == 72_000
    assert await consumption(services, day) == {client: 72_000}
    # the day before got the 3 minutes before midnight of the first sample: 3000 W × 180 s
    await services.energy.compute_day(day - timedelta(days=1))
    assert await rows(services, day - timedelta(days=1)) == [(client, 150, "measured", 180)]


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2026, 10, 25), 25), (date(2026, 3, 29), 23)],  # Europe/Berlin leaves / enters DST
)
async def test_a_dst_day_has_its_own_length(
    services: Services, owner: Actor, day: date, hours: int
) -> None:
    await services.facility.update(owner, "timezone", "Europe/Berlin")
    miner, [client] = await setup(services, owner)
    start, end = day_bounds(day, (await services.facility.get()).zone)
    assert end - start == hours * 3600
    await add_samples(
        services,
        miner,
        datetime.fromtimestamp(start, UTC),
        datetime.fromtimestamp(end, UTC),
        client_id=client,
    )
    await services.energy.compute_day(day)
    assert await rows(services, day) == [(client, 3000 * hours, "measured", hours * 3600)]


async def test_a_miner_moved_to_another_client_mid_day(services: Services, owner: Actor) -> None:
    miner, [first, second] = await setup(services, owner, clients=2)
    day = date(2026, 11, 2)
    start = local(day, 0, 0, "Europe/Moscow")
    noon = start + timedelta(hours=12, minutes=30)
    await add_samples(services, miner, start, noon, client_id=first)
    await add_samples(services, miner, noon, start + timedelta(days=1), client_id=second)
    await services.energy.compute_day(day)
    assert await rows(services, day) == [
        (first, 37_500, "measured", 45_000),
        (second, 34_500, "measured", 41_400),
    ]
    assert await consumption(services, day) == {first: 37_500, second: 34_500}


async def test_sources_offline_and_rounding(services: Services, owner: Actor) -> None:
    day = date(2026, 11, 2)
    start = local(day, 0, 0, "Europe/Moscow")
    miner, [client] = await setup(services, owner)
    # 6 h measured, 6 h nominal, 6 h hashing with no known power, 6 h offline
    marks = [start + timedelta(hours=h) for h in (0, 6, 12, 18, 24)]
    await add_samples(services, miner, marks[0], marks[1], client_id=client, watts=3001)
    await add_samples(
        services, miner, marks[1], marks[2], client_id=client, watts=3250, source=NOMINAL
    )
    await add_samples(
        services, miner, marks[2], marks[3], client_id=client, watts=None, source=NONE
    )
    await add_samples(
        services,
        miner,
        marks[3],
        marks[4],
        client_id=client,
        watts=None,
        source=NONE,
        status=OFFLINE,
    )
    await services.energy.compute_day(day)
    # 3001 × 6 h = 18,006 Wh; 3250 × 6 h = 19,500 Wh; up 18 h
    assert await rows(services, day) == [(client, 37_506, "mixed", 18 * 3600)]


async def test_hashing_without_any_power_figure_keeps_its_hours(
    services: Services, owner: Actor
) -> None:
    day = date(2026, 11, 2)
    start = local(day, 0, 0, "Europe/Moscow")
    miner, [client] = await setup(services, owner)
    await add_samples(
        services, miner, start, start + timedelta(hours=2), client_id=client, watts=None, source=0
    )
    await services.energy.compute_day(day)
    assert await rows(services, day) == [(client, 0, "none", 7200)]


async def test_offline_all_day_writes_nothing(services: Services, owner: Actor) -> None:
    day = date(2026, 11, 2)
    start = local(day, 0, 0, "Europe/Moscow")
    miner, [client] = await setup(services, owner)
    await add_samples(
        services,
        miner,
        start,
        start + timedelta(days=1),
        client_id=client,
        watts=None,
        source=0,
        status=OFFLINE,
    )
    await services.energy.compute_day(day)
    assert await rows(services, day) == []
    assert await consumption(services, day) == {}


async def test_a_rerun_leaves_the_same_rows(services: Services, owner: Actor) -> None:
    day = date(2026, 11, 2)
    start = local(day, 0, 0, "Europe/Moscow")
    miner, [client] = await setup(services, owner)
    await add_samples(services, miner, start, start + timedelta(hours=10), client_id=client)

    async def stored() -> list[tuple[int, int, datetime]]:
        async with services.db.read() as session:
            found = await session.scalars(select(MinerEnergyDaily))
            return [(r.id, r.energy_wh, r.updated_at) for r in found]

    first = await services.energy.compute_day(day)
    before = await stored()
    again = await services.energy.compute_day(day)
    assert (first.written, again.written) == (1, 0)
    assert await stored() == before
    # more samples of the same day: the row is replaced, nothing doubles
    await add_samples(
        services, miner, start + timedelta(hours=10), start + timedelta(hours=11), client_id=client
    )
    await services.energy.compute_day(day)
    assert await rows(services, day) == [(client, 33_000, "measured", 11 * 3600)]
    assert await consumption(services, day) == {client: 33_000}


async def test_the_scheduled_run_catches_up_after_a_stop(
    services: Services, owner: Actor, clock: Clock
) -> None:
    miner, [client] = await setup(services, owner)
    today = clock.now.astimezone((await services.facility.get()).zone).date()
    start = local(today - timedelta(days=3), 0, 0, "Europe/Moscow")
    await add_samples(services, miner, start, start + timedelta(hours=1), client_id=client)
    done = await services.energy.compute_recent()
    assert [d.day for d in done] == [today - timedelta(days=n) for n in (3, 2, 1, 0)]
    assert await rows(services, today - timedelta(days=3)) == [(client, 3000, "measured", 3600)]
    again = await services.energy.compute_recent()  # after that: today (and yesterday early on)
    assert [d.day for d in again] == [today]


async def test_cycles_over_real_sockets_give_the_day_its_energy(
    services: Services, owner: Actor, clock: Clock
) -> None:
    services.telemetry.api = PyasicRsApi(timeout=2)
    async with FakeFleet() as fleet:
        measured = await fleet.add(Mode.HEALTHY, watts=3340)
        nominal = await fleet.add(Mode.HEALTHY, watts=None)
        async with services.db.write() as session:
            client = Client(name="A", name_key="a", email="a@x.io", manager_id=owner.staff_id)
            session.add(client)
            await session.flush()
            session.add_all(
                [
                    Miner(ip=measured.ip, client_id=client.id, nominal_power_w=3250),
                    Miner(ip=nominal.ip, client_id=client.id, nominal_power_w=3250),
                ]
            )
        for _ in range(4):  # the first sample counts nothing: three intervals of 5 minutes
            clock.advance(minutes=5)
            await services.telemetry.run_cycle()
    day = clock.now.astimezone((await services.facility.get()).zone).date()
    await services.energy.compute_day(day)
    # 3 intervals of 300 s: 3340 W × 900 s = 835 Wh; 3250 W × 900 s = 812.5 → 813 Wh
    assert sorted(await rows(services, day)) == [
        (client.id, 813, "nominal", 900),
        (client.id, 835, "measured", 900),
    ]
    assert await consumption(services, day) == {client.id: 1648}

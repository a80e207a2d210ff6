"""The alert rules over real poll cycles (fake miners on loopback, a real SQLite file): the
facility incident, watchers' chats, outdated and forged actions, the digest, the rails of the
product's other events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.actor import Actor
from services.alerts.rails import tell
from services.container import Services
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from storage.models import Alert, OutboxMessage, Staff
from tests.conftest import Clock, join
from tests.fakefleet import FakeFleet, Mode
from tests.test_telemetry_service import add_client, add_miners, fleet, telemetry

__all__ = ["fleet", "telemetry"]  # fixtures, shared with the telemetry tests


async def cycle(services: Services, clock: Clock, minutes: float = 1) -> None:
    clock.advance(minutes=minutes)
    await services.telemetry.run_cycle()


async def queued(services: Services, key: str = "alert-message") -> list[OutboxMessage]:
    async with services.db.read() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.text_key == key, OutboxMessage.edit_of.is_(None))
                .order_by(OutboxMessage.id)
            )
        )


async def test_an_outage_is_one_incident_message_and_client_alerts_only_to_their_people(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    tom = await join(telemetry, owner, "senior_technician", 2001, "Tom")
    await telemetry.alerts.set_pref(tom, "scope", "all")
    acme = await add_client(telemetry, owner, "Acme")
    beta = await add_client(telemetry, owner, "Beta")
    a = await fleet.start([Mode.HEALTHY] * 12)
    b = await fleet.start([Mode.HEALTHY] * 12)
    rest = await fleet.start([Mode.HEALTHY] * 6)
    await add_miners(telemetry, a, acme)
    await add_miners(telemetry, b, beta)
    await add_miners(telemetry, rest)
    await cycle(telemetry, clock)
    for f in a + b:  # 24 of 30 go dark in the same minute
        fleet.set_mode(f.ip, Mode.OFFLINE)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)  # taken: the incident goes out at once
    first = await queued(telemetry)
    assert sorted(m.chat_id for m in first) == [1001, 2001]
    assert all(m.args["what"]["t"] == "alert-what-incident" for m in first)
    assert first[0].args["what"]["a"]["count"] == 24

    await cycle(telemetry, clock, minutes=11)  # held: each client's alert, to its manager only
    later = (await queued(telemetry))[2:]
    assert [(m.chat_id, m.args["title"]) for m in later] == [(1001, "Acme"), (1001, "Beta")]
    async with telemetry.db.read() as session:
        incident = (await session.scalars(select(Alert).where(Alert.kind == "incident"))).one()
        parts = list(await session.scalars(select(Alert).where(Alert.incident_id == incident.id)))
    assert len(parts) == 2

    for f in a + b:
        fleet.set_mode(f.ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    recovered = await queued(telemetry, "alert-recovered")
    assert sorted((m.chat_id, str(m.args["title"])) for m in recovered) == [
        (1001, "Acme"),
        (1001, "Beta"),
        (1001, "{'t': 'alert-facility'}"),
        (2001, "{'t': 'alert-facility'}"),
    ]


async def test_a_watcher_who_opted_in_hears_of_stopped_miners_not_of_addresses_or_staff(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    fakes = await fleet.start([Mode.HEALTHY] * 3)
    await add_miners(telemetry, fakes, acme)
    link = await telemetry.watchers.create(owner, acme, "ru", None)
    watch = await telemetry.watchers.open_in_chat(link.token, 777, "Vera", None)
    await telemetry.watchers.set_pref(777, watch.link_id, "alerts", True)
    await cycle(telemetry, clock)
    fleet.set_mode(fakes[0].ip, Mode.HOT)
    fleet.set_mode(fakes[1].ip, Mode.OFFLINE)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock, minutes=11)
    staff = await queued(telemetry)
    assert {m.args["what"]["t"] for m in staff} == {"alert-what-offline", "alert-what-hot"}
    (watcher,) = await queued(telemetry, "watchers-alert")  # stopped miners only, not hot
    assert watcher.chat_id == 777 and watcher.locale == "ru"
    assert watcher.buttons == [[{"open": "watch", "id": watch.link_id}]]
    assert fakes[1].ip not in watcher.args["names"]  # no address (no serial here: its #id)
    offline = next(m for m in staff if m.args["what"]["t"] == "alert-what-offline")
    await telemetry.alerts.acknowledge(owner, int(offline.args["id"]))
    async with telemetry.db.read() as session:
        edits = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.edit_of.is_not(None)))
        )
    assert {m.chat_id for m in edits} == {1001}  # who took it is no watcher's business
    fleet.set_mode(fakes[1].ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    assert [m.chat_id for m in await queued(telemetry, "alert-recovered")] == [1001]
    assert [m.chat_id for m in await queued(telemetry, "watchers-alert-back")] == [777]


async def test_outdated_and_forged_actions_are_refused(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    fakes = await fleet.start([Mode.OFFLINE, Mode.HEALTHY])
    await add_miners(telemetry, fakes, acme)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock, minutes=11)
    async with telemetry.db.read() as session:
        alert = (await session.scalars(select(Alert))).one()
    newbie = await join(telemetry, owner, "newbie", 2002, "Nina")
    with pytest.raises(PermissionDenied):
        await telemetry.alerts.task_from(newbie, alert.id)  # no tasks.create
    with pytest.raises(NotFound):
        await telemetry.alerts.acknowledge(owner, alert.id + 100)
    with pytest.raises(Invalid):
        await telemetry.alerts.snooze(owner, alert.id, "forever")
    snoozed = await telemetry.alerts.snooze(owner, alert.id, "1h")
    assert snoozed.snoozed_until == clock() + timedelta(hours=1)
    clock.advance(minutes=61)
    assert await telemetry.alerts.wake_snoozed() == 1  # still open: it pages again
    assert len(await queued(telemetry)) == 2
    origin = await telemetry.alerts.task_from(owner, alert.id)
    assert origin.client_id == acme and len(origin.miner_ids) == 1
    await telemetry.alerts.acknowledge(newbie, alert.id)
    with pytest.raises(Conflict) as taken:
        await telemetry.alerts.acknowledge(owner, alert.id)
    assert taken.value.reason == "alert-taken" and taken.value.details["name"] == "Nina"
    fleet.set_mode(fakes[0].ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    with pytest.raises(Conflict) as resolved:
        await telemetry.alerts.snooze(owner, alert.id, "4h")
    assert resolved.value.reason == "alert-resolved"


async def test_the_digest_goes_once_a_day_at_the_members_time(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    await add_client(telemetry, owner, "Quiet Ltd")
    fakes = await fleet.start([Mode.HEALTHY, Mode.OFFLINE])
    await add_miners(telemetry, fakes, acme)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock, minutes=11)
    await telemetry.alerts.set_pref(owner, "digest_at", "12:30")  # on, at 12:30
    # the clock is 12:14 Moscow time: not yet
    assert await telemetry.alerts.send_digests() == 0
    clock.advance(minutes=20)
    assert await telemetry.alerts.send_digests() == 1
    assert await telemetry.alerts.send_digests() == 0  # once a day
    (digest,) = await queued(telemetry, "alert-digest")
    (line,) = digest.args["lines"]
    assert line["a"] == {"client": "Acme", "changed": 2, "alerts": 1, "due": 0, "overdue": 0}
    assert digest.buttons == [[{"open": "client", "id": acme, "label": "Acme"}]]
    clock.advance(days=1)
    assert await telemetry.alerts.send_digests() == 1


async def test_events_follow_the_members_settings(
    services: Services, owner: Actor, clock: Clock
) -> None:
    await services.alerts.set_pref(owner, "toggle", "task_assigned")
    await services.alerts.set_pref(owner, "quiet", "0800-1400")
    with pytest.raises(Invalid):
        await services.alerts.set_pref(owner, "quiet", "25:00-07:00")
    with pytest.raises(Invalid):
        await services.alerts.set_pref(owner, "toggle", "no-such-kind")
    async with services.db.write() as session:
        me = await session.get(Staff, owner.staff_id)
        assert me is not None
        assert await tell(session, me, "task_assigned", "notify-task-assigned", now=clock()) is None
        due = await tell(session, me, "task_due", "notify-task-due", now=clock())
        evening = clock() + timedelta(hours=6)
        bill = await tell(session, me, "bill_overdue", "bills-notice-overdue", now=evening)
        assert due is not None and bill is not None
        # 12:00 Moscow is inside 08:00–14:00: held until 14:00 (11:00 UTC); 18:00 is not
        assert due.not_before == clock().replace(hour=11, minute=0)
        assert bill.not_before is None  # now, as any message


async def test_a_miner_going_from_lowhash_to_offline_has_not_recovered(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    fakes = await fleet.start([Mode.LOWHASH, Mode.HEALTHY, Mode.HEALTHY])
    await add_miners(telemetry, fakes, acme)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock, minutes=11)
    assert [m.args["what"]["t"] for m in await queued(telemetry)] == ["alert-what-lowhash"]
    fleet.set_mode(fakes[0].ip, Mode.OFFLINE)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    assert await queued(telemetry, "alert-recovered") == []
    await cycle(telemetry, clock, minutes=11)
    assert [m.args["what"]["t"] for m in await queued(telemetry)] == [
        "alert-what-lowhash",
        "alert-what-offline",
    ]
    fleet.set_mode(fakes[0].ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    recovered = await queued(telemetry, "alert-recovered")
    assert sorted(m.args["what"]["t"] for m in recovered) == [
        "alert-back-lowhash",
        "alert-back-offline",
    ]

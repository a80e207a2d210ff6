"""Watcher links against a real SQLite file: the staff side (create, refuse a second, revoke,
replace, expiry, the client's log), the token side (the same "not valid" for every bad token,
bindings of chats, opens), the view over real poll cycles of fake miners, opt-in messages."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from services.actor import Actor
from services.container import Services
from services.errors import Conflict, PermissionDenied
from services.telemetry.miner_api import PyasicRsApi
from services.watchers.service import LinkNotValid, hash_token
from storage.models import AuditEntry, OutboxMessage, WatcherLink, WatcherOpen, WatcherViewer
from tests.conftest import Clock, join
from tests.fakefleet import FakeFleet, Mode
from tests.test_telemetry_service import add_client, add_miners, cycle


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


@pytest.fixture
async def telemetry(services: Services) -> Services:
    services.telemetry.api = PyasicRsApi(timeout=2)
    return services


async def rows(services: Services, model: type, *where: Any) -> list:
    async with services.db.read() as session:
        return list(await session.scalars(select(model).where(*where)))


async def test_a_link_is_made_once_per_client_and_only_its_hash_is_kept(
    services: Services, owner: Actor
) -> None:
    acme = await add_client(services, owner, "Acme")
    new = await services.watchers.create(owner, acme, "ru", 30)
    assert len(new.token) == 32  # 24 random bytes: 192 bits
    [link] = await rows(services, WatcherLink)
    assert link.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
    assert new.token not in repr(vars(link))
    assert link.language == "ru" and link.expires_at is not None
    assert link.expires_at - link.created_at == timedelta(days=30)

    with pytest.raises(Conflict) as refused:
        await services.watchers.create(owner, acme, "en", None)
    assert refused.value.reason == "watcher-exists"
    assert refused.value.details["email"] == "Acme@x.io"
    assert refused.value.details["by"] == "Olga Owner"
    [logged] = await rows(services, AuditEntry, AuditEntry.action == "watcher.created")
    assert (logged.client_id, logged.category, logged.actor_id) == (acme, "client", owner.staff_id)
    assert logged.changes is not None and logged.changes["locale"] == [None, "ru"]


async def test_only_members_with_watchers_manage_handle_links(
    services: Services, owner: Actor
) -> None:
    acme = await add_client(services, owner, "Acme")
    junior = await join(services, owner, "junior_technician", 3001, "June")
    manager = await join(services, owner, "manager", 3002, "Max")
    with pytest.raises(PermissionDenied):
        await services.watchers.create(junior, acme, "en", None)
    with pytest.raises(PermissionDenied):
        await services.watchers.screen(junior, acme)
    new = await services.watchers.create(manager, acme, "en", None)
    assert (await services.watchers.screen(manager, acme)).link is not None
    with pytest.raises(PermissionDenied):
        await services.watchers.revoke(junior, acme)
    await services.watchers.open_in_chat(new.token, 5001, "Vera", None)  # nobody's Actor needed


async def test_every_bad_token_gets_the_same_answer(
    services: Services, owner: Actor, clock: Clock
) -> None:
    acme = await add_client(services, owner, "Acme")
    kept = await services.watchers.create(owner, acme, "en", 7)
    watch = await services.watchers.open_in_chat(kept.token, 5001, "Vera", "vera")
    assert watch.client_id == acme and watch.language == "en"

    errors = []
    wrong_end = kept.token[:-1] + ("B" if kept.token.endswith("A") else "A")  # never the token
    for token in ("", "x" * 32, wrong_end, "w" * 500):
        with pytest.raises(LinkNotValid) as unknown:
            await services.watchers.open_on_web(token, "203.0.113.5", counts=True)
        errors.append(unknown.value)
    clock.advance(days=7, seconds=1)  # expired
    with pytest.raises(LinkNotValid) as expired:
        await services.watchers.open_in_chat(kept.token, 5001, "Vera", "vera")
    with pytest.raises(LinkNotValid):
        await services.watchers.for_viewer(5001, watch.link_id)
    errors.append(expired.value)
    assert {(type(e), e.args, str(e.details)) for e in errors} == {(LinkNotValid, (), "{}")}
    assert (await services.watchers.screen(owner, acme)).link is None

    again = await services.watchers.create(owner, acme, "en", None)  # the expired one is ended
    [old] = await rows(services, WatcherLink, WatcherLink.id == watch.link_id)
    assert old.ended == "expired" and old.revoked_at is not None
    await services.watchers.open_in_chat(again.token, 5001, "Vera", "vera")
    await services.watchers.revoke(owner, acme)
    with pytest.raises(LinkNotValid):
        await services.watchers.open_on_web(again.token, "203.0.113.5", counts=True)
    with pytest.raises(Conflict):
        await services.watchers.revoke(owner, acme)
    logged = await rows(services, AuditEntry, AuditEntry.client_id == acme)
    assert [e.action for e in logged] == ["watcher.created", "watcher.created", "watcher.revoked"]


async def test_a_chat_reaches_only_the_link_it_opened(services: Services, owner: Actor) -> None:
    acme = await add_client(services, owner, "Acme")
    globex = await add_client(services, owner, "Globex")
    a = await services.watchers.create(owner, acme, "en", None)
    g = await services.watchers.create(owner, globex, "en", None)
    watch = await services.watchers.open_in_chat(a.token, 5001, "Vera", None)
    assert (await services.watchers.for_viewer(5001, watch.link_id)).client_id == acme
    with pytest.raises(LinkNotValid):  # the other client's link: this chat never opened it
        await services.watchers.for_viewer(5001, g.link.id)
    with pytest.raises(LinkNotValid):  # another person with the same link id
        await services.watchers.for_viewer(5002, watch.link_id)
    assert await services.watchers.chat_links(5001) == [watch.link_id]
    assert await services.watchers.chat_links(5002) == []


async def test_replacing_ends_the_old_token_and_its_chats(services: Services, owner: Actor) -> None:
    acme = await add_client(services, owner, "Acme")
    first = await services.watchers.create(owner, acme, "ru", 90)
    watch = await services.watchers.open_in_chat(first.token, 5001, "Vera", None)
    await services.watchers.set_pref(5001, watch.link_id, "alerts", True)
    second = await services.watchers.replace(owner, acme)
    assert second.token != first.token and second.link.language == "ru"
    assert second.link.ttl_days == 90
    with pytest.raises(LinkNotValid):
        await services.watchers.open_in_chat(first.token, 5001, "Vera", None)
    with pytest.raises(LinkNotValid):
        await services.watchers.for_viewer(5001, watch.link_id)
    assert await rows(services, WatcherViewer) == []  # the opt-in went with the old link
    assert (
        await services.watchers.open_in_chat(second.token, 5001, "Vera", None)
    ).client_id == acme
    [replaced] = await rows(services, AuditEntry, AuditEntry.action == "watcher.replaced")
    assert replaced.client_id == acme


async def test_opens_are_logged_and_a_page_refreshing_itself_is_no_open(
    services: Services, owner: Actor, clock: Clock
) -> None:
    acme = await add_client(services, owner, "Acme")
    new = await services.watchers.create(owner, acme, "en", None)
    await services.watchers.open_in_chat(new.token, 5001, "Vera Client", "vera")
    await services.watchers.open_in_chat(new.token, 5001, "Vera Client", "vera")
    await services.watchers.open_on_web(new.token, "203.0.113.5", counts=True)
    await services.watchers.open_on_web(new.token, "203.0.113.5", counts=True)  # within 10 min
    await services.watchers.open_on_web(new.token, "203.0.113.5", counts=False)  # auto refresh
    await services.watchers.open_on_web(new.token, "198.51.100.7", counts=True)
    clock.advance(minutes=11)
    await services.watchers.open_on_web(new.token, "203.0.113.5", counts=True)
    screen = await services.watchers.screen(owner, acme)
    assert screen.opens_total == 5
    assert [(o.via, o.name or o.address) for o in screen.opens] == [
        ("web", "203.0.113.5"),
        ("web", "198.51.100.7"),
        ("web", "203.0.113.5"),
        ("telegram", "Vera Client"),
        ("telegram", "Vera Client"),
    ]
    assert screen.opens[-1].telegram_id == 5001 and screen.opens[-1].username == "vera"
    assert screen.link is not None and screen.link.viewers == 1


async def test_the_view_shows_one_clients_miners_from_real_poll_cycles(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    globex = await add_client(telemetry, owner, "Globex")
    modes = [Mode.HEALTHY, Mode.OFFLINE, Mode.HOT, Mode.LOWHASH] * 3
    fakes = await fleet.start(modes)
    ours = await add_miners(telemetry, fakes[:11], acme)
    await add_miners(telemetry, fakes[11:], globex)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    new = await telemetry.watchers.create(owner, acme, "en", None)
    watch = await telemetry.watchers.open_on_web(new.token, "203.0.113.5", counts=True)

    view = await telemetry.watchers.view(watch, per_page=4)
    assert view.client_name == "Acme" and view.total == 11
    assert view.counts == {"active": 6, "offline": 3, "lowhash": 2}
    assert view.hashrate_ths == pytest.approx(6 * 99.5 + 2 * 66.67, abs=0.1)
    assert view.avg24_ths == pytest.approx(6 * 99.5 + 2 * 66.67, abs=0.1)
    assert view.polled_at is not None and view.miners.pages == 3
    assert [m.id for m in view.miners.items] == ours[:4]
    first, offline = view.miners.items[0], view.miners.items[1]
    assert first.answered and first.hashrate_ths == pytest.approx(99.5)
    assert first.uptime_s is not None and first.hottest_c == 66.0
    assert not offline.answered and offline.hashrate_ths is None
    assert view.miners.items[2].hottest_c == 94.0

    only = await telemetry.watchers.view(watch, status="offline", page=5, per_page=2)
    assert only.miners.page == 1 and only.miners.total == 3  # clamped to the last page
    assert [m.position for m in only.miners.items] == [10]  # numbers of the whole list
    series = await telemetry.watchers.fleet_series(watch)
    assert series.client_id == acme and len(series.points) == 2
    assert series.until == series.points[-1][0]


async def test_a_chart_is_drawn_once_per_cycle_and_language(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    await add_miners(telemetry, await fleet.start([Mode.HEALTHY]), acme)
    await cycle(telemetry, clock)
    new = await telemetry.watchers.create(owner, acme, "en", None)
    watch = await telemetry.watchers.open_on_web(new.token, "203.0.113.5", counts=True)
    drawn: list[str] = []

    def draw(series: object) -> bytes:
        drawn.append("x")
        return b"png"

    for _ in range(3):
        assert await telemetry.watchers.chart(watch, "en:UTC", draw) == b"png"
    await telemetry.watchers.chart(watch, "ru:UTC", draw)
    assert len(drawn) == 2
    await cycle(telemetry, clock)
    await telemetry.watchers.chart(watch, "en:UTC", draw)
    assert len(drawn) == 3


async def test_opted_in_chats_hear_of_stops_and_recoveries_through_the_alerts(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    globex = await add_client(telemetry, owner, "Globex")
    fakes = await fleet.start([Mode.HEALTHY] * 4)
    await add_miners(telemetry, fakes[:3], acme)
    await add_miners(telemetry, fakes[3:], globex)
    a = await telemetry.watchers.create(owner, acme, "ru", None)
    watch = await telemetry.watchers.open_in_chat(a.token, 5001, "Vera", None)
    await telemetry.watchers.open_in_chat(a.token, 5002, "Ivan", None)  # not opted in
    assert (await telemetry.watchers.set_pref(5001, watch.link_id, "alerts", True)).alerts
    await cycle(telemetry, clock)  # first readings: no news
    for f in (*fakes[:2], fakes[3]):
        fleet.set_mode(f.ip, Mode.OFFLINE)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)  # two cycles: offline is taken
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)  # and held for the alert rules' 10 minutes
    queued = await rows(telemetry, OutboxMessage, OutboxMessage.chat_id.in_([5001, 5002]))
    assert [(m.chat_id, m.locale, m.text_key) for m in queued] == [(5001, "ru", "watchers-alert")]
    assert queued[0].args["title"] == "Acme" and queued[0].args["what"]["a"]["count"] == 2
    assert queued[0].buttons == [[{"open": "watch", "id": watch.link_id}]]

    fleet.set_mode(fakes[0].ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)  # one is back: the watcher's message says so
    edits = await rows(telemetry, OutboxMessage, OutboxMessage.edit_of == queued[0].id)
    assert edits[-1].args["state"] == {"t": "alert-state-back", "a": {"count": 1}}
    fleet.set_mode(fakes[1].ip, Mode.HEALTHY)
    await cycle(telemetry, clock)
    await cycle(telemetry, clock)
    back = await rows(telemetry, OutboxMessage, OutboxMessage.text_key == "watchers-alert-back")
    assert [(m.chat_id, m.args["what"]["a"]["count"]) for m in back] == [(5001, 2)]

    # the watcher's messages are still pending (nothing sends here) when the link is revoked
    assert await rows(telemetry, OutboxMessage, OutboxMessage.chat_id == 5001)
    await telemetry.watchers.revoke(owner, acme)
    pending = OutboxMessage.status == "pending"
    assert await rows(telemetry, OutboxMessage, pending, OutboxMessage.chat_id == 5001) == []
    assert await rows(telemetry, WatcherViewer) == []


async def test_the_daily_summary_goes_once_a_day_from_nine(
    telemetry: Services, owner: Actor, fleet: FakeFleet, clock: Clock
) -> None:
    acme = await add_client(telemetry, owner, "Acme")
    await add_miners(telemetry, await fleet.start([Mode.HEALTHY, Mode.OFFLINE]), acme)
    await cycle(telemetry, clock)
    new = await telemetry.watchers.create(owner, acme, "en", None)
    watch = await telemetry.watchers.open_in_chat(new.token, 5001, "Vera", None)
    await telemetry.watchers.set_pref(5001, watch.link_id, "daily", True)
    clock.now = clock.now.replace(hour=5, minute=0)  # 08:00 in Moscow
    assert await telemetry.watcher_alerts.daily() == 0
    clock.advance(hours=1)  # 09:00
    assert await telemetry.watcher_alerts.daily() == 1
    assert await telemetry.watcher_alerts.daily() == 0
    [summary] = await rows(telemetry, OutboxMessage)
    assert summary.text_key == "watchers-daily"
    assert summary.args == {
        "client": "Acme",
        "total": 2,
        "working": 1,
        "down": 1,
        "now": "99.5 TH/s",
        "avg": "99.5 TH/s",
    }
    clock.advance(days=1)
    assert await telemetry.watcher_alerts.daily() == 1


async def test_revoke_for_client_ends_the_link_in_the_callers_transaction(
    services: Services, owner: Actor
) -> None:
    acme = await add_client(services, owner, "Acme")
    new = await services.watchers.create(owner, acme, "en", None)
    async with services.db.write() as session:
        assert await services.watchers.revoke_for_client(
            session, acme, actor_id=owner.staff_id, reason="merged"
        )
        assert not await services.watchers.revoke_for_client(
            session, acme, actor_id=owner.staff_id, reason="merged"
        )
    with pytest.raises(LinkNotValid):
        await services.watchers.open_in_chat(new.token, 5001, "Vera", None)
    [link] = await rows(services, WatcherLink)
    assert link.ended == "merged" and link.revoked_by == owner.staff_id
    [entry] = await rows(services, AuditEntry, AuditEntry.action == "watcher.revoked")
    assert entry.details == {"reason": "merged"} and entry.client_id == acme


async def test_the_token_is_compared_by_its_hash(services: Services, owner: Actor) -> None:
    acme = await add_client(services, owner, "Acme")
    new = await services.watchers.create(owner, acme, "en", None)
    async with services.db.read() as session:
        stored = await session.scalar(
            select(func.count()).where(WatcherLink.token_hash == new.token)
        )
    assert stored == 0 and hash_token(new.token) != new.token
    await services.watchers.open_on_web(new.token, "203.0.113.5", counts=True)
    assert len(await rows(services, WatcherOpen)) == 1

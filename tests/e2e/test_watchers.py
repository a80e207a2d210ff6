"""Watcher links end to end: the staff screens, a stranger's chat opened with the deep link (and
nothing else reachable from it), revoke / replace / expiry, the opens and the client's log, and
the opt-in messages delivered through the outbox after real poll cycles of fake miners."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers import callbacks
from handlers.callbacks import (
    ClientCb,
    ExportCb,
    MenuCb,
    MinerCardCb,
    MinerCb,
    TaskCb,
    TelemetryCb,
    WatchCb,
    WatcherCb,
)
from storage.models import Miner, WatcherLink
from tests.e2e.conftest import RunningBot, add_client, join, labels
from tests.e2e.test_miners import import_file
from tests.e2e.test_telemetry import photo_of, png_size
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser
from tests.fakefleet import FakeFleet, FakeMiner, Mode
from tests.miner_files import HEADER, xlsx

ACME = [Mode.HEALTHY, Mode.HEALTHY, Mode.OFFLINE, Mode.LOWHASH, Mode.HOT]
GLOBEX = [Mode.HEALTHY, Mode.OFFLINE]
LINK_RE = re.compile(r"https://t\.me/farmdesk_test_bot\?start=(w_[A-Za-z0-9_-]+)")


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


async def two_clients(
    bot: RunningBot, owner: TelegramUser, fleet: FakeFleet
) -> tuple[list[FakeMiner], list[FakeMiner]]:
    """Acme (#1, five miners ACME-1…) and Globex (#2, two miners GLOBEX-1…) at fake miners'
    addresses; the scheduler's cycles are paused (the test runs them)."""
    bot.app.scheduler.pause_job("telemetry-cycle")
    acme = [await fleet.add(mode) for mode in ACME]
    globex = [await fleet.add(mode) for mode in GLOBEX]
    await add_client(owner, "Acme", "a@acme.com")
    await add_client(owner, "Globex", "ops@globex.com")
    rows: list[list[object]] = [list(HEADER)]
    rows += [
        [f.ip, None, f"ACME-{i}", "Whatsminer M30S+", "a@acme.com", 3250, "yes"]
        for i, f in enumerate(acme, 1)
    ]
    rows += [
        [f.ip, None, f"GLOBEX-{i}", "Whatsminer M50", "ops@globex.com", 3250, "yes"]
        for i, f in enumerate(globex, 1)
    ]
    preview = await import_file(owner, xlsx(rows), "fleet.xlsx")
    await owner.tap("Apply", message=preview)
    return acme, globex


async def cycles(bot: RunningBot, count: int = 2) -> None:
    """Poll cycles as the scheduler starts them."""
    for _ in range(count):
        await bot.app.services.telemetry.run_cycle()


async def make_link(
    owner: TelegramUser, client: str, language: str = "English", lifetime: str = "Until revoked"
) -> tuple[str, BotMessage]:
    """The owner makes a client's watcher link from its card; the start payload and the
    message that shows the link."""
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap(client)
    await owner.tap("👁 Watcher link")
    await owner.tap("➕ Create link")
    await owner.tap(language)
    await owner.tap(lifetime)
    shown = owner.messages()[-1]
    found = LINK_RE.search(shown.plain)
    assert found, shown.describe()
    return found.group(1), shown


def view_of(user: TelegramUser) -> str:
    return user.last.plain


async def test_a_stranger_sees_exactly_that_clients_miners(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    await two_clients(bot, owner, fleet)
    await cycles(bot)
    payload, shown = await make_link(owner, "#1 Acme")
    assert len(payload) == 34  # w_ + 192 bits
    url = f"https://t.me/farmdesk_test_bot?start={payload}"
    assert shown.inline_buttons() == [{"text": "📋 Copy Telegram link", "copy_text": {"text": url}}]
    screen = owner.messages()[-2]  # the link's screen; the link below it stays in the chat
    assert "🟢 Live · English · until revoked" in screen.plain
    assert labels(screen) == ["🔁 Replace token", "⛔️ Revoke", "⬅️ Back to the client"]

    vera = fake.user(7001, "Vera", last_name="Client", username="vera_c")
    await vera.send(f"/start {payload}")
    photo, view = vera.messages()[-2:]
    assert photo.photo and "Acme · last 24 hours" in photo.plain
    assert png_size(photo_of(fake, photo)) == (1200, 750)
    text = view.plain
    assert text.startswith("👁 Acme · Hosting facility\n")
    assert "⛏ 5 miners: 🟢 3 🟡 1 🔴 1" in text
    assert re.search(r"⚡ 3\d\d(\.\d)? TH/s now · 3\d\d(\.\d)? TH/s 24 h average", text), text
    assert "Miners 1–5 of 5" in text
    for n in range(1, 6):
        assert f"ACME-{n}" in text
    assert "94 °C" in text and "no answer at the latest reading" in text
    assert "GLOBEX" not in text and "Globex" not in text
    assert "127." not in text  # the facility's addresses are not shown
    assert labels(view) == [
        "🟢 3",
        "🟡 1",
        "🔴 1",
        "🔄 Refresh",
        "📈 24 h chart",
        "🔔 Notifications",
    ]

    await vera.tap("🔴 1")
    assert "Miners 1–1 of 1 · 🔴 Offline" in view_of(vera) and "3. 🔴 ACME-3" in view_of(vera)
    await vera.tap("≡ 5")
    await vera.tap("🔄 Refresh")
    assert vera.last_answer().get("text") == "Updated."
    await vera.tap("📈 24 h chart")
    assert vera.messages()[-1].photo

    await owner.tap("⬅️ Back to the client", message=screen)
    await owner.tap("👁 Watcher link", message=screen)
    assert "Opened once" in screen.plain
    assert "Telegram: Vera Client (@vera_c), id 7001" in screen.plain
    assert "opened in one chat" in screen.plain


async def test_nothing_but_the_view_answers_a_watcher_chat(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    await two_clients(bot, owner, fleet)
    await cycles(bot, 1)
    payload, _ = await make_link(owner, "#1 Acme")
    other, _ = await make_link(owner, "#2 Globex")
    vera = fake.user(7001, "Vera")
    await vera.send(f"/start {payload}")
    before = len(fake.calls)

    for text in ("/menu", "/start", "/cancel", "hello", "ops@globex.com"):
        await vera.send(text)
        reply, view = vera.messages()[-2:]
        assert reply.plain == "This chat shows the miners of Acme and nothing else.", text
        assert view.plain.startswith("👁 Acme")
    globex_miner = await _a_miner_of(bot, 2)
    forged = [
        ClientCb(action="card", id=2).pack(),
        ClientCb(action="miners", id=2).pack(),
        MenuCb(area="main").pack(),
        MinerCb(action="open", id=2).pack(),
        MinerCardCb(action="open", id=globex_miner).pack(),
        TelemetryCb(action="fleet", id=2).pack(),
        TaskCb(action="new", client=2).pack(),
        ExportCb(action="new", id=2).pack(),
        WatcherCb(action="open", id=2).pack(),
        WatcherCb(action="make", id=1, lang="en").pack(),
    ]
    for data in forged:
        count = len(vera.messages())
        await vera.tap_data(data)
        assert vera.last_answer() == {
            "callback_query_id": vera.last_answer()["callback_query_id"],
            "text": "This button does not work in this chat.",
            "show_alert": True,
        }, data
        assert len(vera.messages()) == count, data  # nothing sent, nothing edited
    for kind in staff_buttons():  # every kind of staff button there is, forged
        await vera.tap_data(kind)
        assert vera.last_answer()["text"] == "This button does not work in this chat.", kind
    # the other client's link, by its id, from a chat that never opened it
    globex_link = await _link_id(bot, 2)
    await vera.tap_data(WatchCb(action="view", link=globex_link).pack())
    assert vera.last_answer()["text"] == "This link is not valid."
    sent = [c for c in fake.calls[before:] if c.method.lower() in ("sendmessage", "sendphoto")]
    sent += [c for c in fake.calls[before:] if c.method.lower() == "editmessagetext"]
    assert all("Globex" not in str(c.params) and "GLOBEX" not in str(c.params) for c in sent)
    assert other.startswith("w_")


async def test_revoke_replace_and_expiry_end_the_view(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    await two_clients(bot, owner, fleet)
    await cycles(bot, 1)
    payload, _ = await make_link(owner, "#1 Acme")
    vera = fake.user(7001, "Vera")
    await vera.send(f"/start {payload}")
    view = vera.last

    # a second link for the same client (same email) is refused, naming the first
    await owner.tap_data(WatcherCb(action="make", id=1, lang="ru", days=7).pack())
    refusal = owner.last_answer()["text"]
    assert refusal.startswith("a@acme.com already has a live watcher link (made ")
    assert "by Olga Owner" in refusal

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("👁 Watcher link")
    await owner.tap("⛔️ Revoke")
    assert "Revoke the watcher link of Acme?" in owner.last.plain
    await owner.tap("⛔️ Revoke")
    assert "No live link." in owner.last.plain

    await vera.tap("🔄 Refresh", message=view)
    assert vera.last_answer()["text"] == "This link is not valid."
    assert view.plain == "This link is not valid." and not view.inline_buttons()
    await vera.send(f"/start {payload}")
    assert vera.last.plain == "This link is not valid."
    await vera.send("/start w_" + "A" * 32)  # unknown: the same words
    assert vera.last.plain == "This link is not valid."
    await vera.send("hello")  # no live link left: a stranger again
    assert vera.last.plain.startswith("Sorry, this bot serves the staff of a hosting facility")

    # replace: the new link works, the one before it does not
    second, _ = await make_link(owner, "#1 Acme", "Русский", "7 days")
    screen = owner.messages()[-2]
    await owner.tap("🔁 Replace token", message=screen)
    await owner.tap("🔁 Replace", message=screen)
    third = LINK_RE.search(owner.messages()[-1].plain)
    assert third and third.group(1) != second
    await vera.send(f"/start {second}")
    assert vera.last.plain == "This link is not valid."
    await vera.send(f"/start {third.group(1)}")
    assert vera.last.plain.startswith("👁 Acme") and "Майнеры 1–5 из 5" in vera.last.plain

    # expiry: seven days and a minute later the same link is not valid
    services = bot.app.services
    start = services.watchers.clock()
    services.watchers.clock = lambda: start + timedelta(days=7, minutes=1)
    await vera.tap("🔄 Обновить")
    assert vera.last_answer()["text"] == "This link is not valid."
    await vera.send(f"/start {third.group(1)}")
    assert vera.last.plain == "This link is not valid."

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("View logs")
    log = owner.last.plain
    for action in ("created", "revoked", "token replaced"):
        assert f"Watcher link {action}" in log, log


async def test_opted_in_watchers_hear_when_miners_stop_and_come_back(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    acme, _ = await two_clients(bot, owner, fleet)
    await cycles(bot, 1)
    payload, _ = await make_link(owner, "#1 Acme")
    vera = fake.user(7001, "Vera")
    await vera.send(f"/start {payload}")
    await vera.tap("🔔 Notifications")
    assert "Short messages about Acme's miners" in vera.last.plain
    await vera.tap("⬜ When miners stop or come back")
    assert vera.last_answer()["text"] == "You will hear when miners stop or come back."
    assert "✅ When miners stop or come back" in labels(vera.last)
    await vera.tap("⬅️ Back to the miners")

    # the messages are the alerts' (services/alerts): no hold time here, so the cycle that
    # takes a status raises its alert (ACME-3 has been offline all along: it joins the first)
    olga = await bot.app.services.staff.resolve(owner.id, "Olga Owner", "olga", None)
    assert olga is not None
    await bot.app.services.alerts.set_rule(olga, "hold_s", "0")
    fleet.set_mode(acme[0].ip, Mode.OFFLINE)
    fleet.set_mode(acme[1].ip, Mode.ZERO)
    await cycles(bot)
    alert = await vera.wait_for(lambda m: "2 miners offline" in m.plain, timeout=15)
    assert alert.plain.startswith("🔴 Acme · 2 miners offline\nACME-1, ACME-3\n🕒 since ")
    assert labels(alert) == ["👁 Open the view"]
    hanged = await vera.wait_for(lambda m: "1 miner hanged" in m.plain)
    assert hanged.plain.startswith("🟠 Acme · 1 miner hanged\nACME-2\n")
    await vera.tap("👁 Open the view", message=hanged)
    assert "🟢 1 🟡 1 🟠 1 🔴 2" in hanged.plain

    fleet.set_mode(acme[0].ip, Mode.HEALTHY)
    fleet.set_mode(acme[1].ip, Mode.HEALTHY)
    await cycles(bot)
    back = await vera.wait_for(lambda m: "hashing again" in m.plain)
    assert back.plain.startswith("✅ Acme · 1 miner hashing again (after ")
    assert labels(back) == ["👁 Open the view"]
    await vera.wait_for(lambda m: "1 miner offline" in m.plain and "🔁 1 is back" in m.plain)

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("👁 Watcher link")
    await owner.tap("⛔️ Revoke")
    await owner.tap("⛔️ Revoke")
    count = len(vera.messages())
    fleet.set_mode(acme[0].ip, Mode.OFFLINE)
    await cycles(bot)
    await fake.idle()
    assert len(vera.messages()) == count  # revoking ended the messages


async def test_settings_list_and_who_may_manage_links(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    await two_clients(bot, owner, fleet)
    await make_link(owner, "#2 Globex", "Русский", "30 days")
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("👁 Watcher links")
    assert "Watcher links (1 live)" in owner.last.plain
    await owner.tap("Globex · ru")  # the list's entry opens the link's screen
    assert "#2 Globex (ops@globex.com)" in owner.last.plain
    assert "Русский · until " in owner.last.plain
    assert "in Telegram t.me/farmdesk_test_bot?start=w_…" in owner.last.plain
    await owner.tap("⬅️ Back to the list")
    assert "Watcher links (1 live)" in owner.last.plain
    await owner.tap("➕ New link")  # a link for a client picked here
    assert owner.last.plain == "Send the client's name, email or #id."
    await owner.send("nobody")
    assert owner.last.plain == "No client matches. Send another name, email or #id."
    await owner.send("acme")
    assert owner.last.plain == "One client matches:"
    await owner.tap("#1 Acme · a@acme.com")
    assert "No live link." in owner.last.plain
    await owner.tap("➕ Create link")
    await owner.tap("English")
    await owner.tap("90 days")
    await owner.tap("⬅️ Back to the list", message=owner.messages()[-2])
    assert "Watcher links (2 live)" in owner.messages()[-2].plain

    junior = await join(fake, owner, "Junior technician", 3001, "June")
    await junior.send("/menu")
    await junior.tap("Clients")
    await junior.tap("#1 Acme")
    assert "👁 Watcher link" not in labels(junior.last)
    await junior.tap_data(WatcherCb(action="make", id=1, lang="en").pack())
    assert "does not allow" in junior.last_answer()["text"]
    await junior.tap_data(WatcherCb(action="open", id=2).pack())
    assert "does not allow" in junior.last_answer()["text"]


def staff_buttons() -> list[str]:
    """One callback of every kind of button but the watcher's own, ids pointing at client 2."""
    forged = []
    for kind in callbacks.Callback.__subclasses__():
        if kind is WatchCb or kind.__module__ != callbacks.__name__:
            continue
        values: dict[str, Any] = {}
        for name, field in kind.model_fields.items():
            if field.is_required():
                values[name] = 2 if field.annotation in (int, "int") else "open"
        forged.append(kind(**values).pack())
    assert len(forged) >= 15
    return forged


async def _link_id(bot: RunningBot, client_id: int) -> int:
    async with bot.app.db.read() as session:
        found = await session.scalar(
            select(WatcherLink.id).where(
                WatcherLink.client_id == client_id, WatcherLink.revoked_at.is_(None)
            )
        )
    assert found is not None
    return found


async def _a_miner_of(bot: RunningBot, client_id: int) -> int:
    async with bot.app.db.read() as session:
        found = await session.scalar(select(Miner.id).where(Miner.client_id == client_id))
    assert found is not None
    return found

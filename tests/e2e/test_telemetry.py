"""Telemetry end to end: miners imported with the fake fleet's addresses, real poll cycles over
real sockets, and what members see through the bot (overview, list, card, charts, Reboot)."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator

import pytest

from handlers.callbacks import MinerCardCb
from services.telemetry.service import CycleReport
from tests.e2e.conftest import RunningBot, add_client, join, labels
from tests.e2e.test_miners import import_file
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser
from tests.fakefleet import FakeFleet, FakeMiner, Mode
from tests.miner_files import HEADER, xlsx

MODES = [
    (Mode.HEALTHY, 3340),  # 1: active, reports watts
    (Mode.HEALTHY, None),  # 2: active, nominal watts
    (Mode.LOWHASH, 3340),  # 3: lowhash
    (Mode.ZERO, 3340),  # 4: hanged (hashes nothing)
    (Mode.HUNG, 3340),  # 5: hanged (the API hangs)
    (Mode.OFFLINE, 3340),  # 6: offline
    (Mode.FLAPPING, 3340),  # 7: flips every reading
]


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


async def setup_fleet(
    bot: RunningBot, owner: TelegramUser, fleet: FakeFleet
) -> tuple[list[FakeMiner], RunningBot]:
    """The owner adds Acme and imports seven miners at the fakes' addresses; the scheduler's
    own cycles are paused so that the test decides when a cycle runs."""
    assert bot.app is not None
    bot.app.scheduler.pause_job("telemetry-cycle")
    fakes = [await fleet.add(mode, watts=watts) for mode, watts in MODES]
    await add_client(owner, "Acme", "a@acme.com")
    rows = [HEADER] + [
        [f.ip, None, f"SN{i:04d}", "Whatsminer M30S+", "a@acme.com", 3250, "yes"]
        for i, f in enumerate(fakes, 1)
    ]
    preview = await import_file(owner, xlsx(rows), "fleet.xlsx")
    await owner.tap("Apply", message=preview)
    return fakes, bot


async def cycle(bot: RunningBot) -> CycleReport:
    assert bot.app is not None
    return await bot.app.services.telemetry.run_cycle()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def photo_of(fake: FakeBotAPI, message: BotMessage) -> bytes:
    assert message.photo, message.describe()
    return fake.document_bytes(message.photo[-1]["file_id"])


async def test_a_cycle_shows_live_statuses_everywhere(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    fakes, bot = await setup_fleet(bot, owner, fleet)
    await owner.send("/menu")
    await owner.tap("Clients")
    assert "⛏ 7 ⚪️7" in owner.last.plain  # imported: unknown until polled

    report = await cycle(bot)
    assert report.polled == 7 and len(report.changes) == 7

    await owner.send("/menu")
    await owner.tap("Clients")
    entry = owner.last.plain
    # the flapping miner's first reading hashes nothing (it flips from there)
    assert "⛏ 7 🟢2 🟡1 🟠3 🔴1\n" in entry
    await owner.tap("#1 Acme")
    card = owner.last.plain
    assert "Active" in card and "Lowhash 1" in card and "Offline 1" in card

    await owner.send("/menu")
    await owner.tap("Miners")
    listing = owner.last.plain
    assert entry_of(listing, fakes[0].ip).startswith("1. 🟢 ")
    assert entry_of(listing, fakes[2].ip).startswith("3. 🟡 ")
    assert entry_of(listing, fakes[3].ip).startswith("4. 🟠 ")
    assert entry_of(listing, fakes[4].ip).startswith("5. 🟠 ")
    assert entry_of(listing, fakes[5].ip).startswith("6. 🔴 ")
    assert "· Whatsminer M30" in entry_of(listing, fakes[0].ip)
    await owner.tap("Status")
    await owner.tap("🔴 Offline")
    assert "Miners (1)" in owner.last.plain and fakes[5].ip in owner.last.plain

    await owner.tap("Clear filters")
    await owner.tap("🔎 1")
    text = owner.last.plain
    assert "🟢 Active" in text and fakes[0].ip in text and "SN0001" in text
    assert "99.5 TH/s now" in text and "100 TH/s expected" in text
    assert "99.5 TH/s 24 h average" in text and "Uptime 0 min" in text
    assert "3,340 W, reported by the miner" in text
    assert "Hottest board 66 °C" in text and "5400, 5300 rpm" in text
    assert "farm.00001" in text and "Acme" in text and "🟢 paid" in text
    assert {"Refresh now", "24 h chart", "Create task", "Reboot"} <= {
        label.split(" ", 1)[1] for label in labels(owner.last)
    }
    await owner.tap("Back to the list")
    await owner.tap("🔎 2")
    assert "3,250 W, nominal" in owner.last.plain


async def test_a_status_changes_only_after_two_cycles(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    fakes, bot = await setup_fleet(bot, owner, fleet)
    await cycle(bot)
    flapping_before = await status_of(owner, 7)
    for _ in range(3):  # the flapping miner flips each cycle: its status holds
        await cycle(bot)
        assert await status_of(owner, 7) == flapping_before

    fleet.set_mode(fakes[0].ip, Mode.OFFLINE)  # one bad cycle changes nothing
    await cycle(bot)
    assert await status_of(owner, 1) == "🟢"
    await owner.tap("🔎 1")
    assert "The latest reading says 🔴 Offline" in owner.last.plain
    fleet.set_mode(fakes[0].ip, Mode.HEALTHY)
    await cycle(bot)
    assert await status_of(owner, 1) == "🟢"

    fleet.set_mode(fakes[0].ip, Mode.OFFLINE)  # offline two cycles in a row: taken
    await cycle(bot)
    await cycle(bot)
    assert await status_of(owner, 1) == "🔴"
    await owner.send("/menu")
    await owner.tap("Logs")
    assert "Miner's status changed" in owner.last.plain and "Active → Offline" in owner.last.plain


async def status_of(user: TelegramUser, number: int) -> str:
    await user.send("/menu")
    await user.tap("Miners")
    line = next(x for x in user.last.plain.splitlines() if x.startswith(f"{number}. "))
    return line.split()[1]


async def test_charts_arrive_as_photos(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    _, bot = await setup_fleet(bot, owner, fleet)
    await cycle(bot)
    await cycle(bot)
    await owner.send("/menu")
    await owner.tap("Miners")
    await owner.tap("🔎 3")
    await owner.tap("24 h chart")
    photo = owner.messages()[-1]
    assert photo.photo and "last 24 hours" in photo.plain
    assert png_size(photo_of(fake, photo)) == (1200, 750)

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("24 h chart of the miners")
    photo = owner.messages()[-1]
    assert "Acme · last 24 hours" in photo.plain and "of 7 miners hashing" in photo.plain
    assert png_size(photo_of(fake, photo)) == (1200, 750)


async def test_reboot_is_confirmed_logged_and_refused_without_the_flag(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    fakes, bot = await setup_fleet(bot, owner, fleet)
    await cycle(bot)
    await owner.send("/menu")
    await owner.tap("Miners")
    await owner.tap("🔎 1")
    await owner.tap("Reboot")
    assert "Reboot Whatsminer M30S+" in owner.last.plain
    assert fakes[0].reboots == 0  # nothing before the confirmation
    await owner.tap("✅ Reboot")
    assert "Reboot sent to" in owner.last.plain
    assert fakes[0].reboots == 1

    junior = await join(fake, owner, "Junior technician", 3001, "June")
    await junior.send("/menu")
    await junior.tap("Miners")
    await junior.tap("🔎 1")
    assert not any("Reboot" in label for label in labels(junior.last))
    forged = MinerCardCb(action="rbok", id=assert_miner_id(junior.last), src="l").pack()
    await junior.tap_data(forged)
    answer = junior.last_answer()
    assert answer.get("show_alert") is True
    assert (
        answer.get("text") == "Your role does not allow this. Ask an administrator if you need it."
    )

    assert fakes[0].reboots == 1

    await owner.send("/menu")
    await owner.tap("Logs")
    assert "Miner rebooted" in owner.last.plain


def entry_of(listing: str, ip: str) -> str:
    """A list's two lines for the miner at `ip` (number, status, name, model / IP, client)."""
    lines = listing.splitlines()
    second = next(i for i, x in enumerate(lines) if x.strip().startswith(f"{ip} "))
    return f"{lines[second - 1]}\n{lines[second]}"


def number_of(message: BotMessage, ip: str) -> int:
    """The number a list gives the miner at `ip` (its 🔎 button has the same)."""
    return int(entry_of(message.plain, ip).split(".", 1)[0])


def assert_miner_id(message: BotMessage) -> int:
    """The miner id the card's buttons carry."""
    for _, data in message.buttons():
        if data.startswith("mc:"):
            return MinerCardCb.unpack(data).id
    raise AssertionError(message.describe())


async def test_refresh_now_reads_the_miner_at_once(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    _, bot = await setup_fleet(bot, owner, fleet)
    await owner.send("/menu")
    await owner.tap("Miners")
    await owner.tap("🔎 3")
    assert "Not polled yet" in owner.last.plain
    await owner.tap("Refresh now")
    text = owner.last.plain
    assert "🟡 Lowhash" in text and "66.7 TH/s now" in text
    assert owner.last_answer().get("text") == "Read just now."


async def test_the_card_from_a_clients_miners_and_a_tasks_miners(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    fakes, bot = await setup_fleet(bot, owner, fleet)
    await cycle(bot)
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("Miners (7)")
    offline = number_of(owner.last, fakes[5].ip)
    await owner.tap(f"🔎 {offline}")
    assert "🔴 Offline" in owner.last.plain and "Has not answered yet" in owner.last.plain
    await owner.tap("Back")
    assert entry_of(owner.last.plain, fakes[5].ip).startswith(f"{offline}. 🔴 ")

    # Create task from the card: the existing form, this miner attached
    await owner.tap(f"🔎 {number_of(owner.last, fakes[3].ip)}")
    await owner.tap("Create task")
    assert "⛏ miner #4" in owner.last.plain and "🏢 #1 Acme" in owner.last.plain
    await owner.tap("Maintenance")
    await owner.tap("Continue")
    await owner.tap("Repair")
    await owner.send("No hashrate")
    await owner.tap("High")
    await owner.tap("No due date")
    await owner.tap("Nobody for now")
    await owner.tap("Skip")
    await owner.tap("Skip")  # the Maintenance board's Cost: not known yet
    await owner.tap("Save")
    await owner.tap("Open task")
    await owner.tap("All miners (1)")
    assert entry_of(owner.last.plain, fakes[3].ip).startswith("1. 🟠 ")
    await owner.tap("🔎 1")
    card = owner.last.plain
    assert "🟠 Hanged" in card and "Open tasks: #1 No hashrate" in card
    await owner.tap("Back")  # back on the task's miners
    assert entry_of(owner.last.plain, fakes[3].ip).startswith("1. 🟠 ")
    assert "Open tasks" not in owner.last.plain


async def test_telemetry_settings(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    _, bot = await setup_fleet(bot, owner, fleet)
    assert bot.app is not None
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Telemetry")
    assert "Polling the miners: on, every 5 minutes" in owner.last.plain
    await owner.tap("Interval")
    await owner.tap("every 10 minutes")
    assert "on, every 10 minutes" in owner.last.plain
    await owner.tap("Lowhash threshold")
    await owner.send("120")
    assert "from 50 to 99" in owner.last.plain
    await owner.send("60")
    assert "below 60 %" in owner.last.plain
    await owner.tap("Switch telemetry off")
    assert "Polling the miners: off" in owner.last.plain
    facility = await bot.app.services.facility.get()
    assert (facility.telemetry, facility.telemetry_interval_s, facility.lowhash_pct) == (
        False,
        600,
        60,
    )
    # switched off: the scheduler's tick starts no cycle, statuses stay as imported
    await bot.app.services.telemetry.tick()
    assert not bot.app.services.telemetry.running
    await owner.send("/menu")
    await owner.tap("Miners")
    await owner.tap("🔎 1")
    assert "Telemetry is off" in owner.last.plain and "⚪️ Unknown" in owner.last.plain
    assert not any("Refresh" in label for label in labels(owner.last))
    await owner.send("/menu")
    await owner.tap("Logs")
    assert "Lowhash threshold, %: 90 → 60" in owner.last.plain

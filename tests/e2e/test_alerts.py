"""Alerts end to end: the fake fleet's miners go offline, real poll cycles take the statuses,
the rules raise alerts and the outbox delivers them through the fake Bot API; members act on
them with the buttons on the message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from handlers.callbacks import AlertCb
from services.actor import Actor
from services.permissions import Permission
from storage.models import OutboxMessage, Task, TaskMiner
from tests.e2e.conftest import OWNER_ID, RunningBot, add_client, join
from tests.e2e.test_miners import import_file
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser
from tests.fakefleet import FakeFleet, FakeMiner, Mode
from tests.miner_files import HEADER, xlsx

# 23:30 in Moscow (the test facility's zone)
START = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)


class Clock:
    """The time FarmDesk sees: moved by the test, never by waiting."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


def use_clock(bot: RunningBot, clock: Clock) -> None:
    """Poll cycles and alert actions read `clock`; the scheduler's own cycles are paused."""
    bot.app.scheduler.pause_job("telemetry-cycle")
    bot.app.services.telemetry.clock = clock
    bot.app.services.alerts.clock = clock


async def cycle(bot: RunningBot, clock: Clock, minutes: float = 1) -> None:
    clock.move(minutes=minutes)
    await bot.app.services.telemetry.run_cycle()


async def delivered(bot: RunningBot) -> None:
    """Wait until the outbox has nothing due left."""
    for _ in range(400):
        async with bot.app.db.read() as session:
            due = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.not_before <= datetime.now(UTC),
                )
            )
        if not due:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the outbox did not empty")


def alerts_in(user: TelegramUser, needle: str) -> list[BotMessage]:
    return [m for m in user.messages() if needle in m.plain and not m.deleted]


async def owner_actor(bot: RunningBot) -> Actor:
    actor = await bot.app.services.staff.resolve(OWNER_ID, "Olga Owner", "olga", None)
    assert actor is not None
    return actor


async def import_miners(
    owner: TelegramUser, fakes: Sequence[tuple[FakeMiner, str | None]], name: str = "fleet.xlsx"
) -> None:
    rows = [HEADER] + [
        [f.ip, None, f"SN{f.ip.replace('.', '')}", "Whatsminer M30S+", email, 3250, "yes"]
        for f, email in fakes
    ]
    preview = await import_file(owner, xlsx(rows), name)
    await owner.tap("Apply", message=preview)


async def notifications(member: TelegramUser) -> None:
    await member.send("/menu")
    await member.tap("Settings")
    await member.tap("Notifications")


async def all_clients(member: TelegramUser) -> None:
    await notifications(member)
    await member.tap("All clients")
    assert "Miner alerts of all clients" in member.last.plain


async def test_a_burst_is_one_message_per_client_acted_on_from_the_message(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    clock = Clock()
    use_clock(bot, clock)
    tom = await join(fake, owner, "Senior technician", 2001, "Tom")
    nina = await join(fake, owner, "Newbie", 2002, "Nina")
    await all_clients(tom)
    await all_clients(nina)
    # Nina moves to a role without the Miners area: no access to any miner alert any more
    olga = await owner_actor(bot)
    roles = await bot.app.services.roles.list(olga)
    newbie = next(r for r in roles if r.code == "newbie")
    blind = await bot.app.services.roles.create_custom(olga, newbie.id, "Front desk")
    await bot.app.services.roles.toggle(olga, blind.id, Permission.MINERS_VIEW)
    members = await bot.app.services.staff.active_members(olga)
    nina_id = next(m.id for m in members if m.name == "Nina")
    await bot.app.services.staff.change_role(olga, nina_id, blind.id)
    # the whole test fleet going offline would be an incident: switch that rule off here
    await notifications(owner)
    await owner.tap("Alert rules")
    await owner.tap("Incident share")
    await owner.tap("off")
    assert "at once: off" in owner.last.plain

    await add_client(owner, "Acme", "a@acme.com")
    await add_client(owner, "Beta", "b@beta.com")
    acme = [await fleet.add(Mode.HEALTHY) for _ in range(30)]
    beta = [await fleet.add(Mode.HEALTHY) for _ in range(30)]
    spare = [await fleet.add(Mode.HEALTHY) for _ in range(4)]
    await import_miners(
        owner,
        [(f, "a@acme.com") for f in acme]
        + [(f, "b@beta.com") for f in beta]
        + [(f, None) for f in spare],
    )
    await cycle(bot, clock)  # first readings: all active
    for f in acme + beta:
        fleet.set_mode(f.ip, Mode.OFFLINE)
    await cycle(bot, clock)  # seen once
    await cycle(bot, clock)  # taken: offline since now
    await cycle(bot, clock, minutes=5)  # held 5 of 10 minutes: nothing yet
    await delivered(bot)
    assert not alerts_in(owner, "miners offline") and not alerts_in(tom, "miners offline")

    # detection, then a restart before anything is delivered
    await bot.app.outbox.stop()
    await cycle(bot, clock, minutes=6)
    async with bot.app.db.read() as session:
        queued = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.text_key == "alert-message", OutboxMessage.status == "pending")
        )
    assert queued == 4  # Acme and Beta, to the Owner (their manager) and to Tom
    await bot.restart()
    use_clock(bot, clock)
    await cycle(bot, clock)  # evaluated again after the restart: nothing new
    await delivered(bot)
    for user in (owner, tom):
        assert len(alerts_in(user, "Acme · 30 miners offline")) == 1, user.messages()
        assert len(alerts_in(user, "Beta · 30 miners offline")) == 1
        assert len(alerts_in(user, "miners offline")) == 2
    assert not alerts_in(nina, "miners offline")
    message = alerts_in(owner, "Acme · 30 miners offline")[0]
    assert "and 25 more" in message.plain
    assert {"✋ Acknowledge", "💤 1 h", "🛠 Create task", "⛏ Open miners"} <= {
        text for text, _ in message.buttons()
    }

    # Acknowledge: both chats show who took it
    await owner.tap("Acknowledge", message=message)
    assert "everyone who got it sees" in owner.last_answer()["text"]
    taken = await tom.wait_for(lambda m: "Acme" in m.plain and "Taken by Olga" in m.plain)
    assert "✋ Acknowledge" not in {text for text, _ in taken.buttons()}
    await owner.wait_for(lambda m: "Acme" in m.plain and "Taken by Olga" in m.plain)
    assert len(alerts_in(tom, "Acme · 30 miners offline")) == 1  # edited, not sent again
    await owner.tap_data(AlertCb(action="ack", id=int(taken_id(taken))).pack(), message=message)
    assert "took this alert already" in owner.last_answer()["text"]
    await nina.tap_data(AlertCb(action="ack", id=int(taken_id(taken))).pack(), message=None)
    assert nina.last_answer()["text"].startswith("Your role does not allow this")

    # Create task from Beta's alert: Maintenance, Repair, the 30 miners, summary filled in
    beta_alert = alerts_in(tom, "Beta · 30 miners offline")[0]
    await tom.tap("Create task", message=beta_alert)
    assert "Medium unless you change it" in tom.last.plain
    await tom.tap("High")
    await tom.tap("No due date")
    await tom.tap("Assign to me")
    await tom.tap("Skip")  # no description
    assert "“Cost”" in tom.last.plain  # the board's own optional field is still asked
    await tom.tap("Skip")
    confirm = tom.last.plain
    for line in (
        "Task manager: Maintenance",
        "Client: #2 Beta",
        "Attached: 30 miners, 0 assets",
        "Type: Repair",
        "Summary: Beta: 30 miners offline",
    ):
        assert line in confirm, (line, confirm)
    await tom.tap("Save")
    assert "created" in tom.last.plain
    async with bot.app.db.read() as session:
        task = (await session.scalars(select(Task))).one()
        attached = await session.scalar(
            select(func.count()).select_from(TaskMiner).where(TaskMiner.task_id == task.id)
        )
    assert task.client_id == 2 and attached == 30
    assert len(alerts_in(tom, "Beta · 30 miners offline")) == 1  # the alert stays

    # Open miners: the Miners list of exactly those miners
    await tom.tap("Open miners", message=beta_alert)
    listing = tom.last.plain
    assert "Miners (30)" in listing and "Miners of alert #" in listing
    assert all(f.ip not in listing for f in acme[:3])

    # recovery: one message per chat
    for f in acme:
        fleet.set_mode(f.ip, Mode.HEALTHY)
    await cycle(bot, clock)
    await cycle(bot, clock)
    await delivered(bot)
    for user in (owner, tom):
        recovered = alerts_in(user, "Acme · 30 miners back online")
        assert len(recovered) == 1, user.messages()
        assert recovered[0].plain.startswith("✅") and "open 3 min" in recovered[0].plain
    assert not alerts_in(owner, "Beta · 30 miners back online")
    await cycle(bot, clock)
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 30 miners back online")) == 1

    # the Alerts area: both, newest first, how long each was open
    await owner.send("/menu")
    await owner.tap("Alerts")
    area = owner.last.plain
    assert "Alerts (2)" in area
    assert area.index("Beta") < area.index("Acme")
    assert "✅ Resolved" in area and "🆕 Open" in area


def taken_id(message: BotMessage) -> str:
    return message.plain.split("alert #", 1)[1].split()[0]


async def test_a_flapping_miner_pages_once_per_cooldown(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    clock = Clock(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    use_clock(bot, clock)
    await add_client(owner, "Acme", "a@acme.com")
    # a technician follows Acme from its card: Acme's alerts are theirs too
    tom = await join(fake, owner, "Senior technician", 2001, "Tom")
    await tom.send("/menu")
    await tom.tap("Clients")
    await tom.tap("#1 Acme")
    await tom.tap("🚨 Alerts")
    await tom.tap("Follow this client's alerts")
    assert "as its manager does" in tom.last_answer()["text"]
    assert "Stop following" in " ".join(text for text, _ in tom.last.buttons())
    flapper = await fleet.add(Mode.HEALTHY)
    others = [await fleet.add(Mode.HEALTHY) for _ in range(3)]
    await import_miners(owner, [(flapper, "a@acme.com")] + [(f, "a@acme.com") for f in others])
    await cycle(bot, clock)

    async def flip(mode: Mode) -> None:
        fleet.set_mode(flapper.ip, mode)
        await cycle(bot, clock)
        await cycle(bot, clock)

    await flip(Mode.OFFLINE)
    await cycle(bot, clock, minutes=11)
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 1 miner offline")) == 1
    assert len(alerts_in(tom, "Acme · 1 miner offline")) == 1
    await flip(Mode.HEALTHY)
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 1 miner back online")) == 1
    await flip(Mode.OFFLINE)  # again within the hour
    await cycle(bot, clock, minutes=15)
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 1 miner offline")) == 1
    await cycle(bot, clock, minutes=45)  # still offline when the cooldown is over: it pages
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 1 miner offline")) == 2


async def test_quiet_hours_hold_back_lowhash_and_let_hot_through(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    clock = Clock()  # 23:30 facility time
    use_clock(bot, clock)
    await notifications(owner)
    await owner.tap("Quiet hours")
    await owner.tap("22:00–07:00")
    assert "Quiet hours 22:00–07:00" in owner.last.plain
    await add_client(owner, "Acme", "a@acme.com")
    slow = await fleet.add(Mode.LOWHASH)
    hot = await fleet.add(Mode.HOT)
    fine = [await fleet.add(Mode.HEALTHY) for _ in range(3)]
    await import_miners(owner, [(f, "a@acme.com") for f in (slow, hot, *fine)])
    await cycle(bot, clock)
    await cycle(bot, clock, minutes=11)
    await delivered(bot)
    assert len(alerts_in(owner, "Acme · 1 miner running hot")) == 1
    assert not alerts_in(owner, "low hashrate")
    async with bot.app.db.read() as session:
        held = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.text_key == "alert-message", OutboxMessage.status == "pending"
                )
            )
        ).one()
    # held until 07:00 Moscow time (04:00 UTC) the next morning
    assert held.not_before == datetime(2026, 12, 6, 4, 0, tzinfo=UTC)


async def test_snooze_the_area_filters_and_the_digest_in_the_chat(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, fleet: FakeFleet
) -> None:
    clock = Clock(datetime(2026, 12, 5, 5, 0, tzinfo=UTC))  # 08:00 facility time
    use_clock(bot, clock)
    await add_client(owner, "Acme & Sons", "a@acme.com")
    down = [await fleet.add(Mode.HEALTHY) for _ in range(2)]
    slow = await fleet.add(Mode.LOWHASH)
    fine = [await fleet.add(Mode.HEALTHY) for _ in range(3)]
    await import_miners(owner, [(f, "a@acme.com") for f in (*down, slow, *fine)])
    await cycle(bot, clock)
    for f in down:
        fleet.set_mode(f.ip, Mode.OFFLINE)
    await cycle(bot, clock)
    await cycle(bot, clock)
    await cycle(bot, clock, minutes=11)
    await delivered(bot)
    offline = alerts_in(owner, "Acme & Sons · 2 miners offline")
    assert len(offline) == 1 and len(alerts_in(owner, "1 miner on low hashrate")) == 1

    await owner.tap("4 h", message=offline[0])
    assert owner.last_answer()["text"].startswith("Snoozed until ")
    snoozed = await owner.wait_for(lambda m: "Snoozed by Olga" in m.plain)
    assert "Until tomorrow" in " ".join(t for t, _ in snoozed.buttons())

    await owner.send("/menu")
    await owner.tap("Alerts")
    assert "Alerts (2)" in owner.last.plain
    await owner.tap("Kind")
    await owner.tap("🟡 Lowhash")
    area = owner.last.plain
    assert "Alerts (1)" in area and "low hashrate" in area and "offline" not in area
    await owner.tap("Clear filters")
    assert "Alerts (2)" in owner.last.plain

    await notifications(owner)
    await owner.tap("Digest")
    await owner.tap("09:00")
    assert "Daily digest at 09:00" in owner.last.plain
    clock.move(minutes=50)  # 09:04 facility time
    assert await bot.app.services.alerts.send_digests() == 1
    await delivered(bot)
    digest = await owner.wait_for(lambda m: "Digest for 2026-12-05" in m.plain)
    # every miner's first reading today counts as a change of status (from unknown)
    assert "Acme & Sons: 🔁 6 · 🚨 2 · 📋 0 · ⏰ 0" in digest.plain
    assert [t for t, _ in digest.buttons()] == ["Acme & Sons"]

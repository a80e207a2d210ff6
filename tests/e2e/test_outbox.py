"""The notification outbox against the fake Bot API: limits, 429, blocked chats, restarts."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy import select

from bot.outbox import OutboxSender
from services.outbox import notify
from storage.models import OutboxMessage, Staff, utcnow
from tests.e2e.conftest import OWNER_ID, RunningBot
from tests.fakebotapi import FakeBotAPI


async def queue(bot: RunningBot, *, text_key: str = "notify-role-changed", **args: object) -> int:
    async with bot.app.db.write() as session:
        owner = await session.scalar(select(Staff).where(Staff.telegram_id == OWNER_ID))
        assert owner is not None
        notify(session, owner, text_key, args=args or {"role": {"t": "role-manager"}})
        await session.flush()
        return int(
            await session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0
        )


async def status(bot: RunningBot, message_id: int) -> OutboxMessage:
    async with bot.app.db.read() as session:
        row = await session.get(OutboxMessage, message_id)
        assert row is not None
        return row


async def settled(bot: RunningBot, message_id: int) -> OutboxMessage:
    """The row once the sender has recorded the outcome (it does so right after sending)."""
    for _ in range(200):
        row = await status(bot, message_id)
        if row.status != "pending":
            return row
        await asyncio.sleep(0.02)
    raise TimeoutError(f"outbox {message_id} is still pending")


async def test_a_queued_notice_is_delivered_in_the_recipients_language(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    owner = fake.user(OWNER_ID, "Olga")
    message_id = await queue(bot)
    await owner.wait_for(lambda m: m.plain == "Your role is now Manager.")
    row = await settled(bot, message_id)
    assert row.status == "sent" and row.sent_at is not None


async def test_flood_control_puts_the_notice_back_and_blocked_chats_are_marked(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    await bot.stop()  # deliver by hand, deterministically
    app = await bot.start()
    await app.outbox.stop()
    sender = OutboxSender(app.bot, app.db, app.translations)

    # a 429 puts the notice back for Telegram's retry_after: the sender does not sleep on it
    fake.fail_next("sendMessage", error_code=429, retry_after=30)
    first = await queue(bot)
    started = time.monotonic()
    assert await sender.deliver_due() == 1
    assert time.monotonic() - started < 1
    row = await status(bot, first)
    assert row.status == "pending" and row.not_before > utcnow() + timedelta(seconds=20)
    assert await sender.deliver_due() == 0  # not due yet

    fake.fail_next(
        "sendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )
    async with app.db.write() as session:
        message = await session.get(OutboxMessage, first)
        assert message is not None
        message.not_before = utcnow()
    assert await sender.deliver_due() == 0  # the chat is held for the 30 s as well
    sender = OutboxSender(app.bot, app.db, app.translations)  # as after a restart
    await sender.deliver_due()
    assert (await status(bot, first)).status == "blocked"


async def test_what_a_restart_interrupted_is_delivered_after_it(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    app = bot.app
    await app.outbox.stop()
    message_id = await queue(bot)
    await bot.restart()
    owner = fake.user(OWNER_ID, "Olga")
    await owner.wait_for(lambda m: m.plain == "Your role is now Manager.")
    assert (await settled(bot, message_id)).status == "sent"
    assert len([m for m in owner.messages() if m.plain == "Your role is now Manager."]) == 1


async def test_a_notice_can_go_into_a_message_or_else_arrives_as_a_new_one(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    assert bot.app is not None
    owner = fake.user(OWNER_ID, "Olga")
    await owner.send("/menu")
    screen = owner.last
    await owner.send("/menu")
    gone = owner.last
    await bot.app.bot.delete_message(OWNER_ID, gone.message_id)
    async with bot.app.db.write() as session:
        staff = await session.scalar(select(Staff).where(Staff.telegram_id == OWNER_ID))
        assert staff is not None
        args = {"role": {"t": "role-manager"}}
        notify(session, staff, "notify-role-changed", args=args, edit_message_id=screen.message_id)
        notify(session, staff, "notify-role-changed", args=args, edit_message_id=gone.message_id)
    await owner.wait_for(lambda m: m is screen and m.plain == "Your role is now Manager.")
    new = await owner.wait_for(lambda m: m.plain == "Your role is now Manager." and m is not screen)
    assert new.message_id > gone.message_id and not screen.buttons()

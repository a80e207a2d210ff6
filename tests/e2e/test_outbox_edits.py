"""Outbox edits against the fake Bot API: a later row changes the message an earlier row put in
the chat; it waits for a held original; a message gone is sent again and later edits follow it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from services import outbox
from storage.models import OutboxMessage, utcnow
from tests.e2e.conftest import OWNER_ID, RunningBot
from tests.fakebotapi import FakeBotAPI


async def drain(bot: RunningBot) -> None:
    """Deliver by hand until nothing due is left (a chat gets one message a second)."""
    for _ in range(100):
        async with bot.app.db.read() as session:
            due = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.status == "pending", OutboxMessage.not_before <= utcnow()
                )
            )
        if due is None:
            return
        await bot.app.outbox.deliver_due()
        await asyncio.sleep(0.1)
    raise TimeoutError("the outbox did not drain")


async def row(bot: RunningBot, row_id: int) -> OutboxMessage:
    async with bot.app.db.read() as session:
        found = await session.get(OutboxMessage, row_id)
        assert found is not None
        return found


async def test_an_edit_follows_its_message_wherever_it_went(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    owner = fake.user(OWNER_ID, "Olga")
    app = bot.app
    await app.outbox.stop()  # delivered by hand, round by round
    role = {"role": {"t": "role-manager"}}
    async with app.db.write() as session:
        first = outbox.queue(
            session,
            OWNER_ID,
            "en",
            "notify-role-changed",
            args=role,
            not_before=utcnow() + timedelta(hours=1),  # held (quiet hours)
        )
        await session.flush()
        original = first.id
        edit = await outbox.edit(
            session, original, OWNER_ID, "en", "notify-role-changed", args={"role": "Boss"}
        )
        await session.flush()
        edit_id = edit.id
    assert await app.outbox.deliver_due() == 1  # the edit: not before its original
    assert (await row(bot, edit_id)).not_before > utcnow() + timedelta(minutes=59)
    assert not owner.messages()

    async with app.db.write() as session:  # the quiet hours are over
        for row_id in (original, edit_id):
            found = await session.get(OutboxMessage, row_id)
            assert found is not None
            found.not_before = utcnow() - timedelta(seconds=1)
    await drain(bot)
    sent = await row(bot, original)
    assert sent.status == "sent" and sent.message_id is not None
    message = owner.messages()[0]
    assert message.plain == "Your role is now Boss." and message.edits == 1
    assert len(owner.messages()) == 1

    await app.bot.delete_message(OWNER_ID, sent.message_id)
    async with app.db.write() as session:
        again = await outbox.edit(
            session, original, OWNER_ID, "en", "notify-role-changed", args={"role": "Chief"}
        )
        newer = await outbox.edit(
            session, original, OWNER_ID, "en", "notify-role-changed", args={"role": "Lead"}
        )
        await session.flush()
        again_id, newer_id = again.id, newer.id
    assert (await row(bot, again_id)).status == "superseded"
    await drain(bot)
    assert (await row(bot, newer_id)).status == "sent"
    visible = [m for m in owner.messages() if not m.deleted]
    assert [m.plain for m in visible] == ["Your role is now Lead."]  # sent anew
    assert (await row(bot, original)).message_id == visible[0].message_id

    async with app.db.write() as session:
        await outbox.edit(session, original, OWNER_ID, "en", "notify-role-changed", args=role)
    await drain(bot)
    visible = [m for m in owner.messages() if not m.deleted]
    assert [m.plain for m in visible] == ["Your role is now Manager."]  # the new one, edited
    async with app.db.read() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses <= {"sent", "superseded"}

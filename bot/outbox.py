"""Delivers queued notifications under Telegram's limits; what a restart cuts off goes after it.

Limits: about 25 messages a second overall and one a second per chat. Each round takes the oldest
due message of every chat (so a chat's messages keep their order; one held for a member's quiet
hours holds up nothing else) and sends those of chats that are ready, side by side: a chat under
flood control waits for its own `retry_after` (the message goes back with `not_before`) and holds
up no other chat. A chat that blocked the bot is marked and skipped; server and network errors are
retried with back-off, then given up and logged.

A message goes into an existing one of its chat instead of a new one when it names it: by its
Telegram id (`edit_message_id`, an operation's status message), or as the message another row put
there (`edit_of`, alerts; each message sent has its id recorded). An edit waits while its original
is still waiting, and becomes a new message when the original can no longer be edited (deleted,
too old) or was never delivered; later edits then change the new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta
from typing import Any, cast

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import CursorResult, delete, func, select

from bot.retry import caller_waits
from handlers.notifications import notification_markup, notification_text
from locales import Translations
from storage.db import Database
from storage.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class RateGate:
    """At most `per_second` sends overall and one per `chat_interval` seconds per chat."""

    def __init__(self, per_second: float = 25.0, chat_interval: float = 1.0) -> None:
        self.interval = 1.0 / per_second
        self.chat_interval = chat_interval
        self._next_any = 0.0
        self._next_chat: dict[int, float] = {}

    def chat_ready(self, chat_id: int) -> bool:
        return self._next_chat.get(chat_id, 0.0) <= time.monotonic()

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked to wait before writing to this chat again (flood control)."""
        until = time.monotonic() + seconds
        self._next_chat[chat_id] = max(self._next_chat.get(chat_id, 0.0), until)

    async def wait(self, chat_id: int) -> None:
        now = time.monotonic()
        ready = max(self._next_any, self._next_chat.get(chat_id, 0.0))
        if ready > now:
            await asyncio.sleep(ready - now)
            now = time.monotonic()
        self._next_any = now + self.interval
        self._next_chat[chat_id] = now + self.chat_interval
        if len(self._next_chat) > 10_000:
            self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}


class OutboxSender:
    def __init__(
        self, bot: Bot, db: Database, translations: Translations, *, poll_interval: float = 0.5
    ) -> None:
        self.bot = bot
        self.db = db
        self.translations = translations
        self.poll_interval = poll_interval
        self.gate = RateGate()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox: delivery round failed")
                sent = 0
            if not sent:
                await asyncio.sleep(self.poll_interval)

    async def deliver_due(self, limit: int = 50) -> int:
        """Send what is due now (one message per chat, chats side by side); returns how many
        messages were handled."""
        now = utcnow()
        async with self.db.read() as session:
            oldest = (
                select(func.min(OutboxMessage.id))
                .where(OutboxMessage.status == "pending", OutboxMessage.not_before <= now)
                .group_by(OutboxMessage.chat_id)
            )
            heads = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id.in_(oldest))
                    .order_by(OutboxMessage.id)
                )
            ).all()
        ready = [m for m in heads if self.gate.chat_ready(m.chat_id)][:limit]
        sends = []
        for message in ready:
            await self.gate.wait(message.chat_id)  # the overall rate; the chat itself is ready
            sends.append(asyncio.create_task(self._deliver(message)))
        for outcome in await asyncio.gather(*sends, return_exceptions=True):
            if isinstance(outcome, Exception):
                log.error("outbox: a delivery failed", exc_info=outcome)
        return len(ready)

    async def _target(self, message: OutboxMessage) -> int | datetime | None:
        """For an edit: the id of the message the original put in the chat, or, while the
        original is still to be sent (it may be held until quiet hours end), when to try
        again; None to send a new message (not an edit, or nothing left to change)."""
        if message.edit_message_id is not None:
            return message.edit_message_id
        if message.edit_of is None:
            return None
        async with self.db.read() as session:
            original = await session.get(OutboxMessage, message.edit_of)
        if original is None or original.chat_id != message.chat_id:
            return None
        if original.message_id is not None:
            return original.message_id
        if original.status == "pending":
            return max(original.not_before, utcnow()) + timedelta(seconds=1)
        return None

    async def _deliver(self, message: OutboxMessage) -> None:
        t = self.translations.get(message.locale)
        status, error, delay = "sent", None, None
        target = await self._target(message)
        if isinstance(target, datetime):  # the original goes first
            async with self.db.write() as session:
                row = await session.get(OutboxMessage, message.id)
                if row is not None and row.status == "pending":
                    row.not_before = target
            return
        text = notification_text(t, message.text_key, message.args)
        keyboard = notification_markup(t, message.buttons)
        sent_id: int | None = None
        try:
            with caller_waits():  # a 429 comes back at once: this chat waits, no other
                if target is not None:
                    sent_id = await self._edit(message, target, text, keyboard)
                if sent_id is None:
                    sent = await self.bot.send_message(message.chat_id, text, reply_markup=keyboard)
                    sent_id = sent.message_id
        except TelegramRetryAfter as exc:
            status, error, delay = "pending", str(exc), timedelta(seconds=exc.retry_after)
            self.gate.hold(message.chat_id, exc.retry_after)
        except TelegramForbiddenError as exc:
            status, error = "blocked", str(exc)
        except TelegramBadRequest as exc:
            status, error = "failed", str(exc)
        except (TelegramServerError, TelegramNetworkError) as exc:
            attempts = message.attempts + 1
            status = "pending" if attempts < MAX_ATTEMPTS else "failed"
            error, delay = str(exc), timedelta(seconds=min(2**attempts, 300))
        if status != "sent":
            log.warning("outbox %s → %s: %s", message.id, status, error)
        async with self.db.write() as session:
            row = await session.get(OutboxMessage, message.id)
            if row is None:
                return
            row.status, row.last_error = status, error
            row.attempts += 1
            if status == "sent":
                row.sent_at = utcnow()
                row.message_id = sent_id
                if row.edit_of is not None and sent_id != target:
                    # a new message instead of an edit: later edits change this one
                    original = await session.get(OutboxMessage, row.edit_of)
                    if original is not None:
                        original.message_id = sent_id
            if delay is not None:
                row.not_before = utcnow() + delay

    async def _edit(
        self,
        message: OutboxMessage,
        message_id: int,
        text: str,
        keyboard: InlineKeyboardMarkup | None,
    ) -> int | None:
        """Put the text into the chat's message `message_id`; None when it can no longer be
        edited and a new message is needed."""
        try:
            await self.bot.edit_message_text(
                text, chat_id=message.chat_id, message_id=message_id, reply_markup=keyboard
            )
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return message_id  # it says so already (edited before a restart)
            log.info("outbox %s: not edited (%s), sending it", message.id, exc.message)
            return None
        return message_id

    async def purge(self, older_than: timedelta = timedelta(days=30)) -> int:
        """Forget delivered notifications after a while (a scheduled job)."""
        async with self.db.write() as session:
            result = await session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.status != "pending",
                    OutboxMessage.created_at < utcnow() - older_than,
                )
            )
            return cast("CursorResult[Any]", result).rowcount or 0

"""Flood control never drops a reply: a request refused with 429 goes out once the limit allows.

Telegram answers 429 with `retry_after` when the bot sends too fast to a chat (or overall). The
request is sent again after that wait, as many times as it takes: a member is never left without
the answer to what they did. Two exceptions: a button's answer (useless late: Telegram forgets
the query; an alert in it comes as a message instead) and polling (it has its own back-off). A
wait that would pass `max_wait` for a new message answering a button is shortened: the answer is
put into the message the button was on (an edit), which is where the member is looking. Senders
that keep their own queue (the outbox) run inside `caller_waits()`: they get the 429 at once and
reschedule, holding up no one else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetUpdates,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, TelegramObject

log = logging.getLogger(__name__)

# An answer to a button press is useless late, and polling has its own back-off.
_NOT_RETRIED = (AnswerCallbackQuery, GetUpdates)
# The message the member tapped a button on, while that tap is handled: (chat id, message id).
_screen: ContextVar[tuple[int, int] | None] = ContextVar("farmdesk_screen", default=None)
_caller_waits: ContextVar[bool] = ContextVar("farmdesk_caller_waits", default=False)


@contextlib.contextmanager
def caller_waits() -> Iterator[None]:
    """Inside: a 429 is raised at once (the caller reschedules the request itself)."""
    token = _caller_waits.set(True)
    try:
        yield
    finally:
        _caller_waits.reset(token)


class ScreenMiddleware(BaseMiddleware):
    """Remember which message a button was tapped on while the tap is handled."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        message = event.message if isinstance(event, CallbackQuery) else None
        if message is None or isinstance(message, InaccessibleMessage):
            return await handler(event, data)
        token = _screen.set((message.chat.id, message.message_id))
        try:
            return await handler(event, data)
        finally:
            _screen.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Send a request refused with 429 again after `retry_after`, until it goes."""

    def __init__(self, max_wait: float = 30.0) -> None:
        self.max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        waited = 0.0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if _caller_waits.get():
                    raise
                if isinstance(method, AnswerCallbackQuery):
                    return await self._alert_as_message(make_request, bot, method, exc)
                if isinstance(method, _NOT_RETRIED):
                    raise
                wait = float(exc.retry_after)
                if waited + wait > self.max_wait:
                    edited = await _into_screen(make_request, bot, method)
                    if edited is not None:
                        return edited
                log.warning("%s: flood control, sending again in %s s", method.__api_method__, wait)
                await asyncio.sleep(wait)
                waited += wait

    async def _alert_as_message(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: AnswerCallbackQuery,
        refused: TelegramRetryAfter,
    ) -> bool:
        """A button's alert (an error the member must read) refused by flood control arrives
        as a message in the chat of the tapped message; a toast is let go."""
        screen = _screen.get()
        if not method.show_alert or not method.text or screen is None:
            raise refused
        log.warning("flood control: a button's alert is sent as a message")
        alert = SendMessage(chat_id=screen[0], text=method.text, parse_mode=None)
        await self(make_request, bot, alert)
        return True


async def _into_screen(
    make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
) -> Any:
    """A new message answering a button, put into the message the button was on instead;
    None when that is not possible (no such message, a keyboard that cannot go on an edit,
    or Telegram refuses the edit too)."""
    screen = _screen.get()
    if not isinstance(method, SendMessage) or screen is None or method.chat_id != screen[0]:
        return None
    markup = method.reply_markup
    if markup is not None and not isinstance(markup, InlineKeyboardMarkup):
        return None
    edit = EditMessageText(
        chat_id=screen[0],
        message_id=screen[1],
        text=method.text,
        parse_mode=method.parse_mode,
        entities=method.entities,
        link_preview_options=method.link_preview_options,
        reply_markup=markup,
    )
    try:
        result = await make_request(bot, edit)
    except TelegramAPIError as exc:
        log.info("flood control: the answer could not go into the tapped message: %s", exc)
        return None
    log.warning("flood control: a new message went into the tapped message instead")
    return result

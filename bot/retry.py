"""Outgoing calls survive Telegram's flood control: a 429 is retried after `retry_after`."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, GetUpdates, TelegramMethod

log = logging.getLogger(__name__)

# An answer to a button press is useless late, and polling has its own back-off.
_NOT_RETRIED = (AnswerCallbackQuery, GetUpdates)


class RetryAfterMiddleware(BaseRequestMiddleware):
    """Retry a request refused with 429, a bounded number of times and seconds."""

    def __init__(self, attempts: int = 3, max_wait: float = 30.0) -> None:
        self.attempts = attempts
        self.max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        waited = 0.0
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if (
                    isinstance(method, _NOT_RETRIED)
                    or attempt == self.attempts
                    or waited + exc.retry_after > self.max_wait
                ):
                    raise
                log.warning(
                    "%s: flood control, retrying in %s s", method.__api_method__, exc.retry_after
                )
                await asyncio.sleep(exc.retry_after)
                waited += exc.retry_after
        raise AssertionError("unreachable")

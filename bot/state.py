"""Conversation state is written once per update, and always before the bot speaks.

`storage.fsm.SQLStorage` keeps an update's changes while it runs (`deferred`) and writes them
together (`flush`). Two middlewares decide when: the update's own, around everything it does,
and the Bot API session's, in front of every request to Telegram. So an edit, a message or a
button's answer leaves only once the state behind it is committed (a restart, even a kill, finds
what the member last saw), and ``state.clear()``, or a state and then its data, is one write.
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject

from bot.middlewares import Handler
from storage.fsm import SQLStorage


class DeferredState(BaseMiddleware):
    """Around one update (inside aiogram's FSM lock): its state changes kept, then written."""

    def __init__(self, storage: SQLStorage) -> None:
        self.storage = storage

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.storage.deferred():
            return await handler(event, data)


class StateBeforeRequests(BaseRequestMiddleware):
    """In front of every Bot API request: the calling update's state changes are stored first."""

    def __init__(self, storage: SQLStorage) -> None:
        self.storage = storage

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        await self.storage.flush()
        return await make_request(bot, method)


def write_state_per_update(dp: Dispatcher, bot: Bot, storage: SQLStorage) -> None:
    """Register both (after aiogram's own FSM middleware, so inside its per-chat lock)."""
    dp.update.outer_middleware(DeferredState(storage))
    bot.session.middleware(StateBeforeRequests(storage))

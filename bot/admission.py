"""Taps are answered in the order they came, and what was started is finished first.

aiogram starts a task for every update it receives, and asyncio runs the tasks in flight side
by side, a step of each in turn: with fifty members tapping at once, every tap's few
milliseconds of work were spread over the time the whole fifty took, so the first tap was
answered about as late as the last. `Admission` lets a few updates work at once and queues the
rest, first come first served; an update coming back from a wait goes before the new ones. The
bot does the same work as before, in an order that answers each tap sooner.

Only work holds a place: an update lets go of its place while it waits for Telegram (a request
from its own task, `Admission.away`), so the time a request takes over a real network never
holds up another member, and a place is let go after `hold` seconds in any case (a miner that
does not answer, a file from Telegram, a long computation in a worker thread). `Admission` sits
inside aiogram's per-chat lock, so a member's second tap, waiting for their first, takes none.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject

from bot.middlewares import Handler

SLOTS = 8  # updates working at once: their database waits overlap
HOLD_SECONDS = 0.2  # many taps' worth of work: an update still busy after it lets another in


class _Place:
    """One update's claim on a place: taken on arrival, let go while it waits on Telegram and
    at its end (or after `hold` seconds), taken again when its wait is over."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission
        self.task = asyncio.current_task()
        self.held = False
        self.ended = False
        self._timer: asyncio.TimerHandle | None = None

    async def take(self, *, back: bool) -> None:
        if self.held or self.ended:
            return
        await self.admission._take(back=back)
        self.held = True
        self._timer = asyncio.get_running_loop().call_later(self.admission.hold, self.leave)

    def leave(self) -> None:
        if self.held:
            self.held = False
            if self._timer is not None:
                self._timer.cancel()
            self.admission._give()


_place: ContextVar[_Place | None] = ContextVar("admission_place", default=None)


class Admission(BaseMiddleware):
    """At most `slots` updates work at once; the others wait in arrival order, behind the
    updates coming back from a wait."""

    def __init__(self, slots: int = SLOTS, hold: float = HOLD_SECONDS) -> None:
        self.slots = slots
        self.hold = hold
        self._free = slots
        self._new: deque[asyncio.Future[None]] = deque()
        self._back: deque[asyncio.Future[None]] = deque()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        place = _Place(self)
        await place.take(back=False)
        token = _place.set(place)
        try:
            return await handler(event, data)
        finally:
            _place.reset(token)
            place.ended = True
            place.leave()

    @asynccontextmanager
    async def away(self) -> AsyncIterator[None]:
        """Around a wait of the current update (its own task, not one it started): its place
        is free meanwhile, and taken again, before any new update, when the wait is over."""
        place = _place.get()
        if place is None or place.admission is not self or place.task is not asyncio.current_task():
            yield
            return
        place.leave()
        try:
            yield
        finally:
            task = asyncio.current_task()
            if task is None or not task.cancelling():  # an update being cancelled needs none
                await place.take(back=True)

    async def _take(self, *, back: bool) -> None:
        if self._free > 0 and not _waiting(self._back) and (back or not _waiting(self._new)):
            self._free -= 1
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._back if back else self._new
        queue.append(handed)
        try:
            await handed  # resolved when a place is handed over
        except asyncio.CancelledError:
            if handed.done() and not handed.cancelled():
                self._give()  # handed a place, then cancelled before it could use it
            elif handed in queue:
                queue.remove(handed)
            raise

    def _give(self) -> None:
        for queue in (self._back, self._new):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1


def _waiting(queue: deque[asyncio.Future[None]]) -> bool:
    """Whether anyone waits in `queue` (a waiter cancelled meanwhile is dropped from its head)."""
    while queue and queue[0].done():
        queue.popleft()
    return bool(queue)


class AwayDuringRequests(BaseRequestMiddleware):
    """In front of every Bot API request: the calling update is `away` while it waits."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        async with self.admission.away():
            return await make_request(bot, method)

"""`bot.admission.Admission`: a few updates at a time, in the order they came."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.types import TelegramObject

from bot.admission import Admission

EVENT = TelegramObject()  # what the update is does not matter here


class Work:
    """Handlers that note when they start and end when told to."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.release: dict[int, asyncio.Event] = {}

    def handler(self, n: int) -> Any:
        self.release[n] = asyncio.Event()

        async def handle(_event: Any, _data: dict[str, Any]) -> int:
            self.started.append(n)
            await self.release[n].wait()
            return n

        return handle


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_few_run_at_once_and_the_rest_start_in_the_order_they_came() -> None:
    admission, work = Admission(slots=2, hold=60), Work()
    tasks = [asyncio.create_task(admission(work.handler(n), EVENT, {})) for n in range(5)]
    await settle()
    assert work.started == [0, 1]
    work.release[1].set()
    await settle()
    assert work.started == [0, 1, 2]
    for n in (0, 2, 3, 4):
        work.release[n].set()
    assert await asyncio.gather(*tasks) == [0, 1, 2, 3, 4]
    assert work.started == [0, 1, 2, 3, 4]


async def test_an_update_that_waits_long_lets_the_next_one_in_after_hold() -> None:
    admission, work = Admission(slots=1, hold=0.05), Work()
    slow = asyncio.create_task(admission(work.handler(0), EVENT, {}))
    quick = asyncio.create_task(admission(work.handler(1), EVENT, {}))
    await settle()
    assert work.started == [0]
    work.release[1].set()
    assert await asyncio.wait_for(quick, 5) == 1  # in after 0.05 s, while the first still waits
    assert not slow.done()
    work.release[0].set()
    assert await slow == 0
    third = asyncio.create_task(admission(work.handler(2), EVENT, {}))
    await settle()
    assert work.started == [0, 1, 2]  # the slow one's place was given back once, not twice
    fourth = asyncio.create_task(admission(work.handler(3), EVENT, {}))
    await settle()
    assert work.started == [0, 1, 2]
    work.release[2].set()
    work.release[3].set()
    assert list(await asyncio.gather(third, fourth)) == [2, 3]


async def test_a_failing_or_cancelled_update_gives_its_place_back() -> None:
    admission = Admission(slots=1, hold=60)

    async def fails(_event: Any, _data: dict[str, Any]) -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await admission(fails, EVENT, {})
    work = Work()
    first = asyncio.create_task(admission(work.handler(0), EVENT, {}))
    queued = asyncio.create_task(admission(work.handler(1), EVENT, {}))
    await settle()
    queued.cancel()  # gave up while waiting for a place
    first.cancel()  # cancelled while running
    await asyncio.gather(first, queued, return_exceptions=True)
    last = asyncio.create_task(admission(work.handler(2), EVENT, {}))
    await settle()
    assert work.started == [0, 2]
    work.release[2].set()
    assert await last == 2


async def test_an_update_waiting_on_telegram_lets_others_in_and_is_back_before_new_ones() -> None:
    admission = Admission(slots=1, hold=60)
    log: list[str] = []
    answered, b_done = asyncio.Event(), asyncio.Event()

    async def a(_event: Any, _data: dict[str, Any]) -> None:
        log.append("a works")
        async with admission.away():  # a request to Telegram
            await answered.wait()
        log.append("a back")

    async def b(_event: Any, _data: dict[str, Any]) -> None:
        log.append("b works")
        await b_done.wait()

    async def c(_event: Any, _data: dict[str, Any]) -> None:
        log.append("c works")

    first = asyncio.create_task(admission(a, EVENT, {}))
    await settle()
    second = asyncio.create_task(admission(b, EVENT, {}))
    await settle()
    assert log == ["a works", "b works"]  # a's place was free while it waited
    third = asyncio.create_task(admission(c, EVENT, {}))
    answered.set()
    await settle()
    assert log == ["a works", "b works"]  # b still works: a and c wait
    b_done.set()
    await asyncio.gather(first, second, third)
    assert log == ["a works", "b works", "a back", "c works"]


async def test_a_task_an_update_started_does_not_give_up_the_updates_place() -> None:
    admission = Admission(slots=1, hold=60)
    log: list[str] = []

    async def starts_a_task(_event: Any, _data: dict[str, Any]) -> None:
        async def later() -> None:
            async with admission.away():  # not the update's own wait
                log.append("task away")

        await asyncio.create_task(later())
        log.append("update goes on")

    async def other(_event: Any, _data: dict[str, Any]) -> None:
        log.append("other works")

    first = asyncio.create_task(admission(starts_a_task, EVENT, {}))
    second = asyncio.create_task(admission(other, EVENT, {}))
    await asyncio.gather(first, second)
    assert log == ["task away", "update goes on", "other works"]


async def test_an_update_cancelled_while_it_waits_on_telegram_ends_without_a_place() -> None:
    """At shutdown an update cancelled during a request unwinds at once, instead of queueing
    for a place it will never use behind one that still works."""
    admission = Admission(slots=1, hold=60)
    answered, other_done = asyncio.Event(), asyncio.Event()

    async def waits(_event: Any, _data: dict[str, Any]) -> None:
        async with admission.away():
            await answered.wait()

    async def works(_event: Any, _data: dict[str, Any]) -> None:
        await other_done.wait()

    first = asyncio.create_task(admission(waits, EVENT, {}))
    await settle()
    second = asyncio.create_task(admission(works, EVENT, {}))
    await settle()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(first, 1)
    other_done.set()
    await second
    third = asyncio.create_task(admission(works, EVENT, {}))
    assert await asyncio.wait_for(third, 1) is None  # and no place was lost

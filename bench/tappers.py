"""The members' side of `bench.updates`: the tests' fake Bot API and N members tapping.

It runs in a process of its own, so that the bot's process spends CPU on the bot alone. It talks
JSON lines: it prints ``{"base_url": …}`` once, then reads one command a line from stdin and
prints one answer a line:

- ``{"cmd": "members", "members": [[telegram_id, name, username], …]}`` — the people who tap;
- ``{"cmd": "polling"}`` — answers once the bot is waiting in getUpdates;
- ``{"cmd": "burst", "step": S}`` — every member does step S at the same moment;
- ``{"cmd": "closed", "rounds": R}`` — every member goes through all steps R times, each tap
  sent when the answer to the previous one has arrived;
- ``{"cmd": "quit"}``.

An answer time runs from the moment the update is queued in the fake until the bot has answered
it: the new message for ``/menu``; for a button, ``answerCallbackQuery``, which aiogram's
CallbackAnswerMiddleware sends after the handler has edited the screen.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from handlers.callbacks import ClientCb, MenuCb
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser

STEPS = ("menu", "clients", "next", "card", "back")
ANSWER_TIMEOUT = 120.0


class BenchError(RuntimeError):
    """The bot did not show what a step expects (the figures would mean nothing)."""


class BenchBotAPI(FakeBotAPI):
    """The fake, telling a waiting member when its chat got a message or its button an answer."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self._waiters: dict[tuple[str, int], asyncio.Future[dict[str, Any]]] = {}

    def expect(self, kind: str, user_id: int) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters[(kind, user_id)] = future
        return future

    def _done(self, kind: str, user_id: int, params: dict[str, Any]) -> None:
        future = self._waiters.pop((kind, user_id), None)
        if future is not None and not future.done():
            future.set_result(params)

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        result = await super()._send_message(params)
        self._done("message", self._chat_id(params), params)
        return result

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        result = await super()._answer_callback_query(params)
        user_id = self._callback_users.get(str(params.get("callback_query_id") or ""))
        if user_id is not None:
            self._done("answer", user_id, params)
        return result


class Member:
    """One person tapping through menu → Clients → next page → a card → Back."""

    def __init__(self, fake: BenchBotAPI, user: TelegramUser, index: int) -> None:
        self.fake = fake
        self.user = user
        self.index = index

    async def do(self, step: str) -> float:
        """Do `step`; the answer time in milliseconds."""
        loop = asyncio.get_running_loop()
        if step == "menu":
            waiter = self.fake.expect("message", self.user.id)
            started = loop.time()
            await self.user.send("/menu", wait=False)
        else:
            screen = self.user.last
            data = self._button(screen, step)
            waiter = self.fake.expect("answer", self.user.id)
            started = loop.time()
            await self.user.tap_data(data, message=screen, wait=False)
        params = await asyncio.wait_for(waiter, ANSWER_TIMEOUT)
        elapsed = loop.time() - started
        if step != "menu" and (params.get("show_alert") or params.get("text")):
            raise BenchError(f"{self.user!r} {step}: the bot answered {params.get('text')!r}")
        return elapsed * 1000

    def _button(self, screen: BotMessage, step: str) -> str:
        data = [target for _, target in screen.buttons()]
        if step == "card":
            cards = [d for d in data if d.startswith("cl:card:")]
            if cards:
                return cards[self.index % len(cards)]
        else:
            wanted = {
                "clients": MenuCb(area="clients").pack(),
                "next": ClientCb(action="list", page=1).pack(),
                "back": ClientCb(action="back").pack(),
            }[step]
            if wanted in data:
                return wanted
        raise BenchError(f"{self.user!r} {step}: no such button on {screen.describe()}")


class Tappers:
    def __init__(self, fake: BenchBotAPI) -> None:
        self.fake = fake
        self.members: list[Member] = []

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        cmd = command["cmd"]
        if cmd == "members":
            self.members = [
                Member(self.fake, self.fake.user(int(tg), str(name), username=username), n)
                for n, (tg, name, username) in enumerate(command["members"])
            ]
            return {"members": len(self.members)}
        if cmd == "polling":
            while self.fake.long_polls_waiting == 0:  # noqa: ASYNC110 (the fake has no event)
                await asyncio.sleep(0.01)
            return {"polling": True}
        if cmd == "burst":
            step = str(command["step"])
            started = time.perf_counter()
            ms = await asyncio.gather(*(m.do(step) for m in self.members))
            return {"ms": list(ms), "wall_s": time.perf_counter() - started}
        if cmd == "closed":
            return await self._closed(int(command["rounds"]))
        raise BenchError(f"unknown command {cmd!r}")

    async def _closed(self, rounds: int) -> dict[str, Any]:
        ms: dict[str, list[float]] = {step: [] for step in STEPS}

        async def tap_through(member: Member) -> None:
            for _ in range(rounds):
                for step in STEPS:
                    ms[step].append(await member.do(step))

        started = time.perf_counter()
        await asyncio.gather(*(tap_through(m) for m in self.members))
        return {"ms": ms, "wall_s": time.perf_counter() - started}


def _say(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def serve(token: str) -> None:
    fake = BenchBotAPI(token)
    await fake.start()
    tappers = Tappers(fake)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    _say({"base_url": fake.base_url})
    try:
        while line := await reader.readline():
            command = json.loads(line)
            if command["cmd"] == "quit":
                break
            try:
                _say(await tappers.handle(command))
            except (BenchError, TimeoutError) as exc:
                _say({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        await fake.stop()


def main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    asyncio.run(serve(args[0]))


if __name__ == "__main__":
    main()

"""What every tap costs, kept from coming back: checks on the bot's real Dispatcher."""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiogram import F, Router
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.types import CallbackQuery, User
from pydantic import ValidationError

from bot.admission import SLOTS
from bot.app import GC_THRESHOLD, FarmDesk
from bot.config import Settings
from handlers.callbacks import Callback, ClientCb, MenuCb
from handlers.gates import CallbackPrefixes, callback_prefixes, gate_callbacks
from tests.e2e.conftest import OWNER_ID, RunningBot
from tests.fakebotapi import FakeBotAPI, TelegramUser


def _callables(router: Router) -> list[tuple[str, CallableObject]]:
    found: list[tuple[str, CallableObject]] = []
    for name, observer in router.observers.items():
        where = f"{router.name}.{name}"
        found += [(f"{where} filter", f) for f in observer._handler.filters or []]
        for handler in observer.handlers:
            found.append((f"{where} handler", handler))
            found += [(f"{where} {handler.callback.__name__}", f) for f in handler.filters or []]
    for child in router.sub_routers:
        found += _callables(child)
    return found


async def test_no_filter_or_handler_runs_in_a_thread(settings: Settings) -> None:
    """aiogram runs a plain-function filter or handler through `asyncio.to_thread`: a trip to a
    worker thread and back for every update that reaches it. Magic filters (``F.text``) are
    aiogram's own and only run behind a form's state."""
    app = FarmDesk(settings)
    try:
        threaded = [
            f"{where}: {getattr(c.callback, '__qualname__', c.callback)}"
            for where, c in _callables(app.dp)
            if not c.awaitable and getattr(c, "magic", None) is None
        ]
    finally:
        await app.close()
    assert threaded == []


async def test_a_tap_writes_its_state_once_and_before_the_screen_leaves(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clients from the menu clears the state, then sets the list's state and then its page:
    one write, committed before the edit that shows the list reaches Telegram (a restart or
    a kill right after finds what the member sees)."""
    path = bot.settings.database_url.split("///", 1)[1]
    seen: list[list[tuple[str | None, str]]] = []
    edit = fake._edit_message_text

    async def stored_then_edit(params: dict[str, Any]) -> dict[str, Any]:
        with sqlite3.connect(path) as conn:
            seen.append(
                conn.execute(
                    "select state, data from fsm_state where key like ?", (f"%:{OWNER_ID}:%",)
                ).fetchall()
            )
        return await edit(params)

    monkeypatch.setitem(fake._handlers, "editmessagetext", stored_then_edit)
    await owner.send("/menu")
    writes = bot.app.db.version("fsm_state")
    await owner.tap("Clients")
    assert "Clients" in owner.last.plain
    assert bot.app.db.version("fsm_state") - writes == 1
    assert [(state, json.loads(data)) for state, data in seen[-1]] == [
        ("ClientBrowse:list", {"page": 0})
    ]


async def test_the_collector_skips_start_up_and_runs_less_often_while_the_bot_runs(
    bot: RunningBot, owner: TelegramUser
) -> None:
    """A full collection walked the ~430,000 objects start-up builds (about 250 ms on the shared
    bench machine, every update waiting); frozen, it walks what updates allocate. A young
    collection every 20,000 objects, not 700, walks the updates in flight less often."""
    await owner.send("/menu")
    assert gc.get_freeze_count() > 100_000
    assert gc.get_threshold() == GC_THRESHOLD
    await bot.stop()
    assert gc.get_freeze_count() == 0  # a stopped bot's objects can be collected again
    assert gc.get_threshold() == (700, 10, 10)  # Python's own


async def test_a_tap_is_offered_only_to_the_routers_whose_buttons_carry_it(
    bot: RunningBot, owner: TelegramUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every `CallbackData` filter splits the data and builds its model before it can say no:
    without the gates a tap on Clients was tried by about forty filters of other areas. Now only
    the routers whose buttons can carry the tap's prefix see it; the rest (and the fallback,
    last) still get what nothing took."""
    await owner.send("/menu")
    tried: list[str] = []
    unpack = Callback.unpack.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Callback], value: str) -> Callback:
        tried.append(cls.__name__)
        return unpack(cls, value)

    monkeypatch.setattr(Callback, "unpack", classmethod(counted))
    await owner.tap("Clients")
    assert "Clients" in owner.last.plain
    # the watcher's one button first, then the menu's (its routers take "m" and "x" taps)
    assert tried == ["WatchCb", "MenuCb", "NoopCb", "MenuCb"], tried
    tried.clear()
    await owner.tap("Sort by ID")
    assert "Sort by name" in str(owner.last.buttons())
    assert set(tried) <= {"WatchCb", "ClientCb", "MenuCb"}, tried  # the clients' routers only
    await owner.tap_data("st:gone:1:2:3:4:5", message=owner.last)  # no staff button has these
    assert owner.last_answer()["show_alert"] is True  # the fallback: an outdated button
    assert "outdated" in owner.last_answer()["text"]


def test_a_router_with_a_handler_outside_callback_data_is_not_gated() -> None:
    plain = Router(name="plain")
    plain.callback_query.register(_noop, MenuCb.filter())
    sub = Router(name="sub")
    sub.callback_query.register(_noop, ClientCb.filter(F.action == "list"))
    plain.include_router(sub)
    assert callback_prefixes(plain) == frozenset({"m", "cl"})
    other = Router(name="other")
    other.callback_query.register(_noop)  # takes any tap
    assert callback_prefixes(other) is None
    gate_callbacks(other)
    assert not other.callback_query._handler.filters


async def test_the_gate_reads_the_prefix_only() -> None:
    gate = CallbackPrefixes(frozenset({"cl", "x"}))
    assert await gate(_query("cl:list:1"))
    assert await gate(_query("x"))
    assert not await gate(_query("clx:list"))
    assert not await gate(_query("m:clients"))
    assert not await gate(_query(None))


async def _noop(query: CallbackQuery) -> None:
    """A handler for the routers built here."""


def _query(data: str | None) -> CallbackQuery:
    user = User(id=1, is_bot=False, first_name="A")
    return CallbackQuery(id="1", from_user=user, chat_instance="c", data=data)


async def test_members_tapping_at_once_are_worked_on_a_few_at_a_time(
    settings: Settings, fake: FakeBotAPI
) -> None:
    """Twenty members tap Clients at the same moment: every one gets the list, and no more
    than `SLOTS` updates work at once (the rest wait their turn instead of slowing every tap
    in flight down); one waiting for Telegram's answer to a request is not working."""
    ids = list(range(7001, 7021))
    running = RunningBot(settings.model_copy(update={"owner_ids": ids}), fake)
    await running.start()
    try:
        members = [fake.user(i, f"Member {i}") for i in ids]
        for member in members:
            await member.send("/menu")
        admission = running.app.admission
        in_flight, away, most, requests = 0, 0, 0, 0

        async def counted(handler: Any, event: Any, data: dict[str, Any]) -> Any:
            nonlocal in_flight, most
            in_flight += 1
            most = max(most, in_flight - away)
            try:
                await asyncio.sleep(0.01)  # a wait, as a database read is
                return await handler(event, data)
            finally:
                in_flight -= 1

        away_from = admission.away

        @asynccontextmanager
        async def counted_away() -> AsyncIterator[None]:
            nonlocal away, most, requests
            away += 1
            requests += 1
            try:
                async with away_from():
                    yield
            finally:
                away -= 1
                most = max(most, in_flight - away)

        admission.away = counted_away  # type: ignore[method-assign]
        running.app.dp.update.outer_middleware(counted)  # inside Admission: registered after
        await asyncio.gather(*(m.tap("Clients", wait=False) for m in members))
        for member in members:
            await member.wait_for(lambda m: "Clients" in m.plain and "Sort by" in str(m.buttons()))
        assert 2 <= most <= SLOTS  # without Admission: all twenty at once
        assert requests >= 2 * len(members)  # each: the edit and the button's answer
    finally:
        await running.stop()


def test_a_taps_data_is_unpacked_once_and_shared_unchanged() -> None:
    """A score of handlers test their rule on one tap's data: they get one immutable value."""
    first = ClientCb.unpack("cl:list:0:3:")
    assert ClientCb.unpack("cl:list:0:3:") is first
    assert first == ClientCb(action="list", page=3)
    with pytest.raises(ValidationError):
        first.page = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="not MenuCb data"):
        MenuCb.unpack("cl:list:0:3:")
    with pytest.raises(TypeError):  # a forged one: the prefix, but not the fields
        ClientCb.unpack("cl:list")

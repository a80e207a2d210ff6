"""Webhook mode (WEBHOOK_URL set): FarmDesk registers the webhook with a secret token and serves
it from its own web server; updates posted with the secret reach the same handlers as long
polling, updates without it (or with a wrong one) are refused and reach nothing."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram.methods import SendMessage
from pydantic import SecretStr

from bot.app import FarmDesk
from bot.config import Settings
from tests.e2e.conftest import OWNER_ID
from tests.fakebotapi import FakeBotAPI

SECRET = "hook-secret_0123456789"


@pytest.fixture
async def hooked(settings: Settings, fake: FakeBotAPI) -> AsyncIterator[FarmDesk]:
    app = FarmDesk(
        settings.model_copy(
            update={
                "webhook_url": "https://farm.example.com/telegram/hook",
                "webhook_secret": SecretStr(SECRET),
                "web_port": 0,
            }
        )
    )
    task = asyncio.create_task(app.run_webhook())
    for _ in range(500):
        if fake.webhook_url:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    yield app
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await app.close()


def update(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": OWNER_ID, "is_bot": False, "first_name": "Olga", "language_code": "en"}
    message: dict[str, Any] = {
        "message_id": update_id,
        "from": user,
        "chat": {"id": OWNER_ID, "type": "private", "first_name": "Olga"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def post(app: FarmDesk, body: dict[str, Any], secret: str | None) -> int:
    assert app.web is not None
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    url = f"http://127.0.0.1:{app.web.port}/telegram/hook"
    async with aiohttp.ClientSession() as http, http.post(url, json=body, headers=headers) as r:
        return r.status


async def test_updates_with_the_secret_reach_the_bot_and_others_are_refused(
    hooked: FarmDesk, fake: FakeBotAPI
) -> None:
    assert fake.webhook_url == "https://farm.example.com/telegram/hook"
    assert fake.webhook_secret == SECRET
    polls = len(fake.calls_of("getUpdates"))

    assert await post(hooked, update(1, "/menu"), None) == 401
    assert await post(hooked, update(2, "/menu"), "wrong-secret") == 401
    await asyncio.sleep(0.3)
    assert fake.chat(OWNER_ID) == []  # nothing reached a handler

    assert await post(hooked, update(3, "/menu"), SECRET) == 200
    owner = fake.user(OWNER_ID, "Olga")
    menu = await owner.wait_for(lambda m: "👥 Clients" in [b for b, _ in m.buttons()])
    assert "Olga" in menu.plain
    assert await post(hooked, update(4, "/cancel"), SECRET) == 200
    await owner.wait_for(lambda m: m.plain == "There is nothing to cancel.")
    assert len(fake.calls_of("getUpdates")) == polls  # no long polling meanwhile


async def test_a_tap_on_the_webhook_carries_the_keyboard_object_the_bot_sent(
    hooked: FarmDesk, fake: FakeBotAPI
) -> None:
    """As with polling (bot/session.py): the tapped message's keyboard, unchanged since the bot
    sent it, is the object sent rather than one built anew."""
    sent: list[Any] = []
    seen: list[Any] = []

    async def record_sent(make_request: Any, bot: Any, method: Any) -> Any:
        if isinstance(method, SendMessage):
            sent.append(method.reply_markup)
        return await make_request(bot, method)

    async def record_seen(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        if event.callback_query is not None:
            seen.append(event.callback_query.message.reply_markup)
        return await handler(event, data)

    hooked.bot.session.middleware(record_sent)
    hooked.dp.update.outer_middleware(record_seen)
    assert await post(hooked, update(1, "/menu"), SECRET) == 200
    owner = fake.user(OWNER_ID, "Olga")
    menu = await owner.wait_for(lambda m: "👥 Clients" in [b for b, _ in m.buttons()])
    data = dict(menu.buttons())["👥 Clients"]
    query = {
        "id": "77",
        "from": {"id": OWNER_ID, "is_bot": False, "first_name": "Olga", "language_code": "en"},
        "message": copy.deepcopy(menu.raw),
        "chat_instance": "5",
        "data": data,
    }
    assert await post(hooked, {"update_id": 2, "callback_query": query}, SECRET) == 200
    await owner.wait_for(lambda m: m.message_id == menu.message_id and "Clients" in m.plain)
    assert len(sent) == 1 and len(seen) == 1 and seen[0] is sent[0]


def test_a_web_address_without_a_port_is_a_one_line_error(settings: Settings) -> None:
    loose = settings.model_copy(update={"webhook_url": "https://farm.example.com/hook"})
    problem = loose.web_problem()
    assert problem and problem.startswith("WEBHOOK_URL is set but WEB_PORT is not")
    assert settings.web_problem() is None
    with pytest.raises(ValueError, match="not an http"):
        Settings(_env_file=None, web_base_url="farm.example.com")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None, webhook_secret="has spaces")

"""The bot end to end with REDIS_URL set: conversation state lives in Redis, not the database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from bot.config import Settings
from storage.models import FsmRecord
from tests.backends.conftest import rerun
from tests.e2e.conftest import OWNER_ID, TOKEN, RunningBot
from tests.fakebotapi import TelegramUser

# Keys of bot/app.py create_storage (DefaultKeyBuilder, with bot id and destiny):
# fsm:bot:chat:user:destiny:part — two bots sharing one Redis keep apart.
KEY = f"fsm:{TOKEN.split(':')[0]}:{OWNER_ID}:{OWNER_ID}:default"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, decode_responses=True)
    await client.flushdb()  # one test's conversations are not the next one's
    yield client
    await client.aclose()


@pytest.fixture
def settings(settings: Settings, redis: Redis, redis_url: str) -> Settings:
    return settings.model_copy(update={"redis_url": redis_url})


async def _rows_in_fsm_table(bot: RunningBot) -> int:
    assert bot.app is not None
    async with bot.app.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(FsmRecord)) or 0)


async def test_a_half_filled_form_survives_a_restart_in_redis(
    bot: RunningBot, owner: TelegramUser, redis: Redis
) -> None:
    state_key = f"{KEY}:state"
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Name")
    assert owner.last.plain.startswith("Send the facility's name")
    assert await redis.get(state_key) == "SettingsForm:name"
    assert await _rows_in_fsm_table(bot) == 0

    await bot.restart()
    assert await redis.get(state_key) == "SettingsForm:name"
    await owner.send("North   Farm")
    assert owner.messages()[-2].plain == "Saved."
    assert "Name: North Farm" in owner.last.plain
    assert await redis.get(state_key) is None  # the form is done: nothing left behind
    assert await _rows_in_fsm_table(bot) == 0


async def test_form_data_is_kept_in_redis_and_cancel_clears_it(
    bot: RunningBot, owner: TelegramUser, redis: Redis
) -> None:
    data_key = f"{KEY}:data"
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("Add client")
    await owner.send("Acme Mining")
    assert "Acme Mining" in (await redis.get(data_key) or "")
    await owner.send("/cancel")
    assert "Cancelled. Nothing was saved." in [m.plain for m in owner.messages()]
    assert await redis.get(data_key) is None
    assert await redis.get(f"{KEY}:state") is None


# The Clients area keeps its forms, filters and search text in FSM data: all of it through Redis.
rerun(globals(), "tests.e2e.test_clients", needs=("bot",))

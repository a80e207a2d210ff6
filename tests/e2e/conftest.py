"""End-to-end: the production wiring, long polling against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import FarmDesk
from bot.config import Settings
from services.actor import Actor
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser

TOKEN = "123456789:AAEexampleexampleexampleexample_TEST"
OWNER_ID = 1001


class RunningBot:
    """FarmDesk as `python -m bot` runs it, which a test can stop and start again."""

    def __init__(self, settings: Settings, fake: FakeBotAPI) -> None:
        self.settings = settings
        self.fake = fake
        self._app: FarmDesk | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def app(self) -> FarmDesk:
        """The running FarmDesk (asking while it is stopped is a bug in the test)."""
        assert self._app is not None, "the bot is not running"
        return self._app

    async def start(self) -> FarmDesk:
        app = FarmDesk(self.settings)
        app.outbox.poll_interval = 0.05
        feed = app.dp.feed_update

        async def tracked_feed(bot: Any, update: Any, **kwargs: Any) -> Any:
            try:
                return await feed(bot, update, **kwargs)
            finally:
                self.fake.mark_processed(update.update_id)

        app.dp.feed_update = tracked_feed  # type: ignore[method-assign]
        polls = len(self.fake.calls_of("getUpdates"))
        self._task = asyncio.create_task(app.run_polling())
        for _ in range(500):
            if len(self.fake.calls_of("getUpdates")) > polls:
                break
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        else:
            raise TimeoutError("the bot did not start polling")
        self._app = app
        return app

    async def stop(self) -> None:
        if self._app is None:
            return
        await self._app.dp.stop_polling()
        assert self._task is not None
        await asyncio.wait_for(self._task, 10)
        await self._app.close()
        self._app = None

    async def restart(self) -> FarmDesk:
        await self.stop()
        return await self.start()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: FakeBotAPI) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        bot_api_url=fake.base_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'farmdesk.db'}",
        owner_ids=[OWNER_ID],
        timezone="Europe/Moscow",
        data_dir=str(tmp_path / "data"),
        telemetry_networks=["127.0.0.0/8"],  # fakes only: no miner elsewhere is ever polled
        telemetry_timeout=2,
    )


@pytest.fixture
async def bot(settings: Settings, fake: FakeBotAPI) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings, fake)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def owner(fake: FakeBotAPI) -> TelegramUser:
    return fake.user(OWNER_ID, "Olga", last_name="Owner", username="olga")


async def owner_actor(bot: RunningBot) -> Actor:
    """The Owner as the services see them, to call a service directly."""
    assert bot.app is not None
    actor = await bot.app.services.staff.resolve(OWNER_ID, "Olga Owner", "olga", "en")
    assert actor is not None
    return actor


async def invite(owner: TelegramUser, role_label: str) -> str:
    """The Owner makes an invite link for `role_label`; returns its start token."""
    await owner.send("/menu")
    await owner.tap("Staff")
    await owner.tap("Invite")
    await owner.tap(role_label)
    text = owner.last.plain
    link = next(word for word in text.split() if word.startswith("https://t.me/"))
    return link.split("start=", 1)[1]


async def join(
    fake: FakeBotAPI, owner: TelegramUser, role_label: str, user_id: int, name: str
) -> TelegramUser:
    """Invite a new member and let them in; waits for the Owner's notice so screens stay put."""
    token = await invite(owner, role_label)
    member = fake.user(user_id, name)
    await member.send(f"/start {token}")
    await owner.wait_for(lambda m: f"{name} accepted your invite" in m.plain)
    return member


def labels(message: BotMessage) -> list[str]:
    """The texts of a message's inline buttons, row by row."""
    return [text for text, _ in message.buttons()]


async def add_client(owner: TelegramUser, name: str, email: str) -> None:
    """Add a client from the menu: name and email, the Owner as manager, no phone or messenger."""
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("Add client")
    await owner.send(name)
    await owner.send(email)
    await owner.tap("Me")
    await owner.tap("Skip")
    await owner.tap("Skip")
    await owner.tap("Apply")

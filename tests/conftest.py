"""Shared fixtures: a real, migrated SQLite database file and the services on top of it, and
the fake Bot API for tests that drive it with a plain aiogram Bot (tests/e2e has its own, for
the bot's token)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.actor import Actor
from services.container import Services
from storage.db import Database
from storage.migrate import upgrade
from tests.fakebotapi import FakeBotAPI

OWNER_TG = 1001
API_TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"  # the fake Bot API's bot


def pytest_configure(config: pytest.Config) -> None:
    """Miners are polled on loopback only, whatever a test starts: `python -m bot` processes
    inherit this, and settings built from the environment read it (tests that build settings
    by hand name 127.0.0.0/8 themselves). The generated facilities' 10.x addresses are never
    contacted."""
    os.environ["TELEMETRY_NETWORKS"] = "127.0.0.0/8"


class Clock:
    """A clock the test can move forward."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'farmdesk.db'}")
    await upgrade(database)
    yield database
    await database.close()


@pytest.fixture
async def services(db: Database, clock: Clock) -> Services:
    built = Services.build(
        db, owner_ids=[OWNER_TG], clock=clock, telemetry_networks=["127.0.0.0/8"]
    )
    await built.prepare("Europe/Moscow")
    return built


@pytest.fixture
async def owner(services: Services) -> Actor:
    actor = await services.staff.resolve(OWNER_TG, "Olga Owner", "olga", "en")
    assert actor is not None
    return actor


async def join(
    services: Services, inviter: Actor, role_code: str, telegram_id: int, name: str
) -> Actor:
    """Invite someone with `role_code` and let them accept; returns them as an Actor."""
    roles = {r.code: r for r in await services.roles.list(inviter)}
    invite = await services.staff.create_invite(inviter, roles[role_code].id)
    await services.staff.accept_invite(invite.token, telegram_id, name, None, "en")
    actor = await services.staff.resolve(telegram_id, name, None, "en")
    assert actor is not None
    return actor


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """The fake Bot API on 127.0.0.1, serving `API_TOKEN`'s bot."""
    api = FakeBotAPI(API_TOKEN)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()

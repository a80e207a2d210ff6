"""The bot end to end on PostgreSQL: the end-to-end modules of tests/e2e once more, with
DATABASE_URL naming a fresh PostgreSQL database and conversation state in its `fsm_state` table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.config import Settings
from tests.backends.conftest import rerun


@pytest.fixture
async def settings(settings: Settings, new_pg_database: Callable[..., Awaitable[str]]) -> Settings:
    assert settings.redis_url is None  # state stays in the database: SQLStorage on PostgreSQL
    return settings.model_copy(update={"database_url": await new_pg_database()})


for _module in ("tests.e2e.test_foundation", "tests.e2e.test_clients", "tests.e2e.test_outbox"):
    rerun(globals(), _module, needs=("bot",))

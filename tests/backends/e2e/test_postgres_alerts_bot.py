"""Alerts end to end on PostgreSQL: tests/e2e/test_alerts.py once more, with DATABASE_URL naming a
fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.config import Settings
from tests.backends.conftest import rerun


@pytest.fixture
async def settings(settings: Settings, new_pg_database: Callable[..., Awaitable[str]]) -> Settings:
    return settings.model_copy(update={"database_url": await new_pg_database()})


rerun(globals(), "tests.e2e.test_alerts", needs=("bot",))

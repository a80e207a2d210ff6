"""Real PostgreSQL and Redis servers, named by TEST_DATABASE_URL and TEST_REDIS_URL.

`scripts/test-services.sh` starts both and sets the variables (.ci/run does this); without them the
tests here are skipped. The `db` fixture below overrides the SQLite one of tests/conftest.py for
every test in this folder, so service tests re-collected here (see `rerun`) run on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base

# Per test run, so that two runs against one server do not drop each other's databases.
_TEMPLATE = f"farmdesk_template_{os.getpid()}"
_SHARED = f"farmdesk_run_{os.getpid()}"
_template_ready = False


def rerun(
    namespace: dict[str, Any],
    module_name: str,
    needs: Iterable[str] = ("db", "services", "owner", "bot"),
) -> None:
    """Collect the tests of `module_name` once more in the calling module, where they pick up
    this folder's fixtures (the PostgreSQL `db`) instead of the SQLite ones: those tests that
    ask for one of the fixtures in `needs` (the others would only run the same way again)."""
    module = importlib.import_module(module_name)
    wanted = set(needs)
    for name, value in vars(module).items():
        if isinstance(value, FixtureFunctionDefinition):  # the module's own fixtures come along
            if namespace.get(name, value) is not value:
                raise RuntimeError(f"fixture {name} of {module_name} is already in this module")
            namespace[name] = value
            continue
        if not (name.startswith("test_") and inspect.isfunction(value)):
            continue
        if wanted.isdisjoint(inspect.signature(value).parameters):
            continue
        if name in namespace:
            raise RuntimeError(f"{name} from {module_name} is already in this module")
        namespace[name] = value


def pytest_sessionfinish(session: pytest.Session) -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    if _template_ready and url:
        asyncio.run(
            _admin(
                url,
                f"DROP DATABASE IF EXISTS {_SHARED} WITH (FORCE)",
                f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)",
            )
        )


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (scripts/test-services.sh starts PostgreSQL)")
    return url


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (scripts/test-services.sh starts Redis)")
    return url


def _url_of(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


async def _admin(base: str, *statements: str) -> None:
    """Statements that cannot run in a transaction (CREATE/DROP DATABASE)."""
    engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _ensure_template(base: str) -> None:
    """A migrated database made once per run, and the run's shared copy of it."""
    global _template_ready
    if _template_ready:
        return
    await _admin(
        base,
        f"DROP DATABASE IF EXISTS {_SHARED} WITH (FORCE)",
        f"DROP DATABASE IF EXISTS {_TEMPLATE} WITH (FORCE)",
        f"CREATE DATABASE {_TEMPLATE}",
    )
    template = Database(_url_of(base, _TEMPLATE))
    try:
        await upgrade(template)
    finally:
        await template.close()
    await _admin(base, f"CREATE DATABASE {_SHARED} TEMPLATE {_TEMPLATE}")
    _template_ready = True


async def _reset_shared(base: str) -> str:
    """The shared database as freshly migrated: emptied with TRUNCATE, which takes a fraction of
    the time of copying the template (most tests here need one migrated database)."""
    url = _url_of(base, _SHARED)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    await _admin(
        url,
        # Connections a failed test left open would hold locks that TRUNCATE waits for.
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()",
        f"TRUNCATE {tables} RESTART IDENTITY CASCADE",
    )
    return url


@pytest.fixture
async def new_pg_database(pg_url: str) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """Makes databases for this test, migrated (the first one is the run's shared database,
    emptied) or empty; drops the ones it created afterwards. Returns URLs."""
    made: list[str] = []
    shared_given = False

    async def make(*, migrated: bool = True) -> str:
        nonlocal shared_given
        name = f"farmdesk_t_{uuid.uuid4().hex[:12]}"
        if migrated:
            await _ensure_template(pg_url)
            if not shared_given:
                shared_given = True
                return await _reset_shared(pg_url)
            await _admin(pg_url, f"CREATE DATABASE {name} TEMPLATE {_TEMPLATE}")
        else:
            await _admin(pg_url, f"CREATE DATABASE {name}")
        made.append(name)
        return _url_of(pg_url, name)

    yield make
    if made:
        await _admin(pg_url, *(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in made))


@pytest.fixture
async def db(new_pg_database: Callable[..., Awaitable[str]]) -> AsyncIterator[Database]:
    """A freshly migrated PostgreSQL database for each test."""
    database = Database(await new_pg_database())
    yield database
    await database.close()

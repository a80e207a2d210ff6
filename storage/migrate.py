"""Apply Alembic migrations to the database, from code (on start) or from the `alembic` CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from storage.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def _run(db: Database, step: Callable[[Config, str], None], revision: str) -> None:
    def run(connection: Any) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        step(config, revision)

    async with db.write_engine.begin() as conn:
        await conn.run_sync(run)


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision`; a no-op when it is there already."""
    await _run(db, command.upgrade, revision)


async def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to `revision` (for developers; FarmDesk never does this itself)."""
    await _run(db, command.downgrade, revision)

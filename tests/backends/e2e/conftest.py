"""The end-to-end fixtures of tests/e2e (the real bot against the fake Bot API), for modules here
that run the bot on PostgreSQL or with Redis by overriding `settings` (each can request the
SQLite `settings` of tests/e2e/conftest.py under the same name and change what it needs)."""

from tests.e2e.conftest import bot, fake, owner, settings

__all__ = ["bot", "fake", "owner", "settings"]

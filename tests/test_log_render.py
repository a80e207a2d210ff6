"""Audit entries read as words: flags, roles, statuses and priorities by their names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.logs import log_entry
from locales import Translations
from services.audit import LogEntry


def entry(action: str, changes: dict, details: dict | None = None) -> LogEntry:
    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    return LogEntry(1, at, "Olga", "miner", action, "miner", 7, changes, details or {})


def test_values_are_named_in_the_members_language() -> None:
    zone = ZoneInfo("Europe/Moscow")
    en, ru = Translations().get("en"), Translations().get("ru")
    text = log_entry(en, entry("miner.paid", {"paid": [True, False]}), zone)
    assert text.startswith("<b>2026-11-02 12:30</b> · Olga")
    assert "🟢 paid → 🔴 unpaid" in text
    assert "Active → Offline" in log_entry(en, entry("x", {"status": ["active", "offline"]}), zone)
    assert "Low → Critical" in log_entry(
        en, entry("x", {"task-priority": ["low", "critical"]}), zone
    )
    assert "Новичок → Менеджер" in log_entry(ru, entry("x", {"role": ["newbie", "manager"]}), zone)
    flag = log_entry(
        en, entry("role.permission", {"clients.add": [True, False]}, {"name": "Crew"}), zone
    )
    assert "Permission switched · Crew" in flag and "Add clients: on → off" in flag


def test_user_text_in_an_entry_is_escaped() -> None:
    en = Translations().get("en")
    text = log_entry(en, entry("client.updated", {"name": ["<b>x</b>", "a & b"]}), ZoneInfo("UTC"))
    assert "&lt;b&gt;x&lt;/b&gt; → a &amp; b" in text

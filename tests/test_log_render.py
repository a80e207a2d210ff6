"""Audit entries read as words: flags, roles, statuses and priorities by their names."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from handlers.logs import log_entry
from locales import Translations
from services.audit import LogEntry
from services.audit_text import Names, change_items, detail_items, object_text


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


def test_details_read_as_words_with_names_instead_of_ids() -> None:
    en = Translations().get("en")
    names = Names(staff={1: "Olga Owner"}, clients={5: "Acme"})
    created = {"name": "Acme", "email": "a@acme.com", "manager": 1, "source": "import"}
    assert detail_items(en, "client.created", created, names) == [
        ("Name", "Acme"),
        ("Email", "a@acme.com"),
        ("Manager", "Olga Owner"),
        ("Added from", "a miner import"),
    ]
    export = {"name": "#3", "clients": [5, 6], "from": "2026-10-01", "data": ["miners", "logs"]}
    assert detail_items(en, "export.requested", export, names) == [
        ("Clients", "#5 Acme, #6"),
        ("From", "2026-10-01"),
        ("Data", "Miners, Logs"),
    ]
    role = {"name": "Crew", "template": "junior_technician", "permissions": ["tasks.view"]}
    assert detail_items(en, "role.created", role) == [
        ("Made from", "Junior technician"),
        ("Permissions", "View tasks"),
    ]
    moved = {"lost": 2, "to": None}
    assert detail_items(en, "miners.client_changed", moved) == [
        ("Miners lost", "2"),
        ("Moved to", "no client"),
    ]
    task = {"name": "#1 Fix", "manager": "Maintenance", "priority": "high", "miners": 0}
    assert detail_items(en, "task.created", task) == [
        ("Task manager", "Maintenance"),
        ("Priority", "High"),
        ("Miners", "0"),
    ]
    assert change_items(en, {"paid": [True, False]}) == [("Paid", "🟢 paid", "🔴 unpaid")]
    assert object_text(en, "task", {"name": "#1 Fix"}) == "Task · #1 Fix"

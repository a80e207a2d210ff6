"""Both languages are complete, and every key the code names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from handlers.alerts.views import generated_keys as alert_keys
from handlers.bills.views import GENERATED_KEYS as bill_keys
from handlers.exports.texts import GENERATED_KEYS as export_keys
from handlers.miners.card_views import GENERATED_KEYS as telemetry_keys
from handlers.miners.views import GENERATED_KEYS as miner_keys
from handlers.notifications import GENERATED_KEYS as notification_keys
from handlers.tasks.views import generated_keys as task_keys
from handlers.watchers.views import generated_keys as watcher_keys
from locales import LOCALES_DIR, SUPPORTED, Html, Translations
from services.audit import CATEGORIES
from services.audit_text import text_keys as audit_text_keys
from services.clients.service import EDITABLE, MINER_STATUSES, TASK_CATEGORIES
from services.permissions import DEFAULT_ROLES, Permission

ROOT = Path(__file__).resolve().parents[1]


def _keys(locale: str) -> dict[str, ast.Message]:
    keys: dict[str, ast.Message] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [e for e in resource.body if isinstance(e, ast.Junk)]
        assert not junk, f"{path}: syntax error {junk[0].annotations}"
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                assert entry.id.name not in keys, f"{entry.id.name} twice in {locale}"
                keys[entry.id.name] = entry
    return keys


def _variables(message: ast.Message) -> set[str]:
    found: set[str] = set()

    class Variables(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            found.add(node.id.name)
            self.generic_visit(node)

    Variables().visit(message)
    return found


def test_every_locale_has_the_same_keys_and_variables() -> None:
    english = _keys("en")
    for locale in SUPPORTED:
        other = _keys(locale)
        assert set(other) == set(english), (
            f"{locale}: missing {sorted(set(english) - set(other))}, "
            f"extra {sorted(set(other) - set(english))}"
        )
        for key, message in english.items():
            assert _variables(other[key]) == _variables(message), f"{locale}:{key} variables differ"


def _code_keys() -> set[str]:
    """Keys written literally in the code: t("key"), t(f"prefix-{...}") is checked separately."""
    pattern = re.compile(r"""\bt\(\s*["']([a-z0-9-]+)["']""")
    keys: set[str] = set()
    for package in ("bot", "handlers", "services"):
        for path in (ROOT / package).rglob("*.py"):
            keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_key_used_in_code_exists() -> None:
    english = set(_keys("en"))
    assert _code_keys() - english == set()


def test_generated_keys_exist() -> None:
    english = set(_keys("en"))
    generated = {f"role-{code.replace('_', '-')}" for code in DEFAULT_ROLES}
    generated |= {f"perm-{p.value.replace('.', '-').replace('_', '-')}" for p in Permission}
    generated |= {f"perm-group-{p.group}" for p in Permission}
    generated |= {f"plan-{p}" for p in ("free", "basic", "core", "scale", "enterprise")}
    generated |= {f"language-{code}" for code in SUPPORTED}
    generated |= {f"status-{s}" for s in MINER_STATUSES}
    generated |= {f"task-category-{c.replace('_', '-')}" for c in TASK_CATEGORIES}
    generated |= {f"field-{f}" for f in EDITABLE}
    generated |= {f"client-ask-{f}" for f in EDITABLE}
    generated |= {f"client-edit-ask-{f}" for f in EDITABLE}
    generated |= {f"clients-closed-{p}" for p in ("permission", "plan", "switch")}
    generated |= {f"logs-category-{c}" for c in ("all", *CATEGORIES)}
    generated |= task_keys()
    generated |= export_keys
    generated |= miner_keys
    generated |= audit_text_keys()
    generated |= telemetry_keys
    generated |= bill_keys
    generated |= watcher_keys()
    generated |= alert_keys()
    generated |= notification_keys
    assert generated - english == set()


def test_messages_format_without_errors_and_escape_arguments() -> None:
    translations = Translations()
    for locale in SUPPORTED:
        t = translations.get(locale)
        for key, message in _keys(locale).items():
            args = dict.fromkeys(_variables(message), "<x>")
            text = t(key, **args)
            assert text and text != key
            assert "<x>" not in text  # user text is escaped for HTML


def test_a_formatted_message_is_kept_by_its_arguments_and_their_types(
    caplog: pytest.LogCaptureFixture,
) -> None:
    t = Translations().get("en")
    plain = t("clients-search-shown", query="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in plain
    assert t("clients-search-shown", query="<b>x</b>") == plain  # from the cache
    assert "<b>x</b>" in t("clients-search-shown", query=Html("<b>x</b>"))  # not the same value
    assert t("clients-title", count=1) != t("clients-title", count=2)
    assert t("clients-title", count=1) != t("clients-title", count=True)  # True == 1, yet not here
    assert t("clients-search-shown", query=["a"])  # not hashable: formatted, not kept
    for _ in range(2):  # a message that fails is logged every time, never kept
        assert t("no-such-key") == "no-such-key"
    assert sum("no-such-key" in r.getMessage() for r in caplog.records) == 2

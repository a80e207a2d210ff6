"""The audit log in words, for the chat's log screens and for exported files.

Entries keep what was stored (`{"priority": "high"}`, `{"paid": true}`, a manager's id); these
functions say it in the member's language and name what ids stand for. They return plain text:
the chat escapes it for HTML, a spreadsheet takes it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.permissions import DEFAULT_ROLES, Permission
from services.texts import Texts

SOURCES = ("import", "miners")  # where a client added from an email came from
OBJECTS = (
    "client",
    "task",
    "miner",
    "asset",
    "export",
    "import",
    "staff",
    "invite",
    "role",
    "facility",
    "task_manager",
)


@dataclass(frozen=True, slots=True)
class Names:
    """Names of what entries refer to by id."""

    staff: Mapping[int, str] = field(default_factory=dict)
    clients: Mapping[int, str] = field(default_factory=dict)


def _key(prefix: str, code: str) -> str:
    return f"{prefix}-{code.replace('.', '-').replace('_', '-')}"


def field_label(t: Texts, name: str) -> str:
    """A changed field's name: a permission flag by its title, anything else as `field-*`."""
    key = _key("perm" if name in Permission._value2member_map_ else "field", name)
    return t(key) if t.has(key) else name


def value_text(t: Texts, name: str, value: Any) -> str:
    """A stored value in words: paid, switches, statuses, priorities, roles, plans, languages."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) and name == "paid":
        return t("log-value-paid") if value else t("log-value-unpaid")
    if isinstance(value, bool):
        return t("switch-on") if value else t("switch-off")
    text = str(value)
    named = {
        "status": "status",
        "task-priority": "task-priority",
        "priority": "task-priority",
        "plan": "plan",
        "locale": "language",
        "bill-status": "bills-status",
    }.get(name)
    if named and t.has(_key(named, text)):
        return t(_key(named, text))
    if name in ("role", "template") and text in DEFAULT_ROLES:
        return t(_key("role", text))
    return text


def change_items(t: Texts, changes: Any) -> list[tuple[str, str, str]]:
    """{field: [old, new]} as (field, old, new) in words."""
    if not isinstance(changes, dict):
        return []
    items = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        items.append((field_label(t, name), value_text(t, name, old), value_text(t, name, new)))
    return items


def object_text(t: Texts, entity_type: str | None, details: Mapping[str, Any]) -> str | None:
    """What an entry is about: "Task · #12 Replace fans", or the kind alone."""
    if entity_type is None:
        return None
    kind = _word(t, "log-object", entity_type)
    name = details.get("name")
    return f"{kind} · {name}" if name else kind


def detail_items(
    t: Texts, action: str, details: Mapping[str, Any], names: Names = Names()
) -> list[tuple[str, str]]:
    """What an entry's details say, as (label, value) in words, ids replaced by names. The
    entry's `name` (what it is about, shown beside the action) is left out, except for a new
    client, whose name is one of the details."""
    items = []
    for key, value in details.items():
        if key == "name" and action != "client.created":
            continue
        item = _detail(t, action, key, value, names)
        if item is not None:
            items.append(item)
    return items


def _detail(t: Texts, action: str, key: str, value: Any, names: Names) -> tuple[str, str] | None:
    if key == "invite":  # an invite's internal id says nothing to a reader
        return None
    if action == "miners.client_changed" and key == "to":
        return t("log-detail-moved-to"), value or t("log-detail-no-client")
    if value is None or value == "" or value == [] or (key in ("gained", "lost") and value == 0):
        return None
    label = _detail_label(t, action, key)
    if key == "manager" and isinstance(value, int) and not isinstance(value, bool):
        return label, names.staff.get(value, f"#{value}")
    if key == "source" and value in SOURCES:
        return label, t(_key("log-source", value))
    if key == "clients":
        if value == "all":
            return label, t("log-detail-all-clients")
        if isinstance(value, list):
            return label, ", ".join(_client(i, names) for i in value)
    if key == "data" and isinstance(value, list):
        return label, ", ".join(_word(t, "export-kind", str(k)) for k in value)
    if key == "permissions" and isinstance(value, list):
        return label, ", ".join(field_label(t, str(p)) for p in value)
    if key == "statuses" and isinstance(value, list):
        return label, ", ".join(_status(t, s) for s in value)
    if key == "fields" and isinstance(value, list):
        return label, ", ".join(_form_field(t, f) for f in value)
    if isinstance(value, list):
        return label, ", ".join(str(v) for v in value)
    return label, value_text(t, key, value)


def _detail_label(t: Texts, action: str, key: str) -> str:
    if action == "task.created" and key == "manager":
        return t("log-detail-task-manager")
    detail = _key("log-detail", key)
    return t(detail) if t.has(detail) else field_label(t, key)


def _word(t: Texts, prefix: str, code: str) -> str:
    key = _key(prefix, code)
    return t(key) if t.has(key) else code


def _client(client_id: Any, names: Names) -> str:
    name = names.clients.get(client_id) if isinstance(client_id, int) else None
    return f"#{client_id} {name}" if name else f"#{client_id}"


def _status(t: Texts, status: Any) -> str:
    """A new board's status, stored as [name, category]."""
    if isinstance(status, list) and len(status) == 2:
        return f"{status[0]} ({_word(t, 'task-category', str(status[1]))})"
    return str(status)


def _form_field(t: Texts, spec: Any) -> str:
    """A new board's form field, stored as {name, kind, choices, required}."""
    if not isinstance(spec, dict):
        return str(spec)
    about = [_word(t, "task-field-kind", str(spec.get("kind")))]
    if spec.get("choices"):
        about.append(" / ".join(str(c) for c in spec["choices"]))
    if spec.get("required"):
        about.append(t("task-field-required"))
    return f"{spec.get('name')} ({', '.join(about)})"


def text_keys() -> set[str]:
    """Translation keys built here at run time (checked by tests/test_locales.py); `log-detail-*`
    keys are looked up with a fallback to the field's name."""
    return {_key("log-source", s) for s in SOURCES} | {_key("log-object", o) for o in OBJECTS}

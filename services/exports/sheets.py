"""What each kind of exported data looks like in the spreadsheet: sheets, columns, row values.

Headers and sheet names are translation keys (``export-col-<column>``, ``export-sheet-<sheet>``);
the caller's `Texts` renders them in the member's language. Row mappers turn a database row
(storage/repositories/exports.py, same column order) into cell values: money from integer minor
units to Decimal with two places, energy from Wh to kWh, rates and markups to their decimals;
times stay aware UTC datetimes here and become local time in the writer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select

from services.audit_text import Names, change_items, detail_items, object_text
from services.bills.money import price_decimal, to_decimal
from services.exports.periods import Period
from services.exports.xlsx_writer import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    KWH_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    SheetSpec,
)
from services.texts import CachedTexts, Texts
from storage.repositories import exports as repo

KINDS = ("profile", "miners", "tasks", "billing", "consumption", "logs")
RATE_FORMAT = "0.0000########"


class Labels:
    """Translated names of stored codes (a miner status, a log action), each looked up once;
    `words` says anything else in the member's language, each message formatted once."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.words = CachedTexts(texts)
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, prefix: str, code: str | None) -> str | None:
        if code is None:
            return None
        found = self._cache.get((prefix, code))
        if found is None:
            key = f"{prefix}-{code.replace('_', '-').replace('.', '-')}"
            found = self.texts(key) if self.texts.has(key) else code
            self._cache[(prefix, code)] = found
        return found


@dataclass(frozen=True, slots=True)
class Scope:
    """What one export covers."""

    clients: list[int] | None  # None: every client
    period: Period
    zone: ZoneInfo
    currency: str  # the facility's, for client pricing
    task_fields: Mapping[str, str] = field(default_factory=dict)  # extra field id → name
    staff: Mapping[int, str] = field(default_factory=dict)  # staff id → name (log details)
    merged: tuple[int, ...] = ()  # clients merged into the chosen ones: their history comes too

    @property
    def history(self) -> list[int] | None:
        """Whose consumption and log entries the export holds: the chosen clients and those
        merged into them (their bills, miners and tasks are the chosen clients' own now)."""
        return None if self.clients is None else sorted({*self.clients, *self.merged})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    width: float
    format: str | None = None


Row = Sequence[Any]


@dataclass(frozen=True, slots=True)
class Sheet:
    key: str
    kind: str
    columns: tuple[Column, ...]
    query: Callable[[Scope], Select[*tuple[Any, ...]]]
    row: Callable[[Row, Labels, Scope], tuple[Any, ...]]

    def spec(self, texts: Texts) -> SheetSpec:
        return SheetSpec(
            key=self.key,
            title=texts(f"export-sheet-{self.key}"),
            headers=[texts(f"export-col-{c.key}") for c in self.columns],
            widths=[c.width for c in self.columns],
            formats=[c.format for c in self.columns],
        )


def _scaled(value: int | None, places: int) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-places)


CLIENT_ID = Column("client-id", 9)
CLIENT = Column("client", 28)
ADDED = Column("added", 17, DATETIME_FORMAT)
CURRENCY = Column("currency", 9)


def _in(minor: int | None, currency: str) -> Decimal | None:
    return None if minor is None else to_decimal(minor, currency)


def _profile_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    """The client's own rates (its overrides of the facility's) on the period's last day."""
    has_pricing = any(v is not None for v in r[9:13])
    return (
        *r[:6],
        r[6],
        r[7],
        r[8],
        None if r[9] is None else price_decimal(r[9], scope.currency),
        _in(r[10], scope.currency),
        _scaled(r[11], 2),
        r[12],
        scope.currency if has_pricing else None,
    )


def _paid(paid: bool | None, labels: Labels) -> str | None:
    """Paid or not in the words the chat uses."""
    if paid is None:
        return None
    return labels.words("miners-paid-word") if paid else labels.words("miners-unpaid-word")


def _miner_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    return (*r[:11], labels("status", r[11]), _paid(r[12], labels), r[13])


def _task_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    extra = r[15]
    other = None
    if isinstance(extra, dict) and extra:
        other = "; ".join(f"{scope.task_fields.get(k, k)}: {v}" for k, v in extra.items())
    return (*r[:8], labels("task-priority", r[8]), *r[9:15], other)


def _bill_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    currency = r[4]
    money = [_in(v, currency) for v in r[6:12]]
    due = None if r[12] == "cancelled" else _in(max(r[10] - r[11], 0), currency)
    return (
        r[0],
        r[1],
        r[2],
        r[3],
        _scaled(r[5], 3),
        *money,
        due,
        currency,
        labels("export-bill-status", r[12]),
        r[13],
        r[14],
        r[15],
        r[16],
    )


def _payment_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    return (
        *r[:6],
        _in(r[6], r[7]),
        r[7],
        labels("export-payment-method", r[8]),
        r[9],
        r[10],
        r[11],
    )


def _consumption_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    return (r[0], r[1], r[2], _scaled(r[3], 3))


def _log_row(r: Row, labels: Labels, scope: Scope) -> tuple[Any, ...]:
    """An audit entry in words, as the chat shows it: changes as "Field: old → new", details with
    names instead of ids."""
    words = labels.words
    details = r[9] if isinstance(r[9], dict) else {}
    changes = [f"{f}: {old} → {new}" for f, old, new in change_items(words, r[8])]
    names = Names(scope.staff, {r[1]: r[2]})
    said = [f"{label}: {value}" for label, value in detail_items(words, r[5], details, names)]
    return (
        r[0],
        r[1],
        r[2],
        r[3],
        labels("logs-category", r[4]),
        labels("log", r[5]),
        object_text(words, r[6], details),
        r[7],
        "; ".join(changes) or None,
        "; ".join(said) or None,
    )


def _bounds(scope: Scope) -> tuple[Any, Any]:
    return scope.period.utc_bounds(scope.zone)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "clients",
        "profile",
        (
            Column("client-id", 9),
            Column("name", 30),
            Column("email", 30),
            Column("phone", 17),
            Column("messenger", 20),
            Column("manager", 22),
            ADDED,
            Column("updated", 17, DATETIME_FORMAT),
            Column("miners", 9),
            Column("price-per-kwh", 13, RATE_FORMAT),
            Column("hosting-fee", 14, MONEY_FORMAT),
            Column("markup", 10, PERCENT_FORMAT),
            Column("payment-term", 10),
            CURRENCY,
        ),
        lambda s: repo.profiles(s.clients, s.period.end),
        _profile_row,
    ),
    Sheet(
        "miners",
        "miners",
        (
            CLIENT_ID,
            CLIENT,
            Column("miner-id", 10),
            Column("model", 20),
            Column("submodel", 12),
            Column("serial", 22),
            Column("mac", 18),
            Column("ip", 15),
            Column("worker", 20),
            Column("location", 16),
            Column("power", 11),
            Column("status", 13),
            Column("paid", 8),
            ADDED,
        ),
        lambda s: repo.miners(s.clients),
        _miner_row,
    ),
    Sheet(
        "tasks",
        "tasks",
        (
            CLIENT_ID,
            CLIENT,
            Column("task-id", 9),
            Column("task-manager", 18),
            Column("task-type", 14),
            Column("task-status", 16),
            Column("summary", 40),
            Column("description", 50),
            Column("priority", 10),
            Column("due", 12, DATE_FORMAT),
            Column("assignee", 22),
            Column("reporter", 22),
            Column("miners", 9),
            Column("created", 17, DATETIME_FORMAT),
            Column("updated", 17, DATETIME_FORMAT),
            Column("task-fields", 40),
        ),
        lambda s: repo.tasks(s.clients, *_bounds(s)),
        _task_row,
    ),
    Sheet(
        "bills",
        "billing",
        (
            CLIENT_ID,
            CLIENT,
            Column("bill-id", 9),
            Column("bill-period", 10),
            Column("consumption", 16, KWH_FORMAT),
            Column("energy-cost", 14, MONEY_FORMAT),
            Column("markup-amount", 14, MONEY_FORMAT),
            Column("hosting-fee", 14, MONEY_FORMAT),
            Column("service-cost", 13, MONEY_FORMAT),
            Column("total", 14, MONEY_FORMAT),
            Column("paid-amount", 14, MONEY_FORMAT),
            Column("amount-due", 14, MONEY_FORMAT),
            CURRENCY,
            Column("bill-status", 14),
            Column("issued-on", 12, DATE_FORMAT),
            Column("due-on", 12, DATE_FORMAT),
            Column("cancel-reason", 24),
            Column("created", 17, DATETIME_FORMAT),
        ),
        lambda s: repo.bills(s.clients, *s.period.months()),
        _bill_row,
    ),
    Sheet(
        "payments",
        "billing",
        (
            CLIENT_ID,
            CLIENT,
            Column("payment-id", 11),
            Column("bill-id", 9),
            Column("bill-period", 10),
            Column("paid-on", 12, DATE_FORMAT),
            Column("amount", 14, MONEY_FORMAT),
            CURRENCY,
            Column("method", 16),
            Column("reference", 20),
            Column("recorded-by", 22),
            Column("recorded-at", 17, DATETIME_FORMAT),
        ),
        lambda s: repo.payments(s.clients, s.period.start, s.period.end),
        _payment_row,
    ),
    Sheet(
        "consumption",
        "consumption",
        (CLIENT_ID, CLIENT, Column("day", 12, DATE_FORMAT), Column("energy", 14, KWH_FORMAT)),
        lambda s: repo.consumption(s.history, s.period.start, s.period.end),
        _consumption_row,
    ),
    Sheet(
        "logs",
        "logs",
        (
            Column("time", 17, DATETIME_FORMAT),
            CLIENT_ID,
            CLIENT,
            Column("who", 22),
            Column("category", 11),
            Column("action", 26),
            Column("entity", 12),
            Column("entity-id", 10),
            Column("changes", 50),
            Column("details", 50),
        ),
        lambda s: repo.logs(s.history, *_bounds(s)),
        _log_row,
    ),
)


def sheets_for(kinds: Sequence[str]) -> list[Sheet]:
    """The sheets of the chosen kinds of data, in the product's order."""
    wanted = set(kinds)
    return [sheet for sheet in SHEETS if sheet.kind in wanted]


def text_keys() -> set[str]:
    """Every translation key the sheets name (checked by tests/test_locales.py)."""
    keys = {f"export-sheet-{s.key}" for s in SHEETS}
    keys |= {f"export-col-{c.key}" for s in SHEETS for c in s.columns}
    return keys

"""Miner import: a spreadsheet into clean rows, then clean rows into a plan against the database.

Both steps are plain synchronous functions over plain data (no session, no event loop), so the
service runs them in a worker thread and tests call them directly.

Row semantics, as the template explains them to members:
- A row names a miner by serial number, MAC or IP (at least one). A known serial or MAC finds
  the existing miner; failing those, an IP finds the one miner at that IP whose serial and MAC
  do not contradict the row. Otherwise the row is a new miner.
- A blank cell leaves an existing miner's value as it is; a new miner gets the default
  (status Unknown, paid).
- A client email that matches no client makes the miner have no client (the preview says so
  and offers to add the client first).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

from services.errors import Invalid
from services.miners.fields import (
    IDENTIFYING,
    BadValue,
    EmailCleaner,
    cell_text,
    clean_ip,
    clean_mac,
    clean_paid,
    clean_power,
    clean_serial,
    clean_status,
    clean_text,
    match_header,
)
from services.miners.spreadsheet import SHEET_PROBLEMS, read_table

MAX_ROWS = 200_000
# Why a row is rejected (translation keys miners-reject-<reason>).
REJECT_REASONS = (
    "error-value",
    "ip",
    "mac",
    "too-long",
    "power",
    "paid",
    "status",
    "email",
    "no-id",
    "dup-serial",
    "dup-mac",
    "dup-ip",
    "conflict",
    "ip-ambiguous",
    "same-miner",
    "client-archived",
)
# Why a whole file is refused (Invalid("file", reason): translation keys invalid-file-<reason>).
FILE_PROBLEMS = (*SHEET_PROBLEMS, "no-id-column", "too-many-rows")
PROGRESS_EVERY = 2_000
VALUE_SHOWN = 40  # characters of a bad value kept for the member to recognise it


class MinerRow(NamedTuple):
    """One accepted row; None means "not given" (an existing miner keeps its value)."""

    row: int
    serial: str | None
    mac: str | None
    ip: str | None
    model: str | None
    submodel: str | None
    worker: str | None
    location: str | None
    email: str | None
    power: int | None
    paid: bool | None
    status: str | None


class Reject(NamedTuple):
    """Why a row is skipped: `reason` is a translation key suffix; `other` another row number."""

    row: int
    reason: str
    field: str | None = None
    value: str | None = None
    other: int | None = None


class Existing(NamedTuple):
    """A stored miner, as much of it as an import can change."""

    id: int
    serial: str | None
    mac: str | None
    ip: str | None
    model: str | None
    submodel: str | None
    worker: str | None
    location: str | None
    power: int | None
    client_id: int | None
    paid: bool
    status: str


# MinerRow and Existing share positions 1–7 (serial … location); the rest map as below.
_SAME_PLACE = range(1, 8)
DB_COLUMNS = (
    "serial",
    "mac",
    "ip",
    "model",
    "submodel",
    "worker",
    "location",
    "nominal_power_w",
    "client_id",
    "paid",
    "status",
)


@dataclass
class ParsedFile:
    kind: str  # xlsx | xlsm | xlsb | xls | ods | csv
    columns: tuple[str, ...]  # the fields the header names
    rows: list[MinerRow]
    rejects: list[Reject]
    data_rows: int  # non-blank rows under the header
    sheet: str | None = None  # the sheet read (None for CSV)

    @property
    def emails(self) -> set[str]:
        return {r.email for r in self.rows if r.email}


def header_score(cells: Sequence[Any]) -> int:
    """How many of our columns a row names; 0 unless it names an identifying column or two
    columns (so a title line above the header is passed over)."""
    found = match_header(cells)
    if any(f in found for f in IDENTIFYING) or len(found) >= 2:
        return len(found)
    return 0


def _clean_text(name: str, _raw: Any, text: str) -> str:
    return clean_text(name, text)


def _short(value: Any) -> str:
    text = str(value).strip()
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _shown(raw: Any) -> str:
    """A bad cell as the member typed it (its text, else the raw value)."""
    try:
        text = cell_text(raw)
    except BadValue:
        text = None
    return _short(raw if text is None else text)


Cleaner = Callable[[Any], Any]  # a raw cell → its stored value, None when blank; or BadValue
# Columns that repeat a few values down a whole file: their text is cleaned once per value.
REPEATING = frozenset({"model", "submodel", "email", "power", "paid", "status"})
REPEATING |= {"container", "rack", "place"}
MEMO_SIZE = 20_000


def _from_text(clean: Callable[[Any, str], Any]) -> Cleaner:
    def cleaned(raw: Any) -> Any:
        text = cell_text(raw)
        return None if text is None else clean(raw, text)

    return cleaned


def _remembered(clean: Cleaner) -> Cleaner:
    """`clean` with its answers for text cells kept (a bad value is cleaned again each time)."""
    seen: dict[str, Any] = {}

    def cleaned(raw: Any) -> Any:
        if type(raw) is not str:
            return clean(raw)
        found = seen.get(raw, seen)
        if found is not seen:
            return found
        value = clean(raw)
        if len(seen) < MEMO_SIZE:
            seen[raw] = value
        return value

    return cleaned


class RowReader:
    """Turns the cells of one data row into a MinerRow, or the reasons it is rejected."""

    def __init__(self, columns: dict[str, int]) -> None:
        email = EmailCleaner()
        cleaners: dict[str, Callable[[Any, str], Any]] = {
            "serial": lambda _raw, text: clean_serial(text),
            "mac": lambda _raw, text: clean_mac(text),
            "ip": lambda _raw, text: clean_ip(text),
            "email": lambda _raw, text: email(text),
            "power": clean_power,
            "paid": clean_paid,
            "status": lambda _raw, text: clean_status(text),
            "container": lambda _raw, text: " ".join(text.split()),
            "rack": lambda _raw, text: " ".join(text.split()),
            "place": lambda _raw, text: " ".join(text.split()),
        }
        self.columns: list[tuple[str, int, Cleaner]] = []
        for name, index in columns.items():
            clean = _from_text(cleaners.get(name) or partial(_clean_text, name))
            self.columns.append((name, index, _remembered(clean) if name in REPEATING else clean))
        self.seen_serial: dict[str, int] = {}
        self.seen_mac: dict[str, int] = {}
        self.seen_ip_only: dict[str, int] = {}

    def read(self, number: int, cells: Sequence[Any]) -> MinerRow | list[Reject] | None:
        """None for a blank row (nothing in any of our columns)."""
        size = len(cells)
        values: dict[str, Any] = {}
        problems: list[Reject] | None = None
        for name, index, clean in self.columns:
            if index >= size:
                continue
            raw = cells[index]
            if raw is None or raw == "":  # calamine gives "" for an empty cell
                continue
            try:
                value = clean(raw)
            except BadValue as bad:
                problems = problems or []
                problems.append(Reject(number, bad.reason, name, _shown(raw)))
                continue
            if value is not None:
                values[name] = value
        if problems:
            return problems
        if not values:
            return None
        return self._identify(number, values)

    def _identify(self, number: int, v: dict[str, Any]) -> MinerRow | list[Reject]:
        serial, mac, ip = v.get("serial"), v.get("mac"), v.get("ip")
        if serial is None and mac is None and ip is None:
            return [Reject(number, "no-id")]
        if serial is not None and serial in self.seen_serial:
            return [Reject(number, "dup-serial", "serial", serial, self.seen_serial[serial])]
        if mac is not None and mac in self.seen_mac:
            return [Reject(number, "dup-mac", "mac", mac, self.seen_mac[mac])]
        if serial is None and mac is None and ip is not None:
            if ip in self.seen_ip_only:
                return [Reject(number, "dup-ip", "ip", ip, self.seen_ip_only[ip])]
            self.seen_ip_only[ip] = number
        if serial is not None:
            self.seen_serial[serial] = number
        if mac is not None:
            self.seen_mac[mac] = number
        location = v.get("location")
        if location is None:
            parts = [v[k] for k in ("container", "rack", "place") if k in v]
            location = "/".join(parts)[:128] if parts else None
        return MinerRow(
            number,
            serial,
            mac,
            ip,
            v.get("model"),
            v.get("submodel"),
            v.get("worker"),
            location,
            v.get("email"),
            v.get("power"),
            v.get("paid"),
            v.get("status"),
        )


def parse_file(
    data: bytes, file_name: str | None, progress: Callable[[int], None] | None = None
) -> ParsedFile:
    """Read a whole import file. Raise Invalid("file", reason) when it cannot be used at all;
    rows that cannot be used are returned as rejects. `progress(rows_read)` is called from
    this (worker) thread every few thousand rows."""
    with read_table(data, file_name, header_score) as table:
        if table.header is None:
            raise Invalid("file", "no-header")
        columns = match_header(table.header)
        if not any(f in columns for f in IDENTIFYING):
            raise Invalid("file", "no-id-column")
        reader = RowReader(columns)
        rows: list[MinerRow] = []
        rejects: list[Reject] = []
        data_rows = 0
        for count, (number, cells) in enumerate(table.rows, 1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
            result = reader.read(number, cells)
            if result is None:
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                raise Invalid("file", "too-many-rows", max=MAX_ROWS)
            if isinstance(result, list):
                rejects.extend(result)
            else:
                rows.append(result)
        return ParsedFile(table.kind, tuple(columns), rows, rejects, data_rows, table.sheet)


# --- planning ---------------------------------------------------------------------------------


@dataclass
class MinerIndex:
    """Stored miners by id, serial, MAC and IP (IP is not unique: DHCP hands addresses on)."""

    miners: dict[int, Existing] = field(default_factory=dict)
    serial: dict[str, int] = field(default_factory=dict)
    mac: dict[str, int] = field(default_factory=dict)
    ip: dict[str, list[int]] = field(default_factory=dict)

    def add(self, miner: Existing) -> None:
        self.miners[miner.id] = miner
        if miner.serial is not None:
            self.serial[miner.serial] = miner.id
        if miner.mac is not None:
            self.mac[miner.mac] = miner.id
        if miner.ip is not None:
            self.ip.setdefault(miner.ip, []).append(miner.id)

    def extend(self, miners: Iterable[Existing]) -> None:
        for miner in miners:
            self.add(miner)

    @classmethod
    def of(cls, miners: Iterable[Existing]) -> MinerIndex:
        index = cls()
        index.extend(miners)
        return index


@dataclass
class Plan:
    inserts: list[tuple[MinerRow, int | None]]  # each new miner's row and client id
    updates: list[list[Any]]  # each changed miner as it will be (Existing's fields)
    unchanged: int
    rejects: list[Reject]
    gained: Counter[int]  # client id → miners it gains
    lost: Counter[int]  # client id → miners it loses
    unknown_emails: Counter[str]  # email with no client → rows
    moved: int  # existing miners that change client
    client_moves: list[tuple[int, int | None, int | None]] = field(default_factory=list)
    status_moves: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def without_client(self) -> int:
        return sum(self.unknown_emails.values())

    def insert_values(self) -> list[dict[str, Any]]:
        """Column values of the new miners (built only when the plan is applied)."""
        return [
            {
                "serial": row.serial,
                "mac": row.mac,
                "ip": row.ip,
                "model": row.model,
                "submodel": row.submodel,
                "worker": row.worker,
                "location": row.location,
                "nominal_power_w": row.power,
                "client_id": client_id,
                "paid": True if row.paid is None else row.paid,
                "status": row.status or "unknown",
            }
            for row, client_id in self.inserts
        ]

    def update_values(self) -> list[dict[str, Any]]:
        """Every importable column of each changed miner, with its "id"."""
        return [
            {"id": new[0], **dict(zip(DB_COLUMNS, new[1:], strict=True))} for new in self.updates
        ]


def _match(row: MinerRow, index: MinerIndex) -> int | Reject | None:
    by_serial = index.serial.get(row.serial) if row.serial is not None else None
    by_mac = index.mac.get(row.mac) if row.mac is not None else None
    if by_serial is not None and by_mac is not None and by_serial != by_mac:
        return Reject(row.row, "conflict", "mac", row.mac)
    found = by_serial if by_serial is not None else by_mac
    if found is not None or row.ip is None:
        return found
    candidates = [
        i
        for i in index.ip.get(row.ip, ())
        if (row.serial is None or index.miners[i].serial is None)
        and (row.mac is None or index.miners[i].mac is None)
    ]
    if len(candidates) > 1:
        return Reject(row.row, "ip-ambiguous", "ip", row.ip)
    return candidates[0] if candidates else None


def make_plan(
    rows: Sequence[MinerRow],
    index: MinerIndex,
    clients: dict[str, int],
    archived: Collection[str] = frozenset(),
) -> Plan:
    """What applying `rows` would do to the miners in `index`, `clients` mapping email → id
    (an alias to the client a merge gave it to); a row naming an `archived` client's email is
    rejected (the client is restored first, or the row names another)."""
    inserts: list[tuple[MinerRow, int | None]] = []
    updates: list[list[Any]] = []
    rejects: list[Reject] = []
    gained: Counter[int] = Counter()
    lost: Counter[int] = Counter()
    unknown: Counter[str] = Counter()
    claimed: dict[int, int] = {}  # miner id → the row that updates it
    client_moves: list[tuple[int, int | None, int | None]] = []  # miner, old, new client
    status_moves: list[tuple[int, str, str]] = []
    unchanged = moved = 0
    for row in rows:
        target = _match(row, index)
        if isinstance(target, Reject):
            rejects.append(target)
            continue
        if target is not None and target in claimed:
            rejects.append(Reject(row.row, "same-miner", None, None, claimed[target]))
            continue
        if row.email is not None and row.email in archived:
            rejects.append(Reject(row.row, "client-archived", "email", row.email))
            continue
        client_given = row.email is not None
        client_id = clients.get(row.email) if row.email is not None else None
        if client_given and client_id is None:
            unknown[row.email] += 1  # type: ignore[index]
        if target is None:
            if client_id is not None:
                gained[client_id] += 1
            inserts.append((row, client_id))
            continue
        claimed[target] = row.row
        old = index.miners[target]
        new: list[Any] = list(old)
        for i in _SAME_PLACE:
            if row[i] is not None:
                new[i] = row[i]
        if row.power is not None:
            new[8] = row.power
        if client_given:
            new[9] = client_id
        if row.paid is not None:
            new[10] = row.paid
        if row.status is not None:
            new[11] = row.status
        if tuple(new) == tuple(old):
            unchanged += 1
            continue
        if new[11] != old.status:
            status_moves.append((old.id, old.status, new[11]))
        if new[9] != old.client_id:
            moved += 1
            client_moves.append((old.id, old.client_id, new[9]))
            if old.client_id is not None:
                lost[old.client_id] += 1
            if new[9] is not None:
                gained[new[9]] += 1
        updates.append(new)
    return Plan(
        inserts,
        updates,
        unchanged,
        rejects,
        gained,
        lost,
        unknown,
        moved,
        client_moves,
        status_moves,
    )

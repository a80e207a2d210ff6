"""Meter readings imported from a spreadsheet: kWh per client per day or per calendar month.

The file goes through the miners import's reader (`.xlsx`/`.csv`, the same upload guards);
columns are found by name (English or Russian): the client's email, a day (2026-10-15,
15.10.2026) or a month (2026-10, 10.2026), and kWh. Rows that cannot be used are listed with the
reason. Applying replaces a client's stored readings that overlap the new ones, in one
transaction, logged per client. On a bill a reading replaces the energy of its days ("metered").
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from services.actor import Actor
from services.bills.money import format_kwh
from services.bills.periods import next_month
from services.clients.contacts import normalize_email
from services.errors import DomainError, Invalid, NotFound
from services.facility import FacilityService
from services.miners.spreadsheet import read_table
from services.permissions import Permission
from storage.db import Database
from storage.models import MeteredEnergy, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import bills as repo
from storage.repositories import miners as miners_repo

MAX_ROWS = 100_000
MAX_KWH = Decimal(10) ** 9
_KEY = re.compile(r"^[0-9a-f]{16}$")
_FOLD = re.compile(r"[\s_\-.,:;()/·]+")
HEADERS = {
    "email": ("email", "e-mail", "client", "client email", "почта", "клиент", "email клиента"),
    "period": ("date", "day", "month", "period", "дата", "день", "месяц", "период"),
    "kwh": ("kwh", "energy", "consumption", "квтч", "квт ч", "энергия", "потребление"),
}
_ALIASES = {_FOLD.sub("", a): f for f, names in HEADERS.items() for a in names}


@dataclass(frozen=True, slots=True)
class Reading:
    email: str
    client_id: int
    first: date
    last: date
    wh: int


@dataclass(frozen=True, slots=True)
class MeteredPreview:
    key: str
    file_name: str
    readings: int
    clients: int
    wh: int
    rejects: list[tuple[int, str]]  # (row, reason)


def _field(cell: Any) -> str | None:
    return _ALIASES.get(_FOLD.sub("", str(cell or "").casefold()))


def _score(cells: Sequence[Any]) -> int:
    return len({f for f in (_field(c) for c in cells) if f})


_DAY_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (0, 1, 2)),  # year, month, day
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (2, 1, 0)),
)
_MONTH_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), (0, 1)),  # year, month
    (re.compile(r"^(\d{1,2})\.(\d{4})$"), (1, 0)),
)


def parse_period(value: Any) -> tuple[date, date]:
    """A day, or a calendar month, as (first day, last day)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value, value
    text = str(value or "").strip()
    try:
        for pattern, (y, m, d) in _DAY_FORMATS:
            if found := pattern.match(text):
                parts = [int(p) for p in found.groups()]
                day = date(parts[y], parts[m], parts[d])
                return day, day
        for pattern, (y, m) in _MONTH_FORMATS:
            if found := pattern.match(text):
                parts = [int(p) for p in found.groups()]
                first = date(parts[y], parts[m], 1)
                return first, next_month(first) - timedelta(days=1)
    except ValueError as exc:
        raise Invalid("metered_period", "format") from exc
    raise Invalid("metered_period", "format")


def parse_kwh(value: Any) -> int:
    """kWh (up to three decimals) → Wh."""
    text = str(value if value is not None else "").replace(" ", "").replace(",", ".")
    try:
        kwh = Decimal(text)
    except InvalidOperation as exc:
        raise Invalid("metered_kwh", "number") from exc
    if not kwh.is_finite() or kwh < 0 or kwh >= MAX_KWH:
        raise Invalid("metered_kwh", "number")
    return int((kwh * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read_rows(
    data: bytes, file_name: str | None
) -> tuple[list[tuple[int, str, date, date, int]], list[tuple[int, str]]]:
    """(row, email, first, last, Wh) of each usable row, and (row, reason) of the others."""
    good: list[tuple[int, str, date, date, int]] = []
    bad: list[tuple[int, str]] = []
    seen: dict[tuple[str, date, date], int] = {}
    with read_table(data, file_name, _score) as table:
        columns = {_field(c): i for i, c in enumerate(table.header or ()) if _field(c)}
        if set(columns) != set(HEADERS):
            raise Invalid("file", "metered-columns")
        for number, cells in table.rows:
            if len(good) + len(bad) >= MAX_ROWS:
                raise Invalid("file", "too-many-rows", max=MAX_ROWS)

            def cell(name: str, cells: Sequence[Any] = cells) -> Any:
                i = columns[name]
                return cells[i] if i < len(cells) else None

            if all(cell(f) in (None, "") for f in HEADERS):
                continue
            try:
                email = normalize_email(str(cell("email") or ""))
                first, last = parse_period(cell("period"))
                wh = parse_kwh(cell("kwh"))
            except DomainError as exc:
                bad.append((number, getattr(exc, "field", "row")))
                continue
            key = (email, first, last)
            if key in seen:
                bad.append((number, "duplicate"))
                continue
            seen[key] = number
            good.append((number, email, first, last, wh))
    return good, bad


class MeteredImport:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        directory: Path,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.facility = facility
        self.directory = directory
        self.clock = clock

    async def _require(self, actor: Actor) -> None:
        await self.facility.require_clients(actor)
        actor.require(Permission.BILLS_VIEW, Permission.BILLS_EDIT)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise NotFound("metered_import", key)
        return self.directory / f"{key}.json"

    async def read(self, actor: Actor, data: bytes, file_name: str | None) -> MeteredPreview:
        await self._require(actor)
        good, bad = await asyncio.to_thread(read_rows, data, file_name)
        async with self.db.read() as session:
            clients = await miners_repo.clients_by_email(session, {e for _, e, _, _, _ in good})
        readings = []
        for number, email, first, last, wh in good:
            if email not in clients:
                bad.append((number, "unknown-client"))
                continue
            readings.append(Reading(email, clients[email], first, last, wh))
        if not readings:
            raise Invalid("file", "no-readings")
        key = secrets.token_hex(8)
        payload = {
            "owner": actor.staff_id,
            "file": (file_name or "")[:255],
            "readings": [
                [r.email, r.client_id, r.first.isoformat(), r.last.isoformat(), r.wh]
                for r in readings
            ],
            "rejects": sorted(bad),
        }
        await asyncio.to_thread(self._save, key, payload)
        return _preview(key, payload)

    def _save(self, key: str, payload: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(payload), encoding="utf-8")
        tmp.replace(path)

    def _load(self, key: str, actor: Actor) -> dict[str, Any]:
        path = self._path(key)
        if not path.exists():
            raise NotFound("metered_import", key)
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("owner") != actor.staff_id:
            raise NotFound("metered_import", key)
        return payload

    async def preview(self, actor: Actor, key: str) -> MeteredPreview:
        await self._require(actor)
        return _preview(key, await asyncio.to_thread(self._load, key, actor))

    async def apply(self, actor: Actor, key: str) -> MeteredPreview:
        """Store the readings (each replaces a client's readings it overlaps), all or none."""
        await self._require(actor)
        payload = await asyncio.to_thread(self._load, key, actor)
        now = self.clock()
        per_client: dict[int, list[int]] = {}
        async with self.db.write() as session:
            for _email, client_id, first, last, wh in payload["readings"]:
                start, end = date.fromisoformat(first), date.fromisoformat(last)
                await repo.replace_metered(session, client_id, start, end)
                session.add(
                    MeteredEnergy(
                        client_id=client_id,
                        first_day=start,
                        last_day=end,
                        energy_wh=wh,
                        file_name=payload["file"] or None,
                        imported_by=actor.staff_id,
                        imported_at=now,
                    )
                )
                counts = per_client.setdefault(client_id, [0, 0])
                counts[0] += 1
                counts[1] += wh
            for client_id, (count, wh) in sorted(per_client.items()):
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="client",
                    action="energy.metered_imported",
                    entity_type="client",
                    entity_id=client_id,
                    client_id=client_id,
                    details={"readings": count, "kwh": format_kwh(wh), "file": payload["file"]},
                    at=now,
                )
        await asyncio.to_thread(self._path(key).unlink, True)
        return _preview(key, payload)

    async def cancel(self, actor: Actor, key: str) -> None:
        await self._require(actor)
        await asyncio.to_thread(self._load, key, actor)
        await asyncio.to_thread(self._path(key).unlink, True)


def _preview(key: str, payload: dict[str, Any]) -> MeteredPreview:
    readings = payload["readings"]
    return MeteredPreview(
        key=key,
        file_name=payload["file"],
        readings=len(readings),
        clients=len({r[1] for r in readings}),
        wh=sum(r[4] for r in readings),
        rejects=[(int(n), str(reason)) for n, reason in payload["rejects"]],
    )

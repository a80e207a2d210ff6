"""Facility settings: name, time zone, currency, plan tier and the Client management switch."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from services.actor import Actor
from services.errors import AreaClosed, Invalid
from services.permissions import Permission
from services.text import clean_name
from storage.db import Database
from storage.models import FacilitySettings, utcnow
from storage.repositories import audit as audit_repo

PLANS = ("free", "basic", "core", "scale", "enterprise")
CLIENT_PLANS = frozenset({"core", "scale", "enterprise"})
COMMON_CURRENCIES = ("USD", "EUR", "RUB", "KZT", "USDT", "BTC")
COMMON_TIMEZONES = (
    "UTC",
    "Europe/Moscow",
    "Asia/Almaty",
    "Asia/Yekaterinburg",
    "Asia/Irkutsk",
    "America/New_York",
)
_CURRENCY_RE = re.compile(r"^[A-Z]{3,5}$")
TELEMETRY_INTERVALS = (60, 120, 300, 600, 900, 1800, 3600)  # seconds between poll cycles
LOWHASH_RANGE = (50, 99)  # % of its expected hashrate below which a miner is Lowhash


@cache
def _zone_names() -> dict[str, str]:
    """IANA zone names by their case-folded form. Typed text is looked up here, never handed
    to ZoneInfo: a long or odd value would make it raise (file name too long, bad path)."""
    return {name.casefold(): name for name in available_timezones()}


@dataclass(frozen=True, slots=True)
class Facility:
    name: str
    timezone: str
    currency: str
    plan: str
    client_management: bool
    telemetry: bool = True
    telemetry_interval_s: int = 300
    lowhash_pct: int = 90

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _facility(row: FacilitySettings) -> Facility:
    return Facility(
        row.name,
        row.timezone,
        row.currency,
        row.plan,
        row.client_management,
        row.telemetry,
        row.telemetry_interval_s,
        row.lowhash_pct,
    )


def clean_value(field: str, value: object) -> object:
    """Validate one setting; raise Invalid with a reason the handler can explain."""
    if field == "name":
        return clean_name("name", str(value), max_len=64)
    if field == "timezone":
        zone = _zone_names().get(str(value).strip().casefold())
        if zone is None:
            raise Invalid("timezone", "unknown")
        return zone
    if field == "currency":
        text = str(value).strip().upper()
        if not _CURRENCY_RE.match(text):
            raise Invalid("currency", "format")
        return text
    if field == "plan":
        text = str(value).strip().lower()
        if text not in PLANS:
            raise Invalid("plan", "unknown")
        return text
    if field in ("client_management", "telemetry"):
        if not isinstance(value, bool):
            raise Invalid(field, "format")
        return value
    if field == "telemetry_interval_s":
        seconds = _whole(field, value)
        if seconds not in TELEMETRY_INTERVALS:
            raise Invalid(field, "unknown")
        return seconds
    if field == "lowhash_pct":
        pct = _whole(field, value)
        if not LOWHASH_RANGE[0] <= pct <= LOWHASH_RANGE[1]:
            raise Invalid(field, "range", min=LOWHASH_RANGE[0], max=LOWHASH_RANGE[1])
        return pct
    raise Invalid(field, "unknown-field")


def _whole(field: str, value: object) -> int:
    text = str(value).strip().rstrip("%").strip()
    if isinstance(value, bool) or not text.isdigit():
        raise Invalid(field, "format")
    return int(text)


class FacilityService:
    """The facility's settings, read on nearly every screen: kept in memory until a committed
    write changes them (`Database.version`), or for `CACHE_SECONDS` against a change made
    outside this process."""

    CACHE_SECONDS = 5.0

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock
        self._cached: tuple[int, float, Facility] | None = None  # version, monotonic time

    async def ensure_defaults(self, timezone: str) -> None:
        async with self.db.write() as session:
            if await session.get(FacilitySettings, 1) is None:
                session.add(
                    FacilitySettings(
                        id=1,
                        name="Hosting facility",
                        timezone=timezone,
                        currency="USD",
                        plan="core",
                        client_management=True,
                        updated_at=self.clock(),
                    )
                )

    async def get(self) -> Facility:
        version, now = self.db.version(FacilitySettings.__tablename__), time.monotonic()
        cached = self._cached
        if cached is not None and cached[0] == version and now - cached[1] < self.CACHE_SECONDS:
            return cached[2]
        async with self.db.read() as session:
            row = await session.get(FacilitySettings, 1)
            assert row is not None, "facility settings are created on start"
            facility = _facility(row)
        self._cached = (version, now, facility)
        return facility

    async def update(self, actor: Actor, field: str, value: object) -> Facility:
        actor.require(Permission.SETTINGS_MANAGE)
        value = clean_value(field, value)
        async with self.db.write() as session:
            row = await session.get(FacilitySettings, 1)
            assert row is not None
            old = getattr(row, field)
            if old != value:
                setattr(row, field, value)
                row.updated_at = self.clock()
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="settings.changed",
                    entity_type="facility",
                    entity_id=1,
                    changes={field: [old, value]},
                    at=self.clock(),
                )
            return _facility(row)

    async def require_clients(self, actor: Actor) -> None:
        """Raise AreaClosed unless the Clients area is open to `actor`."""
        problems = await self.clients_problems(actor)
        if problems:
            raise AreaClosed("clients", problems, (await self.get()).plan)

    async def clients_problems(self, actor: Actor) -> list[str]:
        """Why the Clients area is closed to `actor` (the seed's FAQ); [] if open."""
        facility = await self.get()
        problems = []
        if not actor.can(Permission.CLIENTS_VIEW):
            problems.append("permission")
        if facility.plan not in CLIENT_PLANS:
            problems.append("plan")
        if not facility.client_management:
            problems.append("switch")
        return problems

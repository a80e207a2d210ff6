"""Watcher links: a client's read-only view of its own miners, opened with a secret token.

Two sides. Staff (an Actor with `watchers.manage`, the Clients area open) create, revoke and
replace a client's link and read who opened it. Everyone else holds a token: a watcher is no
staff member and has no Actor, so every token-side method checks the token (or, for a chat's
buttons, the chat's binding to a live link) itself and answers `LinkNotValid` — the same for an
unknown, revoked or expired token — before reading anything, and reads only that client's rows.

Tokens: 192 random bits (`secrets.token_urlsafe(24)`, 32 characters, fits a `/start` payload);
only their SHA-256 is stored, looked up by it and compared again with `hmac.compare_digest`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.clients.guard import archived
from services.errors import Conflict, DomainError, Invalid, NotFound
from services.facility import CLIENT_PLANS, FacilityService
from services.pagination import Page, clamp_page
from services.permissions import Permission
from services.telemetry.service import DAY_S, FleetSeries, TelemetryService
from storage.db import Database
from storage.models import Client, WatcherLink, WatcherViewer, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import watchers as repo

START_PREFIX = "w_"  # `/start w_<token>`: a watcher link in Telegram (an invite has none)
LANGUAGES = ("en", "ru")
LIFETIMES = (7, 30, 90)  # days a new link may live; None: until revoked
PER_PAGE = 10  # miners per page in the chat
WEB_PER_PAGE = 100  # miners per page on the web
OPENS_SHOWN = 10
WEB_OPEN_EVERY = timedelta(minutes=10)  # one web visitor's opens closer than this count once
CHARTS_KEPT = 64  # rendered charts remembered (client, language, cycle)
VIEW_STATUSES = ("active", "lowhash", "hanged", "offline", "unknown")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_start(payload: str | None) -> str | None:
    """The token of a `/start w_<token>` payload, or None when it is not a watcher link."""
    if payload and payload.startswith(START_PREFIX):
        return payload[len(START_PREFIX) :]
    return None


class LinkNotValid(DomainError):
    """An unknown, revoked or expired token, or a chat no longer bound to a live link: one
    answer for all, so that nobody learns which."""

    code = "watcher-not-valid"


# --- what staff see ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkInfo:
    id: int
    client_id: int
    language: str
    ttl_days: int | None
    created_at: datetime
    created_by: str | None
    expires_at: datetime | None
    viewers: int


@dataclass(frozen=True, slots=True)
class OpenInfo:
    at: datetime
    via: str  # telegram | web
    telegram_id: int | None
    name: str | None
    username: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class LinkScreen:
    """A client's watcher link as its screen shows it (`link` None: no live link)."""

    client_id: int
    client_name: str
    client_email: str
    link: LinkInfo | None
    opens_total: int
    opens: list[OpenInfo]


@dataclass(frozen=True, slots=True)
class NewLink:
    """A link just made: the token is here once and never again (only its hash is kept)."""

    token: str
    link: LinkInfo
    client_name: str
    client_email: str


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """A live link in the Watchers list."""

    client_id: int
    client_name: str
    client_email: str
    language: str
    expires_at: datetime | None


# --- what a watcher sees ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Watch:
    """A checked way in: the link and its client. Made only by the token-side methods below."""

    link_id: int
    client_id: int
    client_name: str
    language: str


@dataclass(frozen=True, slots=True)
class WatchedMiner:
    position: int  # 1-based, in the client's whole list (a filter keeps the numbers)
    id: int
    serial: str | None
    mac: str | None
    model: str | None
    status: str
    answered: bool  # the latest poll got an answer (its figures are current)
    hashrate_ths: float | None
    hottest_c: float | None
    uptime_s: int | None

    @property
    def name(self) -> str:
        """Serial, else MAC, else the position: a facility's IP addresses are not shown."""
        return self.serial or self.mac or f"#{self.position}"


@dataclass(frozen=True, slots=True)
class WatcherView:
    link_id: int
    language: str
    client_name: str
    facility_name: str
    timezone: str
    counts: dict[str, int]  # status → miners
    hashrate_ths: float | None  # now: the miners that answered their latest poll
    avg24_ths: float | None  # mean of the last 24 hours' poll cycles
    polled_at: datetime | None
    telemetry_on: bool
    refresh_s: int  # how often new figures can appear (the facility's poll interval)
    status: str | None  # the list's filter
    miners: Page[WatchedMiner]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ViewerPrefs:
    alerts: bool
    daily: bool


class WatcherService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        telemetry: TelemetryService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.facility = facility
        self.telemetry = telemetry
        self.clock = clock
        self._charts: OrderedDict[tuple[int, str, int], asyncio.Future[bytes]] = OrderedDict()

    # --- staff: the link of a client ---------------------------------------------------------

    async def _require(self, actor: Actor) -> None:
        await self.facility.require_clients(actor)
        actor.require(Permission.WATCHERS_MANAGE)

    async def _client(self, session: AsyncSession, client_id: int) -> Client:
        client = await session.get(Client, client_id)
        if client is None:
            raise NotFound("client", client_id)
        return client

    async def _info(self, session: AsyncSession, link: WatcherLink) -> LinkInfo:
        return LinkInfo(
            link.id,
            link.client_id,
            link.language,
            link.ttl_days,
            link.created_at,
            await repo.staff_name(session, link.created_by),
            link.expires_at,
            await repo.viewer_count(session, link.id),
        )

    def _is_live(self, link: WatcherLink) -> bool:
        return link.revoked_at is None and (
            link.expires_at is None or link.expires_at > self.clock()
        )

    async def screen(self, actor: Actor, client_id: int) -> LinkScreen:
        await self._require(actor)
        async with self.db.read() as session:
            client = await self._client(session, client_id)
            link = await repo.unended(session, client_id)
            info = await self._info(session, link) if link and self._is_live(link) else None
            ids = await repo.link_ids(session, client_id)
            total, rows = await repo.opens(session, ids, OPENS_SHOWN)
        opens = [OpenInfo(o.at, o.via, o.telegram_id, o.name, o.username, o.address) for o in rows]
        return LinkScreen(client.id, client.name, client.email, info, total, opens)

    async def create(
        self, actor: Actor, client_id: int, language: str, ttl_days: int | None
    ) -> NewLink:
        """A new link for a client that has no live one (a second is refused, naming it)."""
        await self._require(actor)
        if language not in LANGUAGES:
            raise Invalid("watcher_language", "unknown")
        if ttl_days is not None and ttl_days not in LIFETIMES:
            raise Invalid("watcher_lifetime", "unknown")
        zone = (await self.facility.get()).zone
        try:
            async with self.db.write() as session:
                client = await self._client(session, client_id)
                if client.archived_at is not None:  # archived or merged: its link ended then
                    raise archived(client)
                existing = await repo.unended(session, client_id)
                now = self.clock()
                if existing is not None and self._is_live(existing):
                    by = await repo.staff_name(session, existing.created_by)
                    raise Conflict(
                        "watcher-exists",
                        email=client.email,
                        created=existing.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                        by=by or "—",
                    )
                if existing is not None:  # expired: ended now, so the new one may be made
                    await repo.end_links(
                        session, client_id, at=existing.expires_at or now, by=None, ended="expired"
                    )
                token, link = await self._add(session, actor, client, language, ttl_days, now)
                self._audit(
                    session,
                    actor,
                    "watcher.created",
                    link,
                    {"locale": [None, language], **self._until(None, link, zone)},
                )
                info = await self._info(session, link)
        except IntegrityError as exc:  # another member made one at the same moment
            raise Conflict("watcher-exists-now") from exc
        return NewLink(token, info, client.name, client.email)

    async def replace(self, actor: Actor, client_id: int) -> NewLink:
        """A new token for the client's live link: the old one (and every chat that opened it)
        stops working at once; the language and lifetime stay."""
        await self._require(actor)
        zone = (await self.facility.get()).zone
        async with self.db.write() as session:
            client = await self._client(session, client_id)
            old = await repo.unended(session, client_id)
            now = self.clock()
            if old is None or not self._is_live(old):
                raise Conflict("watcher-none")
            await repo.end_links(session, client_id, at=now, by=actor.staff_id, ended="replaced")
            await session.flush()
            token, link = await self._add(session, actor, client, old.language, old.ttl_days, now)
            self._audit(session, actor, "watcher.replaced", link, self._until(old, link, zone))
            info = await self._info(session, link)
        return NewLink(token, info, client.name, client.email)

    async def revoke(self, actor: Actor, client_id: int) -> None:
        """End the client's live link at once: its token, chats and web pages say "not valid"."""
        await self._require(actor)
        async with self.db.write() as session:
            await self._client(session, client_id)
            link = await repo.unended(session, client_id)
            if link is None or not self._is_live(link):
                raise Conflict("watcher-none")
            await repo.end_links(
                session, client_id, at=self.clock(), by=actor.staff_id, ended="revoked"
            )
            self._audit(session, actor, "watcher.revoked", link, None)

    async def revoke_for_client(
        self, session: AsyncSession, client_id: int, *, actor_id: int | None, reason: str
    ) -> bool:
        """End a client's link inside the caller's transaction (a merged or archived client);
        logged in the client's log with the reason. False when it had no link to end."""
        ended = await repo.end_links(
            session, client_id, at=self.clock(), by=actor_id, ended=reason[:16]
        )
        for link_id in ended:
            audit_repo.add(
                session,
                actor_id=actor_id,
                category="client",
                action="watcher.revoked",
                entity_type="watcher_link",
                entity_id=link_id,
                client_id=client_id,
                details={"reason": reason},
                at=self.clock(),
            )
        return bool(ended)

    async def live_links(self, actor: Actor, page: int, per_page: int = 8) -> Page[LinkEntry]:
        """Settings → Watcher links: every live link, newest first."""
        await self._require(actor)
        async with self.db.read() as session:
            total, _ = await repo.live_page(session, self.clock(), 0, 0)
            page = clamp_page(page, total, per_page)
            total, rows = await repo.live_page(session, self.clock(), page * per_page, per_page)
        items = [LinkEntry(k.client_id, n, e, k.language, k.expires_at) for k, n, e in rows]
        return Page(items, page, per_page, total)

    async def _add(
        self,
        session: AsyncSession,
        actor: Actor,
        client: Client,
        language: str,
        ttl_days: int | None,
        now: datetime,
    ) -> tuple[str, WatcherLink]:
        token = new_token()
        link = WatcherLink(
            client_id=client.id,
            token_hash=hash_token(token),
            language=language,
            ttl_days=ttl_days,
            created_by=actor.staff_id,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days) if ttl_days else None,
        )
        session.add(link)
        await session.flush()
        return token, link

    @staticmethod
    def _until(
        old: WatcherLink | None, new: WatcherLink, zone: ZoneInfo
    ) -> dict[str, list[object]]:
        """The audit change of the link's end (facility time), when it changed."""

        def day(link: WatcherLink | None) -> str | None:
            if link is None or link.expires_at is None:
                return None
            return link.expires_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

        before, after = day(old), day(new)
        return {"watcher_valid_until": [before, after]} if before != after else {}

    def _audit(
        self,
        session: AsyncSession,
        actor: Actor,
        action: str,
        link: WatcherLink,
        changes: dict[str, list[object]] | None,
    ) -> None:
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="client",
            action=action,
            entity_type="watcher_link",
            entity_id=link.id,
            client_id=link.client_id,
            changes=changes or None,
            at=self.clock(),
        )

    # --- a watcher: the way in ----------------------------------------------------------------

    async def _checked(self, session: AsyncSession, token: str) -> tuple[WatcherLink, Client]:
        digest = hash_token(token)
        link = await repo.by_hash(session, digest) if 20 <= len(token) <= 64 else None
        if link is None or not hmac.compare_digest(link.token_hash, digest):
            raise LinkNotValid()
        if not self._is_live(link):
            raise LinkNotValid()
        client = await session.get(Client, link.client_id)
        if client is None or (await self.facility.get()).plan not in CLIENT_PLANS:
            raise LinkNotValid()
        return link, client

    async def open_in_chat(
        self, token: str, telegram_id: int, name: str, username: str | None
    ) -> Watch:
        """`/start w_<token>`: check the token, log the open, bind the chat to the link (so
        its buttons work while the link lives)."""
        async with self.db.write() as session:
            link, client = await self._checked(session, token)
            now = self.clock()
            viewer = await repo.viewer(session, link.id, telegram_id)
            if viewer is None:
                session.add(
                    WatcherViewer(
                        link_id=link.id,
                        telegram_id=telegram_id,
                        name=name[:128],
                        username=username,
                        created_at=now,
                        last_seen_at=now,
                    )
                )
            else:
                viewer.name, viewer.username, viewer.last_seen_at = name[:128], username, now
            repo.add_open(
                session,
                link.id,
                now,
                "telegram",
                telegram_id=telegram_id,
                name=name[:128],
                username=username,
            )
        return Watch(link.id, client.id, client.name, link.language)

    async def for_viewer(self, telegram_id: int, link_id: int) -> Watch:
        """A chat's button: the chat must have opened this link, and it must still be live."""
        async with self.db.read() as session:
            link = await session.get(WatcherLink, link_id)
            viewer = await repo.viewer(session, link_id, telegram_id) if link else None
            if link is None or viewer is None or not self._is_live(link):
                raise LinkNotValid()
            client = await session.get(Client, link.client_id)
            if client is None or (await self.facility.get()).plan not in CLIENT_PLANS:
                raise LinkNotValid()
        return Watch(link.id, client.id, client.name, link.language)

    async def open_on_web(self, token: str, address: str, *, counts: bool) -> Watch:
        """`/w/<token>`: check the token; log the open unless it is the page refreshing itself
        (`counts` False) or the same address opened it within WEB_OPEN_EVERY."""
        async with self.db.read() as session:
            link, client = await self._checked(session, token)
            last = await repo.last_web_open(session, link.id, address) if counts else None
        now = self.clock()
        if counts and (last is None or now - last >= WEB_OPEN_EVERY):
            async with self.db.write() as session:
                repo.add_open(session, link.id, now, "web", address=address[:45])
        return Watch(link.id, client.id, client.name, link.language)

    async def chat_links(self, telegram_id: int) -> list[int]:
        """The live links a Telegram user opened in the chat (empty for everyone else)."""
        async with self.db.read() as session:
            return await repo.viewed_links(session, telegram_id, self.clock())

    # --- a watcher: what the view shows --------------------------------------------------------

    async def view(
        self, watch: Watch, *, page: int = 0, status: str | None = None, per_page: int = PER_PAGE
    ) -> WatcherView:
        if status is not None and status not in VIEW_STATUSES:
            status = None
        facility = await self.facility.get()
        since = int(self.clock().timestamp()) - DAY_S
        async with self.db.read() as session:
            counts = await repo.status_counts(session, watch.client_id)
            hashrate, polled = await repo.hashrate_now(session, watch.client_id)
            average = await repo.fleet_average(session, watch.client_id, since)
            listed = counts.get(status, 0) if status else sum(counts.values())
            page = clamp_page(page, listed, per_page)
            rows = await repo.miner_page(
                session, watch.client_id, status, page * per_page, per_page
            )
        miners = [
            WatchedMiner(
                position=int(pos),
                id=mid,
                serial=serial,
                mac=mac,
                model=" ".join(x for x in (model, submodel) if x) or None,
                status=st,
                answered=reach == "ok",
                hashrate_ths=rate if reach == "ok" else None,
                hottest_c=hottest if reach == "ok" else None,
                uptime_s=uptime if reach == "ok" else None,
            )
            for pos, mid, serial, mac, model, submodel, st, reach, rate, hottest, uptime in rows
        ]
        return WatcherView(
            link_id=watch.link_id,
            language=watch.language,
            client_name=watch.client_name,
            facility_name=facility.name,
            timezone=facility.timezone,
            counts=counts,
            hashrate_ths=hashrate,
            avg24_ths=average,
            polled_at=polled,
            telemetry_on=facility.telemetry,
            refresh_s=facility.telemetry_interval_s,
            status=status,
            miners=Page(miners, page, per_page, listed),
        )

    async def fleet_series(self, watch: Watch) -> FleetSeries:
        """The client's 24-hour fleet series (the telemetry area's), ending at its latest cycle
        so that a chart drawn from it stays right until the next one."""
        series = await self.telemetry.client_series(watch.client_id, watch.client_name)
        return replace(series, until=series.points[-1][0]) if series.points else series

    async def chart(self, watch: Watch, words: str, draw: Callable[[FleetSeries], bytes]) -> bytes:
        """The client's 24-hour chart as `draw` renders it (in a worker thread), kept per client,
        `words` (the caller's language) and latest cycle: every viewer and every refresh until
        the next cycle gets the same picture, and viewers asking at once share one render."""
        series = await self.fleet_series(watch)
        edge = series.until if series.points else series.until // 60  # no data: a minute
        key = (watch.client_id, words, edge)
        task = self._charts.get(key)
        if task is None or (task.done() and task.exception() is not None):
            task = asyncio.ensure_future(asyncio.to_thread(draw, series))
            self._charts[key] = task
            while len(self._charts) > CHARTS_KEPT:
                self._charts.popitem(last=False)
        self._charts.move_to_end(key)
        return await asyncio.shield(task)

    # --- a watcher in the chat: short messages ---------------------------------------------------

    async def prefs(self, telegram_id: int, link_id: int) -> ViewerPrefs:
        await self.for_viewer(telegram_id, link_id)
        async with self.db.read() as session:
            viewer = await repo.viewer(session, link_id, telegram_id)
        if viewer is None:
            raise LinkNotValid()
        return ViewerPrefs(viewer.alerts, viewer.daily)

    async def set_pref(self, telegram_id: int, link_id: int, kind: str, on: bool) -> ViewerPrefs:
        """Opt in to (or out of) status messages (`alerts`) or the daily summary (`daily`)."""
        if kind not in ("alerts", "daily"):
            raise Invalid("watcher_pref", "unknown")
        await self.for_viewer(telegram_id, link_id)
        async with self.db.write() as session:
            viewer = await repo.viewer(session, link_id, telegram_id)
            if viewer is None:
                raise LinkNotValid()
            setattr(viewer, kind, on)
            return ViewerPrefs(viewer.alerts, viewer.daily)

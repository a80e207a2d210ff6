"""Clients: the overview with per-client counts, the card, add, edit, miners and logs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.audit import AuditService, LogEntry
from services.clients.contacts import (
    clean_text,
    normalize_email,
    normalize_messenger,
    normalize_phone,
)
from services.clients.guard import archived
from services.errors import Conflict, Invalid, NotFound
from services.facility import FacilityService
from services.miners.naming import miner_name
from services.outbox import notify
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import MINER_STATUSES, TASK_CATEGORIES, Client, Miner, Staff, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import clients as repo

EDITABLE = ("name", "email", "manager", "phone", "messenger")
SORTS = ("name", "id")
TOTALS_KEPT = 1024  # list sizes remembered (a search or a manager each is one)


@dataclass(frozen=True, slots=True)
class ClientSummary:
    id: int
    name: str
    email: str
    phone: str | None
    messenger: str | None
    manager_id: int
    manager_name: str
    version: int
    created_at: datetime
    miners: dict[str, int] = field(default_factory=dict)  # status → count
    tasks: dict[str, int] = field(default_factory=dict)  # category → count
    bills: int = 0
    archived_at: datetime | None = None
    merged_into_id: int | None = None  # archived by a merge into this client

    @property
    def miners_total(self) -> int:
        return sum(self.miners.values())

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True, slots=True)
class MinerLine:
    """A miner as a list shows it; `client` (its client's name) only where the list needs it."""

    id: int
    model: str | None
    ip: str | None
    location: str | None
    serial: str | None
    status: str
    paid: bool
    mac: str | None = None
    client_id: int | None = None
    client: str | None = None

    @property
    def name(self) -> str:
        """Serial number, else MAC, else IP (services/miners/naming.py)."""
        return miner_name(self.serial, self.mac, self.ip, self.id)

    @classmethod
    def of(cls, m: Miner, client: str | None = None) -> MinerLine:
        return cls(
            m.id, m.model, m.ip, m.location, m.serial, m.status, m.paid, m.mac, m.client_id, client
        )


@dataclass(frozen=True, slots=True)
class ClientQuery:
    """What the overview shows: a search text, only one manager's clients, the order; the
    archived clients instead of the active ones."""

    search: str | None = None
    mine: bool = False
    sort: str = "name"
    archived: bool = False


def clean_field(name: str, value: Any) -> Any:
    """Validate one field of a client; raise Invalid with a reason the member can act on."""
    if name == "name":
        return clean_text("name", str(value), max_len=128)
    if name == "email":
        return normalize_email(str(value))
    if name == "phone":
        return normalize_phone(str(value)) if value not in (None, "") else None
    if name == "messenger":
        return normalize_messenger(str(value)) if value not in (None, "") else None
    if name == "manager":
        return int(value)
    raise Invalid(name, "unknown-field")


class ClientService:
    def __init__(
        self,
        db: Database,
        audit: AuditService,
        facility: FacilityService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.audit = audit
        self.facility = facility
        self.clock = clock
        # the overview's list sizes, by (search, manager, archived): counting 2,000 clients is
        # most of a page's statement, and the count changes only with the clients table
        self._totals: dict[tuple[str | None, int | None, bool], tuple[int, int]] = {}

    async def _require(self, actor: Actor, *permissions: Permission) -> None:
        """The Clients area is open (plan, switch, clients.view) and `actor` holds `permissions`."""
        await self.facility.require_clients(actor)
        actor.require(*permissions)

    # --- reading ----------------------------------------------------------------------------

    async def overview(
        self, actor: Actor, query: ClientQuery = ClientQuery(), page: int = 0, per_page: int = 8
    ) -> Page[ClientSummary]:
        """A page of clients with miners by status, tasks by category and bills, counted in SQL."""
        await self._require(actor, Permission.CLIENTS_VIEW)
        search = (query.search or "").strip() or None
        manager_id = actor.staff_id if query.mine else None
        sort = query.sort if query.sort in SORTS else "name"
        key = (search, manager_id, query.archived)
        version = self.db.version(Client.__tablename__)  # read before the table it stands for
        kept = self._totals.get(key)
        known = kept[1] if kept is not None and kept[0] == version else None
        rows = await self.db.rows(
            *repo.page_query(
                search=search,
                manager_id=manager_id,
                sort=sort,
                offset=max(page, 0) * per_page,
                limit=per_page,
                archived=query.archived,
                total=known is None,
            )
        )
        if rows:
            total = int(rows[0].total) if known is None else known
        else:  # an empty list, or a page past its end (the list shrank between two taps)
            async with self.db.read() as session:
                total = await repo.count(
                    session, search=search, manager_id=manager_id, archived=query.archived
                )
                if total:
                    page = clamp_page(page, total, per_page)
                    rows = await repo.summaries(
                        session,
                        search=search,
                        manager_id=manager_id,
                        sort=sort,
                        offset=page * per_page,
                        limit=per_page,
                        archived=query.archived,
                    )
        if len(self._totals) >= TOTALS_KEPT:
            self._totals.clear()
        self._totals[key] = (version, total)
        return Page(
            [_summary(row) for row in rows], clamp_page(page, total, per_page), per_page, total
        )

    async def card(self, actor: Actor, client_id: int) -> ClientSummary:
        await self._require(actor, Permission.CLIENTS_VIEW)
        row = next(iter(await self.db.rows(*repo.card_query(client_id))), None)
        if row is None:
            raise NotFound("client", client_id)
        return _summary(row)

    async def find_by_email(self, actor: Actor, email: str) -> ClientSummary | None:
        """The active client an email names: its own, or an alias a merge left."""
        await self._require(actor, Permission.CLIENTS_VIEW)
        normalized = normalize_email(email)
        async with self.db.read() as session:
            found = (await repo.resolve_emails(session, [normalized])).get(normalized)
        if found is None or found[1]:
            return None
        return await self.card(actor, found[0])

    async def miners(
        self, actor: Actor, client_id: int, page: int = 0, per_page: int = 10
    ) -> Page[MinerLine]:
        await self._require(actor, Permission.CLIENTS_VIEW)
        async with self.db.read() as session:
            if await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            total = await repo.count_miners(session, client_id)
            page = clamp_page(page, total, per_page)
            rows = await repo.miners_page(
                session, client_id, offset=page * per_page, limit=per_page
            )
        return Page([MinerLine.of(m) for m in rows], page, per_page, total)

    async def logs(
        self, actor: Actor, client_id: int, page: int = 0, per_page: int = 8
    ) -> Page[LogEntry]:
        """The client's log, with the logs of the clients merged into it."""
        await self._require(actor, Permission.CLIENTS_VIEW, Permission.LOGS_VIEW)
        async with self.db.read() as session:
            if await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            merged = await repo.merged_into(session, client_id)
        return await self.audit.page(
            actor, page=page, per_page=per_page, client_id=client_id, merged=merged
        )

    # --- changing ---------------------------------------------------------------------------

    async def start_edit(self, actor: Actor, client_id: int) -> ClientSummary:
        """The client as it is when a member starts editing (its version guards the save)."""
        await self._require(actor, Permission.CLIENTS_EDIT)
        client = await self.card(actor, client_id)
        if client.archived:
            raise archived(client)
        return client

    async def start_add(self, actor: Actor) -> None:
        """Refuse the add form up front to a member who could not save it."""
        await self._require(actor, Permission.CLIENTS_ADD)

    async def check_field(
        self, actor: Actor, name: str, value: Any, *, client_id: int | None = None
    ) -> Any:
        """Validate one answer of the add/edit form before the summary (the save checks again)."""
        await self._require(actor)
        cleaned = clean_field(name, value)
        async with self.db.read() as session:
            await self._check_unique_and_manager(session, name, cleaned, client_id)
        return cleaned

    async def _check_unique_and_manager(
        self, session: AsyncSession, name: str, value: Any, client_id: int | None
    ) -> None:
        if name == "email":
            # An alias first: a merged client keeps its own email, but it names the survivor.
            alias = await repo.alias(session, value)
            if alias is not None and alias.client_id != client_id:
                owner = await session.get(Client, alias.client_id)
                assert owner is not None
                raise Conflict("email-alias", client_id=owner.id, name=owner.name)
            existing = await repo.by_email(session, value)
            if existing is not None and existing.id != client_id:
                raise Conflict(
                    "email-taken-archived" if existing.archived_at else "email-taken",
                    client_id=existing.id,
                    name=existing.name,
                )
        if name == "manager":
            manager = await session.get(Staff, value)
            if manager is None or not manager.is_active:
                raise Invalid("manager", "inactive")

    async def add(
        self,
        actor: Actor,
        *,
        name: str,
        email: str,
        manager_id: int,
        phone: str | None = None,
        messenger: str | None = None,
    ) -> ClientSummary:
        await self._require(actor, Permission.CLIENTS_ADD)
        values = {
            "name": clean_field("name", name),
            "email": clean_field("email", email),
            "manager": clean_field("manager", manager_id),
            "phone": clean_field("phone", phone),
            "messenger": clean_field("messenger", messenger),
        }
        now = self.clock()
        async with self.db.write() as session:
            for key in ("email", "manager"):
                await self._check_unique_and_manager(session, key, values[key], None)
            client = Client(
                name=values["name"],
                name_key=values["name"].casefold(),
                email=values["email"],
                manager_id=values["manager"],
                phone=values["phone"],
                messenger=values["messenger"],
                created_at=now,
                updated_at=now,
            )
            session.add(client)
            await session.flush()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="client.created",
                entity_type="client",
                entity_id=client.id,
                client_id=client.id,
                details={k: v for k, v in values.items() if v is not None},
                at=now,
            )
            await self._tell_manager(session, actor, client)
        return await self.card(actor, client.id)

    async def edit(
        self, actor: Actor, client_id: int, name: str, value: Any, *, expected_version: int
    ) -> ClientSummary:
        """Change one field. `expected_version` is the version the member saw: if someone saved
        in between, Conflict("stale") is raised and nothing is written."""
        await self._require(actor, Permission.CLIENTS_EDIT)
        if name not in EDITABLE:
            raise Invalid(name, "unknown-field")
        cleaned = clean_field(name, value)
        now = self.clock()
        async with self.db.write() as session:
            # Locked: on PostgreSQL two saves run side by side, and both would see the old version.
            client = await session.get(Client, client_id, with_for_update=True)
            if client is None:
                raise NotFound("client", client_id)
            if client.archived_at is not None:
                raise archived(client)
            if client.version != expected_version:
                raise Conflict("stale", client_id=client.id)
            await self._check_unique_and_manager(session, name, cleaned, client.id)
            column = "manager_id" if name == "manager" else name
            old = getattr(client, column)
            if old == cleaned:
                return await self._summary(session, client)
            setattr(client, column, cleaned)
            if name == "name":
                client.name_key = cleaned.casefold()
            client.version += 1
            client.updated_at = now
            changes: dict[str, Any] = {name: [old, cleaned]}
            if name == "manager":
                names = {
                    s.id: s.name
                    for s in (
                        await session.scalars(select(Staff).where(Staff.id.in_([old, cleaned])))
                    ).all()
                }
                changes = {name: [names.get(old), names.get(cleaned)]}
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="client.manager_changed" if name == "manager" else "client.updated",
                entity_type="client",
                entity_id=client.id,
                client_id=client.id,
                changes=changes,
                at=now,
            )
            if name == "manager":
                await self._tell_manager(session, actor, client)
            return await self._summary(session, client)

    async def _summary(self, session: AsyncSession, client: Client) -> ClientSummary:
        await session.flush()
        row = await repo.summary(session, client.id)
        assert row is not None
        return _summary(row)

    async def _tell_manager(self, session: AsyncSession, actor: Actor, client: Client) -> None:
        """The member made a client's manager hears of it (unless they did it themselves)."""
        if client.manager_id == actor.staff_id:
            return
        manager = await session.get(Staff, client.manager_id)
        if manager is not None:
            notify(
                session,
                manager,
                "notify-client-manager",
                args={"client": client.name, "id": str(client.id), "by": actor.name},
                buttons=[{"open": "client", "id": client.id}],
            )


_MINER_COLUMNS = tuple((status, f"m_{status}") for status in MINER_STATUSES)
_TASK_COLUMNS = tuple((category, f"t_{category}") for category in TASK_CATEGORIES)


def _summary(row: Any) -> ClientSummary:
    """A client row with its counts (columns m_<status>, t_<category>, bills) as a summary."""
    m = row._mapping  # by key: a Row's attributes are looked up one by one in Python
    return ClientSummary(
        id=m["id"],
        name=m["name"],
        email=m["email"],
        phone=m["phone"],
        messenger=m["messenger"],
        manager_id=m["manager_id"],
        manager_name=m["manager_name"],
        version=m["version"],
        created_at=m["created_at"],
        miners={status: n for status, column in _MINER_COLUMNS if (n := m[column])},
        tasks={category: n for category, column in _TASK_COLUMNS if (n := m[column])},
        bills=m["bills"],
        archived_at=m["archived_at"],
        merged_into_id=m["merged_into_id"],
    )

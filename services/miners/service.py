"""Miners: the list with filters and search, selections, and the mass actions on a selection
(edit client, set payment status), each one transaction logged per miner and per client.

A selection is "every miner matching a filter" (kept as the filter, however many miners that
is), plus miners ticked one by one or named in a pasted list (kept as ids), minus the ones
unticked from the filter's set.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.clients.contacts import normalize_email
from services.clients.guard import active_client, archived
from services.clients.service import MINER_STATUSES, MinerLine
from services.errors import Conflict, Invalid, NotFound
from services.facility import FacilityService
from services.miners.fields import (
    IDENTIFYING,
    BadValue,
    cell_text,
    classify_identifier,
    match_header,
)
from services.miners.naming import miner_name
from services.miners.spreadsheet import read_table
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import Client, Miner, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import clients as clients_repo
from storage.repositories import miner_history
from storage.repositories import miners as repo
from storage.repositories import operations as operations_repo

MAX_PICKED = 10_000  # miners kept as ids (ticked or pasted); more is a filter's job
MAX_TOKENS = 10_000
_TOKEN_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class MinerFilter:
    """What the list shows. `client_id` 0 means miners of no client."""

    client_id: int | None = None
    status: str | None = None
    paid: bool | None = None
    search: str | None = None
    alert: int | None = None  # the miners of one alert ("Open miners" on an alert)

    @property
    def active(self) -> bool:
        return any(
            v is not None for v in (self.client_id, self.status, self.paid, self.search, self.alert)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "c": self.client_id,
            "s": self.status,
            "p": self.paid,
            "q": self.search,
            "a": self.alert,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> MinerFilter:
        data = data or {}
        status = data.get("s")
        return cls(
            client_id=data.get("c") if isinstance(data.get("c"), int) else None,
            status=status if status in MINER_STATUSES else None,
            paid=data.get("p") if isinstance(data.get("p"), bool) else None,
            search=str(data["q"])[:64] if data.get("q") else None,
            alert=data.get("a") if isinstance(data.get("a"), int) else None,
        )

    def clause(self) -> ColumnElement[bool]:
        search = (self.search or "").strip() or None
        return repo.filter_clause(
            client_id=self.client_id,
            status=self.status,
            paid=self.paid,
            search=search,
            alert_id=self.alert,
        )


@dataclass(frozen=True, slots=True)
class Selection:
    matching: MinerFilter | None = None
    ids: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return self.matching is None and not self.ids

    def as_dict(self) -> dict[str, Any]:
        return {
            "f": self.matching.as_dict() if self.matching is not None else None,
            "ids": sorted(self.ids),
            "ex": sorted(self.excluded),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Selection:
        data = data or {}
        matching = MinerFilter.from_dict(data["f"]) if isinstance(data.get("f"), dict) else None
        ids = frozenset(int(i) for i in data.get("ids") or ())
        excluded = frozenset(int(i) for i in data.get("ex") or ()) if matching else frozenset()
        return cls(matching, ids, excluded)

    def clause(self) -> ColumnElement[bool]:
        matching = self.matching.clause() if self.matching is not None else None
        return repo.selection_clause(matching, self.ids, self.excluded)


@dataclass(frozen=True, slots=True)
class ClientRef:
    id: int
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class PastedList:
    ids: frozenset[int]
    tokens: int  # distinct identifiers given
    missing: list[str]  # identifiers that name no miner


@dataclass(frozen=True, slots=True)
class ClientShare:
    """Selected miners of one client (None: of no client)."""

    client: ClientRef | None
    miners: int
    paid: int = 0


@dataclass(frozen=True, slots=True)
class MovePreview:
    total: int
    target: ClientRef | None
    moving: list[ClientShare]  # from which clients, how many
    staying: int  # already with the target


@dataclass(frozen=True, slots=True)
class PaymentPreview:
    total: int
    paid: bool
    changing: int
    by_client: list[ClientShare] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MassResult:
    changed: int
    clients: int  # clients whose log got an entry
    selection: Selection = Selection()  # what stays selected afterwards (see `_pinned`)


def split_tokens(text: str) -> list[str]:
    """IPs, serials or MACs pasted one per line, or separated by commas, semicolons, spaces."""
    seen: dict[str, None] = {}
    for token in _TOKEN_SPLIT.split(text):
        token = token.strip("\"'")
        if token:
            seen.setdefault(token, None)
    return list(seen)


def tokens_from_file(data: bytes, file_name: str | None) -> list[str]:
    """Identifiers in a file: the serial/MAC/IP columns under a header, else every cell."""

    def score(cells: Sequence[Any]) -> int:
        return sum(1 for f in match_header(cells) if f in IDENTIFYING)

    tokens: list[str] = []
    with read_table(data, file_name, score) as table:
        columns = [i for f, i in match_header(table.header or ()).items() if f in IDENTIFYING]
        for _, cells in table.rows:
            picked = [cells[i] for i in columns if i < len(cells)] if columns else cells
            for cell in picked:
                try:
                    text = cell_text(cell)
                except BadValue:
                    continue
                if text:
                    tokens.extend(split_tokens(text))
            if len(tokens) > MAX_TOKENS:
                break
    return list(dict.fromkeys(tokens))


async def create_email_clients(
    session: AsyncSession, actor: Actor, emails: Collection[str], now: datetime, source: str
) -> list[Client]:
    """Clients keyed by each email that has none yet: named as the email until edited, managed
    by `actor`. The caller has checked the permission; each creation is logged for the client."""
    existing = await repo.clients_by_email(session, emails)
    created = []
    for email in sorted(set(emails) - set(existing)):
        name = email[:128]
        client = Client(
            name=name,
            name_key=name.casefold(),
            email=email,
            manager_id=actor.staff_id,
            created_at=now,
            updated_at=now,
        )
        session.add(client)
        created.append(client)
    await session.flush()
    for client in created:
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="client",
            action="client.created",
            entity_type="client",
            entity_id=client.id,
            client_id=client.id,
            details={
                "name": client.name,
                "email": client.email,
                "manager": actor.staff_id,
                "source": source,
            },
            at=now,
        )
    return created


class MinerService:
    def __init__(
        self, db: Database, facility: FacilityService, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock

    # --- the list ---------------------------------------------------------------------------

    async def page(
        self, actor: Actor, matching: MinerFilter, page: int = 0, per_page: int = 10
    ) -> Page[MinerLine]:
        actor.require(Permission.MINERS_VIEW)
        where = matching.clause()
        async with self.db.read() as session:
            total = await repo.count(session, where)
            page = clamp_page(page, total, per_page)
            rows = await repo.page(session, where, offset=page * per_page, limit=per_page)
        return Page([MinerLine.of(m, name) for m, name in rows], page, per_page, total)

    async def client(self, actor: Actor, client_id: int) -> ClientRef:
        actor.require(Permission.MINERS_VIEW)
        async with self.db.read() as session:
            labels = await repo.client_labels(session, [client_id])
        if client_id not in labels:
            raise NotFound("client", client_id)
        name, email = labels[client_id]
        return ClientRef(client_id, name, email)

    async def find_clients(self, actor: Actor, text: str, limit: int = 8) -> list[ClientRef]:
        """Clients an email, #id, or part of a name or email names (for the client filter)."""
        actor.require(Permission.MINERS_VIEW)
        search = text.strip()
        if not search:
            return []
        async with self.db.read() as session:
            exact = (await clients_repo.resolve_emails(session, [search.lower()])).get(
                search.lower()
            )
            if exact is not None and not exact[1]:  # an email, or an alias a merge left
                labels = await repo.client_labels(session, [exact[0]])
                return [ClientRef(exact[0], *labels[exact[0]])]
            rows = await clients_repo.find(session, search, limit=limit)
        return [ClientRef(i, n, e) for i, n, e in rows]

    # --- selections -------------------------------------------------------------------------

    async def count_selected(self, actor: Actor, selection: Selection) -> int:
        actor.require(Permission.MINERS_VIEW)
        if selection.empty:
            return 0
        async with self.db.read() as session:
            return await repo.count(session, selection.clause())

    async def selected_among(
        self, actor: Actor, selection: Selection, ids: Sequence[int]
    ) -> set[int]:
        """Which of `ids` (a page of the list) are in the selection."""
        actor.require(Permission.MINERS_VIEW)
        if selection.empty:
            return set()
        async with self.db.read() as session:
            return await repo.matching_ids(session, selection.clause(), ids)

    async def toggle(self, actor: Actor, selection: Selection, miner_id: int) -> Selection:
        """Tick or untick one miner."""
        actor.require(Permission.MINERS_VIEW)
        async with self.db.read() as session:
            if await session.get(Miner, miner_id) is None:
                raise NotFound("miner", miner_id)
            in_filter = selection.matching is not None and bool(
                await repo.matching_ids(session, selection.matching.clause(), [miner_id])
            )
        ids, excluded = set(selection.ids), set(selection.excluded)
        if miner_id in ids:
            ids.discard(miner_id)
        elif in_filter and miner_id not in excluded:
            excluded.add(miner_id)
        elif miner_id in excluded:
            excluded.discard(miner_id)
        else:
            if len(ids) >= MAX_PICKED:
                raise Conflict("too-many-picked", max=MAX_PICKED)
            ids.add(miner_id)
        return Selection(selection.matching, frozenset(ids), frozenset(excluded))

    async def resolve_list(self, actor: Actor, tokens: Sequence[str]) -> PastedList:
        """The miners a pasted list of IPs, serials and MACs names (an IP may name several)."""
        actor.require(Permission.MINERS_VIEW)
        tokens = list(dict.fromkeys(t for t in tokens if t))
        if not tokens:
            raise Invalid("list", "empty")
        if len(tokens) > MAX_TOKENS:
            raise Invalid("list", "too-long", max=MAX_TOKENS)
        kinds = {t: classify_identifier(t) for t in tokens}
        wanted: dict[str, set[str]] = {k: set() for k in IDENTIFYING}
        for ident in kinds.values():
            wanted[ident.kind].add(ident.value)
        async with self.db.read() as session:
            rows = await repo.find_by_identifiers(
                session, wanted["serial"], wanted["mac"], wanted["ip"]
            )
        by: dict[str, dict[str, list[int]]] = {k: {} for k in IDENTIFYING}
        for miner_id, serial, mac, ip in rows:
            for kind, value in (("serial", serial), ("mac", mac), ("ip", ip)):
                if value is not None:
                    by[kind].setdefault(value, []).append(miner_id)
        ids: set[int] = set()
        missing = []
        for token, ident in kinds.items():
            found = by[ident.kind].get(ident.value)
            if found:
                ids.update(found)
            else:
                missing.append(token)
        if len(ids) > MAX_PICKED:
            raise Conflict("too-many-picked", max=MAX_PICKED)
        return PastedList(frozenset(ids), len(tokens), missing)

    async def resolve_text(self, actor: Actor, text: str) -> PastedList:
        return await self.resolve_list(actor, split_tokens(text))

    async def resolve_file(self, actor: Actor, data: bytes, file_name: str | None) -> PastedList:
        actor.require(Permission.MINERS_VIEW)
        tokens = await asyncio.to_thread(tokens_from_file, data, file_name)
        return await self.resolve_list(actor, tokens)

    # --- edit client ------------------------------------------------------------------------

    async def target_client(self, actor: Actor, email: str) -> ClientRef | None:
        """The client a typed email names (its own, or an alias a merge left); None when there
        is none (Invalid if not an email; Conflict if the client is archived)."""
        actor.require(Permission.MINERS_EDIT_CLIENT)
        normalized = normalize_email(email)
        async with self.db.read() as session:
            return await _named_by(session, normalized)

    async def add_client(self, actor: Actor, email: str) -> ClientRef:
        """Create the client an unknown email names (name = the email, manager = `actor`)."""
        await self.facility.require_clients(actor)
        actor.require(Permission.CLIENTS_ADD)
        normalized = normalize_email(email)
        async with self.db.write() as session:
            await create_email_clients(session, actor, [normalized], self.clock(), "miners")
            client = await _named_by(session, normalized)
            assert client is not None
            return client

    async def _shares(
        self, session: AsyncSession, selection: Selection
    ) -> tuple[dict[int | None, ClientShare], int]:
        counts: dict[int | None, list[int]] = {}
        for client_id, paid, n in await repo.count_by_client(session, selection.clause()):
            entry = counts.setdefault(client_id, [0, 0])
            entry[0] += n
            entry[1] += n if paid else 0
        labels = await repo.client_labels(session, [c for c in counts if c is not None])
        shares = {
            c: ClientShare(
                ClientRef(c, *labels[c]) if c is not None and c in labels else None, n, p
            )
            for c, (n, p) in counts.items()
        }
        return shares, sum(s.miners for s in shares.values())

    async def summary(self, actor: Actor, selection: Selection) -> tuple[int, list[ClientShare]]:
        """How many miners are selected, and how many of them each client has (paid/unpaid)."""
        actor.require(Permission.MINERS_VIEW)
        if selection.empty:
            return 0, []
        async with self.db.read() as session:
            shares, total = await self._shares(session, selection)
        return total, _by_size(shares.values())

    async def move_preview(
        self, actor: Actor, selection: Selection, client_id: int | None
    ) -> MovePreview:
        """How many selected miners would move to `client_id` (None: to no client), from whom."""
        actor.require(Permission.MINERS_EDIT_CLIENT)
        target = await self.client(actor, client_id) if client_id is not None else None
        async with self.db.read() as session:
            shares, total = await self._shares(session, selection)
        moving = _by_size(s for c, s in shares.items() if c != client_id)
        staying = shares[client_id].miners if client_id in shares else 0
        return MovePreview(total, target, moving, staying)

    async def set_client(
        self,
        actor: Actor,
        selection: Selection,
        client_id: int | None,
        *,
        operation: int | None = None,
    ) -> MassResult:
        """Give every selected miner the client `client_id` (None: no client); one transaction,
        an audit entry per miner changed and per client that gained or lost miners."""
        actor.require(Permission.MINERS_EDIT_CLIENT)
        if selection.empty:
            raise Invalid("selection", "empty")
        now = self.clock()
        async with self.db.write() as session:
            if client_id is not None:  # held: it may not be archived or merged meanwhile
                await active_client(session, client_id)
            kept = await _pinned(session, selection)
            rows = await repo.changing(
                session, selection.clause(), Miner.client_id.is_distinct_from(client_id)
            )
            if not rows:
                await operations_repo.mark_done(session, operation, {"changed": 0}, now)
                return MassResult(0, 0, kept)
            lost = Counter(r.client_id for r in rows if r.client_id is not None)
            affected = set(lost) | ({client_id} if client_id is not None else set())
            labels = await repo.client_labels(session, affected)
            before = await repo.client_miner_counts(session, affected)
            ids = [r.id for r in rows]
            await repo.set_values(session, ids, {"client_id": client_id, "updated_at": now})
            await miner_history.add_client_changes(
                session,
                [(r.id, r.client_id, client_id) for r in rows],
                at=now,
                source="mass",
                actor_id=actor.staff_id,
            )

            def email(c: int | None) -> str | None:
                return labels[c][1] if c is not None and c in labels else None

            new_email = email(client_id)
            await repo.add_audit_rows(
                session,
                [
                    _entry(
                        actor,
                        now,
                        "miner",
                        "miner.client_changed",
                        "miner",
                        r.id,
                        changes={"client_email": [email(r.client_id), new_email]},
                        details=_named(r),
                    )
                    for r in rows
                ],
            )
            entries = []
            for c in sorted(affected):
                gained = len(rows) if c == client_id else 0
                after = before[c] - lost[c] + gained
                details: dict[str, Any] = (
                    {"gained": gained} if c == client_id else {"lost": lost[c], "to": new_email}
                )
                entries.append(
                    _entry(
                        actor,
                        now,
                        "client",
                        "miners.client_changed",
                        "client",
                        c,
                        client_id=c,
                        changes={"miners": [before[c], after]},
                        details=details,
                    )
                )
            await repo.add_audit_rows(session, entries)
            await operations_repo.mark_done(session, operation, {"changed": len(rows)}, now)
        return MassResult(len(rows), len(affected), kept)

    # --- status -----------------------------------------------------------------------------

    async def status_preview(
        self, actor: Actor, selection: Selection, status: str
    ) -> tuple[int, int]:
        """(selected miners, how many of them the status would change)."""
        actor.require(Permission.MINERS_EDIT_CLIENT)
        if status not in MINER_STATUSES:
            raise Invalid("status", "unknown")
        async with self.db.read() as session:
            total = await repo.count(session, selection.clause())
            changing = await repo.count_changing(
                session, selection.clause(), Miner.status != status
            )
        return total, changing

    async def set_status(
        self, actor: Actor, selection: Selection, status: str, *, operation: int | None = None
    ) -> MassResult:
        """Set the status of every selected miner by hand (until live telemetry sets it): one
        transaction, an audit entry per miner changed. Part of the mass "Edit" of the seed,
        under the same flag as editing the client."""
        actor.require(Permission.MINERS_EDIT_CLIENT)
        if status not in MINER_STATUSES:
            raise Invalid("status", "unknown")
        if selection.empty:
            raise Invalid("selection", "empty")
        now = self.clock()
        async with self.db.write() as session:
            kept = await _pinned(session, selection)
            rows = await repo.changing(session, selection.clause(), Miner.status != status)
            if not rows:
                await operations_repo.mark_done(session, operation, {"changed": 0}, now)
                return MassResult(0, 0, kept)
            await repo.set_values(
                session, [r.id for r in rows], {"status": status, "updated_at": now}
            )
            await miner_history.add_status_changes(
                session, [(r.id, r.status, status) for r in rows], at=now, source="mass"
            )
            await repo.add_audit_rows(
                session,
                [
                    _entry(
                        actor,
                        now,
                        "miner",
                        "miner.status_changed",
                        "miner",
                        r.id,
                        changes={"status": [r.status, status]},
                        details=_named(r),
                    )
                    for r in rows
                ],
            )
            await operations_repo.mark_done(session, operation, {"changed": len(rows)}, now)
        return MassResult(len(rows), 0, kept)

    # --- payment status ---------------------------------------------------------------------

    async def payment_preview(
        self, actor: Actor, selection: Selection, paid: bool
    ) -> PaymentPreview:
        actor.require(Permission.MINERS_PAYMENT_STATUS)
        async with self.db.read() as session:
            shares, total = await self._shares(session, selection)
        changing = sum((s.miners - s.paid) if paid else s.paid for s in shares.values())
        return PaymentPreview(total, paid, changing, _by_size(shares.values()))

    async def set_paid(
        self, actor: Actor, selection: Selection, paid: bool, *, operation: int | None = None
    ) -> MassResult:
        """Mark every selected miner paid or unpaid; one transaction, logged per miner and per
        client whose miners changed (paid and unpaid counts, old → new)."""
        actor.require(Permission.MINERS_PAYMENT_STATUS)
        if selection.empty:
            raise Invalid("selection", "empty")
        now = self.clock()
        async with self.db.write() as session:
            kept = await _pinned(session, selection)
            rows = await repo.changing(session, selection.clause(), Miner.paid != paid)
            if not rows:
                await operations_repo.mark_done(session, operation, {"changed": 0}, now)
                return MassResult(0, 0, kept)
            per_client = Counter(r.client_id for r in rows if r.client_id is not None)
            before = await repo.paid_counts(session, per_client)
            await repo.set_values(session, [r.id for r in rows], {"paid": paid, "updated_at": now})
            await repo.add_audit_rows(
                session,
                [
                    _entry(
                        actor,
                        now,
                        "miner",
                        "miner.payment_status",
                        "miner",
                        r.id,
                        changes={"paid": [not paid, paid]},
                        details=_named(r),
                    )
                    for r in rows
                ],
            )
            entries = []
            for c, n in sorted(per_client.items()):
                was_paid, was_unpaid = before[c]
                now_paid = was_paid + n if paid else was_paid - n
                now_unpaid = was_unpaid - n if paid else was_unpaid + n
                entries.append(
                    _entry(
                        actor,
                        now,
                        "client",
                        "miners.payment_status",
                        "client",
                        c,
                        client_id=c,
                        changes={
                            "miners_paid": [was_paid, now_paid],
                            "miners_unpaid": [was_unpaid, now_unpaid],
                        },
                        details={"changed": n, "paid": paid},
                    )
                )
            await repo.add_audit_rows(session, entries)
            await operations_repo.mark_done(session, operation, {"changed": len(rows)}, now)
        return MassResult(len(rows), len(per_client), kept)


async def _named_by(session: AsyncSession, email: str) -> ClientRef | None:
    """The active client an email names, its own or an alias; an archived one is refused."""
    found = (await clients_repo.resolve_emails(session, [email])).get(email)
    if found is None:
        return None
    client = await session.get(Client, found[0])
    assert client is not None
    if client.archived_at is not None:
        raise archived(client)
    return ClientRef(client.id, client.name, client.email)


async def _pinned(session: AsyncSession, selection: Selection) -> Selection:
    """The selection as the ids it holds now. A mass action is often taken on "all matching a
    filter" that the action itself changes (all unpaid → paid): kept as ids, the same miners stay
    selected afterwards. Above MAX_PICKED miners the filter is kept as it is."""
    if selection.matching is None:
        return selection
    ids = await repo.selected_ids(session, selection.clause(), MAX_PICKED + 1)
    return selection if len(ids) > MAX_PICKED else Selection(ids=frozenset(ids))


def _named(row: Any) -> dict[str, Any]:
    """Details of a miner's audit entry: the miner's name, shown with the entry."""
    return {"name": miner_name(row.serial, row.mac, row.ip, row.id)}


def _by_size(shares: Iterable[ClientShare]) -> list[ClientShare]:
    """Clients with the most selected miners first; miners of no client last among equals."""
    return sorted(
        shares, key=lambda s: (-s.miners, s.client is None, s.client.id if s.client else 0)
    )


def _entry(
    actor: Actor,
    at: datetime,
    category: str,
    action: str,
    entity_type: str,
    entity_id: int,
    *,
    client_id: int | None = None,
    changes: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor_id": actor.staff_id,
        "category": category,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "client_id": client_id,
        "changes": changes,
        "details": details,
    }

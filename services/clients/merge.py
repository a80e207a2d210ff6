"""Merging a client into another: everything the first holds becomes the second's, in one
transaction, and the first is archived with its email kept as the second's alias.

What moves from A to B: miners (each move recorded in the miners' client history, as an import or
a mass edit records it, so the bills count each miner for the client that held it at the time),
tasks, assets, bills with their payments. What stays A's: its history rows (energy per miner and
day, consumption per day, fleet samples, meter readings, price rows, log entries): they say what
A used and what happened to A, and the bills made for A's usage keep reading them
(`bills.usage_client_id`); B's logs show A's entries too. B keeps its own prices and invoice
language; A's own prices are shown on the confirmation, to be copied by hand.

Refused for a client into itself, into an archived client, for an archived client, and while an
export naming either (or all clients) is queued or running or a monthly bill run is unfinished.
The check and the merge are one transaction: on PostgreSQL the two clients are locked, new
exports and bill runs wait (table locks on `export_jobs` and `billing_runs`), and so do imports
and other writers of miners (the lock imports take), so nothing slips in between.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.bills.periods import local_day
from services.bills.rates import RATES, RateBook
from services.bills.service import rate_rows
from services.clients.guard import ClientsEditing, archived
from services.errors import Conflict, NotFound
from services.miners.naming import miner_name
from storage.models import Client
from storage.repositories import audit as audit_repo
from storage.repositories import bills as bills_repo
from storage.repositories import clients as repo
from storage.repositories import miner_history
from storage.repositories import miners as miners_repo
from storage.repositories import watchers as watchers_repo


@dataclass(frozen=True, slots=True)
class ClientRef:
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, client: Client) -> ClientRef:
        return cls(client.id, client.name, client.email)


@dataclass(frozen=True, slots=True)
class Holdings:
    """What a merge moves (the confirmation's counts; compared again when it runs)."""

    miners: int = 0
    tasks: int = 0
    assets: int = 0
    bills: int = 0
    payments: int = 0
    alerts: int = 0
    followers: int = 0  # members who follow its alerts (and not the target's already)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Holdings | None:
        if not isinstance(data, dict):
            return None
        return cls(**{k: int(data.get(k, 0)) for k in cls.__dataclass_fields__})


@dataclass(frozen=True, slots=True)
class OwnRate:
    """A rate the merged client had of its own: today's value (None: none today) and the
    changes it had planned."""

    name: str
    today: int | None
    upcoming: list[tuple[date, int | None]]


@dataclass(frozen=True, slots=True)
class MergePreview:
    source: ClientRef
    target: ClientRef
    moves: Holdings
    aliases: list[str]  # emails that will name the target: the source's own and its aliases
    own_rates: list[OwnRate]  # the source's prices, shown to be copied by hand
    currency: str
    source_link: bool = False  # the source has a live watcher link: it is revoked
    target_link: bool = False  # the target has one: it is kept


@dataclass(frozen=True, slots=True)
class MergeResult:
    source: ClientRef
    target: ClientRef
    moved: Holdings
    link_revoked: bool = False


class MergeService(ClientsEditing):
    async def start(self, actor: Actor, source_id: int) -> ClientRef:
        """The client to merge, refused up front if it may not be merged."""
        await self._require(actor)
        async with self.db.read() as session:
            source = await session.get(Client, source_id)
            if source is None:
                raise NotFound("client", source_id)
            if source.archived_at is not None:
                raise archived(source)
        return ClientRef.of(source)

    async def preview(self, actor: Actor, source_id: int, target_id: int) -> MergePreview:
        """What merging `source_id` into `target_id` would move (checked again on merge)."""
        await self._require(actor)
        facility = await self.facility.get()
        today = local_day(self.clock(), facility.zone)
        async with self.db.read() as session:
            source, target = await self._pair(session, source_id, target_id)
            await _refuse_if_busy(session, source.id, target.id)
            moves = Holdings(**await repo.holdings(session, source.id, target.id))
            aliases = [source.email, *await repo.aliases_of(session, source.id)]
            book = RateBook(rate_rows(await bills_repo.rate_rows(session, [source.id])))
            links = [await self._live_link(session, c.id) for c in (source, target)]
        own = []
        for name in RATES:
            upcoming = [(d, v) for d, v in book.changes(source.id, name) if d > today]
            value = book.override(source.id, name, today)
            if value is not None or upcoming:
                own.append(OwnRate(name, value, upcoming))
        return MergePreview(
            ClientRef.of(source),
            ClientRef.of(target),
            moves,
            aliases,
            own,
            facility.currency,
            source_link=links[0],
            target_link=links[1],
        )

    async def _live_link(self, session: AsyncSession, client_id: int) -> bool:
        link = await watchers_repo.unended(session, client_id)
        return link is not None and (link.expires_at is None or link.expires_at > self.clock())

    async def merge(
        self,
        actor: Actor,
        source_id: int,
        target_id: int,
        *,
        expected: Holdings | None = None,
    ) -> MergeResult:
        """Merge in one transaction. With `expected` (the confirmation's counts), a merge that
        would move something else is refused (Conflict "merge-changed") and nothing is written."""
        await self._require(actor)
        now = self.clock()
        async with self.db.write() as session:
            locked = await repo.lock(session, [source_id, target_id])
            source, target = _checked_pair(locked, source_id, target_id)
            await repo.hold_exports_and_runs(session)
            await _refuse_if_busy(session, source.id, target.id)
            await miners_repo.lock_for_import(session)
            moves = Holdings(**await repo.holdings(session, source.id, target.id))
            if expected is not None and moves != expected:
                raise Conflict("merge-changed", client_id=source.id)
            target_before = Holdings(**await repo.holdings(session, target.id))
            miners = await repo.miners_of(session, source.id)
            await self._move_miners(session, actor, miners, source, target, now)
            moved = await repo.give_holdings(session, source.id, target.id, now)
            assert Holdings(miners=len(miners), payments=moves.payments, **moved) == moves
            await repo.add_alias(session, source.email, target.id, source.id, now)
            revoked = await self.watchers.revoke_for_client(
                session, source.id, actor_id=actor.staff_id, reason="merged"
            )  # the target's link, if it has one, is kept
            source.archived_at = now
            source.merged_into_id = target.id
            source.version += 1
            source.updated_at = now
            target.updated_at = now
            self._log(session, actor, source, target, moves, target_before, now)
        return MergeResult(ClientRef.of(source), ClientRef.of(target), moves, revoked)

    async def _pair(
        self, session: AsyncSession, source_id: int, target_id: int
    ) -> tuple[Client, Client]:
        found = {
            c.id: c
            for c in [await session.get(Client, source_id), await session.get(Client, target_id)]
            if c is not None
        }
        return _checked_pair(found, source_id, target_id)

    async def _move_miners(
        self,
        session: AsyncSession,
        actor: Actor,
        miners: list[Any],
        source: Client,
        target: Client,
        now: datetime,
    ) -> None:
        """The miners change client as a mass edit changes it: the miners' history (the bills
        read it) and one entry in each miner's log."""
        if not miners:
            return
        ids = [m.id for m in miners]
        await miners_repo.set_values(session, ids, {"client_id": target.id, "updated_at": now})
        await miner_history.add_client_changes(
            session,
            [(i, source.id, target.id) for i in ids],
            at=now,
            source="merge",
            actor_id=actor.staff_id,
        )
        await miners_repo.add_audit_rows(
            session,
            [
                {
                    "at": now,
                    "actor_id": actor.staff_id,
                    "category": "miner",
                    "action": "miner.client_changed",
                    "entity_type": "miner",
                    "entity_id": m.id,
                    "client_id": None,
                    "changes": {"client_email": [source.email, target.email]},
                    "details": {"name": miner_name(m.serial, m.mac, m.ip, m.id)},
                }
                for m in miners
            ],
        )

    @staticmethod
    def _log(
        session: AsyncSession,
        actor: Actor,
        source: Client,
        target: Client,
        moves: Holdings,
        before: Holdings,
        now: datetime,
    ) -> None:
        """Both clients' logs: what left A (n → 0) and what B has now (before → after)."""
        counted = [k for k, n in moves.as_dict().items() if n]
        had, has = moves.as_dict(), before.as_dict()
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="client",
            action="client.merged_into",
            entity_type="client",
            entity_id=source.id,
            client_id=source.id,
            changes={_FIELDS[k]: [had[k], 0] for k in counted},
            details={"name": f"#{target.id} {target.name}", "alias": source.email},
            at=now,
        )
        audit_repo.add(
            session,
            actor_id=actor.staff_id,
            category="client",
            action="client.merged",
            entity_type="client",
            entity_id=target.id,
            client_id=target.id,
            changes={_FIELDS[k]: [has[k], has[k] + had[k]] for k in counted},
            details={"name": f"#{source.id} {source.name}", "alias": source.email},
            at=now,
        )


# the audit entries' field names (their labels: `field-*` in the locales)
_FIELDS = {
    "miners": "miners",
    "tasks": "client_tasks",
    "assets": "client_assets",
    "bills": "client_bills",
    "payments": "client_payments",
    "alerts": "client_alerts",
    "followers": "client_followers",
}


def _checked_pair(
    found: dict[int, Client], source_id: int, target_id: int
) -> tuple[Client, Client]:
    if source_id == target_id:
        raise Conflict("merge-self")
    source, target = found.get(source_id), found.get(target_id)
    if source is None:
        raise NotFound("client", source_id)
    if target is None:
        raise NotFound("client", target_id)
    if source.archived_at is not None:
        raise archived(source)
    if target.archived_at is not None:
        raise Conflict("merge-into-archived", client_id=target.id, name=target.name)
    return source, target


async def _refuse_if_busy(session: AsyncSession, *client_ids: int) -> None:
    """Refused while a monthly bill run is unfinished or an export naming either client (or
    every client) is queued or running."""
    period = await repo.unfinished_run(session)
    if period is not None:
        raise Conflict("merge-bill-run", period=period)
    for job_id, clients in await repo.unfinished_exports(session):
        if clients is None or set(clients) & set(client_ids):
            raise Conflict("merge-export", job=job_id)

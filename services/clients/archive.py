"""Archiving a client, restoring it, and deleting one created by mistake.

An archived client is out of the overview, the search and every picker (storage's `matching`);
its data, bills and logs stay, the Archived list shows it, and exports can still include it.
Archiving needs the client to hold no miners (they are moved first with the Miners area's mass
edit) and to owe no bill. A client merged into another is archived by the merge and is not
restored: what it had is the other client's now. Nothing is deleted for good except a client
with nothing but its creation in its history (no miners, tasks, assets, bills, prices, miner or
energy history, no other log entry): that deletion is logged in the general log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.bills.lines import OPEN_STATUSES
from services.clients.guard import ClientsEditing, archived
from services.errors import Conflict, NotFound
from storage.models import Client
from storage.repositories import audit as audit_repo
from storage.repositories import clients as repo
from storage.repositories import miners as miners_repo


@dataclass(frozen=True, slots=True)
class OwedBill:
    id: int
    period: str
    currency: str
    owed: int  # minor units still due


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    """What stands in the way of archiving a client, and whether it may be deleted instead."""

    client_id: int
    name: str
    miners: int
    unpaid: list[OwedBill] = field(default_factory=list)
    deletable: bool = False

    @property
    def allowed(self) -> bool:
        return not self.miners and not self.unpaid


class ArchiveService(ClientsEditing):
    async def check(self, actor: Actor, client_id: int) -> ArchiveCheck:
        await self._require(actor)
        async with self.db.read() as session:
            client = await session.get(Client, client_id)
            if client is None:
                raise NotFound("client", client_id)
            if client.archived_at is not None:
                raise archived(client)
            return await _check(session, client)

    async def archive(self, actor: Actor, client_id: int) -> ArchiveCheck:
        """Archive the client, or (Conflict "archive-blocked") say what stands in the way."""
        await self._require(actor)
        now = self.clock()
        async with self.db.write() as session:
            client = await _locked(session, client_id)
            await miners_repo.lock_for_import(session)  # no miner may join it meanwhile
            found = await _check(session, client)
            if not found.allowed:
                raise Conflict(
                    "archive-blocked",
                    client_id=client.id,
                    miners=found.miners,
                    bills=len(found.unpaid),
                )
            client.archived_at = now
            client.version += 1
            client.updated_at = now
            await self.watchers.revoke_for_client(
                session, client.id, actor_id=actor.staff_id, reason="archived"
            )
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="client.archived",
                entity_type="client",
                entity_id=client.id,
                client_id=client.id,
                at=now,
            )
        return found

    async def restore(self, actor: Actor, client_id: int) -> None:
        await self._require(actor)
        now = self.clock()
        async with self.db.write() as session:
            client = await _locked(session, client_id, active=False)
            if client.merged_into_id is not None:
                raise archived(client)
            if client.archived_at is None:
                raise Conflict("client-not-archived", client_id=client.id, name=client.name)
            client.archived_at = None
            client.version += 1
            client.updated_at = now
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="client.restored",
                entity_type="client",
                entity_id=client.id,
                client_id=client.id,
                at=now,
            )

    async def delete(self, actor: Actor, client_id: int) -> str:
        """Delete a client created by mistake (nothing in its history but its creation);
        returns its name. Logged in the general log."""
        await self._require(actor)
        now = self.clock()
        async with self.db.write() as session:
            client = await _locked(session, client_id, active=False)
            await miners_repo.lock_for_import(session)
            if await repo.has_history(session, client.id):
                raise Conflict("client-has-history", client_id=client.id, name=client.name)
            name, email = client.name, client.email
            await repo.delete_client(session, client.id)
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="general",
                action="client.deleted",
                entity_type="client",
                entity_id=client_id,
                details={"name": f"#{client_id} {name}", "email": email},
                at=now,
            )
        return name


async def _locked(session: AsyncSession, client_id: int, *, active: bool = True) -> Client:
    """The client, locked until the transaction ends; refused if archived (with `active`)."""
    client = (await repo.lock(session, [client_id])).get(client_id)
    if client is None:
        raise NotFound("client", client_id)
    if active and client.archived_at is not None:
        raise archived(client)
    return client


async def _check(session: AsyncSession, client: Client) -> ArchiveCheck:
    miners = (await repo.holdings(session, client.id))["miners"]
    unpaid = [
        OwedBill(b.id, b.period, b.currency, max(b.total_minor - b.paid_minor, 0))
        for b in await repo.open_bills(session, client.id, OPEN_STATUSES)
    ]
    deletable = not miners and not unpaid and not await repo.has_history(session, client.id)
    return ArchiveCheck(client.id, client.name, miners, unpaid, deletable)

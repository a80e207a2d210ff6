"""The client something is being given to (a miner, a task, an asset) must be active.

Checked inside the caller's write transaction with the client held (FOR SHARE on PostgreSQL), so
an archive or merge of that client waits for the caller's commit, or the caller sees it done.
Also the base of the services that merge and archive clients (`clients.edit`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.errors import Conflict, NotFound
from services.facility import FacilityService
from services.permissions import Permission
from storage.db import Database
from storage.models import Client, utcnow
from storage.repositories import clients as repo

if TYPE_CHECKING:  # the watchers' service names this module's refusals
    from services.watchers.service import WatcherService


class ClientsEditing:
    """A service that changes clients: the Clients area open and `clients.edit` held; a client
    merged or archived loses its watcher link (`watchers`)."""

    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        watchers: WatcherService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.facility = facility
        self.watchers = watchers
        self.clock = clock

    async def _require(self, actor: Actor) -> None:
        await self.facility.require_clients(actor)
        actor.require(Permission.CLIENTS_EDIT)


async def active_client(session: AsyncSession, client_id: int) -> Client:
    """The client, held until the caller's transaction ends; refused if archived."""
    client = await repo.lock_shared(session, client_id)
    if client is None:
        raise NotFound("client", client_id)
    if client.archived_at is not None:
        raise archived(client)
    return client


class Named(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def merged_into_id(self) -> int | None: ...


def archived(client: Named) -> Conflict:
    """The refusal for an archived client (a merged one names where its things went)."""
    if client.merged_into_id is not None:
        return Conflict(
            "client-merged", client_id=client.id, name=client.name, into=client.merged_into_id
        )
    return Conflict("client-archived", client_id=client.id, name=client.name)

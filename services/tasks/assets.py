"""Assets: a client's equipment that is not a miner (a container, a PDU, a transformer …).

Seen by members who see clients or tasks; added and edited by members who edit clients or
create tasks (a technician adds the container a task is about).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.actor import Actor
from services.clients.contacts import clean_text
from services.clients.guard import active_client, archived
from services.errors import Invalid, NotFound, PermissionDenied
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import Asset, Client, utcnow
from storage.repositories import assets as repo
from storage.repositories import audit as audit_repo

FIELDS = ("name", "type", "serial")
_VIEWERS = (Permission.CLIENTS_VIEW, Permission.TASKS_VIEW)
_EDITORS = (Permission.CLIENTS_EDIT, Permission.TASKS_CREATE)


@dataclass(frozen=True, slots=True)
class AssetInfo:
    id: int
    name: str
    type: str
    serial: str | None
    client_id: int | None


def asset_info(a: Asset) -> AssetInfo:
    return AssetInfo(a.id, a.name, a.kind, a.serial, a.client_id)


def clean_asset_field(field: str, value: Any) -> str | None:
    """Name and type 1–64/128 characters; the serial is optional."""
    if field == "name":
        return clean_text("asset_name", str(value), max_len=128)
    if field == "type":
        return clean_text("asset_type", str(value), max_len=64)
    if field == "serial":
        if value is None or not str(value).strip():
            return None
        return clean_text("asset_serial", str(value), max_len=64)
    raise Invalid(field, "unknown-field")


def _require_any(actor: Actor, flags: tuple[Permission, ...]) -> None:
    if not any(actor.can(f) for f in flags):
        raise PermissionDenied(flags[-1].value)


class AssetService:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def can_edit(self, actor: Actor) -> bool:
        return any(actor.can(f) for f in _EDITORS)

    async def page(
        self, actor: Actor, client_id: int, page: int = 0, per_page: int = 10
    ) -> Page[AssetInfo]:
        _require_any(actor, _VIEWERS)
        async with self.db.read() as session:
            if await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            total = await repo.count_for_client(session, client_id)
            page = clamp_page(page, total, per_page)
            rows = await repo.page_for_client(
                session, client_id, offset=page * per_page, limit=per_page
            )
        return Page([asset_info(a) for a in rows], page, per_page, total)

    async def count(self, actor: Actor, client_id: int) -> int:
        _require_any(actor, _VIEWERS)
        async with self.db.read() as session:
            return await repo.count_for_client(session, client_id)

    async def get(self, actor: Actor, asset_id: int) -> AssetInfo:
        _require_any(actor, _VIEWERS)
        async with self.db.read() as session:
            asset = await session.get(Asset, asset_id)
            if asset is None:
                raise NotFound("asset", asset_id)
            return asset_info(asset)

    async def start_edit(self, actor: Actor, asset_id: int) -> AssetInfo:
        """The asset as it is when a member starts editing it (refused to who may not)."""
        _require_any(actor, _EDITORS)
        return await self.get(actor, asset_id)

    async def start_add(self, actor: Actor, client_id: int) -> None:
        """Refuse the form up front to a member who could not save it."""
        _require_any(actor, _EDITORS)
        async with self.db.read() as session:
            client = await session.get(Client, client_id)
            if client is None:
                raise NotFound("client", client_id)
            if client.archived_at is not None:
                raise archived(client)

    async def check(self, actor: Actor, field: str, value: Any) -> str | None:
        """Validate one answer of the add/edit form (the save checks again)."""
        _require_any(actor, _EDITORS)
        return clean_asset_field(field, value)

    async def add(
        self, actor: Actor, client_id: int, *, name: str, type: str, serial: str | None = None
    ) -> AssetInfo:
        _require_any(actor, _EDITORS)
        values = {
            "name": clean_asset_field("name", name),
            "type": clean_asset_field("type", type),
            "serial": clean_asset_field("serial", serial),
        }
        now = self.clock()
        async with self.db.write() as session:
            await active_client(session, client_id)  # held: not archived or merged meanwhile
            asset = Asset(
                name=values["name"],
                kind=values["type"],
                serial=values["serial"],
                client_id=client_id,
                created_at=now,
            )
            session.add(asset)
            await session.flush()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="asset.created",
                entity_type="asset",
                entity_id=asset.id,
                client_id=client_id,
                changes={
                    f"asset-{k}": [None, v]
                    for k, v in values.items()
                    if v is not None and k != "name"
                },
                details={"name": values["name"]},
                at=now,
            )
            return asset_info(asset)

    async def edit(self, actor: Actor, asset_id: int, field: str, value: Any) -> AssetInfo:
        _require_any(actor, _EDITORS)
        if field not in FIELDS:
            raise Invalid(field, "unknown-field")
        cleaned = clean_asset_field(field, value)
        now = self.clock()
        async with self.db.write() as session:
            asset = await session.get(Asset, asset_id)
            if asset is None:
                raise NotFound("asset", asset_id)
            column = "kind" if field == "type" else field
            old = getattr(asset, column)
            if old != cleaned:
                setattr(asset, column, cleaned)
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="client",
                    action="asset.updated",
                    entity_type="asset",
                    entity_id=asset.id,
                    client_id=asset.client_id,
                    changes={f"asset-{field}": [old, cleaned]},
                    details={"name": asset.name},
                    at=now,
                )
            return asset_info(asset)

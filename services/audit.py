"""Reading the audit log. Writing happens in each service, inside the change's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.audit_text import Names
from services.errors import Invalid
from services.miners.naming import miner_name
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import AuditEntry
from storage.repositories import audit as audit_repo
from storage.repositories import miners as miners_repo

CATEGORIES = ("client", "miner", "task", "general", "admin", "security")


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    at: datetime
    actor_name: str | None
    category: str
    action: str
    entity_type: str | None
    entity_id: int | None
    changes: dict[str, Any]
    details: dict[str, Any]
    names: Names = field(default_factory=Names)  # staff and clients its details name by id


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self,
        actor: Actor,
        *,
        page: int = 0,
        per_page: int = 10,
        client_id: int | None = None,
        category: str | None = None,
        merged: Sequence[int] = (),
    ) -> Page[LogEntry]:
        """Entries newest first: all, one category's, or one client's (with the entries of the
        clients `merged` into it, each named)."""
        actor.require(Permission.LOGS_VIEW)
        if category is not None and category not in CATEGORIES:
            raise Invalid("category", "unknown")
        async with self.db.read() as session:
            total = await audit_repo.count(
                session, client_id=client_id, category=category, merged=merged
            )
            page = clamp_page(page, total, per_page)
            rows = await audit_repo.page(
                session,
                offset=page * per_page,
                limit=per_page,
                client_id=client_id,
                category=category,
                merged=merged,
            )
            entries = [e for e, _ in rows]
            unnamed = await _unnamed(
                session, entries, clients=client_id is None or bool(merged), own=client_id
            )
            names = await _referred(session, entries)
        items = [
            LogEntry(
                id=e.id,
                at=e.at,
                actor_name=name,
                category=e.category,
                action=e.action,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                changes=e.changes or {},
                details=_with_name(e, unnamed),
                names=names,
            )
            for e, name in rows
        ]
        return Page(items, page, per_page, total)


async def _unnamed(
    session: AsyncSession,
    entries: Sequence[AuditEntry],
    *,
    clients: bool,
    own: int | None = None,
) -> dict[tuple[str, int], str]:
    """Names of what entries written without one are about: miners (entries from before miners
    were named, or from a writer that does not name them) and, in the Logs area or a log with
    merged clients' entries (`clients`), clients other than the log's `own` ("#5 Acme"), so that
    "Client changed" says which."""
    wanted: dict[str, set[int]] = {"miner": set(), "client": set()}
    for e in entries:
        if (
            e.entity_id is not None
            and e.entity_type in wanted
            and not (e.details or {}).get("name")
            and not (e.entity_type == "client" and e.entity_id == own)
        ):
            wanted[e.entity_type].add(e.entity_id)
    found: dict[tuple[str, int], str] = {}
    if wanted["miner"]:
        ids = await miners_repo.identifiers(session, wanted["miner"])
        found |= {("miner", i): miner_name(*ids[i], i) for i in ids}
    if clients and wanted["client"]:
        names = await audit_repo.client_names(session, wanted["client"])
        found |= {("client", i): f"#{i} {n}" for i, n in names.items()}
    return found


async def _referred(session: AsyncSession, entries: Sequence[AuditEntry]) -> Names:
    """Names of the staff and clients that details refer to by id (a new client's manager, an
    export's clients)."""
    staff: set[int] = set()
    clients: set[int] = set()
    for e in entries:
        details = e.details or {}
        if isinstance(details.get("manager"), int):
            staff.add(details["manager"])
        if isinstance(details.get("clients"), list):
            clients.update(i for i in details["clients"] if isinstance(i, int))
    if not staff and not clients:
        return Names()
    return Names(
        await audit_repo.staff_names(session, staff),
        await audit_repo.client_names(session, clients),
    )


def _with_name(e: AuditEntry, unnamed: dict[tuple[str, int], str]) -> dict[str, Any]:
    details = dict(e.details or {})
    name = unnamed.get((e.entity_type or "", e.entity_id or 0))
    if name and not details.get("name"):
        details["name"] = name
    return details

"""Reading the audit log. Writing happens in each service, inside the change's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.actor import Actor
from services.errors import Invalid
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.repositories import audit as audit_repo

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
    ) -> Page[LogEntry]:
        actor.require(Permission.LOGS_VIEW)
        if category is not None and category not in CATEGORIES:
            raise Invalid("category", "unknown")
        async with self.db.read() as session:
            total = await audit_repo.count(session, client_id=client_id, category=category)
            page = clamp_page(page, total, per_page)
            rows = await audit_repo.page(
                session,
                offset=page * per_page,
                limit=per_page,
                client_id=client_id,
                category=category,
            )
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
                details=e.details or {},
            )
            for e, name in rows
        ]
        return Page(items, page, per_page, total)

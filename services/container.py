"""All services of one installation, built once and handed to the handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from services.audit import AuditService
from services.clients import ClientService
from services.facility import FacilityService
from services.roles import RoleService
from services.staff import StaffService
from storage.db import Database
from storage.models import utcnow


@dataclass
class Services:
    db: Database
    staff: StaffService
    roles: RoleService
    facility: FacilityService
    audit: AuditService
    clients: ClientService

    @classmethod
    def build(
        cls,
        db: Database,
        *,
        owner_ids: Iterable[int] = (),
        default_locale: str = "en",
        clock: Callable[[], datetime] = utcnow,
    ) -> Services:
        audit = AuditService(db)
        facility = FacilityService(db, clock=clock)
        return cls(
            db=db,
            staff=StaffService(db, default_locale=default_locale, owner_ids=owner_ids, clock=clock),
            roles=RoleService(db, clock=clock),
            facility=facility,
            audit=audit,
            clients=ClientService(db, audit, facility, clock=clock),
        )

    async def prepare(self, timezone: str) -> None:
        """Create what a fresh installation needs; safe to run on every start."""
        await self.roles.ensure_defaults()
        await self.staff.sync_owners()
        await self.facility.ensure_defaults(timezone)

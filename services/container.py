"""All services of one installation, built once and handed to the handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services.alerts.service import AlertService
from services.audit import AuditService
from services.bills.metered import MeteredImport
from services.bills.monthly import MonthlyRun
from services.bills.service import BillService
from services.clients.archive import ArchiveService
from services.clients.merge import MergeService
from services.clients.service import ClientService
from services.exports.service import ExportService
from services.facility import FacilityService
from services.miners.import_store import ImportStore
from services.miners.imports import ImportService
from services.miners.service import MinerService
from services.operations import OperationService
from services.roles import RoleService
from services.staff import StaffService
from services.tasks.assets import AssetService
from services.tasks.managers import TaskManagerService
from services.tasks.service import TaskService
from services.telemetry.energy import EnergyService
from services.telemetry.miner_api import MinerApi, open_miner_api
from services.telemetry.service import TelemetryService
from services.watchers.alerts import WatcherAlerts
from services.watchers.service import WatcherService
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
    task_managers: TaskManagerService
    tasks: TaskService
    assets: AssetService
    exports: ExportService
    miners: MinerService
    imports: ImportService
    telemetry: TelemetryService
    energy: EnergyService
    bills: BillService
    billing: MonthlyRun
    metered: MeteredImport
    watchers: WatcherService
    watcher_alerts: WatcherAlerts
    client_merge: MergeService
    client_archive: ArchiveService
    alerts: AlertService
    operations: OperationService

    @classmethod
    def build(
        cls,
        db: Database,
        *,
        owner_ids: Iterable[int] = (),
        default_locale: str = "en",
        clock: Callable[[], datetime] = utcnow,
        data_dir: str | Path = "data",
        miner_api: MinerApi | None = None,
        telemetry_concurrency: int = 200,
        telemetry_networks: Iterable[str] = (),
    ) -> Services:
        audit = AuditService(db)
        facility = FacilityService(db, clock=clock)
        operations = OperationService(db, clock=clock)
        telemetry = TelemetryService(
            db,
            facility,
            miner_api if miner_api is not None else open_miner_api(),
            clock=clock,
            concurrency=telemetry_concurrency,
            networks=telemetry_networks,
        )
        watchers = WatcherService(db, facility, telemetry, clock=clock)
        built = cls(
            db=db,
            staff=StaffService(db, default_locale=default_locale, owner_ids=owner_ids, clock=clock),
            roles=RoleService(db, clock=clock),
            facility=facility,
            audit=audit,
            clients=ClientService(db, audit, facility, clock=clock),
            task_managers=TaskManagerService(db, clock=clock),
            tasks=TaskService(db, facility, clock=clock),
            assets=AssetService(db, clock=clock),
            exports=ExportService(db, facility, directory=Path(data_dir) / "exports", clock=clock),
            miners=MinerService(db, facility, clock=clock),
            imports=ImportService(
                db, facility, ImportStore(Path(data_dir) / "imports"), operations, clock=clock
            ),
            telemetry=telemetry,
            energy=EnergyService(db, facility, clock=clock),
            bills=BillService(db, facility, clock=clock, default_locale=default_locale),
            billing=MonthlyRun(db, facility, clock=clock),
            metered=MeteredImport(db, facility, Path(data_dir) / "metered", clock=clock),
            watchers=watchers,
            watcher_alerts=WatcherAlerts(db, facility, clock=clock),
            client_merge=MergeService(db, facility, watchers, clock=clock),
            client_archive=ArchiveService(db, facility, watchers, clock=clock),
            alerts=AlertService(db, facility, clock=clock),
            operations=operations,
        )
        # alerts (watchers who opted in among their recipients): evaluated after every poll cycle
        built.telemetry.add_listener(built.alerts.engine.on_cycle)
        return built

    async def prepare(self, timezone: str) -> None:
        """Create what a fresh installation needs; safe to run on every start."""
        await self.roles.ensure_defaults()
        await self.staff.sync_owners()
        await self.facility.ensure_defaults(timezone)
        await self.task_managers.ensure_defaults()
        await self.alerts.ensure_defaults()

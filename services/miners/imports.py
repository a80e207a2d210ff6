"""Importing miners from a spreadsheet: read and preview, add unknown clients, apply, cancel.

The parsed rows and the preview are kept on disk (services/miners/import_store.py) under an id the
member's buttons carry, so Apply still works after a restart. Apply plans again against the
miners as they are at that moment and writes everything in one transaction: all rows or none.
Reading and applying are operations (services/operations.py): a restart in the middle ends with
a message to the member, and an import is applied once (a second Apply finds it done).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.errors import Conflict, NotFound
from services.facility import FacilityService
from services.miners.import_plan import (
    Existing,
    MinerIndex,
    MinerRow,
    Plan,
    Reject,
    make_plan,
    parse_file,
)
from services.miners.import_store import ImportStore, valid_id
from services.miners.service import create_email_clients
from services.miners.template import build_template
from services.operations import OperationService
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import miner_history
from storage.repositories import miners as repo

Progress = Callable[[str, int], None]  # (stage: read | check, rows so far); may run in a thread
FULL_SCAN_ROWS = 5_000  # above this many rows, load every stored miner instead of looking up
REJECTS_KEPT = 2_000  # rejected rows listed in the preview; the count is always exact


@dataclass(frozen=True, slots=True)
class ImportPreview:
    id: str
    file_name: str
    sheet: str | None  # the sheet read (None for CSV)
    data_rows: int  # non-blank rows under the header
    new: int
    updated: int
    unchanged: int
    rejected_rows: int
    rejects_listed: int  # how many of the rejects can be listed (the first REJECTS_KEPT)
    first_rejects: list[Reject]
    unknown_emails: list[tuple[str, int]]  # email with no client → rows
    moved: int  # existing miners that change client
    can_add_clients: bool

    @property
    def without_client(self) -> int:
        return sum(n for _, n in self.unknown_emails)

    @property
    def can_apply(self) -> bool:
        return self.new + self.updated > 0


@dataclass(frozen=True, slots=True)
class ImportResult:
    file_name: str
    new: int
    updated: int
    unchanged: int
    rejected_rows: int
    without_client: int
    clients: int  # clients whose miners changed


def _plan_part(plan: Plan) -> dict[str, Any]:
    return {
        "new": len(plan.inserts),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "moved": plan.moved,
        "plan_rejects": [list(r) for r in plan.rejects[:REJECTS_KEPT]],
        "plan_rejected": len(plan.rejects),
        "unknown": sorted([e, n] for e, n in plan.unknown_emails.items()),
    }


class ImportService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        store: ImportStore,
        operations: OperationService,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.facility = facility
        self.store = store
        self.operations = operations
        self.clock = clock

    # --- reading ----------------------------------------------------------------------------

    async def start(self, actor: Actor) -> None:
        """Refuse a member who may not import before their file is downloaded."""
        actor.require(Permission.MINERS_IMPORT)

    async def begin_read(
        self, actor: Actor, *, chat_id: int, message_id: int, file_id: str, file_name: str
    ) -> int:
        """Record the reading of a file the member sent (Telegram's `file_id` reads it again
        after a restart); returns the operation to hand to `read`."""
        actor.require(Permission.MINERS_IMPORT)
        return await self.operations.begin(
            actor,
            "import.read",
            chat_id=chat_id,
            message_id=message_id,
            params={
                "args": {"file": file_name},
                "file_id": file_id,
                "file_name": file_name,
                "redo": [{"open": "import-read"}],
            },
        )

    async def read_again(self, actor: Actor, operation: int) -> tuple[str, str]:
        """(file id, file name) of a reading a restart cut off, to read it again."""
        actor.require(Permission.MINERS_IMPORT)
        info = await self.operations.get(actor, operation)
        if info.kind != "import.read":
            raise NotFound("operation", operation)
        return str(info.params["file_id"]), str(info.params["file_name"])

    async def read(
        self,
        actor: Actor,
        data: bytes,
        file_name: str | None,
        *,
        progress: Progress | None = None,
        replaces: str | None = None,
        operation: int | None = None,
    ) -> ImportPreview:
        """Parse `data` in a worker thread, plan it against the stored miners and keep it for
        Apply. `replaces` is the member's previous unapplied import, discarded on success;
        `operation` (from `begin_read`) is marked done once the preview is kept."""
        actor.require(Permission.MINERS_IMPORT)
        report = progress or (lambda _stage, _rows: None)
        parsed = await asyncio.to_thread(parse_file, data, file_name, lambda n: report("read", n))
        report("check", parsed.data_rows)
        plan = await self._plan(parsed.rows)
        parse_rejected = len({r.row for r in parsed.rejects})
        import_id = self.store.new_id()
        meta = {
            "v": 1,
            "owner": actor.staff_id,
            "file": file_name or "",
            "kind": parsed.kind,
            "sheet": parsed.sheet,
            "created": self.clock().isoformat(),
            "columns": list(parsed.columns),
            "data_rows": parsed.data_rows,
            "parse_rejects": [list(r) for r in parsed.rejects[:REJECTS_KEPT]],
            "parse_rejected": parse_rejected,
            **_plan_part(plan),
        }
        await asyncio.to_thread(self.store.save, import_id, meta, parsed.rows)
        if replaces and replaces != import_id:
            await self.cancel(actor, replaces)
        await self.operations.done(
            operation,
            {"file": file_name or ""},
            after=[{"open": "import-preview", "key": import_id}],
        )
        return await self._preview(actor, import_id, meta)

    async def _index(self, session: AsyncSession, rows: Sequence[MinerRow]) -> MinerIndex:
        """The stored miners the rows may name: all of them for a big file (one scan, indexed a
        batch at a time in a worker thread), else those its serials, MACs and IPs name."""
        index = MinerIndex()
        if len(rows) > FULL_SCAN_ROWS:
            async for part in repo.stream_all(session):
                await asyncio.to_thread(index.extend, (Existing._make(r) for r in part))
            return index
        stored = await repo.by_identifiers(
            session,
            {r.serial for r in rows if r.serial is not None},
            {r.mac for r in rows if r.mac is not None},
            {r.ip for r in rows if r.ip is not None},
        )
        index.extend(Existing._make(r) for r in stored)
        return index

    async def _plan_in(self, session: AsyncSession, rows: Sequence[MinerRow]) -> Plan:
        index = await self._index(session, rows)
        clients = await repo.clients_by_email(session, {r.email for r in rows if r.email})
        return await asyncio.to_thread(make_plan, rows, index, clients)

    async def _plan(self, rows: Sequence[MinerRow]) -> Plan:
        async with self.db.read() as session:
            return await self._plan_in(session, rows)

    async def _meta(self, actor: Actor, import_id: str) -> dict[str, Any]:
        meta = await asyncio.to_thread(self.store.load_meta, import_id)
        if meta is None or meta.get("owner") != actor.staff_id:
            raise NotFound("import", import_id)
        return meta

    async def _preview(self, actor: Actor, import_id: str, meta: dict[str, Any]) -> ImportPreview:
        rejects = _rejects(meta)
        return ImportPreview(
            id=import_id,
            file_name=meta["file"],
            sheet=meta.get("sheet"),
            data_rows=meta["data_rows"],
            new=meta["new"],
            updated=meta["updated"],
            unchanged=meta["unchanged"],
            rejected_rows=meta["parse_rejected"] + meta["plan_rejected"],
            rejects_listed=len(rejects),
            first_rejects=rejects[:10],
            unknown_emails=[(e, n) for e, n in meta["unknown"]],
            moved=meta["moved"],
            can_add_clients=await self._may_add_clients(actor),
        )

    async def _may_add_clients(self, actor: Actor) -> bool:
        return actor.can(Permission.CLIENTS_ADD) and not await self.facility.clients_problems(actor)

    async def preview(self, actor: Actor, import_id: str) -> ImportPreview:
        actor.require(Permission.MINERS_IMPORT)
        return await self._preview(actor, import_id, await self._meta(actor, import_id))

    async def rejects(
        self, actor: Actor, import_id: str, page: int = 0, per_page: int = 20
    ) -> Page[Reject]:
        actor.require(Permission.MINERS_IMPORT)
        rejects = _rejects(await self._meta(actor, import_id))
        page = clamp_page(page, len(rejects), per_page)
        chunk = rejects[page * per_page : (page + 1) * per_page]
        return Page(chunk, page, per_page, len(rejects))

    # --- unknown clients --------------------------------------------------------------------

    async def add_clients(
        self, actor: Actor, import_id: str, which: int | None = None
    ) -> tuple[int, ImportPreview]:
        """Create the client of one unknown email (`which`, its place in the preview's list) or
        of all of them; returns how many were created and the preview planned again."""
        await self.facility.require_clients(actor)
        actor.require(Permission.MINERS_IMPORT, Permission.CLIENTS_ADD)
        meta = await self._meta(actor, import_id)
        unknown = [e for e, _ in meta["unknown"]]
        if which is not None and not 0 <= which < len(unknown):
            raise NotFound("email", which)
        emails = unknown if which is None else [unknown[which]]
        async with self.db.write() as session:
            created = await create_email_clients(session, actor, emails, self.clock(), "import")
        rows = await asyncio.to_thread(self.store.load_rows, import_id)
        meta.update(_plan_part(await self._plan(rows)))
        await asyncio.to_thread(self.store.save_meta, import_id, meta)
        return len(created), await self._preview(actor, import_id, meta)

    # --- applying ---------------------------------------------------------------------------

    async def begin_apply(
        self, actor: Actor, import_id: str, *, chat_id: int, message_id: int | None
    ) -> int:
        """Record that the member applies the import; returns the operation to hand to `apply`.
        Raises AlreadyDone when it was applied already (its files are gone by then)."""
        actor.require(Permission.MINERS_IMPORT)
        if not valid_id(import_id):
            raise NotFound("import", import_id)
        meta = await asyncio.to_thread(self.store.load_meta, import_id)
        if meta is not None and meta.get("owner") != actor.staff_id:
            raise NotFound("import", import_id)
        operation = await self.operations.begin(
            actor,
            "import.apply",
            key=import_id,
            chat_id=chat_id,
            message_id=message_id,
            params={
                "args": {"file": (meta or {}).get("file", "")},
                "redo": [{"open": "import-apply", "key": import_id}],
                "after": [{"open": "miners"}],
            },
        )
        if meta is None:  # cancelled or purged, never applied
            await self.operations.failed(operation)
            raise NotFound("import", import_id)
        return operation

    async def apply(
        self, actor: Actor, import_id: str, *, operation: int | None = None
    ) -> ImportResult:
        """Write the import in one transaction, planned against the miners as they are now;
        `operation` (from `begin_apply`) is marked done in that same transaction."""
        actor.require(Permission.MINERS_IMPORT)
        meta = await self._meta(actor, import_id)
        rows = await asyncio.to_thread(self.store.load_rows, import_id)
        now = self.clock()
        try:
            result = await self._write(actor, meta, rows, now, operation)
        except IntegrityError as exc:  # PostgreSQL only, and only if the lock was not enough
            raise Conflict("import-clashed") from exc
        await asyncio.to_thread(self.store.delete, import_id)
        return result

    async def _write(
        self,
        actor: Actor,
        meta: dict[str, Any],
        rows: Sequence[MinerRow],
        now: datetime,
        operation: int | None,
    ) -> ImportResult:
        async with self.db.write() as session:
            await repo.lock_for_import(session)
            plan = await self._plan_in(session, rows)
            affected = set(plan.gained) | set(plan.lost)
            before = await repo.client_miner_counts(session, affected)
            await repo.update_miners(session, plan.update_values(), now)
            await repo.insert_miners(session, plan.insert_values(), now)
            await miner_history.add_client_changes(
                session, plan.client_moves, at=now, source="import", actor_id=actor.staff_id
            )
            await miner_history.add_status_changes(
                session, plan.status_moves, at=now, source="import"
            )
            result = ImportResult(
                file_name=meta["file"],
                new=len(plan.inserts),
                updated=len(plan.updates),
                unchanged=plan.unchanged,
                rejected_rows=meta["parse_rejected"] + len(plan.rejects),
                without_client=plan.without_client,
                clients=len(affected),
            )
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="general",
                action="miners.imported",
                entity_type="import",
                details={
                    "file": result.file_name,
                    "rows": meta["data_rows"],
                    "new": result.new,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected_rows,
                    "without_client": result.without_client,
                    "moved": plan.moved,
                    "clients": result.clients,
                },
                at=now,
            )
            for client_id in sorted(affected):
                gained, lost = plan.gained[client_id], plan.lost[client_id]
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="client",
                    action="miners.imported",
                    entity_type="client",
                    entity_id=client_id,
                    client_id=client_id,
                    changes={"miners": [before[client_id], before[client_id] + gained - lost]},
                    details={"gained": gained, "lost": lost, "file": result.file_name},
                    at=now,
                )
            await self.operations.done_in(session, operation, asdict(result))
        return result

    async def cancel(self, actor: Actor, import_id: str) -> None:
        """Forget an import that was not applied (nothing was written for it)."""
        meta = await asyncio.to_thread(self.store.load_meta, import_id)
        if meta is not None and meta.get("owner") == actor.staff_id:
            await asyncio.to_thread(self.store.delete, import_id)

    async def purge(self) -> int:
        """Delete imports nobody applied or cancelled within a day (a scheduled job)."""
        return await asyncio.to_thread(self.store.purge, self.clock())

    # --- template ---------------------------------------------------------------------------

    async def template(
        self,
        actor: Actor,
        lang: str,
        *,
        sheet_title: str,
        help_title: str,
        help_header: Sequence[str],
        descriptions: dict[str, str],
    ) -> bytes:
        actor.require(Permission.MINERS_IMPORT)
        return await asyncio.to_thread(
            lambda: build_template(
                lang,
                sheet_title=sheet_title,
                help_title=help_title,
                help_header=help_header,
                descriptions=descriptions,
            )
        )


def _rejects(meta: dict[str, Any]) -> list[Reject]:
    rows = [Reject(*r) for r in meta["parse_rejects"]] + [Reject(*r) for r in meta["plan_rejects"]]
    rows.sort(key=lambda r: r.row)
    return rows[:REJECTS_KEPT]

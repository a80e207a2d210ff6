"""Client data exports: the request (permission, checks, audit), the job's life and the workbook.

A request is stored as an `export_jobs` row (queued) and answered at once; the bot's export worker
(bot/exports.py) claims it (running), has `build` write the files and sends them (done). A
failure is recorded with a reason and the member is told through the outbox in the same
transaction. Nothing is lost on a restart: `recover` puts interrupted jobs back in the queue (or
fails them after `MAX_ATTEMPTS` starts) and tells the member either way.

The workbook is streamed: rows are read from the database in batches through a server-side cursor
in the event loop (any backend, one read transaction, so all sheets show the same moment) and
written by openpyxl in write-only mode in a worker thread, the next batch being fetched while the
thread writes the current one. Memory stays at about two batches whatever the size of the export.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.alerts.rails import tell
from services.errors import Conflict, Invalid, NotFound
from services.exports import periods
from services.exports.periods import Period
from services.exports.sheets import KINDS, Labels, Scope, Sheet, sheets_for
from services.exports.xlsx_writer import PartFile, SheetSpec, XlsxParts, compressed_bytes_per_row
from services.facility import CLIENT_PLANS, FacilityService
from services.pagination import Page, clamp_page
from services.permissions import Permission
from services.texts import Texts
from storage.db import Database
from storage.models import ExportJob, Staff, utcnow
from storage.repositories import audit as audit_repo
from storage.repositories import clients as clients_repo
from storage.repositories import exports as repo
from storage.repositories import staff as staff_repo

log = logging.getLogger(__name__)
T = TypeVar("T")

STATUSES = ("queued", "running", "done", "failed", "expired")
FAILURES = ("internal", "interrupted", "too-large", "permission", "storage")
MAX_CLIENTS = 200  # ticked one by one; "all clients" has no limit
UPLOAD_LIMIT = 50_000_000  # bytes in one file: Telegram's bots upload at most 50 MB
SPLIT_TARGET = 0.85  # a part aims at this share of the limit (the estimate is from a real file)
SPLIT_ATTEMPTS = 3
RETENTION = timedelta(days=30)
MAX_ATTEMPTS = 3  # builds started; a job interrupted this often is failed, not resumed
BATCH = 1_000  # rows read from the database at a time
CAPTION_CLIENTS = 10  # clients named in a caption; the rest are counted


class ExportFailed(Exception):
    """The export cannot be made; `reason` is one of FAILURES."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ClientChoice:
    id: int
    name: str
    archived: bool = False  # archived clients can still be exported


@dataclass(frozen=True, slots=True)
class ExportPart:
    name: str
    size: int
    file_id: str | None
    # "sending": the worker began to send it and did not hear back (a restart cut in: the member
    # may have it); "sent": Telegram took it for this job. None: not sent yet.
    state: str | None = None


@dataclass(frozen=True, slots=True)
class ExportView:
    """An export job as screens, captions and the worker need it."""

    id: int
    status: str
    clients: list[int] | None  # None: all clients
    client_names: list[tuple[int, str]]  # the first CAPTION_CLIENTS of them
    client_count: int
    period: Period
    preset: str | None
    kinds: list[str]
    zone: str
    parts: list[ExportPart]
    size: int | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    attempts: int
    folder: str | None
    staff_id: int  # who asked for it
    chat_id: int
    locale: str | None
    requester_active: bool


def _params(
    clients: list[int] | None, period: Period, preset: str | None, kinds: list[str], zone: str
) -> dict[str, Any]:
    return {
        "clients": clients,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "preset": preset,
        "kinds": kinds,
        "zone": zone,
    }


def _parts(job: ExportJob) -> list[ExportPart]:
    return [
        ExportPart(p["name"], int(p["size"]), p.get("file_id"), p.get("state"))
        for p in job.parts or []
    ]


class ExportService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        *,
        directory: Path,
        clock: Callable[[], datetime] = utcnow,
        upload_limit: int = UPLOAD_LIMIT,
        batch: int = BATCH,
    ) -> None:
        self.db = db
        self.facility = facility
        self.directory = directory
        self.clock = clock
        self.upload_limit = upload_limit
        self.batch = batch
        self._work = asyncio.Event()

    async def _require(self, actor: Actor) -> None:
        await self.facility.require_clients(actor)
        actor.require(Permission.CLIENTS_EXPORT)

    # --- the form ---------------------------------------------------------------------------

    async def today(self) -> date:
        """Today in the facility's time zone."""
        return periods.local_today(self.clock(), (await self.facility.get()).zone)

    async def start(self, actor: Actor) -> date:
        """Refuse the form up front to a member who could not send it; returns today."""
        await self._require(actor)
        return await self.today()

    async def choices(
        self, actor: Actor, search: str | None = None, page: int = 0, per_page: int = 8
    ) -> Page[ClientChoice]:
        """Clients to tick, by name; searched by name, email or ID like the overview. Archived
        clients are among them: their data and bills can still be exported."""
        await self._require(actor)
        search = (search or "").strip() or None
        async with self.db.read() as session:
            total = await clients_repo.count_matching(session, search, archived=True)
            page = clamp_page(page, total, per_page)
            rows = await clients_repo.find(
                session, search, offset=page * per_page, limit=per_page, archived=True
            )
            gone = await clients_repo.archived_among(session, [i for i, _, _ in rows])
        return Page([ClientChoice(i, n, i in gone) for i, n, _ in rows], page, per_page, total)

    async def chosen(self, actor: Actor, ids: Sequence[int]) -> list[ClientChoice]:
        """The ticked clients that still exist, by id."""
        await self._require(actor)
        if not ids:
            return []
        async with self.db.read() as session:
            return [ClientChoice(i, n) for i, n in await repo.client_names(session, list(ids))]

    async def count_clients(self, actor: Actor) -> int:
        await self._require(actor)
        async with self.db.read() as session:
            return await repo.count_clients(session)

    async def period(
        self,
        actor: Actor,
        preset: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Period:
        """A preset period as of today, or a checked from–to (from ≤ to ≤ today)."""
        today = await self.start(actor)
        if preset is not None:
            return periods.preset(preset, today)
        if start is None or end is None:
            raise Invalid("period", "missing")
        return periods.custom(start, end, today)

    async def request(
        self,
        actor: Actor,
        *,
        clients: Sequence[int] | None,
        kinds: Sequence[str],
        preset: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> ExportView:
        """Queue an export of `clients` (None: all) for a period and the `kinds` of data."""
        await self._require(actor)
        chosen = _check_kinds(kinds)
        period = await self.period(actor, preset, start, end)
        facility = await self.facility.get()
        ids: list[int] | None = None
        now = self.clock()
        async with self.db.write() as session:
            if clients is not None:
                ids = sorted({int(c) for c in clients})
                if not ids:
                    raise Invalid("clients", "empty")
                if len(ids) > MAX_CLIENTS:
                    raise Invalid("clients", "too-many", max=MAX_CLIENTS)
                found = {i for i, _ in await repo.client_names(session, ids)}
                missing = [i for i in ids if i not in found]
                if missing:
                    raise NotFound("client", missing[0])
            job = repo.add_job(
                session,
                staff_id=actor.staff_id,
                params=_params(ids, period, preset, chosen, facility.timezone),
                at=now,
            )
            await session.flush()
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client",
                action="export.requested",
                entity_type="export",
                entity_id=job.id,
                client_id=ids[0] if ids is not None and len(ids) == 1 else None,
                details={
                    "name": f"#{job.id}, {period.start} – {period.end}",  # shown in the log
                    "clients": ids if ids is not None else "all",
                    "from": period.start.isoformat(),
                    "to": period.end.isoformat(),
                    "data": chosen,
                },
                at=now,
            )
            job_id = job.id
        self._work.set()
        return await self._view(job_id)

    # --- the member's exports ---------------------------------------------------------------

    async def jobs(self, actor: Actor, page: int = 0, per_page: int = 5) -> Page[ExportView]:
        """The member's own exports, newest first."""
        await self._require(actor)
        async with self.db.read() as session:
            total = await repo.count_jobs(session, actor.staff_id)
            page = clamp_page(page, total, per_page)
            jobs = await repo.jobs_page(
                session, actor.staff_id, offset=page * per_page, limit=per_page
            )
            staff = await session.get(Staff, actor.staff_id)
            assert staff is not None
            items = [await self._describe(session, job, staff) for job in jobs]
        return Page(items, page, per_page, total)

    async def ready(self, actor: Actor, job_id: int) -> ExportView:
        """One of the member's finished exports whose files are still kept (to send again)."""
        await self._require(actor)
        view = await self._view(job_id)
        if view.staff_id != actor.staff_id:
            raise NotFound("export", job_id)  # someone else's export does not exist for you
        if view.status == "expired":
            raise Conflict("export-expired", days=RETENTION.days)
        if view.status != "done" or not view.parts:
            raise Conflict("export-not-ready")
        return view

    def path(self, view: ExportView, part: ExportPart) -> Path:
        assert view.folder is not None
        return self.directory / view.folder / part.name

    # --- the worker's side ------------------------------------------------------------------

    async def wait_for_work(self, timeout: float) -> None:  # noqa: ASYNC109
        """Return when a request is queued here, or after `timeout` (requests from elsewhere)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._work.wait(), timeout)
        self._work.clear()

    async def recover(self) -> list[ExportView]:
        """On start: jobs a stop interrupted go back to the queue, or fail after MAX_ATTEMPTS;
        each member is told. Returns the jobs concerned, as they are now."""
        touched: list[int] = []
        async with self.db.write() as session:
            for job in await repo.unfinished(session):
                staff = await session.get(Staff, job.requested_by)
                assert staff is not None
                touched.append(job.id)
                if job.status == "running" and job.attempts >= MAX_ATTEMPTS:
                    await self._mark_failed(session, job, staff, "interrupted")
                    continue
                job.status = "queued"
                if job.parts:
                    # Built: the files follow (those whose sending a stop cut off say "sent
                    # again"). No notice: "it is being prepared" would come after a file.
                    continue
                key = f"export-{job.id}-resumed-{job.attempts}"
                if not await repo.notice_exists(session, key):  # two starts in a row: one notice
                    await tell(
                        session,
                        staff,
                        "export_ready",
                        "export-notice-resumed",
                        args={"id": str(job.id)},
                        dedup_key=key,
                    )
        if touched:
            self._work.set()
        return [await self._view(job_id) for job_id in touched]

    async def notice_first(self, job_id: int, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait (at most `timeout`) until the outbox has sent the job's "being prepared again"
        notice, so that it reaches the member before the file, never after it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            async with self.db.read() as session:
                if not await repo.notice_pending(session, f"export-{job_id}-resumed-"):
                    return
            await asyncio.sleep(0.2)

    async def record_part(self, job_id: int, index: int, file_id: str | None) -> None:
        """Part `index` is being sent (`file_id` None), or Telegram took it (its file id): once
        every part is taken, the job is done in the same write."""
        async with self.db.write() as session:
            job = await session.get(ExportJob, job_id)
            if job is None or not job.parts or not 0 <= index < len(job.parts):
                return
            parts = [dict(p) for p in job.parts]
            if file_id is None:
                parts[index]["state"] = "sending"
            else:
                parts[index]["state"], parts[index]["file_id"] = "sent", file_id
            job.parts = parts
            if job.status == "running" and all(p.get("state") == "sent" for p in parts):
                job.status, job.finished_at = "done", self.clock()

    async def claim_next(self) -> ExportView | None:
        """Take the oldest queued job: it is running from now on."""
        async with self.db.write() as session:
            job = await repo.first_queued(session)
            if job is None:
                return None
            job.status = "running"
            job.attempts += 1
            job.started_at = self.clock()
            job_id = job.id
        return await self._view(job_id)

    async def build(self, job_id: int, texts: Texts) -> ExportView:
        """Write the files of a running job (split when over the upload limit) and record them.

        Files already written by an attempt that was interrupted before sending are reused.
        Raises ExportFailed with a reason the member can be told.
        """
        view = await self._view(job_id)
        if view.status != "running":
            raise ExportFailed("internal")
        if view.parts and all(self.path(view, p).is_file() for p in view.parts):
            return view
        await self._check_still_allowed(view)
        folder = self.directory / str(view.id)
        fields: dict[str, str] = {}
        staff: dict[int, str] = {}
        merged: set[int] = set()
        async with self.db.read() as session:
            for client_id in view.clients or ():
                merged.update(await clients_repo.merged_into(session, client_id))
            if "tasks" in view.kinds:
                fields = await repo.task_field_names(session)
            if "logs" in view.kinds:  # log details name staff by id (a new client's manager)
                staff = await repo.staff_names(session)
        scope = Scope(
            view.clients,
            view.period,
            _zone(view.zone),
            (await self.facility.get()).currency,
            task_fields=fields,
            staff=staff,
            merged=tuple(sorted(merged)),
        )
        sheets = sheets_for(view.kinds)
        specs = [sheet.spec(texts) for sheet in sheets]
        labels = Labels(texts)
        stem = f"farmdesk-export-{view.id}-{view.period.start:%Y%m%d}-{view.period.end:%Y%m%d}"
        plan: dict[str, float] | None = None
        target: int | None = None
        try:
            for _ in range(SPLIT_ATTEMPTS):
                await asyncio.to_thread(shutil.rmtree, folder, True)
                files = await self._write(folder, stem, scope, sheets, specs, labels, plan, target)
                if all(f.size <= self.upload_limit for f in files):
                    break
                if plan is None:
                    plan = await asyncio.to_thread(compressed_bytes_per_row, files[0])
                    target = int(self.upload_limit * SPLIT_TARGET)
                else:
                    target = int((target or self.upload_limit) * SPLIT_TARGET)
                log.info("export %s: %s file(s) over the limit, splitting", view.id, len(files))
            else:
                raise ExportFailed("too-large")
        except OSError as exc:
            log.exception("export %s: cannot write its files", view.id)
            raise ExportFailed("storage") from exc
        async with self.db.write() as session:
            job = await session.get(ExportJob, view.id)
            assert job is not None
            job.file_path = str(view.id)
            job.parts = [{"name": f.name, "size": f.size, "file_id": None} for f in files]
            job.file_size = sum(f.size for f in files)
        return await self._view(view.id)

    async def _write(
        self,
        folder: Path,
        stem: str,
        scope: Scope,
        sheets: list[Sheet],
        specs: list[SheetSpec],
        labels: Labels,
        plan: dict[str, float] | None,
        target: int | None,
    ) -> list[PartFile]:
        writer = await _in_thread(
            partial(XlsxParts, folder, stem, scope.zone, bytes_per_row=plan, target=target)
        )
        pending: asyncio.Future[None] | None = None
        try:
            async with self.db.read() as session:
                for sheet, spec in zip(sheets, specs, strict=True):
                    await _in_thread(partial(writer.begin, spec))
                    async for rows in repo.stream(session, sheet.query(scope), self.batch):
                        if pending is not None:
                            await asyncio.shield(pending)
                        pending = asyncio.ensure_future(
                            asyncio.to_thread(_write_rows, writer, sheet, rows, labels, scope)
                        )
                    if pending is not None:
                        await asyncio.shield(pending)
                        pending = None
                    await _in_thread(writer.end)
            return await _in_thread(writer.finish)
        except BaseException:
            if pending is not None and not pending.done():
                # Stopped (or failed) while the thread writes a batch: let it finish first, so
                # that nothing writes into the folder after we return.
                await asyncio.wait([pending])
            await _in_thread(writer.abort)
            raise

    async def delivered(self, job_id: int, file_ids: Sequence[str | None]) -> None:
        """The files were sent: the job is done; each part keeps its Telegram file id."""
        await self._finish(job_id, file_ids, undelivered=False)

    async def undeliverable(self, job_id: int, *, tell: bool) -> None:
        """The files are ready but Telegram would not take them: the job is done (they can be
        sent again from the list); when `tell`, the member hears of it."""
        await self._finish(job_id, [], undelivered=tell)

    async def _finish(self, job_id: int, file_ids: Sequence[str | None], undelivered: bool) -> None:
        async with self.db.write() as session:
            found = await repo.job_with_requester(session, job_id)
            if found is None:
                return
            job, staff = found
            parts = [dict(p) for p in job.parts or []]
            for part, file_id in zip(parts, file_ids, strict=False):
                part["file_id"] = file_id or part.get("file_id")
            job.parts = parts
            if job.status == "running":
                job.status, job.finished_at = "done", self.clock()
            if undelivered:
                await tell(
                    session,
                    staff,
                    "export_ready",
                    "export-notice-undelivered",
                    args={"id": str(job.id)},
                    buttons=[{"open": "exports", "id": 0}],
                    dedup_key=f"export-{job.id}-undelivered",
                )

    async def remember_file_ids(self, job_id: int, file_ids: Sequence[str | None]) -> None:
        """Telegram's ids of files sent again from disk, to reuse next time."""
        async with self.db.write() as session:
            job = await session.get(ExportJob, job_id)
            if job is None:
                return
            parts = [dict(p) for p in job.parts or []]
            for part, file_id in zip(parts, file_ids, strict=False):
                if file_id:
                    part["file_id"] = file_id
            job.parts = parts

    async def fail(self, job_id: int, reason: str) -> None:
        """Record the failure, remove any file written, tell the member (one transaction)."""
        reason = reason if reason in FAILURES else "internal"
        async with self.db.write() as session:
            found = await repo.job_with_requester(session, job_id)
            if found is None:
                return
            job, staff = found
            if job.status in ("done", "failed", "expired"):
                return
            await self._mark_failed(session, job, staff, reason)
        await asyncio.to_thread(shutil.rmtree, self.directory / str(job_id), True)

    async def _mark_failed(
        self, session: AsyncSession, job: ExportJob, staff: Staff, reason: str
    ) -> None:
        job.status, job.error, job.finished_at = "failed", reason, self.clock()
        job.file_path, job.parts, job.file_size = None, None, None
        await tell(
            session,
            staff,
            "export_ready",
            "export-notice-failed",
            args={"id": str(job.id), "reason": {"t": f"export-error-{reason}"}},
            buttons=[{"open": "exports", "id": 0}],
            dedup_key=f"export-{job.id}-failed",
        )

    async def purge(self) -> int:
        """Remove the files of exports finished more than RETENTION ago (a daily job)."""
        cutoff = self.clock() - RETENTION
        async with self.db.read() as session:
            jobs = [(j.id, j.file_path) for j in await repo.with_files_before(session, cutoff)]
        for job_id, folder in jobs:
            if folder:
                await asyncio.to_thread(shutil.rmtree, self.directory / folder, True)
            async with self.db.write() as session:
                job = await session.get(ExportJob, job_id)
                if job is None:
                    continue
                job.file_path = None
                if job.status == "done":
                    job.status = "expired"
        if jobs:
            log.info("exports: removed the files of %s old export(s)", len(jobs))
        return len(jobs)

    # --- internals ---------------------------------------------------------------------------

    async def _check_still_allowed(self, view: ExportView) -> None:
        """The member may still export when the build starts (roles and settings can change)."""
        facility = await self.facility.get()
        async with self.db.read() as session:
            staff = await session.get(Staff, view.staff_id)
            flags = await staff_repo.permissions_of(session, staff.role_id) if staff else set()
        allowed = (
            staff is not None
            and staff.is_active
            and {Permission.CLIENTS_VIEW.value, Permission.CLIENTS_EXPORT.value} <= flags
            and facility.plan in CLIENT_PLANS
            and facility.client_management
        )
        if not allowed:
            raise ExportFailed("permission")

    async def _view(self, job_id: int) -> ExportView:
        async with self.db.read() as session:
            found = await repo.job_with_requester(session, job_id)
            if found is None:
                raise NotFound("export", job_id)
            job, staff = found
            return await self._describe(session, job, staff)

    async def _describe(self, session: AsyncSession, job: ExportJob, staff: Staff) -> ExportView:
        params = job.params
        clients = params.get("clients")
        if clients is None:
            names: list[tuple[int, str]] = []
            count = await repo.count_clients(session)
        else:
            names = await repo.client_names(session, clients[:CAPTION_CLIENTS])
            count = len(clients)
        return ExportView(
            id=job.id,
            status=job.status,
            clients=clients,
            client_names=names,
            client_count=count,
            period=Period(date.fromisoformat(params["start"]), date.fromisoformat(params["end"])),
            preset=params.get("preset"),
            kinds=list(params.get("kinds") or []),
            zone=params.get("zone") or "UTC",
            parts=_parts(job),
            size=job.file_size,
            error=job.error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            attempts=job.attempts,
            folder=job.file_path,
            staff_id=staff.id,
            chat_id=staff.telegram_id,
            locale=staff.locale,
            requester_active=staff.is_active,
        )


def _check_kinds(kinds: Sequence[str]) -> list[str]:
    chosen = [k for k in KINDS if k in set(kinds)]
    if set(kinds) - set(KINDS):
        raise Invalid("kinds", "unknown")
    if not chosen:
        raise Invalid("kinds", "empty")
    return chosen


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


async def _in_thread(call: Callable[[], T]) -> T:
    """`call()` in a worker thread. A thread cannot be stopped: when the caller is cancelled, this
    waits for it to end before passing the cancellation on, so no file is written afterwards."""
    future = asyncio.ensure_future(asyncio.to_thread(call))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


def _write_rows(
    writer: XlsxParts, sheet: Sheet, rows: Sequence[Any], labels: Labels, scope: Scope
) -> None:
    """In the worker thread: map one batch of database rows to cells and append them."""
    mapper = sheet.row
    writer.write(mapper(row, labels, scope) for row in rows)

"""Export requests, jobs and workbooks against a real SQLite file (the clock: 2026-11-02 09:00
UTC, the facility in Europe/Moscow, so "last month" is October 2026 in Moscow time)."""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bench.generate import generate
from services.actor import Actor
from services.container import Services
from services.errors import AreaClosed, Conflict, Invalid, NotFound, PermissionDenied
from services.exports.service import MAX_CLIENTS, ExportFailed, ExportService, ExportView
from services.exports.sheets import KINDS
from storage.db import Database
from storage.models import (
    AuditEntry,
    Client,
    ConsumptionDaily,
    ExportJob,
    Miner,
    OutboxMessage,
    Task,
    TaskField,
    TaskManager,
    TaskStatus,
)
from tests.conftest import Clock, join


class Texts:
    """English column names; any key without a translation reads as itself."""

    def __init__(self) -> None:
        from locales import Translations

        self.t = Translations().get("en")

    def __call__(self, key: str, **args: Any) -> str:
        return self.t(key, **args)

    def has(self, key: str) -> bool:
        return self.t.has(key)


TEXTS = Texts()


@pytest.fixture
def exports(services: Services, db: Database, clock: Clock, tmp_path: Path) -> ExportService:
    services.exports = ExportService(
        db, services.facility, directory=tmp_path / "exports", clock=clock
    )
    return services.exports


async def clients(services: Services, owner: Actor, *names: str) -> list[int]:
    ids = []
    for n, name in enumerate(names, 1):
        added = await services.clients.add(
            owner, name=name, email=f"c{n}@example.com", manager_id=owner.staff_id
        )
        ids.append(added.id)
    return ids


async def built(exports: ExportService, job_id: int) -> ExportView:
    claimed = await exports.claim_next()
    assert claimed is not None and claimed.id == job_id
    return await exports.build(job_id, TEXTS)


def sheet_rows(exports: ExportService, view: ExportView, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(exports.path(view, view.parts[0]))
    return list(book[sheet].iter_rows(min_row=2, values_only=True))


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# --- requests --------------------------------------------------------------------------------


async def test_only_members_allowed_to_export_may_ask_and_only_while_clients_are_open(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    newbie = await join(services, owner, "newbie", 2001, "Nick")
    with pytest.raises(PermissionDenied):
        await exports.request(newbie, clients=[acme], kinds=["profile"], preset="last_month")
    with pytest.raises(PermissionDenied):
        await exports.jobs(newbie)
    accountant = await join(services, owner, "accountant", 2002, "Anna")
    await exports.request(accountant, clients=[acme], kinds=["profile"], preset="last_month")
    await services.facility.update(owner, "plan", "basic")
    with pytest.raises(AreaClosed):
        await exports.request(accountant, clients=[acme], kinds=["profile"], preset="last_month")
    assert await count(db, ExportJob) == 1


async def test_a_request_is_checked_and_nothing_is_queued_when_it_is_wrong(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    wrong: list[tuple[dict[str, Any], str]] = [
        ({"clients": [acme], "kinds": [], "preset": "last_7"}, "kinds"),
        ({"clients": [acme], "kinds": ["secrets"], "preset": "last_7"}, "kinds"),
        ({"clients": [], "kinds": ["profile"], "preset": "last_7"}, "clients"),
        (
            {"clients": list(range(1, MAX_CLIENTS + 2)), "kinds": ["miners"], "preset": "last_7"},
            "clients",
        ),
        ({"clients": [acme], "kinds": ["profile"], "preset": "forever"}, "period"),
        (
            {
                "clients": None,
                "kinds": ["profile"],
                "start": date(2026, 10, 9),
                "end": date(2026, 10, 8),
            },
            "period",
        ),
        (
            {
                "clients": None,
                "kinds": ["profile"],
                "start": date(2026, 11, 1),
                "end": date(2026, 11, 3),
            },
            "period",
        ),
        ({"clients": None, "kinds": ["profile"]}, "period"),
    ]
    for params, field in wrong:
        with pytest.raises(Invalid) as caught:
            await exports.request(owner, **params)
        assert caught.value.field == field, params
    with pytest.raises(NotFound):
        await exports.request(owner, clients=[acme, 999], kinds=["profile"], preset="last_7")
    assert await count(db, ExportJob) == 0


async def test_a_request_is_queued_with_its_local_period_and_logged_for_the_client(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme, _] = await clients(services, owner, "Acme", "Beta")
    job = await exports.request(
        owner, clients=[acme], kinds=["miners", "profile"], preset="last_month"
    )
    assert job.status == "queued" and job.client_names == [(acme, "Acme")]
    assert (job.period.start, job.period.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert job.kinds == ["profile", "miners"] and job.zone == "Europe/Moscow"
    async with db.read() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "export.requested")
        )
    assert entry is not None and entry.client_id == acme and entry.entity_id == job.id
    assert entry.details == {
        "name": f"#{job.id}, 2026-10-01 – 2026-10-31",
        "clients": [acme],
        "from": "2026-10-01",
        "to": "2026-10-31",
        "data": ["profile", "miners"],
    }
    both = await exports.request(owner, clients=None, kinds=["logs"], preset="this_month")
    assert both.clients is None and both.client_count == 2
    assert (both.period.start, both.period.end) == (date(2026, 11, 1), date(2026, 11, 2))


async def test_the_list_holds_the_member_s_own_exports_only(
    services: Services, owner: Actor, exports: ExportService
) -> None:
    [acme] = await clients(services, owner, "Acme")
    mine = await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")
    anna = await join(services, owner, "accountant", 2002, "Anna")
    hers = await exports.request(anna, clients=None, kinds=["profile"], preset="last_7")
    assert [v.id for v in (await exports.jobs(anna)).items] == [hers.id]
    assert [v.id for v in (await exports.jobs(owner)).items] == [mine.id]
    with pytest.raises(NotFound):
        await exports.ready(anna, mine.id)
    with pytest.raises(Conflict) as caught:
        await exports.ready(owner, mine.id)  # not built yet
    assert caught.value.reason == "export-not-ready"


# --- the workbook ----------------------------------------------------------------------------


async def _task_status(db: Database) -> tuple[int, int, int]:
    async with db.write() as session:
        manager = await session.scalar(select(TaskManager).limit(1))
        if manager is None:
            manager = TaskManager(name="Maintenance", is_builtin=True)
            session.add(manager)
            await session.flush()
        status = TaskStatus(manager_id=manager.id, name="Exported", category="todo")
        rack = TaskField(manager_id=manager.id, name="Rack", kind="text")
        session.add_all([status, rack])
        await session.flush()
        return manager.id, status.id, rack.id


async def test_the_workbook_holds_the_chosen_clients_in_the_facility_s_days(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    acme, beta, gamma = await clients(services, owner, "Acme", "Beta", "Gamma")
    moscow_oct_1 = datetime(2026, 9, 30, 21, 30, tzinfo=UTC)  # 00:30 on 1 October in Moscow
    moscow_nov_1 = datetime(2026, 10, 31, 21, 30, tzinfo=UTC)  # 00:30 on 1 November
    async with db.write() as session:
        for cid in (acme, beta, gamma):
            session.add(Miner(serial=f"S{cid}", client_id=cid, status="hanged", paid=False))
            for day in (
                date(2026, 9, 30),
                date(2026, 10, 1),
                date(2026, 10, 31),
                date(2026, 11, 1),
            ):
                session.add(ConsumptionDaily(client_id=cid, day=day, energy_wh=1500))
            for at in (moscow_oct_1, moscow_nov_1):
                session.add(
                    AuditEntry(at=at, category="client", action="client.updated", client_id=cid)
                )
    job = await exports.request(
        owner,
        clients=[acme, gamma],
        kinds=["profile", "miners", "consumption", "logs"],
        preset="last_month",
    )
    view = await built(exports, job.id)
    assert view.status == "running" and len(view.parts) == 1 and view.size == view.parts[0].size
    book = load_workbook(exports.path(view, view.parts[0]))
    assert book.sheetnames == ["Clients", "Miners", "Consumption", "Logs"]
    assert [r[:2] for r in sheet_rows(exports, view, "Clients")] == [
        (acme, "Acme"),
        (gamma, "Gamma"),
    ]
    assert [(r[0], r[5], r[11], r[12]) for r in sheet_rows(exports, view, "Miners")] == [
        (acme, f"S{acme}", "Hanged", "unpaid"),
        (gamma, f"S{gamma}", "Hanged", "unpaid"),
    ]
    consumption = sheet_rows(exports, view, "Consumption")
    assert [(r[0], r[2].date(), r[3]) for r in consumption] == [
        (acme, date(2026, 10, 1), 1.5),
        (acme, date(2026, 10, 31), 1.5),
        (gamma, date(2026, 10, 1), 1.5),
        (gamma, date(2026, 10, 31), 1.5),
    ]
    logs = sheet_rows(exports, view, "Logs")
    assert [(r[0], r[1], r[5]) for r in logs] == [
        (datetime(2026, 10, 1, 0, 30), acme, "Client changed"),
        (datetime(2026, 10, 1, 0, 30), gamma, "Client changed"),
    ]
    energy = book["Consumption"]["D2"]
    assert energy.number_format == "#,##0.000" and book["Logs"]["A2"].number_format == (
        "yyyy-mm-dd hh:mm"
    )


async def test_every_value_is_written_so_that_the_file_opens_and_nothing_is_evaluated(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    manager_id, status_id, rack = await _task_status(db)
    long_text = "y" * 40_000
    async with db.write() as session:  # stored by other means than our forms: anything goes
        await session.execute(
            update(Client)
            .where(Client.id == acme)
            .values(name="=cmd|' /C calc'!A0", phone="+7 (900) 1", messenger="@handle\x07\x1b")
        )
        session.add(
            Miner(
                client_id=acme,
                model="-2+3",
                worker="#N/A",
                location="\tTab",
                ip="\rCR",
                status="decommissioned",
            )
        )
        session.add(
            Task(
                manager_id=manager_id,
                status_id=status_id,
                summary="@SUM(1)",
                description=long_text,
                extra={str(rack): "B-12"},
                reporter_id=owner.staff_id,
                client_id=acme,
                created_at=datetime(2026, 10, 2, tzinfo=UTC),
                updated_at=datetime(2026, 10, 2, tzinfo=UTC),
            )
        )
    job = await exports.request(owner, clients=[acme], kinds=list(KINDS), preset="last_month")
    view = await built(exports, job.id)
    book = load_workbook(exports.path(view, view.parts[0]))
    client, miner, task = book["Clients"][2], book["Miners"][2], book["Tasks"][2]
    forced = [client[1], client[3], miner[3], miner[7], miner[8], miner[9], task[6]]
    assert [c.value for c in forced] == [
        "=cmd|' /C calc'!A0",
        "+7 (900) 1",
        "-2+3",
        "\nCR",  # a carriage return is a line feed in XML
        "#N/A",
        "\tTab",
        "@SUM(1)",
    ]
    assert all(c.data_type == "s" and c.quotePrefix for c in forced)
    assert client[4].value == "@handle" and client[4].quotePrefix  # control characters gone
    assert miner[11].value == "decommissioned"  # unknown codes are kept as they are
    assert task[7].value == long_text[:32_767]
    assert task[15].value == "Rack: B-12"  # the task manager's own fields, by name


async def test_an_export_over_the_upload_limit_comes_in_parts_under_it(
    services: Services, owner: Actor, db: Database, clock: Clock, tmp_path: Path
) -> None:
    await generate(db, clients=4, miners=1500, days=30, owner_telegram_id=owner.telegram_id)
    exports = ExportService(
        db, services.facility, directory=tmp_path / "x", clock=clock, upload_limit=60_000
    )
    job = await exports.request(
        owner,
        clients=None,
        kinds=["miners", "consumption"],
        start=date(2026, 9, 1),
        end=date(2026, 9, 30),
    )
    view = await built(exports, job.id)
    assert len(view.parts) > 1
    assert all(p.size <= 60_000 for p in view.parts) and view.size == sum(
        p.size for p in view.parts
    )
    miners = consumption = 0
    for part in view.parts:
        book = load_workbook(exports.path(view, part))
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
        miners += sum(s.max_row - 1 for s in book.worksheets if s.title == "Miners")
        consumption += sum(s.max_row - 1 for s in book.worksheets if s.title == "Consumption")
    assert miners == await count(db, Miner, Miner.client_id.is_not(None))
    assert consumption == 4 * 30


# --- the job's life --------------------------------------------------------------------------


async def test_a_stop_never_loses_an_export_and_members_are_told(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    ids = [
        (await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")).id
        for _ in range(3)
    ]
    for _ in range(2):
        await exports.claim_next()
    async with db.write() as session:
        await session.execute(update(ExportJob).where(ExportJob.id == ids[1]).values(attempts=3))
    touched = await exports.recover()
    assert {v.id: v.status for v in touched} == {
        ids[0]: "queued",
        ids[1]: "failed",
        ids[2]: "queued",
    }
    await exports.recover()  # a second start right after: no second notice
    async with db.read() as session:
        notices = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert sorted((n.text_key, n.args["id"]) for n in notices) == [
        ("export-notice-failed", str(ids[1])),
        ("export-notice-resumed", str(ids[0])),
        ("export-notice-resumed", str(ids[2])),
    ]
    failed = next(n for n in notices if n.text_key == "export-notice-failed")
    assert failed.args["reason"] == {"t": "export-error-interrupted"}
    assert failed.buttons == [{"open": "exports", "id": 0}]


async def test_files_built_before_a_stop_are_sent_without_building_them_again(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    job = await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")
    first = await built(exports, job.id)
    path = exports.path(first, first.parts[0])
    written = path.stat().st_mtime_ns
    await exports.recover()  # stopped before sending: running → queued
    again = await built(exports, job.id)
    assert again.parts == first.parts and path.stat().st_mtime_ns == written
    await exports.delivered(job.id, ["FILE-ID"])
    view = await exports.ready(owner, job.id)
    assert view.status == "done" and view.parts[0].file_id == "FILE-ID"


async def test_a_build_stopped_half_way_leaves_no_file_and_is_done_again_later(
    services: Services, owner: Actor, db: Database, exports: ExportService
) -> None:
    await generate(db, clients=5, miners=4000, days=30, owner_telegram_id=owner.telegram_id)
    job = await exports.request(
        owner, clients=None, kinds=list(KINDS), start=date(2026, 9, 1), end=date(2026, 9, 30)
    )
    await exports.claim_next()
    building = asyncio.create_task(exports.build(job.id, TEXTS))
    folder = exports.directory / str(job.id)
    for _ in range(1000):  # until the writing has begun
        if folder.exists():
            break
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)
    assert not building.done()
    building.cancel()
    with pytest.raises(asyncio.CancelledError):
        await building
    gc.collect()  # the abandoned workbook was closed (an unclosed one would complain here)
    assert list(folder.iterdir()) == []
    assert (await exports._view(job.id)).status == "running"
    await exports.recover()
    view = await built(exports, job.id)
    book = load_workbook(exports.path(view, view.parts[0]), read_only=True)
    written = sum(1 for _ in book["Miners"].iter_rows(min_row=2))
    book.close()
    assert written == await count(db, Miner, Miner.client_id.is_not(None))


async def test_a_member_who_lost_the_right_meanwhile_gets_a_failure(
    services: Services, owner: Actor, exports: ExportService, db: Database
) -> None:
    [acme] = await clients(services, owner, "Acme")
    anna = await join(services, owner, "accountant", 2002, "Anna")
    job = await exports.request(anna, clients=[acme], kinds=["profile"], preset="last_7")
    roles = {r.code: r for r in await services.roles.list(owner)}
    await services.staff.change_role(owner, anna.staff_id, roles["newbie"].id)
    await exports.claim_next()
    with pytest.raises(ExportFailed) as caught:
        await exports.build(job.id, TEXTS)
    assert caught.value.reason == "permission"
    await exports.fail(job.id, caught.value.reason)
    [view] = (await exports.jobs(owner)).items or [await exports._view(job.id)]
    assert (view.status, view.error, view.parts) == ("failed", "permission", [])
    assert await count(db, OutboxMessage, OutboxMessage.text_key == "export-notice-failed") == 1


async def test_files_are_removed_after_30_days_and_the_export_is_marked(
    services: Services, owner: Actor, exports: ExportService, clock: Clock
) -> None:
    [acme] = await clients(services, owner, "Acme")
    old = await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")
    view = await built(exports, old.id)
    await exports.delivered(old.id, ["OLD"])
    clock.advance(days=20)
    recent = await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")
    await built(exports, recent.id)
    await exports.delivered(recent.id, ["RECENT"])
    clock.advance(days=11)
    assert await exports.purge() == 1
    assert not exports.path(view, view.parts[0]).exists()
    with pytest.raises(Conflict) as caught:
        await exports.ready(owner, old.id)
    assert caught.value.reason == "export-expired"
    assert (await exports.ready(owner, recent.id)).parts[0].file_id == "RECENT"
    statuses = {v.id: v.status for v in (await exports.jobs(owner)).items}
    assert statuses == {old.id: "expired", recent.id: "done"}
    assert await exports.purge() == 0


async def test_two_large_builds_at_once_leave_the_event_loop_free(
    services: Services, owner: Actor, db: Database, exports: ExportService
) -> None:
    await generate(db, clients=20, miners=6000, days=30, owner_telegram_id=owner.telegram_id)
    jobs = [
        await exports.request(
            owner, clients=None, kinds=list(KINDS), start=date(2026, 9, 1), end=date(2026, 9, 30)
        )
        for _ in range(2)
    ]
    for _ in jobs:
        await exports.claim_next()
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    async def both() -> None:
        try:
            await asyncio.gather(*(exports.build(j.id, TEXTS) for j in jobs))
        finally:
            done.set()

    await asyncio.gather(tick(), both())
    # Run in the loop, a build would stall it for its whole length (seconds); in threads the
    # loop keeps ticking, held up at most by a batch of rows or a garbage collection.
    gaps.sort()
    assert len(gaps) > 20 and gaps[len(gaps) // 2] < 0.05 and gaps[-1] < 1.0, gaps[-5:]
    for job in jobs:
        view = await exports._view(job.id)
        book = load_workbook(exports.path(view, view.parts[0]), read_only=True)
        written = sum(1 for _ in book["Miners"].iter_rows(min_row=2))
        book.close()
        assert written == await count(db, Miner, Miner.client_id.is_not(None))


@pytest.mark.parametrize("days", [0, 31])
async def test_purge_keeps_failed_exports_listed(
    services: Services, owner: Actor, exports: ExportService, clock: Clock, days: int
) -> None:
    [acme] = await clients(services, owner, "Acme")
    job = await exports.request(owner, clients=[acme], kinds=["profile"], preset="last_7")
    await exports.claim_next()
    await exports.fail(job.id, "storage")
    clock.advance(days=days)
    await exports.purge()
    [view] = (await exports.jobs(owner)).items
    assert (view.status, view.error) == ("failed", "storage")
    assert view.finished_at is not None and view.finished_at <= clock() - timedelta(days=days)

"""Task managers, tasks, assets and the due-date reminder against a real SQLite database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from services.container import Services
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.tasks.managers import MAINTENANCE, NewField
from services.tasks.service import TaskDraft, TaskQuery, add_months, due_from_preset
from storage.models import AuditEntry, Miner, OutboxMessage, Task, TaskManager, TaskMiner
from tests.conftest import join

# The `clock` fixture starts at 2026-11-02 09:00 UTC: 12:00 in Europe/Moscow (the facility's zone).
TODAY = date(2026, 11, 2)


async def maintenance(services: Services, actor):
    return next(m for m in await services.task_managers.list(actor) if m.name == MAINTENANCE)


async def client_with_miners(services: Services, owner, db, miners: int = 3):
    client = await services.clients.add(
        owner, name="Acme", email="ops@acme.com", manager_id=owner.staff_id
    )
    async with db.write() as session:
        await session.execute(
            insert(Miner),
            [{"serial": f"S{client.id}-{i}", "client_id": client.id} for i in range(miners)],
        )
    return client


async def outbox(db, key: str) -> list[OutboxMessage]:
    async with db.read() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.text_key == key))
        return list(rows)


async def test_maintenance_exists_from_the_start_once(services: Services, owner, db) -> None:
    await services.prepare("Europe/Moscow")  # every start runs it again
    board = await maintenance(services, owner)
    assert board.is_builtin
    assert [(s.name, s.category) for s in board.statuses] == [
        ("To do", "todo"),
        ("In progress", "in_progress"),
        ("Done", "done"),
    ]
    assert [t.name for t in board.types] == ["Repair", "Replacement", "Inspection"]
    async with db.read() as session:
        assert await session.scalar(select(func.count(TaskManager.id))) == 1


async def test_a_maintenance_board_made_by_someone_else_is_kept(db, clock) -> None:
    async with db.write() as session:
        session.add(TaskManager(name="maintenance", is_builtin=True))
    built = Services.build(db, clock=clock)
    await built.prepare("UTC")
    async with db.read() as session:
        names = list(await session.scalars(select(TaskManager.name)))
    assert names == ["maintenance"]


async def test_an_administrator_adds_a_manager_checked_and_logged(
    services: Services, owner, db
) -> None:
    admin = await join(services, owner, "administrator", 2001, "Ada")
    manager = await join(services, owner, "manager", 2002, "Mark")
    statuses = [("New", "todo"), ("Mounting", "in_progress"), ("Running", "done")]
    fields = [
        NewField("Location", "text", required=True),
        NewField("Power, kW", "number"),
        NewField("Rack side", "choice", ("Left", "Right")),
        NewField("Warranty until", "date"),
    ]
    with pytest.raises(PermissionDenied):
        await services.task_managers.create(
            manager, name="Installs", types=["Install"], statuses=statuses
        )
    with pytest.raises(Invalid) as no_done:
        await services.task_managers.create(
            admin, name="Installs", types=["Install"], statuses=[("New", "todo")]
        )
    assert (no_done.value.field, no_done.value.reason) == ("task_statuses", "no-done")
    with pytest.raises(Invalid) as all_done:
        await services.task_managers.create(
            admin, name="Installs", types=["Install"], statuses=[("Closed", "done")]
        )
    assert all_done.value.reason == "no-open"
    with pytest.raises(Invalid) as twice:
        await services.task_managers.check_types(admin, "Install\ninstall")
    assert twice.value.reason == "duplicate"
    with pytest.raises(Invalid) as one_choice:
        await services.task_managers.create(
            admin,
            name="Installs",
            types=["Install"],
            statuses=statuses,
            fields=[NewField("Side", "choice", ("Left",))],
        )
    assert (one_choice.value.field, one_choice.value.reason) == ("task_choices", "too-few")
    with pytest.raises(Conflict):
        await services.task_managers.check_name(admin, "MAINTENANCE")

    board = await services.task_managers.create(
        admin, name=" Installs ", types="Install, Uninstall", statuses=statuses, fields=fields
    )
    assert board.name == "Installs" and [t.name for t in board.types] == ["Install", "Uninstall"]
    assert board.first_status.name == "New"
    assert [(f.name, f.kind, f.required) for f in board.fields] == [
        ("Location", "text", True),
        ("Power, kW", "number", False),
        ("Rack side", "choice", False),
        ("Warranty until", "date", False),
    ]
    assert board.fields[2].choices == ("Left", "Right")
    async with db.read() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "task_manager.created")
        )
    assert entry is not None and entry.actor_id == admin.staff_id
    assert entry.details["statuses"][2] == ["Running", "done"]


async def test_a_task_for_a_client_attaches_its_miners_and_assets_and_tells_the_assignee(
    services: Services, owner, db
) -> None:
    mark = await join(services, owner, "manager", 2002, "Mark")
    sam = await join(services, owner, "senior_technician", 2003, "Sam")
    client = await client_with_miners(services, owner, db, miners=3)
    container = await services.assets.add(mark, client.id, name="Container A", type="Container")
    board = await maintenance(services, mark)

    origin = await services.tasks.start(mark, client_id=client.id)
    assert (origin.client, origin.miners, origin.assets) == ("Acme", 3, 1)
    card = await services.tasks.create(
        mark,
        TaskDraft(
            manager_id=board.id,
            type_id=board.types[0].id,
            summary="  Replace   fans ",
            priority="high",
            due_date=date(2026, 11, 9),
            assignee_id=sam.staff_id,
            client_id=client.id,
            all_miners=True,
            all_assets=True,
        ),
    )
    assert (card.summary, card.status.name, card.priority, card.type) == (
        "Replace fans",
        "To do",
        "high",
        "Repair",
    )
    assert card.miners_total == 3 and [a.name for a in card.assets] == [container.name]
    assert (card.assignee, card.reporter, card.client) == ("Sam", "Mark", "Acme")

    [note] = await outbox(db, "notify-task-assigned")
    assert note.chat_id == 2003 and note.buttons == [{"open": "task", "id": card.id}]
    assert note.args["by"] == "Mark" and note.args["client"] == f"#{client.id} Acme"

    logs = await services.clients.logs(owner, client.id)
    created = logs.items[0]
    assert created.action == "task.created" and created.category == "task"
    assert created.details["name"] == f"#{card.id} Replace fans"
    assert created.changes == {"task-assignee": [None, "Sam"], "task-due": [None, "2026-11-09"]}
    summary = await services.clients.card(owner, client.id)
    assert summary.tasks == {"todo": 1}


async def test_bad_input_is_refused_with_a_reason(services: Services, owner, db) -> None:
    newbie = await join(services, owner, "newbie", 2004, "Nick")
    admin = await join(services, owner, "administrator", 2001, "Ada")
    board = await services.task_managers.create(
        admin,
        name="Installs",
        types=["Install"],
        statuses=[("New", "todo"), ("Running", "done")],
        fields=[
            NewField("Location", "text", required=True),
            NewField("Power", "number"),
            NewField("Side", "choice", ("Left", "Right")),
        ],
    )
    loc, power, side = (f.id for f in board.fields)
    draft = TaskDraft(
        manager_id=board.id, type_id=board.types[0].id, summary="Mount", extra={loc: "Hall 1"}
    )
    with pytest.raises(PermissionDenied):
        await services.tasks.start(newbie)
    with pytest.raises(PermissionDenied):
        await services.tasks.create(newbie, draft)

    async def refused(**changes) -> tuple[str, str]:
        with pytest.raises(Invalid) as bad:
            await services.tasks.create(owner, replace(draft, **changes))
        return bad.value.field, bad.value.reason

    assert await refused(summary="   ") == ("task_summary", "empty")
    assert await refused(due_date=date(2026, 11, 1)) == ("task_due", "past")
    assert await refused(extra={}) == ("task_extra", "required")
    assert await refused(extra={loc: "Hall", power: "a lot"}) == ("task_extra", "number")
    assert await refused(extra={loc: "Hall", side: "Up"}) == ("task_extra", "choice")
    assert await refused(type_id=None) == ("task_type", "unknown")
    assert await refused(priority="urgent") == ("task_priority", "unknown")
    assert await refused(all_miners=True) == ("task_assets", "no-client")
    with pytest.raises(Invalid) as past:
        await services.tasks.check_due(owner, "01.11.2026")
    assert past.value.reason == "past"
    assert await services.tasks.check_due(owner, "02.11.2026") == TODAY  # today is fine
    with pytest.raises(Invalid):
        await services.tasks.check_due(owner, "next friday")
    assert await services.tasks.check_extra(owner, board.id, power, "12,50") == "12.5"

    card = await services.tasks.create(owner, replace(draft, extra={loc: "Hall 1", power: "3 000"}))
    assert [(f.name, v) for f, v in card.extra] == [("Location", "Hall 1"), ("Power", "3000")]
    assert card.client is None and card.assignee is None


def test_due_presets_follow_the_calendar() -> None:
    assert due_from_preset("1w", TODAY) == date(2026, 11, 9)
    assert due_from_preset("2w", TODAY) == date(2026, 11, 16)
    assert due_from_preset("1m", TODAY) == date(2026, 12, 2)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


async def test_a_miners_task_belongs_to_the_miners_client(services: Services, owner, db) -> None:
    client = await client_with_miners(services, owner, db, miners=2)
    async with db.read() as session:
        miner_id = await session.scalar(select(func.min(Miner.id)))
    origin = await services.tasks.start(owner, miner_id=miner_id)
    assert origin.client_id == client.id and origin.miner is not None
    board = await maintenance(services, owner)
    card = await services.tasks.create(
        owner,
        TaskDraft(manager_id=board.id, type_id=board.types[0].id, summary="Fan", miner_id=miner_id),
    )
    assert card.client_id == client.id and [m.id for m in card.miners] == [miner_id]
    with pytest.raises(NotFound):
        await services.tasks.start(owner, miner_id=9999)


async def test_changes_are_audited_and_need_tasks_edit(services: Services, owner, db) -> None:
    sam = await join(services, owner, "senior_technician", 2003, "Sam")
    june = await join(services, owner, "junior_technician", 2005, "June")
    client = await client_with_miners(services, owner, db, miners=0)
    board = await maintenance(services, owner)
    card = await services.tasks.create(
        owner,
        TaskDraft(
            manager_id=board.id, type_id=board.types[0].id, summary="Fan", client_id=client.id
        ),
    )
    done = next(s for s in board.statuses if s.category == "done")
    with pytest.raises(PermissionDenied):
        await services.tasks.move(june, card.id, done.id)
    with pytest.raises(Invalid):
        await services.tasks.move(sam, card.id, 9999)  # not a status of this board

    await services.tasks.reassign(owner, card.id, sam.staff_id)
    await services.tasks.set_priority(sam, card.id, "critical")
    await services.tasks.set_due(sam, card.id, date(2026, 11, 20))
    await services.tasks.comment(owner, card.id, "Bring the spare fans")
    after = await services.tasks.move(sam, card.id, done.id)
    await services.tasks.move(sam, card.id, done.id)  # no change, nothing logged
    assert (after.status.name, after.priority, after.due_date, after.assignee) == (
        "Done",
        "critical",
        date(2026, 11, 20),
        "Sam",
    )
    assert [(c.author, c.text) for c in after.comments] == [("Olga Owner", "Bring the spare fans")]
    with pytest.raises(Invalid):
        await services.tasks.set_due(sam, card.id, date(2026, 10, 1))
    with pytest.raises(Invalid):
        await services.tasks.comment(sam, card.id, "  ")

    logs = await services.clients.logs(owner, client.id)
    assert [e.action for e in logs.items] == [
        "task.status_changed",
        "task.commented",
        "task.due_changed",
        "task.priority_changed",
        "task.reassigned",
        "task.created",
        "client.created",
    ]
    assert logs.items[0].changes == {"task-status": ["To do", "Done"]}
    assert logs.items[4].changes == {"task-assignee": [None, "Sam"]}
    assert [n.chat_id for n in await outbox(db, "notify-task-assigned")] == [2003]
    assert [n.chat_id for n in await outbox(db, "notify-task-comment")] == [2003]
    assert (await services.clients.card(owner, client.id)).tasks == {"done": 1}


async def test_the_list_filters_and_marks_overdue_tasks(services: Services, owner, db) -> None:
    sam = await join(services, owner, "senior_technician", 2003, "Sam")
    client = await client_with_miners(services, owner, db, miners=0)
    board = await maintenance(services, owner)

    async def task(summary: str, **kw):
        return await services.tasks.create(
            owner, TaskDraft(manager_id=board.id, type_id=board.types[0].id, summary=summary, **kw)
        )

    late = await task("Late", client_id=client.id, assignee_id=sam.staff_id)
    soon = await task("Soon", due_date=date(2026, 11, 3))
    await task("Whenever")
    async with db.write() as session:  # made before today: now overdue
        (await session.get(Task, late.id)).due_date = date(2026, 10, 30)

    everything = await services.tasks.page(owner)
    assert [t.summary for t in everything.items] == ["Late", "Soon", "Whenever"]
    assert [t.overdue for t in everything.items] == [True, False, False]
    mine = await services.tasks.page(owner, TaskQuery(assignee_id=sam.staff_id))
    assert [t.id for t in mine.items] == [late.id]
    nobody = await services.tasks.page(owner, TaskQuery(assignee_id=0))
    assert nobody.total == 2
    for_client = await services.tasks.page(owner, TaskQuery(client_id=client.id))
    assert [t.client for t in for_client.items] == ["Acme"]
    done = next(s for s in board.statuses if s.category == "done")
    await services.tasks.move(owner, soon.id, done.id)
    open_tasks = await services.tasks.page(owner, TaskQuery(category="open"))
    assert [t.summary for t in open_tasks.items] == ["Late", "Whenever"]
    assert (await services.tasks.page(owner, TaskQuery(category="done"))).total == 1
    paged = await services.tasks.page(owner, page=5, per_page=2)
    assert paged.page == 1 and paged.pages == 2 and len(paged.items) == 1
    clients = await services.tasks.filter_clients(owner)
    assert list(clients.items) == [(client.id, "Acme")]


async def test_the_reminder_goes_once_on_the_due_date(services: Services, owner, db, clock) -> None:
    sam = await join(services, owner, "senior_technician", 2003, "Sam")
    board = await maintenance(services, owner)
    done = next(s for s in board.statuses if s.category == "done")

    async def task(summary: str, due: date, assignee: int | None = sam.staff_id):
        return await services.tasks.create(
            owner,
            TaskDraft(
                manager_id=board.id,
                type_id=board.types[0].id,
                summary=summary,
                due_date=due,
                assignee_id=assignee,
            ),
        )

    today = await task("Due today", TODAY)
    tomorrow = await task("Due tomorrow", date(2026, 11, 3))
    closed = await task("Done already", TODAY)
    await services.tasks.move(owner, closed.id, done.id)
    await task("Nobody's", TODAY, assignee=None)

    clock.now = clock.now.replace(hour=4)  # 07:00 in Moscow: too early to remind
    assert await services.tasks.remind_due() == 0
    clock.now = clock.now.replace(hour=9)
    assert await services.tasks.remind_due() == 1
    assert await services.tasks.remind_due() == 0  # run twice: still one reminder
    [note] = await outbox(db, "notify-task-due")
    assert note.chat_id == 2003 and note.args["id"] == str(today.id)
    assert note.dedup_key == f"task-due:{today.id}:2026-11-02"
    assert note.buttons == [{"open": "task", "id": today.id}]

    clock.advance(days=1)  # the next day: the overdue task is not reminded again
    assert await services.tasks.remind_due() == 1
    assert [n.args["id"] for n in await outbox(db, "notify-task-due")] == [
        str(today.id),
        str(tomorrow.id),
    ]
    await services.tasks.set_due(owner, today.id, date(2026, 11, 4))
    clock.advance(days=1)  # a new due date gets its own reminder
    assert await services.tasks.remind_due() == 1
    assert await services.tasks.remind_due() == 0


async def test_assets_are_added_edited_and_logged(services: Services, owner, db) -> None:
    newbie = await join(services, owner, "newbie", 2004, "Nick")
    june = await join(services, owner, "junior_technician", 2005, "June")
    client = await client_with_miners(services, owner, db, miners=0)
    with pytest.raises(PermissionDenied):
        await services.assets.add(newbie, client.id, name="PDU", type="PDU")
    with pytest.raises(Invalid) as nameless:
        await services.assets.add(june, client.id, name=" ", type="PDU")
    assert (nameless.value.field, nameless.value.reason) == ("asset_name", "length")
    pdu = await services.assets.add(june, client.id, name="PDU 1", type="PDU", serial="  ")
    assert pdu.serial is None
    edited = await services.assets.edit(june, pdu.id, "serial", "SN-42")
    assert edited.serial == "SN-42"
    assert (await services.assets.page(newbie, client.id)).total == 1
    logs = await services.clients.logs(owner, client.id)
    assert [e.action for e in logs.items] == ["asset.updated", "asset.created", "client.created"]
    assert logs.items[0].changes == {"asset-serial": [None, "SN-42"]}


async def test_attachments_must_belong_to_the_client(services: Services, owner, db) -> None:
    acme = await client_with_miners(services, owner, db, miners=1)
    beta = await services.clients.add(
        owner, name="Beta", email="b@beta.io", manager_id=owner.staff_id
    )
    other = await services.assets.add(owner, beta.id, name="Trafo", type="Transformer")
    board = await maintenance(services, owner)
    with pytest.raises(Invalid) as wrong:
        await services.tasks.create(
            owner,
            TaskDraft(
                manager_id=board.id,
                type_id=board.types[0].id,
                summary="X",
                client_id=acme.id,
                asset_ids=(other.id,),
            ),
        )
    assert wrong.value.reason == "other-client"
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(TaskMiner)) == 0
        assert await session.scalar(select(func.count(Task.id))) == 0


async def test_the_assignee_moves_and_comments_whatever_the_role_and_others_are_told(
    services: Services, owner, db
) -> None:
    june = await join(services, owner, "junior_technician", 2005, "June")
    jake = await join(services, owner, "junior_technician", 2006, "Jake")
    board = await maintenance(services, owner)
    card = await services.tasks.create(
        owner,
        TaskDraft(
            manager_id=board.id,
            type_id=board.types[0].id,
            summary="Fan",
            assignee_id=june.staff_id,
        ),
    )
    done = next(s for s in board.statuses if s.category == "done")
    working = next(s for s in board.statuses if s.category == "in_progress")
    assert (await services.tasks.start_work(june, card.id)).id == card.id
    with pytest.raises(PermissionDenied):  # not Jake's task
        await services.tasks.start_work(jake, card.id)
    with pytest.raises(PermissionDenied):
        await services.tasks.move(jake, card.id, done.id)
    with pytest.raises(PermissionDenied):  # the assignee moves and comments, nothing more
        await services.tasks.set_priority(june, card.id, "high")
    with pytest.raises(PermissionDenied):
        await services.tasks.reassign(june, card.id, jake.staff_id)
    await services.tasks.comment(june, card.id, "On it")
    await services.tasks.move(june, card.id, working.id)
    assert await outbox(db, "notify-task-done") == []  # not done yet
    after = await services.tasks.move(june, card.id, done.id)
    assert after.status.name == "Done"
    [told] = await outbox(db, "notify-task-done")
    assert told.chat_id == owner.telegram_id and told.args["status"] == "Done"
    assert told.buttons == [{"open": "task", "id": card.id}]

    await services.tasks.reassign(owner, card.id, jake.staff_id)
    [away] = await outbox(db, "notify-task-reassigned")
    assert (away.chat_id, away.args["to"]) == (2005, "Jake")
    with pytest.raises(PermissionDenied):  # no longer hers
        await services.tasks.comment(june, card.id, "Still on it")
    await services.tasks.reassign(owner, card.id, None)
    assert [n.chat_id for n in await outbox(db, "notify-task-unassigned")] == [2006]

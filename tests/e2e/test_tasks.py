"""Tasks through the real stack: task managers, the new-task form, the card, the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from handlers.callbacks import TaskCb, TaskFormCb
from services.tasks.service import TaskDraft
from storage.models import Miner, Task, TaskMiner
from tests.e2e.conftest import RunningBot, add_client, join, labels
from tests.fakebotapi import FakeBotAPI, TelegramUser


def facility_today() -> date:
    """Today where the facility is (the e2e settings put it in Europe/Moscow)."""
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


async def add_miners(bot: RunningBot, client_id: int, count: int) -> None:
    assert bot.app is not None
    async with bot.app.db.write() as session:
        await session.execute(
            insert(Miner),
            [
                {"serial": f"SN{client_id}-{i}", "model": "Antminer S21", "client_id": client_id}
                for i in range(count)
            ],
        )


async def test_a_manager_tasks_a_client_and_the_assignee_finishes_it(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    # An Administrator adds a task manager with a custom field.
    ada = await join(fake, owner, "Administrator", 3001, "Ada")
    await ada.tap("Tasks")
    await ada.tap("Task managers")
    assert "🔒 Maintenance" in labels(ada.last)
    await ada.tap("Add task manager")
    await ada.send("Installations")
    await ada.send("Install, Uninstall")
    await ada.send("New\nMounting\nRunning")
    assert labels(ada.last)[:3] == ["New · to do", "Mounting · in progress", "Running · done"]
    await ada.tap("Running")  # done → to do: no done status left
    await ada.tap("Continue")
    assert ada.last.plain.startswith("At least one status must be in the “done” category.")
    await ada.tap("Running")
    await ada.tap("Running")
    assert "Running · done" in labels(ada.last)
    await ada.tap("Continue")
    await ada.tap("➕ Text")
    await ada.send("Location")
    await ada.tap("Required")
    await ada.tap("➕ Number")
    await ada.send("Power, kW")
    await ada.tap("Optional")
    assert "Location · text · required" in ada.last.plain
    await ada.tap("Continue")
    assert "Statuses:" in ada.last.plain and "✅ Running (done)" in ada.last.plain
    await ada.tap("Save")
    assert ada.last.plain.startswith("✅ Task manager “Installations” added.")

    # A client with three miners (put in the database directly).
    await add_client(owner, "Acme", "ops@acme.com")
    await add_miners(bot, 1, 3)
    sam = await join(fake, owner, "Senior technician", 3003, "Sam")
    mark = await join(fake, owner, "Manager", 3002, "Mark")

    # A manager creates the task from the client card, all miners attached.
    await mark.tap("Clients")
    await mark.tap("#1 Acme")
    assert "📋 Tasks (0)" in labels(mark.last)
    await mark.tap("Create task")
    await mark.tap("Installations")
    await mark.tap("All miners of the client (3)")
    assert "☑️ All miners of the client (3)" in labels(mark.last)
    assert "Attached: 3 miners, 0 assets" in mark.last.plain
    await mark.tap("Continue")
    await mark.tap("Install")
    await mark.send("   ")
    assert mark.last.plain.startswith("The summary cannot be empty.")
    assert "Send a short summary" in mark.last.plain
    await mark.send("Mount the new racks")
    assert "Medium unless you change it" in mark.last.plain
    await mark.tap("High")
    await mark.send("2020-01-01")
    assert mark.last.plain.startswith("The due date cannot be in the past")
    assert "When is it due?" in mark.last.plain
    await mark.tap("Pick on the calendar")
    await mark.tap("▶️")
    await mark.tap("5")
    due = (facility_today().replace(day=1) + timedelta(days=40)).replace(day=5)
    await mark.tap("Sam")
    await mark.tap("Skip")  # no description
    assert "“Location”" in mark.last.plain and "Required." in mark.last.plain
    assert "Skip" not in " ".join(labels(mark.last))
    await mark.send("   ")
    assert mark.last.plain.startswith("“Location” is required.")
    assert "Send “Location”." in mark.last.plain
    await mark.tap_data(TaskFormCb(action="skip").pack())  # a forged skip of a required field
    assert mark.last.plain.startswith("“Location” is required.")
    await mark.send("Hall 2, row 4")
    await mark.send("lots")
    assert mark.last.plain.startswith("“Power, kW” must be a number")
    await mark.send("12,5")
    confirm = mark.last.plain
    for line in (
        "Task manager: Installations",
        "Client: #1 Acme",
        "Attached: 3 miners, 0 assets",
        "Type: Install",
        "Summary: Mount the new racks",
        "Priority: 🟠 High",
        f"Due: {due.isoformat()}",
        "Assignee: Sam",
        "Location: Hall 2, row 4",
        "Power, kW: 12.5",
    ):
        assert line in confirm, line
    await mark.tap("Save")
    assert mark.last.plain == "✅ Task #1 created: Mount the new racks"
    assert "Open task" in labels(mark.last)

    # The assignee is told, opens the task and moves it to done.
    note = await sam.wait_for(lambda m: "assigned you task #1" in m.plain)
    assert note.plain.startswith("Mark assigned you task #1: Mount the new racks")
    assert f"Client: #1 Acme · due: {due.isoformat()}" in note.plain
    await sam.tap("Open task", message=note)
    card = sam.last.plain
    assert card.startswith("#1 Mount the new racks")
    assert "Status: ⚪️ New (to do)" in card and "Miners (3)" in card
    assert "Location: Hall 2, row 4" in card and "Reporter: Mark" in card
    await sam.tap("Status")
    await sam.tap("Running")
    assert "Status: ✅ Running (done)" in sam.last.plain

    # The client's counts and logs follow.
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    assert "📋 Tasks: to do 0 · in progress 0 · done 1" in owner.last.plain
    await owner.tap("Back to the list")
    assert "📋 0·0·1" in owner.last.plain  # the overview's entry: to do·in progress·done
    await owner.tap("#1 Acme")
    await owner.tap("📋 Tasks (1)")
    assert "#1 Mount the new racks" in owner.last.plain and "Filters: 🏢 #1" in owner.last.plain
    await owner.tap("Open client #1")
    await owner.tap("View logs")
    logs = owner.last.plain
    assert "Task moved · #1 Mount the new racks" in logs
    assert "Status: New → Running" in logs
    assert "Task created · #1 Mount the new racks" in logs and "Assignee: — → Sam" in logs
    assert bot.app is not None
    async with bot.app.db.read() as session:
        attached = list(
            await session.scalars(select(TaskMiner.miner_id).order_by(TaskMiner.miner_id))
        )
    assert attached == [1, 2, 3]

    # Without tasks.create, even forged callback data is refused.
    nick = await join(fake, owner, "Newbie", 3004, "Nick")
    assert "📋 Tasks" in labels(nick.last)
    await nick.tap_data(TaskCb(action="new", client=1).pack())
    assert nick.last_answer()["text"].startswith("Your role does not allow this")
    assert all("New task" not in m.plain for m in nick.messages())
    await nick.tap_data(TaskCb(action="st", id=1, arg="4").pack())
    assert nick.last_answer()["text"].startswith("Your role does not allow this")


async def test_the_tasks_area_lists_filters_and_pages(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    sam = await join(fake, owner, "Senior technician", 3003, "Sam")
    await add_client(owner, "Acme", "ops@acme.com")
    assert bot.app is not None
    services = bot.app.services
    olga = await services.staff.resolve(1001, "Olga Owner", "olga", "en")
    sam_actor = await services.staff.resolve(3003, "Sam", None, "en")
    assert olga is not None and sam_actor is not None
    board = (await services.task_managers.list(olga))[0]
    for i in range(7):
        await services.tasks.create(
            olga,
            TaskDraft(
                manager_id=board.id,
                type_id=board.types[0].id,
                summary=f"Job {i}",
                assignee_id=sam_actor.staff_id if i % 2 else None,
                client_id=1 if i < 3 else None,
            ),
        )
    async with bot.app.db.write() as session:  # made earlier: overdue now
        await session.execute(
            update(Task).where(Task.id == 1).values(due_date=facility_today() - timedelta(days=3))
        )
    await sam.wait_for(lambda m: "assigned you task #6" in m.plain)

    await owner.send("/menu")
    await owner.tap("Tasks")
    page = owner.last.plain
    assert page.startswith("📋 Tasks (7)")
    assert "#1 Job 0 ⏰ overdue" in page and "1/2" in labels(owner.last)
    assert "👤 nobody · 🏢 #1 Acme" in page
    await owner.tap("▶️")
    assert "#2 Job 1" in owner.last.plain  # no due date: the newest first
    await owner.tap("Assignee")
    await owner.tap("Sam")
    assert owner.last.plain.startswith("📋 Tasks (3)") and "Filters: 👤 Sam" in owner.last.plain
    await owner.tap("Clear filters")
    await owner.tap("Client")
    await owner.tap("#1 Acme")
    assert owner.last.plain.startswith("📋 Tasks (3)")

    await sam.send("/menu")
    await sam.tap("Tasks")
    await sam.tap("My tasks")
    assert sam.last.plain.startswith("📋 My tasks (3)")
    await sam.tap("#2 Job 1")
    await sam.tap("Status")
    await sam.tap("Done")
    await sam.tap("Tasks")
    await sam.tap("Status")
    await sam.tap("Not done")
    assert sam.last.plain.startswith("📋 My tasks (2)")
    assert "#2 Job 1" not in sam.last.plain


async def test_a_task_from_the_tasks_area_with_a_new_asset_and_from_a_miner(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "ops@acme.com")
    await add_miners(bot, 1, 2)
    await owner.send("/menu")
    await owner.tap("Tasks")
    await owner.tap("Create task")
    await owner.tap("Maintenance")
    await owner.send("acme")
    await owner.tap("#1 Acme")
    await owner.tap("Add an asset")
    await owner.send("Container 3")
    await owner.tap("Container")
    await owner.send("CT-0003")
    assert "Attached: 0 miners, 1 asset" in owner.last.plain
    await owner.tap("Continue")
    await owner.tap("Inspection")
    await owner.send("Check the container seals")
    await owner.tap("Back")
    assert "Now: Check the container seals" in owner.last.plain
    await owner.send("Check the seals")
    await owner.tap("Medium")
    await owner.tap("1 week")
    await owner.tap("Assign to me")
    await owner.send("Both doors, after the rain")
    await owner.tap("Skip")  # the Maintenance board's Cost: not known yet
    await owner.tap("Save")
    assert owner.last.plain == "✅ Task #1 created: Check the seals"
    await owner.tap("Open task")
    card = owner.last.plain
    assert "Assets (1)" in card and "Container 3 · Container · CT-0003" in card
    assert f"Due: {(facility_today() + timedelta(days=7)).isoformat()}" in card
    assert "📝 Both doors, after the rain" in card

    # the asset is the client's, listed and editable from the client card
    await owner.tap("Open client #1")
    await owner.tap("Assets")
    await owner.tap("Container 3")
    await owner.tap("Serial")
    await owner.send("CT-0004")
    assert "Serial number: CT-0004" in owner.last.plain

    # from a miner: the miner card will carry this button
    await owner.tap_data(TaskCb(action="new", miner=2).pack())
    assert "⛏ miner #2" in owner.last.plain and "🏢 #1 Acme" in owner.last.plain
    await owner.tap("Maintenance")
    await owner.tap("Continue")
    await owner.tap("Repair")
    await owner.send("Fan noise")
    await owner.tap("Cancel")
    assert bot.app is not None
    async with bot.app.db.read() as session:
        assert (await session.scalar(select(Task.id).where(Task.summary == "Fan noise"))) is None
    await owner.tap_data(TaskCb(action="new", miner=2).pack())
    await owner.tap("Maintenance")
    await owner.tap("Continue")
    await owner.tap("Repair")
    await owner.send("Fan noise")
    await owner.tap("Critical")
    await owner.tap("No due date")
    await owner.tap("Nobody for now")
    await owner.tap("Skip")
    await owner.tap("Skip")  # the Maintenance board's Cost: not known yet
    assert "Attached: 1 miner, 0 assets" in owner.last.plain
    await owner.tap("Save")
    await owner.tap("Open task")
    assert "Miners (1)" in owner.last.plain and "Client: #1 Acme" in owner.last.plain


async def test_changes_on_the_card_are_told_and_logged(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    sam = await join(fake, owner, "Senior technician", 3003, "Sam")
    await add_client(owner, "Acme", "ops@acme.com")
    await owner.tap("Create task")
    await owner.tap("Maintenance")
    await owner.tap("Continue")
    await owner.tap("Repair")
    await owner.send("Replace PSU")
    await owner.tap("Low")
    await owner.tap("2 weeks")
    await owner.tap("Assign to me")
    await owner.tap("Skip")
    await owner.tap("Skip")  # the Maintenance board's Cost: not known yet
    await owner.tap("Save")
    await owner.tap("Open task")

    await owner.tap("Assignee")
    await owner.tap("Sam")
    assert "Assignee: Sam" in owner.last.plain
    await sam.wait_for(lambda m: "Olga Owner assigned you task #1" in m.plain)
    await owner.tap("Priority")
    await owner.tap("Critical")
    assert "Priority: 🔴 Critical" in owner.last.plain
    await owner.tap("Due date")
    await owner.send("01.01.2020")
    assert owner.last.plain.startswith("The due date cannot be in the past")
    await owner.send("31.12.2099")
    assert "Due: 2099-12-31" in owner.last.plain
    await owner.tap("Comment")
    await owner.send("The spare PSU is in <box 4>")
    assert owner.last.plain.startswith("💬 Comment added.")
    assert "Olga Owner: The spare PSU is in <box 4>" in owner.last.plain
    comment = await sam.wait_for(lambda m: "commented on task #1" in m.plain)
    assert comment.plain.endswith("The spare PSU is in <box 4>")

    await owner.tap("Open client #1")
    await owner.tap("View logs")
    logs = owner.last.plain
    assert (
        bot.app is not None
    )  # the reminders run hourly (the job itself: tests/test_tasks_service)
    job = bot.app.scheduler.get_job("task-reminders")
    assert job is not None and job.func == bot.app.services.tasks.remind_due
    for line in (
        "Comment added · #1 Replace PSU",
        "Task due date changed · #1 Replace PSU",
        "Task priority changed · #1 Replace PSU",
        "Priority: Low → Critical",
        "Due date: ",
        "→ 2099-12-31",
        "Assignee: Olga Owner → Sam",
    ):
        assert line in logs, line

"""Exporting client data through the real stack: the form, the file, the list, restarts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select, update

from handlers.callbacks import ExportCb
from services.container import Services
from services.exports.periods import add_months
from storage.db import Database
from storage.models import (
    AuditEntry,
    Bill,
    BillLine,
    ConsumptionDaily,
    ExportJob,
    Miner,
    Payment,
    Staff,
    Task,
    TaskManager,
    TaskStatus,
)
from tests.e2e.conftest import OWNER_ID, RunningBot, join, owner_actor
from tests.e2e.test_clients import add_client, labels
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser

ZONE = ZoneInfo("Europe/Moscow")  # the facility's zone in the e2e settings
EVIL = '=HYPERLINK("http://evil.example","Click me")'
SHEETS = ["Clients", "Miners", "Tasks", "Bills", "Payments", "Consumption", "Logs"]


def last_month() -> tuple[date, date]:
    today = datetime.now(ZONE).date()
    start = add_months(today, -1)
    return start, today.replace(day=1) - timedelta(days=1)


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


async def fill(db: Database, client_ids: list[int]) -> None:
    """Miners, a task, a bill with a payment, daily consumption and a log entry per client,
    dated last month — and one of each outside it (which an export of last month leaves out)."""
    start, end = last_month()
    before = start - timedelta(days=3)
    async with db.write() as session:
        owner_id = await session.scalar(select(Staff.id).where(Staff.telegram_id == OWNER_ID))
        manager = await session.scalar(select(TaskManager).limit(1))
        if manager is None:
            manager = TaskManager(name="Maintenance", is_builtin=True)
            session.add(manager)
            await session.flush()
        status = await session.scalar(
            select(TaskStatus).where(TaskStatus.manager_id == manager.id).limit(1)
        )
        if status is None:
            status = TaskStatus(manager_id=manager.id, name="To do", category="todo")
            session.add(status)
            await session.flush()
        for cid in client_ids:
            for n in range(3):
                session.add(
                    Miner(
                        serial=f"SN-{cid}-{n}",
                        mac=f"02:00:00:00:{cid:02x}:{n:02x}",
                        model="Antminer S21",
                        client_id=cid,
                        status="active" if n else "offline",
                        paid=n != 2,
                        nominal_power_w=3500,
                        created_at=local(before, 9),
                    )
                )
            session.add(
                Task(
                    manager_id=manager.id,
                    status_id=status.id,
                    summary=f"Replace fan for client {cid}",
                    reporter_id=owner_id,
                    client_id=cid,
                    created_at=local(start, 10),
                    updated_at=local(start + timedelta(days=1), 10),
                )
            )
            bill = Bill(
                client_id=cid,
                period=f"{start:%Y-%m}",
                period_start=start,
                period_end=end,
                currency="USD",
                issued_on=end + timedelta(days=1),
                due_on=end + timedelta(days=11),
                energy_wh=1_234_567,
                total_minor=123_456,
                paid_minor=100_000,
                status="partially_paid",
            )
            session.add(bill)
            await session.flush()
            session.add_all(
                [
                    BillLine(
                        bill_id=bill.id,
                        position=0,
                        kind="energy",
                        source="measured",
                        first_day=start,
                        last_day=end,
                        quantity=1_234_567,
                        rate=550_000,
                        amount_minor=67_901,
                    ),
                    BillLine(bill_id=bill.id, position=1, kind="fee", amount_minor=55_555),
                ]
            )
            session.add(
                Payment(
                    bill_id=bill.id,
                    amount_minor=100_000,
                    paid_on=start + timedelta(days=4),
                    method="crypto",
                    created_by=owner_id,
                )
            )
            for day in (before, start, end, end + timedelta(days=1)):
                session.add(ConsumptionDaily(client_id=cid, day=day, energy_wh=84_000 + cid))
            for at in (local(before, 12), local(start + timedelta(days=9), 12)):
                session.add(
                    AuditEntry(
                        at=at,
                        actor_id=owner_id,
                        category="client",
                        action="client.updated",
                        entity_type="client",
                        entity_id=cid,
                        client_id=cid,
                        changes={"phone": [None, f"+7900000000{cid}"]},
                    )
                )


async def three_clients(bot: RunningBot, owner: TelegramUser) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    await add_client(owner, EVIL, "evil@example.com")
    await owner.tap("Back to the list")
    await add_client(owner, "Beta Hosting", "beta@hosting.io")
    await owner.tap("Back to the list")
    await add_client(owner, "Gamma Other", "gamma@other.io")
    assert bot.app is not None
    await fill(bot.app.db, [1, 2, 3])


async def document(user: TelegramUser, export_id: int) -> BotMessage:
    """The document of export `export_id`, once it has arrived."""
    return await user.wait_for(
        lambda m: m.document is not None and f"Export #{export_id}" in m.plain, 15.0
    )


def workbook(fake: FakeBotAPI, message: BotMessage) -> Any:
    assert message.document is not None
    return load_workbook(io.BytesIO(fake.document_bytes(message.document["file_id"])))


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


async def test_two_clients_for_last_month_arrive_as_a_document_and_can_be_sent_again(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await three_clients(bot, owner)
    await owner.tap("Back to the list")
    await owner.tap("Export client data")
    assert "step 1 of 3" in owner.last.plain
    await owner.tap("Choose clients")
    await owner.tap("#1 =HYPERLINK")
    await owner.tap("#2 Beta")
    assert "Chosen: 2" in owner.last.plain
    await owner.send("gamma")  # typing searches the list; the ticks stay
    assert [x for x in labels(owner.last) if "#" in x] == ["▫️ #3 Gamma Other"]
    await owner.tap("Clear search")
    await owner.tap("Next (2)")
    assert "Clients: #1 =HYPERLINK" in owner.last.plain and "#2 Beta Hosting" in owner.last.plain
    await owner.tap("Last month")
    start, end = last_month()
    assert f"Period: Last month, {start} – {end}" in owner.last.plain
    await owner.tap("Download")
    assert owner.last.plain.startswith("⏳ Export #1 is being prepared")

    sent = await document(owner, 1)
    assert sent.document is not None and sent.document["file_name"].endswith(".xlsx")
    caption = sent.plain
    assert "#1 =HYPERLINK" in caption and "#2 Beta Hosting" in caption
    assert "Gamma" not in caption and f"Last month, {start} – {end}" in caption
    assert "Client profile, Miners, Tasks, Bills and payments, Daily consumption, Logs" in caption

    book = workbook(fake, sent)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
    clients = book["Clients"]
    assert [r[0] for r in rows(clients)] == [1, 2]
    evil = clients["B2"]
    assert evil.value == EVIL and evil.data_type == "s" and evil.quotePrefix
    assert isinstance(clients["G2"].value, datetime)  # added, in local time

    miners = rows(book["Miners"])
    assert sorted({r[0] for r in miners}) == [1, 2] and len(miners) == 6
    assert not any("SN-3-" in str(r) for r in miners)
    assert {r[11] for r in miners} == {"Active", "Offline"}
    assert {r[12] for r in miners} == {"paid", "unpaid"}
    assert [r[0] for r in rows(book["Tasks"])] == [1, 2]

    bills = book["Bills"]
    assert [(r[0], r[3], r[12], r[13]) for r in rows(bills)] == [
        (1, f"{start:%Y-%m}", "USD", "Partially paid"),
        (2, f"{start:%Y-%m}", "USD", "Partially paid"),
    ]
    total = bills["J2"]
    assert total.value == 1234.56 and total.number_format == "#,##0.00"
    assert bills["E2"].value == 1234.567  # kWh
    assert (bills["F2"].value, bills["H2"].value) == (679.01, 555.55)  # energy, hosting fee
    assert (bills["K2"].value, bills["L2"].value) == (1000, 234.56)  # paid, due
    payments = rows(book["Payments"])
    assert [(r[0], r[6], r[7], r[8]) for r in payments] == [
        (1, 1000, "USD", "Crypto"),
        (2, 1000, "USD", "Crypto"),
    ]
    assert payments[0][5] == datetime.combine(start + timedelta(days=4), time())

    consumption = rows(book["Consumption"])
    assert [(r[0], r[2].date()) for r in consumption] == [
        (1, start),
        (1, end),
        (2, start),
        (2, end),
    ]
    logs = rows(book["Logs"])
    assert [r[1] for r in logs] == [1, 2]
    assert logs[0][0] == datetime.combine(start + timedelta(days=9), time(12))  # local time
    assert logs[0][8] == "Phone: — → +79000000001"

    # The export list shows it; a ready file is sent again by its Telegram file id.
    await owner.send("/menu")
    await owner.tap("Exports")
    listing = owner.last.plain
    assert "#1 · ✅ ready" in listing and "MB" in listing and "Beta Hosting" in listing
    uploads = len(fake.calls_of("sendDocument"))
    await owner.tap("📥 #1")
    again = await owner.wait_for(lambda m: m.document is not None and m is not sent)
    assert again.document is not None and sent.document is not None
    assert again.document["file_id"] == sent.document["file_id"]
    resend = fake.calls_of("sendDocument")[uploads:]
    assert [c.params["document"] for c in resend] == [sent.document["file_id"]]


async def test_from_a_card_with_a_calendar_period_and_some_of_the_data(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await three_clients(bot, owner)
    await owner.tap("Back to the list")
    await owner.tap("#2 Beta")
    await owner.tap("Export")
    assert "step 2 of 3" in owner.last.plain and "Clients: #2 Beta Hosting" in owner.last.plain
    await owner.tap("From – to")
    assert "Tap the first day" in owner.last.plain
    start, end = last_month()
    await owner.tap("◀️")
    month = owner.last
    assert f"{start:%B} {start.year}" in labels(month)
    await owner.tap(str(end.day), message=month)
    await owner.tap("1")  # before the first day: it becomes the first day
    assert owner.last_answer()["text"] == (
        f"The last day cannot be before the first one, so {start} is the first day now."
    )
    assert f"From {start}. Now tap the last day." in owner.last.plain
    await owner.tap(str(end.day))
    assert f"Use {start} – {end}" in " ".join(labels(owner.last))
    await owner.tap("Use")
    assert f"Period: {start} – {end}" in owner.last.plain
    for kind in ("Tasks", "Bills and payments", "Logs"):
        await owner.tap(kind)
    await owner.tap("Download")

    book = workbook(fake, await document(owner, 1))
    assert book.sheetnames == ["Clients", "Miners", "Consumption"]
    assert [r[0] for r in rows(book["Clients"])] == [2]
    assert [r[2].date() for r in rows(book["Consumption"])] == [start, end]


async def test_without_clients_export_there_are_no_buttons_and_forged_ones_are_refused(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    await add_client(owner, "Secret Corp", "s@secret.io")
    await owner.tap("Back to the list")
    await owner.tap("Export client data")
    await owner.tap("All clients")
    await owner.tap("This month")
    await owner.tap("Download")
    await document(owner, 1)

    june = await join(fake, owner, "Junior technician", 7007, "June")
    assert "📤 Exports" not in labels(june.last)
    await june.tap("Clients")
    assert "📤 Export client data" not in labels(june.last)
    await june.tap("#1 Secret")
    assert "📤 Export" not in labels(june.last)
    for forged in (
        ExportCb(action="new"),
        ExportCb(action="new", id=1),
        ExportCb(action="files"),
        ExportCb(action="send", id=1),
    ):
        await june.tap_data(forged.pack())
        assert june.last_answer()["text"].startswith("Your role does not allow this")
    await june.tap_data(ExportCb(action="go").pack())  # no form open: nothing to download
    assert "outdated" in june.last_answer()["text"]
    assert not any(m.document for m in june.messages())

    # An accountant may export, but someone else's export does not exist for them.
    anna = await join(fake, owner, "Accountant", 7008, "Anna")
    assert "📤 Exports" in labels(anna.last)
    await anna.tap_data(ExportCb(action="send", id=1).pack())
    assert anna.last_answer()["text"].startswith("This no longer exists")
    assert not any(m.document for m in anna.messages())


async def _queue(services: Services, kinds: list[str]) -> int:
    owner = await services.staff.resolve(OWNER_ID, "Olga Owner", "olga", "en")
    assert owner is not None
    job = await services.exports.request(owner, clients=[1, 2], kinds=kinds, preset="last_month")
    return job.id


async def test_a_restart_during_an_export_ends_with_the_file_or_a_failure_message(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await three_clients(bot, owner)

    # Download, and the bot is stopped at once: the file comes after the restart (or before).
    await owner.tap("Back to the list")
    await owner.tap("Export client data")
    await owner.tap("All clients")
    await owner.tap("Last 30 days")
    await owner.tap("Download")
    await bot.restart()
    await document(owner, 1)

    # Stopped in the middle of two builds: one is taken up again, the other had been
    # interrupted too often already and fails; both members' notices say so.
    await bot.stop()
    services = Services.build(Database(bot.settings.database_url), owner_ids=[OWNER_ID])
    resumed = await _queue(services, ["profile", "miners"])
    given_up = await _queue(services, ["consumption"])
    for _ in range(2):
        assert await services.exports.claim_next() is not None  # both "running" now
    async with services.db.write() as session:
        await session.execute(update(ExportJob).where(ExportJob.id == given_up).values(attempts=3))
    await services.db.close()
    await bot.start()

    note = await owner.wait_for(lambda m: f"export #{resumed} was ready" in m.plain)
    assert "being prepared again" in note.plain
    file = await document(owner, resumed)
    assert owner.messages().index(note) < owner.messages().index(file)  # the notice first
    book = workbook(fake, file)
    assert book.sheetnames == ["Clients", "Miners"]
    failed = await owner.wait_for(lambda m: f"Export #{given_up} could not be made" in m.plain)
    assert "restarted while preparing it several times" in failed.plain
    assert not any(m.document and f"Export #{given_up}" in m.plain for m in owner.messages())
    await owner.tap("My exports", message=failed)
    listing = owner.last.plain
    assert f"#{given_up} · ❌ failed" in listing and f"#{resumed} · ✅ ready" in listing


async def test_a_file_telegram_refuses_is_kept_and_sent_again_from_disk(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    await add_client(owner, "Acme", "ops@acme.io")
    await owner.tap("Back to the list")
    await owner.tap("Export client data")
    await owner.tap("All clients")
    await owner.tap("Last 7 days")
    fake.fail_next("sendDocument", error_code=400, description="Bad Request: file is broken")
    await owner.tap("Download")
    note = await owner.wait_for(lambda m: "Telegram did not accept the file" in m.plain)
    assert note.plain.startswith("⚠️ Export #1 is ready")
    await owner.tap("My exports", message=note)
    assert "#1 · ✅ ready" in owner.last.plain
    await owner.tap("📥 #1")
    sent = await document(owner, 1)
    assert sent.document is not None

    # Telegram forgot the file id: it is uploaded from disk again and the new id kept.
    fake.fail_next("sendDocument", error_code=400, description="Bad Request: wrong file identifier")
    calls = len(fake.calls_of("sendDocument"))
    await owner.tap("📥 #1")
    again = await owner.wait_for(lambda m: m.document is not None and m is not sent)
    attempts = fake.calls_of("sendDocument")[calls:]
    assert attempts[0].params["document"] == sent.document["file_id"]
    assert attempts[1].params["document"].file_name.endswith(".xlsx")  # the upload
    assert again.document is not None and again.document["file_id"] != sent.document["file_id"]
    assert bot.app is not None
    [view] = (await bot.app.services.exports.jobs(await owner_actor(bot))).items
    assert view.parts[0].file_id == again.document["file_id"]


async def test_an_export_over_the_upload_limit_arrives_in_parts_and_the_member_is_told(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await three_clients(bot, owner)
    assert bot.app is not None
    async with bot.app.db.write() as session:
        for n in range(400):
            session.add(Miner(serial=f"BULK-{n:05d}", client_id=1 + n % 3, model="Whatsminer M60S"))
    bot.app.services.exports.upload_limit = 20_000  # instead of Telegram's 50 MB
    await owner.tap("Back to the list")
    await owner.tap("Export client data")
    await owner.tap("All clients")
    await owner.tap("Last month")
    await owner.tap("Download")
    first = await owner.wait_for(lambda m: m.document is not None and "File 1 of" in m.plain)
    parts = int(first.plain.split("File 1 of ", 1)[1].split(".", 1)[0])
    assert parts >= 2 and "larger than Telegram's 50 MB limit" in first.plain
    last = await owner.wait_for(
        lambda m: m.document is not None and f"File {parts} of {parts}." in m.plain, 10.0
    )
    files = [m for m in owner.messages() if m.document is not None]
    assert files[0] is first and files[-1] is last and len(files) == parts
    miners = 0
    for message in files:
        assert message.document is not None and message.document["file_size"] <= 20_000
        book = workbook(fake, message)
        miners += sum(len(rows(s)) for s in book.worksheets if s.title == "Miners")
    assert miners == 409
    await owner.send("/menu")
    await owner.tap("Exports")
    assert f"in {parts} files" in owner.last.plain

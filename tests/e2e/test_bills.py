"""Bills through the real stack: pricing set in the chat, a month of energy, the monthly run
(interrupted by a restart, then finished: each client billed once), numbers against a hand
computation, payments and statuses, an edit in the log, Download, and a member without
bills.view."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import event, func, select

from handlers.callbacks import BillCb, TaskCb
from services.bills.periods import next_month, previous_month
from services.container import Services
from services.miners.service import Selection
from services.tasks.managers import COST_FIELD
from services.tasks.service import TaskDraft
from storage.models import Bill, BillingRun, Miner
from tests import bills_data as data
from tests.e2e.conftest import OWNER_ID, RunningBot, add_client, join, labels
from tests.fakebotapi import FakeBotAPI, TelegramUser

CENT = Decimal("0.01")


def billed_month() -> date:
    """The month the run bills now (the month before; before 06:00 on the 1st, one more back)."""
    local = datetime.now(data.ZONE)
    month = previous_month(local.date())
    return previous_month(month) if local.day == 1 and local.hour < 6 else month


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def hand_computation(days: int) -> tuple[Decimal, Decimal]:
    """Totals of A and B (see tests/bills_data.py), worked out the way an accountant would."""
    a_measured_1 = money(Decimal(14 * 36) * Decimal("0.05"))
    a_nominal = money(Decimal(9 * 72 + 36) * Decimal("0.05"))
    a_measured_2 = money(Decimal((days - 14) * 36) * Decimal("0.06"))
    a_markup = money((a_measured_1 + a_nominal) * Decimal("0.1")) + money(
        a_measured_2 * Decimal("0.1")
    )
    a_fee = money(Decimal(20) * (days + days + 9) / days)
    a_total = a_measured_1 + a_nominal + a_measured_2 + a_markup + a_fee + Decimal("150.50")
    b_energy = money(Decimal(((days - 10) * 24 + 12) * 3) * Decimal("0.05"))
    b_total = b_energy + money(b_energy * Decimal("0.1")) + money(Decimal(20) * (days - 9) / days)
    return a_total, b_total


async def pick_day(owner: TelegramUser, client_id: int, day: date) -> None:
    """The calendar's day button (its callback data; the label alone is a bare number)."""
    await owner.tap_data(BillCb(action="rd", id=client_id, arg=f"{day:%Y%m%d}").pack())


async def wait_until(check: Callable[[], object], timeout: float = 15.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():  # type: ignore[misc]
        if loop.time() > deadline:
            raise TimeoutError("the condition did not come true")
        await asyncio.sleep(0.05)


async def documents(owner: TelegramUser, fake: FakeBotAPI) -> tuple[bytes, bytes]:
    pdf = await owner.wait_for(
        lambda m: m.document is not None and str(m.document["file_name"]).endswith(".pdf")
    )
    xlsx = await owner.wait_for(
        lambda m: m.document is not None and str(m.document["file_name"]).endswith(".xlsx")
    )
    assert pdf.document is not None and xlsx.document is not None
    return (
        fake.document_bytes(pdf.document["file_id"]),
        fake.document_bytes(xlsx.document["file_id"]),
    )


async def test_a_month_billed_paid_edited_and_downloaded(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    first = billed_month()
    days = (next_month(first) - first).days
    app = bot.app
    assert app is not None

    await add_client(owner, "Alpha", "alpha@example.com")
    await add_client(owner, "Beta", "beta@example.com")

    # Facility prices from the month's first day, in Settings; Alpha's own price from the 15th.
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Billing: prices")
    assert "No price per kWh yet" in owner.last.plain
    for label, value in (
        ("Price per kWh", "0.05"),
        ("Hosting markup", "10"),
        ("Hosting fee", "20"),
    ):
        await owner.tap(label)
        await owner.send(value)
        assert "From which day" in owner.last.plain
        await pick_day(owner, 0, first)
        assert "saved" in owner.last.plain
    assert "Price per kWh: 0.05 USD/kWh" in owner.last.plain
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Alpha")
    await owner.tap("Pricing")
    await owner.tap("Price per kWh")
    await owner.send("0,06")
    await pick_day(owner, 1, first + timedelta(days=14))
    assert "Price per kWh saved" in owner.last.plain

    # The month: miners, energy rows, a move on the 10th and a repair closed on the 20th, done
    # through the services at those moments.
    moment = [datetime.now(UTC)]
    services = Services.build(app.db, owner_ids=[OWNER_ID], clock=lambda: moment[0])
    actor = await services.staff.resolve(OWNER_ID, "Olga Owner", "olga", "en")
    assert actor is not None
    m1, m2, m3 = await data.add_miners(app.db, 1, first)
    await data.write_energy(app.db, m1, m2, 1, first, days)
    moment[0] = data.local(first + timedelta(days=9), 12)
    await services.miners.set_client(actor, Selection(ids=frozenset({m3})), 2)
    moment[0] = data.local(first + timedelta(days=19), 15)
    board = next(m for m in await services.task_managers.list(actor) if m.is_builtin)
    task = await services.tasks.create(
        actor,
        TaskDraft(
            manager_id=board.id,
            type_id=next(t.id for t in board.types if t.name == "Repair"),
            summary="Fix fans",
            client_id=1,
        ),
    )
    assert any(f.name == COST_FIELD for f in board.fields)
    await owner.tap_data(TaskCb(action="card", id=task.id).pack())
    await owner.tap("Cost")
    await owner.send("150.50")
    assert owner.last.plain.startswith("Cost saved.") and "Cost: 150.5" in owner.last.plain
    done = next(s for s in board.statuses if s.category == "done")
    await services.tasks.move(actor, task.id, done.id)

    # The monthly run, one client a transaction, stopped by a "crash" after the first bill...
    app.services.billing.batch = 1
    run = asyncio.create_task(app.services.billing.due())
    wrote_bill = [False]

    def on_execute(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO BILLS "):
            wrote_bill[0] = True

    def on_commit(connection: object) -> None:
        if wrote_bill[0]:  # the first bill is committed: the process "dies" here
            run.cancel()

    engine = app.db.write_engine.sync_engine
    event.listen(engine, "after_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        await asyncio.gather(run, return_exceptions=True)
    finally:
        event.remove(engine, "after_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
    async with app.db.read() as session:
        assert await session.scalar(select(func.count(Bill.id))) == 1
        period = await session.get(BillingRun, f"{first:%Y-%m}")
        assert period is not None and period.finished_at is None

    # ... and the bot started again: the job runs at start and bills the other client, once.
    app = await bot.restart()

    async def finished() -> bool:
        async with app.db.read() as session:
            period = await session.get(BillingRun, f"{first:%Y-%m}")
            return period is not None and period.finished_at is not None

    await wait_until(finished)
    assert (await app.services.billing.due()).bills == 0
    async with app.db.read() as session:
        rows = (await session.execute(select(Bill.client_id, Bill.total_minor))).all()
    a_total, b_total = hand_computation(days)
    assert sorted(rows) == [(1, int(a_total * 100)), (2, int(b_total * 100))]

    # The Billing area: overdue first, owed per currency; Alpha's bill paid in three steps.
    await owner.send("/menu")
    await owner.tap("Billing")
    assert f"Still owed: {a_total + b_total:,.2f} USD" in owner.last.plain
    await owner.tap("Alpha")
    card = owner.last.plain
    assert f"Total: {a_total:,.2f} USD" in card and "Service: task #1 Fix fans" in card
    assert "Electricity, nominal" in card and "Hosting fee" in card
    for amount, method, status in (
        ("100", "Bank transfer", "Partially paid"),
        (None, "Crypto", "🟢 Paid"),
        ("10", "Cash", "Overpaid"),
    ):
        await owner.tap("Add payment")
        if amount is None:
            await owner.tap("All that is due")
        else:
            await owner.send(amount)
        await owner.tap("Today")
        await owner.tap(method)
        await owner.tap("Skip")
        assert "Status: " in owner.last.plain and status in owner.last.plain.split("\n")[0]

    # Download: the invoice and the evidence, read back.
    await owner.tap("Download")
    pdf, xlsx = await documents(owner, fake)
    assert pdf.startswith(b"%PDF")
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    cells: list[tuple[Any, ...]] = list(book.worksheets[0].iter_rows(values_only=True))
    assert cells[0][:7] == ("Date", "Miner ID", "Serial number", "IP", "Model", "kWh", "Source")
    body = [r for r in cells[1:] if r and r[1] is not None]
    assert len(body) == 2 * days + 10  # m1, m2 every day; m3 on its ten days with Alpha
    assert {r[6] for r in body} == {"measured", "nominal"}
    assert {r[8] for r in body if r[0].date() == first + timedelta(days=14)} == {0.06}
    kwh = (14 * 36 + (days - 14) * 36) + 684
    assert cells[-1][0] == "Billed kWh" and cells[-1][5] == kwh

    # Edit Beta's bill: the price per kWh; the total follows and the client's log says so.
    await owner.send("/menu")
    await owner.tap("Billing")
    await owner.tap("Beta")
    await owner.tap("Edit")
    await owner.tap("Price per kWh")
    await owner.send("0.10")
    assert owner.last.plain.startswith("Bill changed.")
    await owner.tap("Client #2")
    await owner.tap("View logs")
    assert "Bill edited" in owner.last.plain and "0.05 USD/kWh → 0.10 USD/kWh" in owner.last.plain


async def test_a_member_without_bills_view_sees_no_bills_and_is_refused(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Alpha", "alpha@example.com")
    nina = await join(fake, owner, "Newbie", 3001, "Nina")
    await nina.send("/menu")
    assert not any("Billing" in label for label in labels(nina.last))
    await nina.tap("Clients")
    await nina.tap("#1 Alpha")
    assert not any("Bills" in label or "Pricing" in label for label in labels(nina.last))
    for forged in (
        BillCb(action="area"),
        BillCb(action="client", id=1),
        BillCb(action="price", id=1),
        BillCb(action="card", id=1),
        BillCb(action="pay", id=1),
    ):
        await nina.tap_data(forged.pack())
        assert "Your role does not allow this" in str(nina.last_answer().get("text"))


async def test_an_overdue_notice_marks_the_clients_miners_unpaid(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    app = bot.app
    assert app is not None
    await add_client(owner, "Alpha", "alpha@example.com")
    first = billed_month()
    await data.add_miners(app.db, 1, first)
    today = datetime.now(data.ZONE).date()
    async with app.db.write() as session:
        session.add(
            Bill(
                client_id=1,
                period=f"{first:%Y-%m}",
                period_start=first,
                period_end=next_month(first) - timedelta(days=1),
                currency="USD",
                issued_on=today - timedelta(days=12),
                due_on=today - timedelta(days=2),
                total_minor=12_345,
            )
        )
    assert await app.services.billing.mark_overdue() == 1
    notice = await owner.wait_for(lambda m: "is overdue" in m.plain)
    assert "123.45 USD" in notice.plain
    assert labels(notice) == ["💳 Add payment", "🔴 Mark the client's miners unpaid"]
    await owner.tap("Mark the client's miners unpaid", message=notice)
    assert "3" in owner.last.plain
    await owner.tap("Confirm")
    async with app.db.read() as session:
        unpaid = await session.scalar(
            select(func.count(Miner.id)).where(Miner.client_id == 1, Miner.paid.is_(False))
        )
    assert unpaid == 3
    assert await app.services.billing.mark_overdue() == 0  # told once

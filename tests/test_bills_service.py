"""Bills through the services against a real SQLite file: pricing history, the monthly run
(numbers against a hand computation), payments and statuses, edits, credit, cancel, overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from services.actor import Actor
from services.bills.lines import DayRates, Line, build
from services.bills.money import (
    div_round,
    format_money,
    parse_amount,
    parse_price,
)
from services.container import Services
from services.errors import Conflict, Invalid, PermissionDenied
from services.miners.service import Selection
from services.tasks.managers import COST_FIELD
from services.tasks.service import TaskDraft
from storage.db import Database
from storage.models import AuditEntry, Bill, MinerClientChange, MinerEnergyDaily, OutboxMessage
from tests import bills_data as data
from tests.conftest import Clock, join


async def _client(services: Services, owner: Actor, name: str) -> int:
    card = await services.clients.add(
        owner, name=name, email=f"{name.lower()}@example.com", manager_id=owner.staff_id
    )
    return card.id


async def _facility_rates(services: Services, owner: Actor) -> None:
    await services.bills.set_rate(owner, None, "price_kwh", "0.05", data.FIRST)
    await services.bills.set_rate(owner, None, "markup", "10", data.FIRST)
    await services.bills.set_rate(owner, None, "hosting_fee", "20", data.FIRST)


async def _repair_task(
    services: Services, owner: Actor, clock: Clock, client_id: int, cost: str
) -> int:
    board = next(m for m in await services.task_managers.list(owner) if m.is_builtin)
    repair = next(t for t in board.types if t.name == "Repair")
    cost_field = next(f for f in board.fields if f.name == COST_FIELD)
    card = await services.tasks.create(
        owner,
        TaskDraft(manager_id=board.id, type_id=repair.id, summary="Fix fans", client_id=client_id),
    )
    await services.tasks.set_field(owner, card.id, cost_field.id, cost)
    done = next(s for s in board.statuses if s.category == "done")
    await services.tasks.move(owner, card.id, done.id)
    return card.id


@pytest.fixture
async def october(services: Services, owner: Actor, clock: Clock) -> tuple[int, int, int]:
    """The facility of tests/bills_data.py; returns (client A, client B, the task)."""
    a = await _client(services, owner, "Alpha")
    b = await _client(services, owner, "Beta")
    await _facility_rates(services, owner)
    await services.bills.set_rate(owner, a, "price_kwh", "0.06", date(2026, 10, 15))
    m1, m2, m3 = await data.add_miners(services.db, a)
    await data.write_energy(services.db, m1, m2, a)
    clock.now = data.local(date(2026, 10, 10), 12)
    await services.miners.set_client(owner, Selection(ids=frozenset({m3})), b)
    clock.now = data.local(date(2026, 10, 20), 15)
    task = await _repair_task(services, owner, clock, a, "150.5")
    clock.now = data.local(date(2026, 11, 2), 12)
    return a, b, task


def test_money_rounds_half_away_from_zero_once() -> None:
    assert div_round(5, 2) == 3 and div_round(-5, 2) == -3 and div_round(4, 3) == 1
    assert parse_amount("1 234,50", "USD") == 123_450
    assert parse_price("0.065", "USD") == 65_000
    assert parse_price("0.00000080", "BTC") == 800_000
    with pytest.raises(Invalid):
        parse_amount("1.005", "USD")
    assert format_money(123_450, "USD", "ru") == "1\u00a0234,50 USD"


def test_total_is_the_sum_of_the_lines_whatever_the_numbers() -> None:
    days = [date(2026, 2, 1) + timedelta(days=i) for i in range(28)]
    for seed in range(1, 60):
        rates = [
            DayRates(10_000 + seed * 777 * (i // 9), 1_333 * seed, 1_999 * seed) for i in range(28)
        ]
        energy = {d: {"measured": 12_345 * seed + i, "nominal": 7 * i} for i, d in enumerate(days)}
        lines = build(days, rates, energy, dict.fromkeys(days, seed), 28)
        assert sum(line.amount for line in lines) == sum(
            line.amount for line in lines if isinstance(line, Line)
        )
        assert all(isinstance(line.amount, int) for line in lines)


async def test_monthly_run_matches_the_hand_computation(
    services: Services, owner: Actor, october: tuple[int, int, int]
) -> None:
    a, b, task = october
    result = await services.billing.due()
    assert (result.period, result.bills, result.finished) == ("2026-10", 2, True)
    again = await services.billing.due()
    assert again.bills == 0
    async with services.db.read() as session:
        assert await session.scalar(select(func.count(Bill.id))) == 2
        moves = (await session.scalars(select(MinerClientChange))).all()
    assert [(m.old_client_id, m.new_client_id, m.source) for m in moves] == [(a, b, "mass")]

    page = await services.bills.browse(owner, services_query(client_id=a))
    bill_a = await services.bills.card(owner, page.page.items[0].id)
    got = {_key(li.line): li.line.amount for li in bill_a.lines}
    assert got == data.A_LINES
    assert bill_a.summary.total == data.A_TOTAL == 30_204
    energy = {
        li.line.source: li.line.quantity
        for li in bill_a.lines
        if li.line.group_no == 1 and li.line.kind == "energy"
    }
    assert energy == {"measured": data.A_MEASURED_1, "nominal": data.A_NOMINAL}
    task_line = next(li.line for li in bill_a.lines if li.line.kind == "task")
    assert task_line.task_id == task
    assert (task_line.description or "").startswith(f"#{task} ")
    assert bill_a.summary.status == "unpaid"
    assert bill_a.summary.due_on == date(2026, 11, 12)  # issued Nov 2, 10 days

    page_b = await services.bills.browse(owner, services_query(client_id=b))
    bill_b = await services.bills.card(owner, page_b.page.items[0].id)
    assert {_key(li.line): li.line.amount for li in bill_b.lines} == data.B_LINES
    assert bill_b.summary.total == data.B_TOTAL
    assert bill_b.energy_wh == data.B_NOMINAL


def services_query(**kwargs: object):
    from services.bills.service import BillQuery

    return BillQuery(**kwargs)  # type: ignore[arg-type]


def _key(line: Line) -> str:
    if line.kind == "energy":
        return f"energy {line.source} {line.group_no}"
    if line.kind == "markup":
        return f"markup {line.group_no}"
    return line.kind


async def test_payments_statuses_credit_edit_and_cancel(
    services: Services, owner: Actor, clock: Clock, october: tuple[int, int, int]
) -> None:
    a, b, _ = october
    await services.billing.due()
    bill_a = (await services.bills.browse(owner, services_query(client_id=a))).page.items[0]
    bill_b = (await services.bills.browse(owner, services_query(client_id=b))).page.items[0]
    today = date(2026, 11, 2)

    card = await services.bills.add_payment(
        owner, bill_a.id, amount="100", paid_on=today, method="bank_transfer", reference="INV-1"
    )
    assert card.summary.status == "partially_paid" and card.summary.paid == 10_000
    card = await services.bills.add_payment(
        owner, bill_a.id, amount="202.04", paid_on=today, method="crypto"
    )
    assert card.summary.status == "paid"
    card = await services.bills.add_payment(
        owner, bill_a.id, amount="10", paid_on=today, method="cash"
    )
    assert card.summary.status == "overpaid"

    card_b = await services.bills.card(owner, bill_b.id)
    # edit the price: energy lines, markups and the total follow; the status is recomputed
    card_b = await services.bills.edit_rate(
        owner, bill_b.id, "price_kwh", "0.10", expected_version=card_b.version
    )
    amounts = {_key(li.line): li.line.amount for li in card_b.lines}
    assert amounts == {"energy nominal 1": 15_480, "markup 1": 1_548, "fee": 1_419}
    assert card_b.summary.total == 15_480 + 1_548 + 1_419
    with pytest.raises(Conflict):  # an edit made on an older screen
        await services.bills.edit_rate(owner, bill_b.id, "markup", "5", expected_version=1)
    card_b = await services.bills.add_line(
        owner, bill_b.id, "Rack rent", "-4.47", expected_version=card_b.version
    )
    assert card_b.summary.total == 15_480 + 1_548 + 1_419 - 447
    async with services.db.read() as session:
        logged = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "bill.edited"))
        ).all()
    assert logged[0].client_id == b
    assert (logged[0].changes or {})["price_kwh"] == ["0.05 USD/kWh", "0.10 USD/kWh"]

    # overdue: past the due date the bill is marked, and the manager told once
    clock.now = data.local(date(2026, 11, 13), 10)
    assert await services.billing.mark_overdue() == 1  # B; A is paid
    assert await services.billing.mark_overdue() == 0
    assert (await services.bills.card(owner, bill_b.id)).summary.status == "overdue"
    async with services.db.read() as session:
        keys = (await session.scalars(select(OutboxMessage.text_key))).all()
    assert keys.count("bills-notice-overdue") == 1

    card_b = await services.bills.cancel(owner, bill_b.id, "Sent by mistake")
    assert card_b.summary.status == "cancelled" and card_b.summary.due == 0

    # December 1st: November's bill for A can use A's October overpayment with one tap
    clock.now = data.local(date(2026, 12, 1), 9)
    await services.billing.due()
    page = await services.bills.browse(owner, services_query(client_id=a, period="2026-11"))
    november = await services.bills.card(owner, page.page.items[0].id)
    assert november.credit == 1_000
    november = await services.bills.use_credit(owner, november.id)
    assert november.summary.paid == 1_000 and november.summary.status == "partially_paid"
    assert (await services.bills.card(owner, bill_a.id)).summary.status == "paid"
    with pytest.raises(Conflict):
        await services.bills.use_credit(owner, november.id)
    # removing one half of a credit move removes both
    credit = next(p for p in november.payments if p.method == "credit")
    november = await services.bills.remove_payment(owner, november.id, credit.id)
    assert november.summary.paid == 0
    assert (await services.bills.card(owner, bill_a.id)).summary.status == "overpaid"


async def test_task_cost_lands_once_and_again_after_a_cancel(
    services: Services, owner: Actor, clock: Clock, october: tuple[int, int, int]
) -> None:
    a, _, task = october
    await services.billing.due()
    bill = (await services.bills.browse(owner, services_query(client_id=a))).page.items[0]
    await services.bills.cancel(owner, bill.id, "Wrong month")
    clock.now = data.local(date(2026, 12, 1), 9)
    result = await services.billing.due()  # November: the task's cost lands again
    assert result.period == "2026-11"
    page = await services.bills.browse(owner, services_query(client_id=a, period="2026-11"))
    november = await services.bills.card(owner, page.page.items[0].id)
    assert [li.line.task_id for li in november.lines if li.line.kind == "task"] == [task]


async def test_no_price_no_bills_and_a_month_without_price_is_retried(
    services: Services, owner: Actor
) -> None:
    result = await services.billing.due()
    assert (result.bills, result.finished, result.skipped) == (0, False, "no-price")


async def test_bills_need_the_flags(services: Services, owner: Actor) -> None:
    newbie = await join(services, owner, "newbie", 2001, "Nick Newbie")
    with pytest.raises(PermissionDenied):
        await services.bills.browse(newbie, services_query())
    accountant = await join(services, owner, "accountant", 2002, "Anna Accountant")
    await services.bills.browse(accountant, services_query())
    with pytest.raises(PermissionDenied):
        await services.bills.set_rate(newbie, None, "price_kwh", "0.05", data.FIRST)


async def test_nominal_skips_hours_known_offline(
    services: Services, owner: Actor, clock: Clock
) -> None:
    a = await _client(services, owner, "Gamma")
    await _facility_rates(services, owner)
    _, _, m3 = await data.add_miners(services.db, a)
    clock.now = data.local(date(2026, 10, 21), 0)
    await services.miners.set_status(owner, Selection(ids=frozenset({m3})), "offline")
    clock.now = data.local(date(2026, 11, 2), 12)
    await services.billing.due()
    bill = (await services.bills.browse(owner, services_query(client_id=a))).page.items[0]
    card = await services.bills.card(owner, bill.id)
    nominal = sum(li.line.quantity for li in card.lines if li.line.source == "nominal")
    # m1, m2 (3,250 W) all month, m3 (3,000 W) until October 21st 00:00
    assert nominal == 2 * 3_250 * 24 * 31 + 3_000 * 24 * 20


async def test_download_gives_an_invoice_and_the_evidence(
    services: Services, owner: Actor, october: tuple[int, int, int], tmp_path
) -> None:
    import io

    from openpyxl import load_workbook

    from locales import Translations

    a, _, _ = october
    await services.bills.set_profile(owner, "company", "ООО «Хостинг Север»")
    await services.bills.set_profile(owner, "address", "Иркутск, ул. Ленина, 1")
    await services.bills.set_profile(
        owner, "payment_details", "IBAN DE00 1234 5678 9012\nBIC ABCDEFXX"
    )
    await services.billing.due()
    bill = (await services.bills.browse(owner, services_query(client_id=a))).page.items[0]
    await services.bills.add_payment(
        owner,
        bill.id,
        amount="100",
        paid_on=date(2026, 11, 2),
        method="bank_transfer",
        reference="PO-7",
    )
    translations = Translations()
    for language in ("en", "ru"):
        await services.bills.set_language(owner, a, language)
        docs = await services.bills.documents(owner, bill.id, translations.get)
        assert docs.language == language
        assert docs.pdf.startswith(b"%PDF")
        (tmp_path / f"{language}.pdf").write_bytes(docs.pdf)
        book = load_workbook(io.BytesIO(docs.xlsx), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        # 31 days of m1 and m2 (measured), 10 of m3 (nominal), the header, a blank, the total
        assert len(rows) == 31 * 2 + 10 + 3
        assert rows[-1][5] == (data.A_MEASURED_1 + data.A_MEASURED_2 + data.A_NOMINAL) / 1000
        day_15 = [r for r in rows[1:-2] if str(r[0]).startswith("2026-10-15")]
        assert {r[8] for r in day_15} == {0.06}


async def test_meter_readings_replace_the_energy_of_their_days(
    services: Services, owner: Actor, october: tuple[int, int, int]
) -> None:
    a, b, _ = october
    csv = (
        b"Email;Date;kWh\n"
        b"alpha@example.com;2026-10-03;100,5\n"  # a day of A
        b"beta@example.com;10.2026;3100\n"  # B's whole month
        b"alpha@example.com;2026-10-03;1\n"  # the same day again
        b"nobody@example.com;2026-10-04;5\n"
        b"alpha@example.com;someday;5\n"
    )
    preview = await services.metered.read(owner, csv, "meters.csv")
    assert (preview.readings, preview.clients, preview.wh) == (2, 2, 3_200_500)
    assert preview.rejects == [(4, "duplicate"), (5, "unknown-client"), (6, "metered_period")]
    await services.metered.apply(owner, preview.key)
    await services.billing.due()

    bill_b = (await services.bills.browse(owner, services_query(client_id=b))).page.items[0]
    card_b = await services.bills.card(owner, bill_b.id)
    energy = [li.line for li in card_b.lines if li.line.kind == "energy"]
    assert [(e.source, e.quantity, e.amount) for e in energy] == [("metered", 3_100_000, 15_500)]

    bill_a = (await services.bills.browse(owner, services_query(client_id=a))).page.items[0]
    card_a = await services.bills.card(owner, bill_a.id)
    first = {e.line.source: e.line.quantity for e in card_a.lines if e.line.group_no == 1}
    # October 3rd: 100.5 kWh metered instead of m1 + m2 (36 kWh) and m3 (72 kWh)
    assert first["metered"] == 100_500
    assert first["measured"] == data.A_MEASURED_1 - 36_000
    assert first["nominal"] == data.A_NOMINAL - 72_000


async def test_the_month_so_far_follows_every_change_and_is_never_old_by_more_than_a_minute(
    services: Services, owner: Actor, october: tuple[int, int, int], clock: Clock
) -> None:
    a, _, _ = october
    clock.now = data.local(date(2026, 10, 31), 23)
    so_far = await services.bills.estimate(owner, a)
    assert so_far is not None and (so_far.period, so_far.through) == ("2026-10", date(2026, 10, 31))
    assert so_far.energy_wh == data.A_MEASURED_1 + data.A_MEASURED_2 + data.A_NOMINAL
    assert so_far.total == data.A_TOTAL - data.A_LINES["task"]  # the task lands on the bill only

    # a change made through FarmDesk counts at once
    await services.bills.set_rate(owner, a, "markup", "0", data.FIRST)
    no_markup = await services.bills.estimate(owner, a)
    assert no_markup is not None
    assert no_markup.total == so_far.total - data.A_LINES["markup 1"] - data.A_LINES["markup 2"]

    # one made behind FarmDesk's back (by hand, another process) shows within a minute
    m1 = (await data.miner_ids(services.db))[0]
    other = Database(services.db.url)
    async with other.write() as session:
        await session.execute(
            update(MinerEnergyDaily)
            .where(MinerEnergyDaily.miner_id == m1, MinerEnergyDaily.day == date(2026, 10, 5))
            .values(energy_wh=MinerEnergyDaily.energy_wh + 1_000)
        )
    await other.close()
    assert await services.bills.estimate(owner, a) == no_markup
    clock.advance(seconds=61)
    later = await services.bills.estimate(owner, a)
    assert later is not None and later.energy_wh == no_markup.energy_wh + 1_000

"""Bills: the Billing area's list, a bill's card, payments, edits, cancelling, credits; the
facility's and clients' pricing; a client's running estimate for the month in progress.

Every call checks the Clients area gate and `bills.view`; changes need `bills.edit` and are
logged in the client's log (category client) with old → new, in the same transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.bills import lines as bill_lines
from services.bills.documents import Invoice, PaymentLine, evidence_xlsx, invoice_pdf
from services.bills.lines import Line
from services.bills.money import (
    format_money,
    format_percent,
    format_price,
    parse_amount,
    parse_days,
    parse_percent,
    parse_price,
)
from services.bills.periods import Window, month_start
from services.bills.rates import RATES, RateBook, RateRow
from services.bills.usage import evidence, usage
from services.errors import Conflict, Invalid, NotFound
from services.exports.sheets import Texts
from services.facility import FacilityService
from services.outbox import notify
from services.pagination import Page, clamp_page
from services.permissions import Permission
from storage.db import Database
from storage.models import (
    Bill,
    BillingProfile,
    BillLine,
    Client,
    ClientBilling,
    Miner,
    Payment,
    PricingRate,
    Staff,
    utcnow,
)
from storage.repositories import audit as audit_repo
from storage.repositories import bills as repo
from storage.repositories import clients as clients_repo

METHODS = ("bank_transfer", "crypto", "card", "cash", "other")
PROFILE_FIELDS = ("company", "address", "payment_details")
PROFILE_MAX = {"company": 256, "address": 1000, "payment_details": 1000}
LANGUAGES = ("en", "ru")
MAX_REFERENCE = 128
MAX_DESCRIPTION = 200
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class BillQuery:
    status: str | None = None
    period: str | None = None
    client_id: int | None = None
    mine: bool = False


@dataclass(frozen=True, slots=True)
class BillSummary:
    id: int
    client_id: int
    client: str
    period: str
    currency: str
    total: int
    paid: int
    status: str
    due_on: date

    @property
    def due(self) -> int:
        return 0 if self.status == "cancelled" else max(self.total - self.paid, 0)


@dataclass(frozen=True, slots=True)
class BillPage:
    page: Page[BillSummary]
    owed: dict[str, int]  # currency → still owed on open bills


@dataclass(frozen=True, slots=True)
class LineInfo:
    id: int
    line: Line


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    id: int
    amount: int
    paid_on: date
    method: str
    reference: str | None
    by: str | None
    linked_bill: int | None = None


@dataclass(frozen=True, slots=True)
class BillCard:
    summary: BillSummary
    client_email: str
    client_phone: str | None
    manager_id: int
    period_start: date
    period_end: date
    issued_on: date
    energy_wh: int
    cancel_reason: str | None
    version: int
    lines: list[LineInfo]
    payments: list[PaymentInfo]
    credit: int  # the client's credit (overpaid bills, same currency) this bill could use
    unpaid_miners: int

    @property
    def id(self) -> int:
        return self.summary.id


@dataclass(frozen=True, slots=True)
class RateInfo:
    name: str
    value: int | None  # valid today (None: no price set)
    own: bool  # the client's override (client pricing) rather than the facility's
    upcoming: list[tuple[date, int | None]] = field(default_factory=list)
    history: list[tuple[date, int | None]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Pricing:
    client_id: int | None
    client: str | None
    currency: str
    today: date
    rates: list[RateInfo]
    profile: dict[str, str | None]
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Documents:
    pdf: bytes
    pdf_name: str
    xlsx: bytes
    xlsx_name: str
    language: str
    evidence_rows: int


@dataclass(frozen=True, slots=True)
class Estimate:
    period: str
    currency: str
    energy_wh: int
    total: int
    through: date


def describe_rate(name: str, value: int | None, currency: str, locale: str = "en") -> str:
    """A rate in words for the logs and screens ("—" when there is none)."""
    if value is None:
        return "—"
    if name == "price_kwh":
        return f"{format_price(value, currency, locale)} {currency}/kWh"
    if name == "markup":
        return format_percent(value, locale)
    if name == "hosting_fee":
        return format_money(value, currency, locale)
    return str(value)


def parse_rate(name: str, text: str, currency: str) -> int:
    if name == "price_kwh":
        return parse_price(text, currency)
    if name == "markup":
        return parse_percent(text)
    if name == "hosting_fee":
        return parse_amount(text, currency, "hosting_fee")
    if name == "payment_term":
        return parse_days(text)
    raise Invalid("rate", "unknown")


def line_of(row: BillLine) -> Line:
    return Line(
        kind=row.kind,
        amount=row.amount_minor,
        source=row.source,
        group_no=row.group_no,
        first_day=row.first_day,
        last_day=row.last_day,
        quantity=row.quantity,
        rate=row.rate,
        description=row.description,
        task_id=row.ref_task_id,
    )


def line_values(line: Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "amount_minor": line.amount,
        "source": line.source,
        "group_no": line.group_no,
        "first_day": line.first_day,
        "last_day": line.last_day,
        "quantity": line.quantity,
        "rate": line.rate,
        "description": line.description,
        "task_id": line.task_id,
        "ref_task_id": line.task_id,
    }


def bill_label(bill: Bill) -> str:
    return f"#{bill.id} · {bill.period}"


# A client card shows the month so far: what it is computed from, and how long it is kept while
# none of that changes (the month grows by the minute, so not longer than this).
ESTIMATE_TABLES = (
    "miners",
    "miner_energy_daily",
    "miner_client_changes",
    "miner_status_changes",
    "metered_energy",
    "pricing_rates",
    "facility_settings",
)
ESTIMATE_KEPT_FOR = timedelta(minutes=1)
ESTIMATES_KEPT = 4096


class BillService:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        *,
        clock: Callable[[], datetime] = utcnow,
        default_locale: str = "en",
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock
        self.default_locale = default_locale
        # client → (tables' version, when, estimate): a card opened again soon costs no queries
        self._estimates: dict[int, tuple[int, datetime, Estimate | None]] = {}

    async def _require(self, actor: Actor, *permissions: Permission) -> None:
        await self.facility.require_clients(actor)
        actor.require(Permission.BILLS_VIEW, *permissions)

    async def today(self) -> date:
        zone = (await self.facility.get()).zone
        return self.clock().astimezone(zone).date()

    # --- the list and the card --------------------------------------------------------------

    async def browse(
        self, actor: Actor, query: BillQuery, page: int = 0, per_page: int = 8
    ) -> BillPage:
        await self._require(actor)
        manager_id = actor.staff_id if query.mine else None
        status = query.status if query.status in bill_lines.STATUSES else None
        async with self.db.read() as session:
            total, rows = await repo.page(
                session,
                status=status,
                period=query.period,
                client_id=query.client_id,
                manager_id=manager_id,
                offset=max(page, 0) * per_page,
                limit=per_page,
            )
            if not rows and total:
                page = clamp_page(page, total, per_page)
                total, rows = await repo.page(
                    session,
                    status=status,
                    period=query.period,
                    client_id=query.client_id,
                    manager_id=manager_id,
                    offset=page * per_page,
                    limit=per_page,
                )
            owed = await repo.owed_by_currency(
                session, period=query.period, client_id=query.client_id, manager_id=manager_id
            )
        items = [_summary(bill, name) for bill, name in rows]
        return BillPage(Page(items, clamp_page(page, total, per_page), per_page, total), owed)

    async def periods(self, actor: Actor, limit: int = 12) -> list[str]:
        await self._require(actor)
        async with self.db.read() as session:
            return await repo.periods(session, limit)

    async def card(self, actor: Actor, bill_id: int) -> BillCard:
        await self._require(actor)
        async with self.db.read() as session:
            return await self._card(session, bill_id)

    async def _card(self, session: AsyncSession, bill_id: int) -> BillCard:
        bill = await session.get(Bill, bill_id)
        if bill is None:
            raise NotFound("bill", bill_id)
        client = await session.get(Client, bill.client_id)
        assert client is not None
        rows = await repo.lines_of(session, bill.id)
        payments = await repo.payments_of(session, bill.id)
        linked = await self._linked_bills(session, [p for p, _ in payments])
        credit = 0
        if bill.status != "cancelled" and bill.total_minor > bill.paid_minor:
            credit = await self._credit(session, bill.client_id, bill.currency, exclude=bill.id)
        unpaid = await session.scalar(
            select(Miner.id).where(Miner.client_id == bill.client_id, Miner.paid.is_(False))
        )
        return BillCard(
            summary=_summary(bill, client.name),
            client_email=client.email,
            client_phone=client.phone,
            manager_id=client.manager_id,
            period_start=bill.period_start,
            period_end=bill.period_end,
            issued_on=bill.issued_on,
            energy_wh=bill.energy_wh,
            cancel_reason=bill.cancel_reason,
            version=bill.version,
            lines=[LineInfo(r.id, line_of(r)) for r in rows],
            payments=[
                PaymentInfo(
                    p.id, p.amount_minor, p.paid_on, p.method, p.reference, by, linked.get(p.id)
                )
                for p, by in payments
            ],
            credit=credit,
            unpaid_miners=1 if unpaid is not None else 0,
        )

    async def _linked_bills(
        self, session: AsyncSession, payments: Sequence[Payment]
    ) -> dict[int, int]:
        """payment id → the other bill of its credit pair."""
        ids = [p.linked_id for p in payments if p.linked_id is not None]
        if not ids:
            return {}
        rows = await session.execute(select(Payment.id, Payment.bill_id).where(Payment.id.in_(ids)))
        other = dict(rows.all())
        return {p.id: other[p.linked_id] for p in payments if p.linked_id in other}

    async def _credit(
        self, session: AsyncSession, client_id: int, currency: str, *, exclude: int | None = None
    ) -> int:
        return sum(
            bill_lines.credit_of(b.total_minor, b.paid_minor, b.status == "cancelled")
            for b in await repo.client_bills(session, client_id)
            if b.currency == currency and b.id != exclude
        )

    # --- payments ---------------------------------------------------------------------------

    async def check_amount(self, actor: Actor, bill_id: int, text: str) -> int:
        await self._require(actor, Permission.BILLS_EDIT)
        async with self.db.read() as session:
            bill = await session.get(Bill, bill_id)
            if bill is None:
                raise NotFound("bill", bill_id)
        amount = parse_amount(text, bill.currency)
        if amount <= 0:
            raise Invalid("amount", "positive")
        return amount

    async def add_payment(
        self,
        actor: Actor,
        bill_id: int,
        *,
        amount: str | int,
        paid_on: date,
        method: str,
        reference: str | None = None,
    ) -> BillCard:
        await self._require(actor, Permission.BILLS_EDIT)
        if method not in METHODS:
            raise Invalid("method", "unknown")
        reference = " ".join((reference or "").split()) or None
        if reference is not None and len(reference) > MAX_REFERENCE:
            raise Invalid("reference", "length", max=MAX_REFERENCE)
        today = await self.today()
        if paid_on > today:
            raise Invalid("paid_on", "future")
        now = self.clock()
        async with self.db.write() as session:
            bill = await self._bill_for_update(session, bill_id)
            if bill.status == "cancelled":
                raise Conflict("bill-cancelled")
            minor = amount if isinstance(amount, int) else parse_amount(amount, bill.currency)
            if minor <= 0:
                raise Invalid("amount", "positive")
            payment = Payment(
                bill_id=bill.id,
                amount_minor=minor,
                paid_on=paid_on,
                method=method,
                reference=reference,
                created_by=actor.staff_id,
                created_at=now,
            )
            session.add(payment)
            await session.flush()
            old_status = bill.status
            await self._repaid(
                session,
                actor,
                bill,
                "bill.payment_added",
                today,
                now,
                payment=format_money(minor, bill.currency),
                method=method,
                paid_on=paid_on.isoformat(),
            )
            await self._paid_notice(session, bill, old_status)
            return await self._card(session, bill.id)

    async def remove_payment(self, actor: Actor, bill_id: int, payment_id: int) -> BillCard:
        """Remove a mistaken payment (both halves of a credit moved between bills)."""
        await self._require(actor, Permission.BILLS_EDIT)
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            payment = await session.get(Payment, payment_id)
            if payment is None or payment.bill_id != bill_id:
                raise NotFound("payment", payment_id)
            pair = [payment]
            if payment.linked_id is not None:
                other = await session.get(Payment, payment.linked_id)
                if other is not None:
                    pair.append(other)
            for p in pair:
                bill = await self._bill_for_update(session, p.bill_id)
                await session.delete(p)
                await self._repaid(
                    session,
                    actor,
                    bill,
                    "bill.payment_removed",
                    today,
                    now,
                    payment=format_money(p.amount_minor, bill.currency),
                    method=p.method,
                    paid_on=p.paid_on.isoformat(),
                )
            return await self._card(session, bill_id)

    async def use_credit(self, actor: Actor, bill_id: int) -> BillCard:
        """Pay what this bill still asks from the client's overpaid (or cancelled) bills in the
        same currency, oldest first: each move is a pair of linked payments."""
        await self._require(actor, Permission.BILLS_EDIT)
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            bill = await self._bill_for_update(session, bill_id)
            if bill.status == "cancelled":
                raise Conflict("bill-cancelled")
            need = bill.total_minor - bill.paid_minor
            if need <= 0:
                raise Conflict("bill-settled")
            moved = 0
            old_status = bill.status
            for source in await repo.client_bills(session, bill.client_id):
                if need <= 0:
                    break
                if source.id == bill.id or source.currency != bill.currency:
                    continue
                spare = bill_lines.credit_of(
                    source.total_minor, source.paid_minor, source.status == "cancelled"
                )
                take = min(spare, need)
                if take <= 0:
                    continue
                out = Payment(
                    bill_id=source.id,
                    amount_minor=-take,
                    paid_on=today,
                    method="credit",
                    reference=f"#{bill.id}",
                    created_by=actor.staff_id,
                    created_at=now,
                )
                into = Payment(
                    bill_id=bill.id,
                    amount_minor=take,
                    paid_on=today,
                    method="credit",
                    reference=f"#{source.id}",
                    created_by=actor.staff_id,
                    created_at=now,
                )
                session.add_all([out, into])
                await session.flush()
                out.linked_id, into.linked_id = into.id, out.id
                await self._repaid(
                    session,
                    actor,
                    source,
                    "bill.credit_moved",
                    today,
                    now,
                    payment=format_money(take, bill.currency),
                    to=bill.id,
                )
                need -= take
                moved += take
            if not moved:
                raise Conflict("no-credit")
            await self._repaid(
                session,
                actor,
                bill,
                "bill.credit_used",
                today,
                now,
                payment=format_money(moved, bill.currency),
            )
            await self._paid_notice(session, bill, old_status)
            return await self._card(session, bill.id)

    # --- editing ----------------------------------------------------------------------------

    async def edit_rate(
        self, actor: Actor, bill_id: int, name: str, text: str, *, expected_version: int
    ) -> BillCard:
        """Set the bill's price per kWh (every energy line) or markup (every rate period); the
        lines, the total and the status follow."""
        await self._require(actor, Permission.BILLS_EDIT)
        if name not in ("price_kwh", "markup"):
            raise Invalid("rate", "unknown")
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            bill = await self._editable(session, bill_id, expected_version)
            value = parse_rate(name, text, bill.currency)
            rows = await repo.lines_of(session, bill.id)
            current = [line_of(r) for r in rows]
            old_rates = sorted(
                {
                    line.rate
                    for line in current
                    if line.kind == ("energy" if name == "price_kwh" else "markup")
                }
            )
            new_lines = bill_lines.reprice(
                current,
                price=value if name == "price_kwh" else None,
                markup=value if name == "markup" else None,
            )
            old_total = bill.total_minor
            await self._replace_lines(session, bill, rows, new_lines)
            await self._settle(session, bill, today, now)
            old_text = ", ".join(describe_rate(name, r, bill.currency) for r in old_rates) or "—"
            self._log(
                session,
                actor,
                bill,
                "bill.edited",
                {
                    name: [old_text, describe_rate(name, value, bill.currency)],
                    "total": [*self._moneys(bill, old_total, bill.total_minor)],
                },
                now,
            )
            return await self._card(session, bill.id)

    async def add_line(
        self,
        actor: Actor,
        bill_id: int,
        description: str,
        amount: str,
        *,
        expected_version: int,
    ) -> BillCard:
        """A service cost added by hand (negative: a discount)."""
        await self._require(actor, Permission.BILLS_EDIT)
        text = " ".join(description.split())
        if not 1 <= len(text) <= MAX_DESCRIPTION:
            raise Invalid("description", "length", max=MAX_DESCRIPTION)
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            bill = await self._editable(session, bill_id, expected_version)
            minor = parse_amount(amount, bill.currency, negative=True)
            if minor == 0:
                raise Invalid("amount", "zero")
            rows = await repo.lines_of(session, bill.id)
            new_lines = [*(line_of(r) for r in rows), Line("service", minor, description=text)]
            old_total = bill.total_minor
            await self._replace_lines(session, bill, rows, new_lines)
            await self._settle(session, bill, today, now)
            self._log(
                session,
                actor,
                bill,
                "bill.line_added",
                {"total": [*self._moneys(bill, old_total, bill.total_minor)]},
                now,
                line=f"{text}: {format_money(minor, bill.currency)}",
            )
            return await self._card(session, bill.id)

    async def remove_line(
        self, actor: Actor, bill_id: int, line_id: int, *, expected_version: int
    ) -> BillCard:
        """Remove a service line or a task's cost (the task is not billed again by itself)."""
        await self._require(actor, Permission.BILLS_EDIT)
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            bill = await self._editable(session, bill_id, expected_version)
            rows = list(await repo.lines_of(session, bill.id))
            target = next((r for r in rows if r.id == line_id), None)
            if target is None or target.kind not in ("service", "task"):
                raise NotFound("bill_line", line_id)
            old_total = bill.total_minor
            kept = [r for r in rows if r.id != line_id]
            keep_task = {r.id: r.task_id for r in kept}
            await self._replace_lines(
                session, bill, rows, [line_of(r) for r in kept], keep_tasks=keep_task
            )
            await self._settle(session, bill, today, now)
            self._log(
                session,
                actor,
                bill,
                "bill.line_removed",
                {"total": [*self._moneys(bill, old_total, bill.total_minor)]},
                now,
                line=f"{target.description or ''}: "
                f"{format_money(target.amount_minor, bill.currency)}",
            )
            return await self._card(session, bill.id)

    async def cancel(self, actor: Actor, bill_id: int, reason: str) -> BillCard:
        """Cancel a bill (its payments become the client's credit; its tasks' costs land on
        the next bill)."""
        await self._require(actor, Permission.BILLS_EDIT)
        text = " ".join(reason.split())
        if not 1 <= len(text) <= MAX_REASON:
            raise Invalid("reason", "length", max=MAX_REASON)
        today, now = await self.today(), self.clock()
        async with self.db.write() as session:
            bill = await self._bill_for_update(session, bill_id)
            if bill.status == "cancelled":
                raise Conflict("bill-cancelled")
            old_status = bill.status
            bill.cancel_reason = text
            for row in await repo.lines_of(session, bill.id):
                row.task_id = None
            await self._settle(session, bill, today, now, cancelled=True)
            self._log(
                session,
                actor,
                bill,
                "bill.cancelled",
                {"bill-status": [old_status, "cancelled"]},
                now,
                reason=text,
            )
            return await self._card(session, bill.id)

    async def _bill_for_update(self, session: AsyncSession, bill_id: int) -> Bill:
        bill = await session.get(Bill, bill_id, with_for_update=True)
        if bill is None:
            raise NotFound("bill", bill_id)
        return bill

    async def _editable(self, session: AsyncSession, bill_id: int, version: int) -> Bill:
        bill = await self._bill_for_update(session, bill_id)
        if bill.status == "cancelled":
            raise Conflict("bill-cancelled")
        if bill.version != version:
            raise Conflict("bill-stale")
        return bill

    async def _replace_lines(
        self,
        session: AsyncSession,
        bill: Bill,
        old: Sequence[BillLine],
        new: Sequence[Line],
        *,
        keep_tasks: dict[int, int | None] | None = None,
    ) -> None:
        """Write `new` in place of `old` (in printed order); task links are kept."""
        tasks = {r.ref_task_id: r.task_id for r in old if r.ref_task_id is not None}
        if keep_tasks is not None:
            kept = set(keep_tasks.values())
            tasks = {k: v for k, v in tasks.items() if v in kept}
        for row in old:
            await session.delete(row)
        await session.flush()
        for n, line in enumerate(bill_lines.ordered(new)):
            values = line_values(line)
            values["task_id"] = tasks.get(line.task_id) if line.task_id is not None else None
            session.add(BillLine(bill_id=bill.id, position=n, **values))
        bill.total_minor = bill_lines.total(new)
        bill.version += 1

    async def _settle(
        self,
        session: AsyncSession,
        bill: Bill,
        today: date,
        now: datetime,
        *,
        cancelled: bool | None = None,
    ) -> None:
        """Paid amount and status from the payments and lines as they are now."""
        await session.flush()
        payments = await repo.payments_of(session, bill.id)
        bill.paid_minor = sum(p.amount_minor for p, _ in payments)
        is_cancelled = bill.status == "cancelled" if cancelled is None else cancelled
        bill.status = bill_lines.status_of(
            bill.total_minor, bill.paid_minor, bill.due_on, today, cancelled=is_cancelled
        )
        bill.updated_at = now

    async def _repaid(
        self,
        session: AsyncSession,
        actor: Actor,
        bill: Bill,
        action: str,
        today: date,
        now: datetime,
        **details: Any,
    ) -> None:
        """Settle a bill whose payments changed, and log what is paid, old → new."""
        before = bill.paid_minor
        await self._settle(session, bill, today, now)
        paid = self._moneys(bill, before, bill.paid_minor)
        self._log(session, actor, bill, action, {"paid-total": paid}, now, **details)

    def _moneys(self, bill: Bill, *values: int) -> list[str]:
        return [format_money(v, bill.currency) for v in values]

    def _log(
        self,
        session: AsyncSession,
        actor: Actor | None,
        bill: Bill,
        action: str,
        changes: dict[str, Any],
        now: datetime,
        **details: Any,
    ) -> None:
        audit_repo.add(
            session,
            actor_id=actor.staff_id if actor else None,
            category="client",
            action=action,
            entity_type="bill",
            entity_id=bill.id,
            client_id=bill.client_id,
            changes=changes,
            details={"name": bill_label(bill), **details},
            at=now,
        )

    async def _paid_notice(self, session: AsyncSession, bill: Bill, old_status: str) -> None:
        """A bill just paid while the client has unpaid miners: its manager is offered to mark
        them paid."""
        if bill.status not in ("paid", "overpaid") or old_status in ("paid", "overpaid"):
            return
        unpaid = await session.scalar(
            select(Miner.id).where(Miner.client_id == bill.client_id, Miner.paid.is_(False))
        )
        if unpaid is None:
            return
        client = await session.get(Client, bill.client_id)
        manager = await session.get(Staff, client.manager_id) if client else None
        if client is None or manager is None:
            return
        notify(
            session,
            manager,
            "bills-notice-paid",
            args={"bill": str(bill.id), "period": bill.period, "client": client.name},
            buttons=[
                {"open": "bill", "id": bill.id},
                {"open": "miners-paid", "id": client.id},
            ],
        )

    # --- pricing ----------------------------------------------------------------------------

    async def pricing(self, actor: Actor, client_id: int | None = None) -> Pricing:
        await self._require(actor)
        facility = await self.facility.get()
        today = await self.today()
        async with self.db.read() as session:
            client = None
            if client_id is not None:
                client = await session.get(Client, client_id)
                if client is None:
                    raise NotFound("client", client_id)
            book = await _book(session, client_id)
            row = await repo.profile(session)
            language = None
            if client_id is not None:
                language = (await repo.client_languages(session, [client_id])).get(
                    client_id, self.default_locale
                )
        rates = []
        for name in RATES:
            own = client_id is not None and book.override(client_id, name, today) is not None
            series = book.changes(client_id, name)
            rates.append(
                RateInfo(
                    name,
                    book.value(client_id, name, today),
                    own,
                    upcoming=[(d, v) for d, v in series if d > today],
                    history=[(d, v) for d, v in series if d <= today][-3:],
                )
            )
        profile = {f: getattr(row, f) if row else None for f in PROFILE_FIELDS}
        return Pricing(
            client_id,
            client.name if client else None,
            facility.currency,
            today,
            rates,
            profile,
            language,
        )

    async def check_rate(self, actor: Actor, name: str, text: str) -> int:
        await self._require(actor, Permission.BILLS_EDIT)
        if name not in RATES:
            raise Invalid("rate", "unknown")
        return parse_rate(name, text, (await self.facility.get()).currency)

    async def set_rate(
        self,
        actor: Actor,
        client_id: int | None,
        name: str,
        value: str | int | None,
        valid_from: date,
    ) -> Pricing:
        """A rate from `valid_from` on: the facility's (client None) or one client's; for a
        client, None ends its override (the facility's rate applies again)."""
        await self._require(actor, Permission.BILLS_EDIT)
        if name not in RATES:
            raise Invalid("rate", "unknown")
        currency = (await self.facility.get()).currency
        if value is None and client_id is None:
            raise Invalid(name, "required")
        parsed = value
        if isinstance(value, str):
            parsed = parse_rate(name, value, currency)
        now = self.clock()
        async with self.db.write() as session:
            if client_id is not None and await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            book = await _book(session, client_id)
            old = book.value(client_id, name, valid_from)
            session.add(
                PricingRate(
                    client_id=client_id,
                    name=name,
                    value=parsed,
                    valid_from=valid_from,
                    created_by=actor.staff_id,
                    created_at=now,
                )
            )
            await session.flush()
            book = await _book(session, client_id)
            new = book.value(client_id, name, valid_from)
            audit_repo.add(
                session,
                actor_id=actor.staff_id,
                category="client" if client_id is not None else "admin",
                action="pricing.changed" if parsed is not None else "pricing.override_ended",
                entity_type="client" if client_id is not None else "facility",
                entity_id=client_id if client_id is not None else 1,
                client_id=client_id,
                changes={
                    name: [describe_rate(name, old, currency), describe_rate(name, new, currency)]
                },
                details={"valid_from": valid_from.isoformat()},
                at=now,
            )
        return await self.pricing(actor, client_id)

    async def set_profile(self, actor: Actor, name: str, text: str) -> Pricing:
        """A line printed on every invoice: company name, address, payment details."""
        await self._require(actor, Permission.BILLS_EDIT)
        if name not in PROFILE_FIELDS:
            raise Invalid("profile", "unknown")
        value = "\n".join(" ".join(part.split()) for part in text.strip().splitlines()).strip()
        if len(value) > PROFILE_MAX[name]:
            raise Invalid(name, "length", max=PROFILE_MAX[name])
        now = self.clock()
        async with self.db.write() as session:
            row = await session.get(BillingProfile, 1)
            if row is None:
                row = BillingProfile(id=1, updated_at=now)
                session.add(row)
            old = getattr(row, name)
            if old != (value or None):
                setattr(row, name, value or None)
                row.updated_at = now
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="admin",
                    action="billing.profile_changed",
                    entity_type="facility",
                    entity_id=1,
                    changes={name: [old, value or None]},
                    at=now,
                )
        return await self.pricing(actor)

    async def set_language(self, actor: Actor, client_id: int, language: str) -> Pricing:
        """The language of the client's invoices."""
        await self._require(actor, Permission.BILLS_EDIT)
        if language not in LANGUAGES:
            raise Invalid("language", "unknown")
        now = self.clock()
        async with self.db.write() as session:
            if await session.get(Client, client_id) is None:
                raise NotFound("client", client_id)
            row = await session.get(ClientBilling, client_id)
            old = row.language if row else self.default_locale
            if row is None:
                session.add(ClientBilling(client_id=client_id, language=language, updated_at=now))
            else:
                row.language, row.updated_at = language, now
            if old != language:
                audit_repo.add(
                    session,
                    actor_id=actor.staff_id,
                    category="client",
                    action="billing.language_changed",
                    entity_type="client",
                    entity_id=client_id,
                    client_id=client_id,
                    changes={"locale": [old, language]},
                    at=now,
                )
        return await self.pricing(actor, client_id)

    # --- download ---------------------------------------------------------------------------

    async def documents(
        self, actor: Actor, bill_id: int, texts_of: Callable[[str], Texts]
    ) -> Documents:
        """The invoice (PDF) and the evidence (.xlsx), in the client's language."""
        await self._require(actor)
        facility = await self.facility.get()
        async with self.db.read() as session:
            card = await self._card(session, bill_id)
            bill = await session.get(Bill, bill_id)
            assert bill is not None
            row = await repo.profile(session)
            language = (await repo.client_languages(session, [bill.client_id])).get(
                bill.client_id, self.default_locale
            )
            window = Window.month(bill.period_start, facility.zone)
            # the usage of the client the bill was made for (a merge may have moved the bill)
            rows = await evidence(session, window, bill.usage_client_id)
            book = await _book(session, bill.usage_client_id)
        prices: dict[date, int] = {}
        for day in window.days:
            price = book.value(bill.usage_client_id, "price_kwh", day)
            if price is not None:
                prices[day] = price
        for info in card.lines:  # what the bill charged wins (an edited price, too)
            line = info.line
            if line.kind == "energy" and line.first_day and line.last_day:
                day = line.first_day
                while day <= line.last_day:
                    prices[day] = line.rate
                    day += timedelta(days=1)
        invoice = Invoice(
            bill_id=bill.id,
            period=bill.period,
            period_start=bill.period_start,
            period_end=bill.period_end,
            issued_on=bill.issued_on,
            due_on=bill.due_on,
            currency=bill.currency,
            status=bill.status,
            cancel_reason=bill.cancel_reason,
            total=bill.total_minor,
            paid=bill.paid_minor,
            company=row.company if row else None,
            address=row.address if row else None,
            payment_details=row.payment_details if row else None,
            facility=facility.name,
            client_id=bill.client_id,
            client=card.summary.client,
            client_email=card.client_email,
            client_phone=card.client_phone,
            lines=[info.line for info in card.lines],
            payments=[
                PaymentLine(p.paid_on, p.method, p.reference, p.amount) for p in card.payments
            ],
        )
        texts = texts_of(language)
        days = window.days_in_month
        pdf = await asyncio.to_thread(invoice_pdf, invoice, texts, language, days)
        xlsx = await asyncio.to_thread(
            evidence_xlsx, invoice, rows, prices, texts, language, facility.timezone, self.clock()
        )
        stem = f"bill-{bill.id}-{bill.period}"
        return Documents(pdf, f"{stem}.pdf", xlsx, f"{stem}-evidence.xlsx", language, len(rows))

    # --- the month in progress --------------------------------------------------------------

    async def estimate(self, actor: Actor, client_id: int) -> Estimate | None:
        """What the client's bills for the month so far would come to (not a bill): its own,
        and, in the month of a merge, the one for the merged client's usage until then; kept a
        minute unless what it is computed from changes."""
        await self._require(actor)
        version = self.db.version(*ESTIMATE_TABLES)  # read before the tables it stands for
        now = self.clock()
        kept = self._estimates.get(client_id)
        if kept is not None and kept[0] == version and now - kept[1] < ESTIMATE_KEPT_FOR:
            return kept[2]
        estimate = await self._estimate(client_id, now)
        if len(self._estimates) >= ESTIMATES_KEPT:
            self._estimates.clear()
        self._estimates[client_id] = (version, now, estimate)
        return estimate

    async def _estimate(self, client_id: int, now: datetime) -> Estimate | None:
        facility = await self.facility.get()
        today = now.astimezone(facility.zone).date()
        window = Window.month(month_start(today), facility.zone, until=now)
        async with self.db.read() as session:
            clients = [client_id, *await clients_repo.merged_into(session, client_id)]
            used = await usage(session, window, clients)
            book = RateBook(rate_rows(await repo.rate_rows(session, clients)))
        if not used:
            return None
        days = window.days
        energy = sum(u.energy_wh for u in used.values())
        total = 0
        for usage_client, part in used.items():
            rates = day_rates(book, usage_client, days)
            if rates is None:
                return Estimate(window.period, facility.currency, energy, 0, window.last)
            lines = bill_lines.build(
                days, rates, part.energy, part.miner_days, window.days_in_month
            )
            total += bill_lines.total(lines)
        return Estimate(window.period, facility.currency, energy, total, window.last)


def day_rates(
    book: RateBook, client_id: int, days: Sequence[date]
) -> list[bill_lines.DayRates] | None:
    """Each day's price, markup and fee for a client (None when a day has no price)."""
    out = []
    for day in days:
        price = book.value(client_id, "price_kwh", day)
        if price is None:
            return None
        out.append(
            bill_lines.DayRates(
                price,
                book.value(client_id, "markup", day) or 0,
                book.value(client_id, "hosting_fee", day) or 0,
            )
        )
    return out


async def _book(session: AsyncSession, client_id: int | None) -> RateBook:
    """The facility's rates and, for a client, its own."""
    rows = await repo.rate_rows(session, [client_id] if client_id is not None else [])
    return RateBook(rate_rows(rows))


def rate_rows(rows: Sequence[PricingRate]) -> list[RateRow]:
    return [RateRow(r.client_id, r.name, r.value, r.valid_from) for r in rows]


def _summary(bill: Bill, client: str) -> BillSummary:
    return BillSummary(
        bill.id,
        bill.client_id,
        client,
        bill.period,
        bill.currency,
        bill.total_minor,
        bill.paid_minor,
        bill.status,
        bill.due_on,
    )


def due_date(issued: date, term: int | None) -> date:
    return issued + timedelta(days=term if term is not None else 10)

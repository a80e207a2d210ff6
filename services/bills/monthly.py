"""The monthly run: on the 1st (from 06:00 facility time) every client that had miners, energy
or a billable task in the month before gets one bill for it; and the daily overdue check.

Idempotent and safe across restarts: bills are unique per client and period and are written in
batches, each its own transaction; a run started again (the next hour, or at the next start)
bills only the clients still without a bill, and records the period as finished at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.alerts.rails import tell
from services.bills import lines as bill_lines
from services.bills.lines import TaskCost
from services.bills.money import exponent, format_money
from services.bills.periods import Window, local_day, previous_month
from services.bills.rates import RateBook
from services.bills.service import day_rates, due_date, line_values, rate_rows
from services.bills.usage import Usage, usage
from services.facility import FacilityService
from services.tasks.managers import BILLED_TYPES, COST_FIELD, MAINTENANCE
from storage.db import Database
from storage.models import Bill, BillingRun, Client, Staff, utcnow
from storage.repositories import bills as repo
from storage.repositories import clients as clients_repo
from storage.repositories import tasks as tasks_repo

log = logging.getLogger(__name__)
RUN_HOUR = 6  # the month's energy rows are complete by then


@dataclass(frozen=True, slots=True)
class RunResult:
    period: str
    bills: int
    finished: bool
    skipped: str | None = None  # why nothing was billed


def task_amount(value: Any, currency: str) -> int:
    """A task's Cost (a decimal as typed) in minor units, rounded once; 0 if not a number."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0
    if not number.is_finite():
        return 0
    return int(number.scaleb(exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class MonthlyRun:
    def __init__(
        self,
        db: Database,
        facility: FacilityService,
        *,
        clock: Callable[[], datetime] = utcnow,
        batch: int = 200,
    ) -> None:
        self.db = db
        self.facility = facility
        self.clock = clock
        self.batch = batch

    async def due(self) -> RunResult:
        """The scheduler's job: bill the last finished month if that is not done yet."""
        zone = (await self.facility.get()).zone
        local = self.clock().astimezone(zone)
        month = previous_month(local.date())
        if local.day == 1 and local.hour < RUN_HOUR:
            month = previous_month(month)
        return await self.bill_month(month)

    async def _billable_tasks(
        self, session: AsyncSession, window: Window, currency: str
    ) -> dict[int, list[TaskCost]]:
        board = await tasks_repo.manager_by_name(session, MAINTENANCE)
        if board is None or not board.is_builtin:
            return {}
        _, types, fields = await tasks_repo.manager_parts(session, [board.id])
        type_ids = [t.id for t in types.get(board.id, ()) if t.name in BILLED_TYPES]
        cost = next((f for f in fields.get(board.id, ()) if f.name == COST_FIELD), None)
        if cost is None:
            return {}
        out: dict[int, list[TaskCost]] = {}
        for task_id, client_id, summary, extra, _ in await repo.billable_tasks(
            session, before=window.end_utc, manager_id=board.id, type_ids=type_ids, clients=None
        ):
            amount = task_amount((extra or {}).get(str(cost.id)), currency)
            if client_id is not None and amount > 0:
                out.setdefault(client_id, []).append(
                    TaskCost(task_id, f"#{task_id} {summary}", amount)
                )
        return out

    async def bill_month(self, first: date) -> RunResult:
        facility = await self.facility.get()
        window = Window.month(first, facility.zone)
        period = window.period
        async with self.db.read() as session:
            run = await session.get(BillingRun, period)
            if run is not None and run.finished_at is not None:
                return RunResult(period, 0, True, "done")
            book = RateBook(rate_rows(await repo.rate_rows(session)))
            if book.facility("price_kwh", window.first) is None:
                return RunResult(period, 0, False, "no-price")
            used = await usage(session, window)
            tasks = await self._billable_tasks(session, window, facility.currency)
            billed = await repo.billed_clients(session, period)
        now = self.clock()
        async with self.db.write() as session:
            if await session.get(BillingRun, period) is None:
                session.add(BillingRun(period=period, started_at=now, bills=0))
        today = local_day(now, facility.zone)
        clients = sorted((set(used) | set(tasks)) - billed)
        made = 0
        for start in range(0, len(clients), self.batch):
            chunk = clients[start : start + self.batch]
            made += await self._write(
                chunk, window, book, used, tasks, facility.currency, today, now
            )
        async with self.db.write() as session:
            run = await session.get(BillingRun, period, with_for_update=True)
            assert run is not None
            run.bills += made
            run.finished_at = self.clock()
        log.info("billing %s: %d bills", period, made)
        return RunResult(period, made, True)

    def _bill(
        self,
        client_id: int,
        window: Window,
        book: RateBook,
        used: Usage | None,
        tasks: Sequence[TaskCost],
        currency: str,
        today: date,
        now: datetime,
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        days = window.days
        rates = day_rates(book, client_id, days)
        assert rates is not None, "the facility has a price from the month's first day"
        used = used or Usage()
        lines = bill_lines.build(
            days, rates, used.energy, used.miner_days, window.days_in_month, tasks
        )
        total = bill_lines.total(lines)
        due = due_date(today, book.value(client_id, "payment_term", today))
        bill = {
            "client_id": client_id,
            "usage_client_id": client_id,
            "period": window.period,
            "period_start": window.first,
            "period_end": window.last,
            "currency": currency,
            "issued_on": today,
            "due_on": due,
            "energy_wh": sum(line.quantity for line in lines if line.kind == "energy"),
            "total_minor": total,
            "paid_minor": 0,
            "status": bill_lines.status_of(total, 0, due, today),
            "overdue_noticed": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        return bill, [line_values(line) for line in lines]

    async def _write(
        self,
        clients: Sequence[int],
        window: Window,
        book: RateBook,
        used: dict[int, Usage],
        tasks: dict[int, list[TaskCost]],
        currency: str,
        today: date,
        now: datetime,
    ) -> int:
        made = [
            self._bill(c, window, book, used.get(c), tasks.get(c, ()), currency, today, now)
            for c in clients
        ]
        try:
            async with self.db.write() as session:
                already = await repo.billed_clients(session, window.period)
                fresh = [(b, ls) for b, ls in made if b["usage_client_id"] not in already]
                # A client merged into another: its usage is billed to the one holding its things.
                owners = await clients_repo.survivors(
                    session, [b["usage_client_id"] for b, _ in fresh]
                )
                bills = [{**b, "client_id": owners[b["usage_client_id"]]} for b, _ in fresh]
                await repo.insert_bills(session, bills, [ls for _, ls in fresh])
                return len(fresh)
        except IntegrityError:
            # Another process billed some of them meanwhile (or a task's cost): one at a time.
            if len(made) == 1:
                log.warning("bill for client %s of %s not written", clients[0], window.period)
                return 0
            return sum(
                [
                    await self._write([c], window, book, used, tasks, currency, today, now)
                    for c in clients
                ]
            )

    # --- overdue ----------------------------------------------------------------------------

    async def mark_overdue(self, batch: int = 500) -> int:
        """Bills past their due date become Overdue; the client's manager is told once."""
        facility = await self.facility.get()
        now = self.clock()
        today = local_day(now, facility.zone)
        marked = 0
        while True:
            async with self.db.write() as session:
                bills = await repo.newly_overdue(session, today, batch)
                for bill in bills:
                    bill.status = "overdue"
                    bill.updated_at = now
                    if not bill.overdue_noticed:
                        bill.overdue_noticed = True
                        await self._tell_overdue(session, bill)
                marked += len(bills)
            if len(bills) < batch:
                return marked

    async def _tell_overdue(self, session: AsyncSession, bill: Bill) -> None:
        row = (
            await session.execute(
                select(Client, Staff)
                .join(Staff, Staff.id == Client.manager_id)
                .where(Client.id == bill.client_id)
            )
        ).first()
        if row is None:
            return
        client, manager = row
        await tell(
            session,
            manager,
            "bill_overdue",
            "bills-notice-overdue",
            args={
                "bill": str(bill.id),
                "period": bill.period,
                "client": client.name,
                "due": bill.due_on.isoformat(),
                "amount": format_money(bill.total_minor - bill.paid_minor, bill.currency),
            },
            buttons=[
                {"open": "bill-pay", "id": bill.id},
                {"open": "miners-unpaid", "id": client.id},
            ],
            now=self.clock(),
        )

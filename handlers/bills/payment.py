"""Add payment: amount → date (today, yesterday or a calendar) → method → reference → saved.
Each answer is checked when given; the service checks everything again on save."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.bills import views
from handlers.bills.area import bill_card
from handlers.bills.states import BillForm
from handlers.calendar import month_of, month_rows
from handlers.callbacks import BillCb
from handlers.labels import error_text
from handlers.render import button, grid, show
from locales import Localizer
from services.actor import Actor
from services.bills.service import METHODS
from services.container import Services
from services.errors import Invalid
from services.permissions import Permission


def _back(t: Localizer, bill_id: int) -> list[Any]:
    return [button(t("cancel"), BillCb(action="card", id=bill_id).pack())]


async def _ask_date(
    event: Message | CallbackQuery,
    t: Localizer,
    services: Services,
    bill_id: int,
    month: str | None = None,
) -> None:
    today = await services.bills.today()
    rows: list[list[Any]] = [
        [
            button(t("bills-today"), BillCb(action="pd", id=bill_id, arg=f"{today:%Y%m%d}").pack()),
            button(
                t("bills-yesterday"),
                BillCb(action="pd", id=bill_id, arg=f"{today - timedelta(days=1):%Y%m%d}").pack(),
            ),
        ]
    ]
    rows += month_rows(
        t,
        month_of(month, today),
        today=today,
        latest=today,
        on_day=lambda d: BillCb(action="pd", id=bill_id, arg=f"{d:%Y%m%d}").pack(),
        on_month=lambda m: BillCb(action="pdc", id=bill_id, arg=f"{m:%Y-%m}").pack(),
    )
    rows.append(_back(t, bill_id))
    await show(event, t("bills-ask-pay-date"), rows)


def router() -> Router:
    r = Router(name="bills-payment")

    @r.callback_query(BillCb.filter(F.action == "pay"))
    async def on_start(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        c = await services.bills.card(actor, callback_data.id)
        await state.set_state(BillForm.amount)
        await state.update_data(bl_bill=c.id)
        text = t(
            "bills-ask-amount",
            id=str(c.id),
            due=views.money(t, c.summary.due, c.summary.currency),
            currency=c.summary.currency,
        )
        rows = []
        if c.summary.due:
            rows.append(
                [
                    button(
                        t(
                            "bills-pay-all",
                            amount=views.money(t, c.summary.due, c.summary.currency),
                        ),
                        BillCb(action="pall", id=c.id).pack(),
                    )
                ]
            )
        rows.append(_back(t, c.id))
        await show(query, text, rows)

    @r.callback_query(StateFilter(BillForm.amount), BillCb.filter(F.action == "pall"))
    async def on_all(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        c = await services.bills.card(actor, callback_data.id)
        await state.update_data(bl_amount=c.summary.due)
        await state.set_state(BillForm.pay_date)
        await _ask_date(query, t, services, c.id)

    @r.message(StateFilter(BillForm.amount), F.text, ~F.text.startswith("/"))
    async def on_amount(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        bill_id = int((await state.get_data()).get("bl_bill") or 0)
        try:
            amount = await services.bills.check_amount(actor, bill_id, message.text or "")
        except Invalid as exc:
            await show(
                message,
                error_text(t, exc) + "\n" + t("bills-ask-amount-again"),
                [_back(t, bill_id)],
            )
            return
        await state.update_data(bl_amount=amount)
        await state.set_state(BillForm.pay_date)
        await _ask_date(message, t, services, bill_id)

    @r.callback_query(StateFilter(BillForm.pay_date), BillCb.filter(F.action == "pdc"))
    async def on_month(
        query: CallbackQuery, callback_data: BillCb, t: Localizer, services: Services
    ) -> None:
        await _ask_date(query, t, services, callback_data.id, callback_data.arg)

    @r.callback_query(StateFilter(BillForm.pay_date), BillCb.filter(F.action == "pd"))
    async def on_date(
        query: CallbackQuery,
        callback_data: BillCb,
        t: Localizer,
        state: FSMContext,
    ) -> None:
        day = views.day_arg(callback_data.arg)
        if day is None:
            return
        await state.update_data(bl_day=day.isoformat())
        await state.set_state(BillForm.method)
        picks = [
            button(views.method(t, m), BillCb(action="pm", id=callback_data.id, arg=m).pack())
            for m in METHODS
        ]
        rows = grid(picks, 2)
        rows.append(_back(t, callback_data.id))
        await show(query, t("bills-ask-method"), rows)

    @r.callback_query(StateFilter(BillForm.method), BillCb.filter(F.action == "pm"))
    async def on_method(
        query: CallbackQuery, callback_data: BillCb, t: Localizer, state: FSMContext
    ) -> None:
        if callback_data.arg not in METHODS:
            return
        await state.update_data(bl_method=callback_data.arg)
        await state.set_state(BillForm.reference)
        rows = [
            [button(t("form-skip"), BillCb(action="pref", id=callback_data.id).pack())],
            _back(t, callback_data.id),
        ]
        await show(query, t("bills-ask-reference"), rows)

    async def _save(
        event: Message | CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        reference: str | None,
    ) -> None:
        data = await state.get_data()
        bill_id = int(data.get("bl_bill") or 0)
        card = await services.bills.add_payment(
            actor,
            bill_id,
            amount=int(data["bl_amount"]),
            paid_on=date.fromisoformat(data["bl_day"]),
            method=str(data["bl_method"]),
            reference=reference,
        )
        await state.set_state(None)
        note = t(
            "bills-payment-added",
            amount=views.money(t, int(data["bl_amount"]), card.summary.currency),
            status=views.status(t, card.summary.status),
        )
        await bill_card(event, actor, t, services, bill_id, note=note)

    @r.callback_query(StateFilter(BillForm.reference), BillCb.filter(F.action == "pref"))
    async def on_no_reference(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await _save(query, actor, t, services, state, None)

    @r.message(StateFilter(BillForm.reference), F.text, ~F.text.startswith("/"))
    async def on_reference(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await _save(message, actor, t, services, state, message.text)

    return r

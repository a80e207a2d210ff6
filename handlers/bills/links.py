"""What other areas show of bills: the client card's "Bills (n)", "Pricing" and the month's
running estimate; the actions of the bill notices (mark the client's miners unpaid or paid,
through the Miners area's own confirmed mass action)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from handlers.bills import views
from handlers.bills.states import TaskCostForm
from handlers.callbacks import BillCb, MinerCb, TaskCb
from handlers.labels import error_text
from handlers.miners import views as miner_views
from handlers.miners.browse import save_filter, save_selection
from handlers.miners.mass import confirm_button
from handlers.render import button, show
from handlers.states import MinerMass
from handlers.tasks.card import task_card
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.miners.service import MinerFilter, Selection
from services.permissions import Permission
from services.tasks.managers import COST_FIELD


def client_bill_rows(
    t: Localizer, actor: Actor, client_id: int, bills: int
) -> list[list[InlineKeyboardButton]]:
    if not actor.can(Permission.BILLS_VIEW):
        return []
    return [
        [
            button(t("client-bills", count=bills), BillCb(action="client", id=client_id).pack()),
            button(t("client-pricing"), BillCb(action="price", id=client_id).pack()),
        ]
    ]


async def client_estimate(t: Localizer, actor: Actor, services: Services, client_id: int) -> str:
    """The month in progress as a running estimate (not a bill), for the client card."""
    if not actor.can(Permission.BILLS_VIEW):
        return ""
    return views.estimate(t, await services.bills.estimate(actor, client_id))


async def miners_payment(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    client_id: int,
    paid: bool,
) -> None:
    """The Miners area's "set payment status" for every miner of the client that differs,
    shown for confirmation."""
    actor.require(Permission.MINERS_PAYMENT_STATUS)
    client = await services.miners.client(actor, client_id)
    selection = Selection(matching=MinerFilter(client_id=client.id, paid=not paid))
    preview = await services.miners.payment_preview(actor, selection, paid)
    await state.clear()
    await save_filter(state, MinerFilter(client_id=client.id))
    await save_selection(state, selection)
    await state.update_data(mn_paid=paid)
    await state.set_state(MinerMass.confirm)
    rows: list[list[Any]] = []
    if preview.changing:
        rows.append([confirm_button(t, "mpy")])
    rows.append([button(t("cancel"), MinerCb(action="mx").pack())])
    await show(query, miner_views.payment_text(t, preview), rows)


def router() -> Router:
    r = Router(name="bills-links")

    @r.callback_query(BillCb.filter(F.action == "tcost"))
    async def on_task_cost(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        card = await services.tasks.start_edit(actor, callback_data.id)
        await state.set_state(TaskCostForm.value)
        await state.update_data(bl_task=card.id)
        rows = [[button(t("back"), TaskCb(action="card", id=card.id).pack())]]
        await show(query, t("task-ask-cost", id=str(card.id)), rows)

    @r.message(StateFilter(TaskCostForm.value), F.text, ~F.text.startswith("/"))
    async def on_task_cost_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        task_id = int((await state.get_data()).get("bl_task") or 0)
        card = await services.tasks.card(actor, task_id)
        field = next((f for f in card.manager.fields if f.name == COST_FIELD), None)
        if field is None:
            await state.set_state(None)
            return
        text = (message.text or "").strip()
        try:
            await services.tasks.set_field(actor, task_id, field.id, "" if text == "-" else text)
        except Invalid as exc:
            await message.answer(error_text(t, exc) + "\n" + t("task-ask-cost", id=str(task_id)))
            return
        await state.set_state(None)
        await task_card(message, actor, t, services, task_id, note=t("task-cost-saved"))

    @r.callback_query(BillCb.filter(F.action.in_({"unpaid", "paidm"})))
    async def on_miners(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        paid = callback_data.action == "paidm"
        await miners_payment(query, actor, t, services, state, callback_data.id, paid)

    return r

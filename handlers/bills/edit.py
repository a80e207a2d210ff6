"""Edit bill: price per kWh, markup, service lines (add one, remove one). The bill's version
from when the member opened the screen guards the save against a concurrent edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.bills import views
from handlers.bills.area import bill_card
from handlers.bills.states import BillForm
from handlers.callbacks import BillCb
from handlers.labels import error_text
from handlers.render import button, show
from locales import Localizer
from services.actor import Actor
from services.bills.documents import describe_line
from services.bills.service import BillCard
from services.container import Services
from services.errors import Conflict, Invalid
from services.permissions import Permission

RATES = {"ep": "price_kwh", "em": "markup"}


def _back(t: Localizer, bill_id: int) -> list[Any]:
    return [button(t("back"), BillCb(action="edit", id=bill_id).pack())]


async def _save(
    message: Message,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    change: Callable[[int, int], Awaitable[BillCard]],
) -> None:
    """Apply a typed edit: a bad value asks again; an edit made meanwhile shows the bill now."""
    data = await state.get_data()
    bill_id = int(data.get("bl_bill") or 0)
    try:
        card = await change(bill_id, int(data.get("bl_ver") or 0))
    except Invalid as exc:
        await show(message, error_text(t, exc), [_back(t, bill_id)])
        return
    except Conflict as exc:
        await state.set_state(None)
        await bill_card(message, actor, t, services, bill_id, note=error_text(t, exc))
        return
    await state.set_state(None)
    await bill_card(message, actor, t, services, card.id, note=t("bills-edited"))


def router() -> Router:
    r = Router(name="bills-edit")

    @r.callback_query(BillCb.filter(F.action == "edit"))
    async def on_edit(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        c = await services.bills.card(actor, callback_data.id)
        await state.set_state(None)
        await state.update_data(bl_bill=c.id, bl_ver=c.version)
        rows = [
            [
                button(t("bills-edit-price"), BillCb(action="ep", id=c.id).pack()),
                button(t("bills-edit-markup"), BillCb(action="em", id=c.id).pack()),
            ],
            [button(t("bills-add-line"), BillCb(action="el", id=c.id).pack())],
        ]
        if any(li.line.kind in ("service", "task") for li in c.lines):
            rows.append([button(t("bills-remove-line"), BillCb(action="rl", id=c.id).pack())])
        rows.append([button(t("back"), BillCb(action="card", id=c.id).pack())])
        await show(query, views.card(t, c) + "\n\n" + t("bills-edit-what"), rows)

    @r.callback_query(BillCb.filter(F.action.in_(set(RATES))))
    async def on_rate(
        query: CallbackQuery, callback_data: BillCb, actor: Actor, t: Localizer, state: FSMContext
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        await state.set_state(BillForm.rate)
        await state.update_data(bl_rate=RATES[callback_data.action])
        key = "bills-ask-rate-" + RATES[callback_data.action].replace("_", "-")
        await show(query, t(key), [_back(t, callback_data.id)])

    @r.message(StateFilter(BillForm.rate), F.text, ~F.text.startswith("/"))
    async def on_rate_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        await _save(
            message,
            actor,
            t,
            services,
            state,
            lambda bill_id, version: services.bills.edit_rate(
                actor,
                bill_id,
                str(data.get("bl_rate")),
                message.text or "",
                expected_version=version,
            ),
        )

    @r.callback_query(BillCb.filter(F.action == "el"))
    async def on_line(
        query: CallbackQuery, callback_data: BillCb, actor: Actor, t: Localizer, state: FSMContext
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        await state.set_state(BillForm.line_text)
        await show(query, t("bills-ask-line-text"), [_back(t, callback_data.id)])

    @r.message(StateFilter(BillForm.line_text), F.text, ~F.text.startswith("/"))
    async def on_line_text(message: Message, t: Localizer, state: FSMContext) -> None:
        text = " ".join((message.text or "").split())
        bill_id = int((await state.get_data()).get("bl_bill") or 0)
        if not 1 <= len(text) <= 200:
            await show(message, t("invalid-description-length", max=200), [_back(t, bill_id)])
            return
        await state.update_data(bl_line=text)
        await state.set_state(BillForm.line_amount)
        await show(message, t("bills-ask-line-amount", text=text), [_back(t, bill_id)])

    @r.message(StateFilter(BillForm.line_amount), F.text, ~F.text.startswith("/"))
    async def on_line_amount(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        await _save(
            message,
            actor,
            t,
            services,
            state,
            lambda bill_id, version: services.bills.add_line(
                actor,
                bill_id,
                str(data.get("bl_line") or ""),
                message.text or "",
                expected_version=version,
            ),
        )

    @r.callback_query(BillCb.filter(F.action == "rl"))
    async def on_remove_line(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        c = await services.bills.card(actor, callback_data.id)
        await state.update_data(bl_bill=c.id, bl_ver=c.version)
        rows = []
        for info in c.lines:
            if info.line.kind not in ("service", "task"):
                continue
            text, _, _, amount = describe_line(t, info.line, c.summary.currency, t.locale, 30)
            rows.append(
                [
                    button(
                        f"🗑 {text[:40]} · {amount}",
                        BillCb(action="rly", id=c.id, arg=str(info.id)).pack(),
                    )
                ]
            )
        rows.append(_back(t, c.id))
        await show(query, t("bills-ask-remove-line"), rows)

    @r.callback_query(BillCb.filter(F.action == "rly"))
    async def on_remove_line_confirmed(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        version = int((await state.get_data()).get("bl_ver") or 0)
        line_id = int(callback_data.arg) if callback_data.arg.isdigit() else 0
        card = await services.bills.remove_line(
            actor, callback_data.id, line_id, expected_version=version
        )
        await bill_card(query, actor, t, services, card.id, note=t("bills-edited"))

    return r

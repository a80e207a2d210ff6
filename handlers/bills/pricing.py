"""Pricing: the facility's defaults (from Settings) and a client's overrides (from its card),
each from a day on; the lines printed on invoices; the language of a client's invoices."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.bills import views
from handlers.bills.states import PricingForm
from handlers.calendar import month_of, month_rows
from handlers.callbacks import BillCb, ClientCb, SettingsCb
from handlers.labels import error_text
from handlers.render import button, grid, show
from locales import Localizer
from services.actor import Actor
from services.bills.periods import month_start, next_month
from services.bills.rates import RATES
from services.bills.service import LANGUAGES, PROFILE_FIELDS
from services.container import Services
from services.errors import Invalid
from services.permissions import Permission


def _key(name: str) -> str:
    return name.replace("_", "-")


async def pricing_screen(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    client_id: int,
    *,
    note: str | None = None,
) -> None:
    p = await services.bills.pricing(actor, client_id or None)
    text = views.pricing(t, p)
    if note:
        text = note + "\n\n" + text
    rows: list[list[Any]] = []
    if actor.can(Permission.BILLS_EDIT):
        picks = [
            button(
                t("bills-set-rate", name=t(f"bills-rate-{_key(r.name)}")),
                BillCb(action="rate", id=client_id, arg=r.name).pack(),
            )
            for r in p.rates
        ]
        rows += grid(picks, 2)
        ends = [
            button(
                t("bills-end-override", name=t(f"bills-rate-{_key(r.name)}")),
                BillCb(action="rend", id=client_id, arg=r.name).pack(),
            )
            for r in p.rates
            if r.own
        ]
        rows += grid(ends, 2)
        if client_id:
            rows.append(
                [
                    button(
                        ("• " if p.language == code else "") + t(f"language-{code}"),
                        BillCb(action="lang", id=client_id, arg=code).pack(),
                    )
                    for code in LANGUAGES
                ]
            )
        else:
            rows += [
                [
                    button(
                        t("bills-set-profile", name=t(f"bills-profile-{_key(f)}")),
                        BillCb(action="prof", arg=f).pack(),
                    )
                ]
                for f in PROFILE_FIELDS
            ]
    back = (
        ClientCb(action="card", id=client_id).pack()
        if client_id
        else SettingsCb(action="show").pack()
    )
    rows.append([button(t("back"), back)])
    await show(event, text, rows)


async def _ask_day(
    event: Message | CallbackQuery,
    t: Localizer,
    services: Services,
    client_id: int,
    month: str | None = None,
) -> None:
    today = await services.bills.today()
    this_month, following = month_start(today), next_month(today)

    def pick(d: date) -> str:
        return BillCb(action="rd", id=client_id, arg=f"{d:%Y%m%d}").pack()

    rows: list[list[Any]] = [
        [button(t("bills-from-today"), pick(today))],
        [
            button(t("bills-from-first", date=views.day(t, this_month)), pick(this_month)),
            button(t("bills-from-first", date=views.day(t, following)), pick(following)),
        ],
    ]
    rows += month_rows(
        t,
        month_of(month, today),
        today=today,
        on_day=pick,
        on_month=lambda m: BillCb(action="rdc", id=client_id, arg=f"{m:%Y-%m}").pack(),
    )
    rows.append([button(t("cancel"), BillCb(action="price", id=client_id).pack())])
    await show(event, t("bills-ask-valid-from"), rows)


def router() -> Router:
    r = Router(name="bills-pricing")

    @r.callback_query(BillCb.filter(F.action == "price"))
    async def on_pricing(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if await state.get_state() is not None:
            await state.set_state(None)
        await pricing_screen(query, actor, t, services, callback_data.id)

    @r.callback_query(BillCb.filter(F.action == "rate"))
    async def on_rate(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        if callback_data.arg not in RATES:
            return
        await services.bills.pricing(actor, callback_data.id or None)
        await state.set_state(PricingForm.value)
        await state.update_data(pr_client=callback_data.id, pr_name=callback_data.arg)
        rows = [[button(t("cancel"), BillCb(action="price", id=callback_data.id).pack())]]
        await show(query, t(f"bills-ask-rate-{_key(callback_data.arg)}"), rows)

    @r.message(StateFilter(PricingForm.value), F.text, ~F.text.startswith("/"))
    async def on_value(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        client_id, name = int(data.get("pr_client") or 0), str(data.get("pr_name"))
        try:
            value = await services.bills.check_rate(actor, name, message.text or "")
        except Invalid as exc:
            rows = [[button(t("cancel"), BillCb(action="price", id=client_id).pack())]]
            await show(message, error_text(t, exc) + "\n" + t(f"bills-ask-rate-{_key(name)}"), rows)
            return
        await state.update_data(pr_value=value)
        await state.set_state(PricingForm.valid_from)
        await _ask_day(message, t, services, client_id)

    @r.callback_query(BillCb.filter(F.action == "rend"))
    async def on_end(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        if callback_data.arg not in RATES or not callback_data.id:
            return
        await state.set_state(PricingForm.valid_from)
        await state.update_data(
            pr_client=callback_data.id, pr_name=callback_data.arg, pr_value=None
        )
        await _ask_day(query, t, services, callback_data.id)

    @r.callback_query(StateFilter(PricingForm.valid_from), BillCb.filter(F.action == "rdc"))
    async def on_month(
        query: CallbackQuery, callback_data: BillCb, t: Localizer, services: Services
    ) -> None:
        await _ask_day(query, t, services, callback_data.id, callback_data.arg)

    @r.callback_query(StateFilter(PricingForm.valid_from), BillCb.filter(F.action == "rd"))
    async def on_day(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        day = views.day_arg(callback_data.arg)
        if day is None:
            return
        data = await state.get_data()
        client_id, name = int(data.get("pr_client") or 0), str(data.get("pr_name"))
        value = data.get("pr_value")
        await services.bills.set_rate(
            actor, client_id or None, name, int(value) if value is not None else None, day
        )
        await state.set_state(None)
        note = t("bills-rate-saved", name=t(f"bills-rate-{_key(name)}"), date=views.day(t, day))
        await pricing_screen(query, actor, t, services, client_id, note=note)

    @r.callback_query(BillCb.filter(F.action == "prof"))
    async def on_profile(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        if callback_data.arg not in PROFILE_FIELDS:
            return
        await state.set_state(PricingForm.profile)
        await state.update_data(pr_field=callback_data.arg)
        rows = [[button(t("cancel"), BillCb(action="price").pack())]]
        await show(query, t(f"bills-ask-profile-{_key(callback_data.arg)}"), rows)

    @r.message(StateFilter(PricingForm.profile), F.text, ~F.text.startswith("/"))
    async def on_profile_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        name = str((await state.get_data()).get("pr_field"))
        text = "" if (message.text or "").strip() == "-" else message.text or ""
        try:
            await services.bills.set_profile(actor, name, text)
        except Invalid as exc:
            await message.answer(error_text(t, exc))
            return
        await state.set_state(None)
        await pricing_screen(message, actor, t, services, 0, note=t("settings-saved"))

    @r.callback_query(BillCb.filter(F.action == "lang"))
    async def on_language(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await services.bills.set_language(actor, callback_data.id, callback_data.arg)
        await pricing_screen(query, actor, t, services, callback_data.id, note=t("settings-saved"))

    return r

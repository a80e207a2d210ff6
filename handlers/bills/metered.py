"""Meter readings: send a spreadsheet of kWh per client per day or month → preview → Apply."""

from __future__ import annotations

import io

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.bills.area import bills_list
from handlers.bills.states import MeteredForm
from handlers.callbacks import BillCb
from handlers.labels import error_text
from handlers.render import button, show
from locales import Localizer
from services.actor import Actor
from services.bills.money import format_kwh
from services.bills.service import BillQuery
from services.container import Services
from services.errors import DomainError
from services.miners.spreadsheet import MAX_FILE_BYTES
from services.permissions import Permission

REJECTS_SHOWN = 10


def router() -> Router:
    r = Router(name="bills-metered")

    @r.callback_query(BillCb.filter(F.action == "met"))
    async def on_start(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        await services.bills.browse(actor, BillQuery(), 0, 1)
        await state.set_state(MeteredForm.file)
        await show(
            query, t("bills-metered-ask"), [[button(t("back"), BillCb(action="back").pack())]]
        )

    @r.message(StateFilter(MeteredForm.file), F.document)
    async def on_file(
        message: Message,
        bot: Bot,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        document = message.document
        assert document is not None
        if (document.file_size or 0) > MAX_FILE_BYTES:
            await message.answer(t("miners-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024)))
            return
        try:
            buffer = await bot.download(document, destination=io.BytesIO())
        except TelegramBadRequest:
            await message.answer(t("miners-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024)))
            return
        assert isinstance(buffer, io.BytesIO)
        try:
            preview = await services.metered.read(actor, buffer.getvalue(), document.file_name)
        except DomainError as exc:
            await message.answer(error_text(t, exc) + "\n" + t("bills-metered-ask"))
            return
        await state.set_state(MeteredForm.preview)
        lines = [
            t(
                "bills-metered-preview",
                file=preview.file_name,
                readings=preview.readings,
                clients=preview.clients,
                kwh=format_kwh(preview.wh, t.locale),
            )
        ]
        if preview.rejects:
            lines.append(t("bills-metered-rejects", count=len(preview.rejects)))
            for row, reason in preview.rejects[:REJECTS_SHOWN]:
                lines.append(t("bills-metered-reject", row=row, reason=t(_reason(reason))))
        rows = [
            [button(t("bills-metered-apply"), BillCb(action="metok", arg=preview.key).pack())],
            [button(t("cancel"), BillCb(action="metx", arg=preview.key).pack())],
        ]
        await show(message, "\n".join(lines), rows)

    @r.message(StateFilter(MeteredForm.file), F.text, ~F.text.startswith("/"))
    async def on_text(message: Message, t: Localizer) -> None:
        await message.answer(t("bills-metered-ask"))

    @r.callback_query(BillCb.filter(F.action.in_({"metok", "metx"})))
    async def on_decide(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.set_state(None)
        if callback_data.action == "metx":
            await services.metered.cancel(actor, callback_data.arg)
            await bills_list(query, actor, t, services, state)
            return
        done = await services.metered.apply(actor, callback_data.arg)
        note = t(
            "bills-metered-done",
            readings=done.readings,
            clients=done.clients,
            kwh=format_kwh(done.wh, t.locale),
        )
        await bills_list(query, actor, t, services, state, note=note)

    return r


def _reason(code: str) -> str:
    return {
        "email": "bills-metered-bad-email",
        "metered_period": "bills-metered-bad-period",
        "metered_kwh": "bills-metered-bad-kwh",
        "duplicate": "bills-metered-duplicate",
        "unknown-client": "bills-metered-unknown-client",
    }.get(code, "bills-metered-bad-row")

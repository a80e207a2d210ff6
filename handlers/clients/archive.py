"""Archive a client from its card (or say what stands in the way, with the way round it),
restore it from the Archived list, or delete one created by mistake."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import BillCb, ClientCb
from handlers.clients import views
from handlers.clients.overview import client_card, overview
from handlers.miners.mass import move_client_miners
from handlers.render import button, show
from locales import Localizer
from services.actor import Actor
from services.clients.archive import ArchiveCheck
from services.container import Services
from services.errors import Conflict
from services.permissions import Permission

BILLS_SHOWN = 5  # unpaid bills given a button each on the archive screen


async def archive_screen(
    query: CallbackQuery, actor: Actor, t: Localizer, services: Services, check: ArchiveCheck
) -> None:
    c = check.client_id
    rows: list[list[Any]] = []
    if check.allowed:
        rows.append([button(t("client-archive-apply"), ClientCb(action="arok", id=c).pack())])
    if check.miners and actor.can(Permission.MINERS_EDIT_CLIENT):
        rows.append([button(t("client-archive-move-miners"), ClientCb(action="amv", id=c).pack())])
    if check.unpaid and actor.can(Permission.BILLS_VIEW):
        rows += [
            [
                button(
                    t("client-archive-open-bill", id=str(b.id), period=b.period),
                    BillCb(action="card", id=b.id).pack(),
                )
            ]
            for b in check.unpaid[:BILLS_SHOWN]
        ]
    if check.deletable:
        rows.append([button(t("client-delete"), ClientCb(action="del", id=c).pack())])
    rows.append([button(t("back"), ClientCb(action="card", id=c).pack())])
    await show(query, views.archive_check(t, check, actor.locale), rows)


def router() -> Router:
    r = Router(name="clients-archive")

    @r.callback_query(ClientCb.filter(F.action == "ar"))
    async def on_archive(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        check = await services.client_archive.check(actor, callback_data.id)
        await archive_screen(query, actor, t, services, check)

    @r.callback_query(ClientCb.filter(F.action == "arok"))
    async def on_archive_apply(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        try:
            await services.client_archive.archive(actor, callback_data.id)
        except Conflict as exc:
            if exc.reason != "archive-blocked":
                raise
            # something joined the client since the screen was shown: say what, as it is now
            check = await services.client_archive.check(actor, callback_data.id)
            await archive_screen(query, actor, t, services, check)
            return
        callback_answer.text = t("client-archived")
        await client_card(query, actor, t, services, callback_data.id)

    @r.callback_query(ClientCb.filter(F.action == "amv"))
    async def on_move_miners(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await move_client_miners(query, actor, t, services, state, callback_data.id)

    @r.callback_query(ClientCb.filter(F.action == "rs"))
    async def on_restore(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await services.client_archive.restore(actor, callback_data.id)
        callback_answer.text = t("client-restored")
        await client_card(query, actor, t, services, callback_data.id)

    @r.callback_query(ClientCb.filter(F.action == "del"))
    async def on_delete(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        check = await services.client_archive.check(actor, callback_data.id)
        if not check.deletable:
            await archive_screen(query, actor, t, services, check)
            return
        rows = [
            [button(t("client-delete-apply"), ClientCb(action="delok", id=check.client_id).pack())],
            [button(t("cancel"), ClientCb(action="card", id=check.client_id).pack())],
        ]
        await show(
            query, t("client-delete-confirm", id=str(check.client_id), name=check.name), rows
        )

    @r.callback_query(ClientCb.filter(F.action == "delok"))
    async def on_delete_apply(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        name = await services.client_archive.delete(actor, callback_data.id)
        callback_answer.text = t("client-deleted", id=str(callback_data.id), name=name)
        await overview(query, actor, t, services, state)

    return r

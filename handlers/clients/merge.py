"""Merge a client into another from its card: find the other client (name, email or #ID), see
exactly what moves, confirm. The counts shown are checked again when the merge runs: if they
changed meanwhile, the member sees the new ones and confirms again."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb
from handlers.clients import views
from handlers.clients.overview import back_to_list, client_card
from handlers.render import button, pager, show
from handlers.states import ClientBrowse, ClientMerge
from locales import Localizer
from services.actor import Actor
from services.clients.merge import Holdings
from services.clients.service import ClientQuery, ClientSummary
from services.container import Services
from services.errors import Conflict, Invalid

PER_PAGE = 8
MERGE_KEYS = ("mg_src", "mg_q", "mg_expect")


async def _by_alias(actor: Actor, services: Services, text: str) -> ClientSummary | None:
    if "@" not in text:
        return None
    try:
        return await services.clients.find_by_email(actor, text)
    except Invalid:
        return None


async def ask_target(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    source_id: int,
    page: int = 0,
) -> None:
    """Ask which client to merge into; once a search is typed, its matches as buttons."""
    source = await services.client_merge.start(actor, source_id)
    data = await state.get_data()
    search = data.get("mg_q") if data.get("mg_src") == source.id else None
    await state.set_state(ClientMerge.target)
    await state.update_data(mg_src=source.id, mg_q=search)
    lines = [t("client-merge-title", id=str(source.id), name=source.name), t("client-merge-ask")]
    rows: list[list[Any]] = []
    if search:
        found = await services.clients.overview(actor, ClientQuery(search=search), page, PER_PAGE)
        others = [c for c in found.items if c.id != source.id]
        aliased = await _by_alias(actor, services, search)  # an email a merge left names it
        if aliased is not None and aliased.id not in {source.id, *(c.id for c in others)}:
            others.insert(0, aliased)
        lines.append(t("clients-search-shown", query=search))
        if others:
            lines.append(t("client-merge-pick"))
        else:
            lines.append(t("client-merge-none"))
        rows += [
            [
                button(
                    f"#{c.id} {views.short(c.name, 24)} · {views.short(c.email, 24)}",
                    ClientCb(action="mgt", id=source.id, page=c.id).pack(),
                )
            ]
            for c in others
        ]
        rows.append(
            pager(
                found.page,
                found.pages,
                lambda p: ClientCb(action="mgp", id=source.id, page=p).pack(),
            )
        )
    rows.append([button(t("cancel"), ClientCb(action="mgx", id=source.id).pack())])
    await show(event, "\n".join(lines), rows)


async def confirm(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    source_id: int,
    target_id: int,
    *,
    changed: bool = False,
) -> None:
    """What the merge will do, exactly; the counts are kept to be checked on Merge."""
    preview = await services.client_merge.preview(actor, source_id, target_id)
    await state.set_state(ClientBrowse.list)
    await state.update_data(
        mg_src=source_id,
        mg_expect={"to": target_id, **preview.moves.as_dict()},
    )
    text = views.merge_preview(t, preview, actor.locale)
    if changed:
        text = t("client-merge-changed") + "\n\n" + text
    rows = [
        [
            button(
                t("client-merge-apply"),
                ClientCb(action="mgok", id=source_id, page=target_id).pack(),
            )
        ],
        [button(t("cancel"), ClientCb(action="mgx", id=source_id).pack())],
    ]
    await show(event, text, rows)


def router() -> Router:
    r = Router(name="clients-merge")

    @r.callback_query(ClientCb.filter(F.action == "mg"))
    async def on_start(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.update_data(mg_q=None, mg_expect=None)
        await ask_target(query, actor, t, services, state, callback_data.id)

    @r.message(StateFilter(ClientMerge.target), F.text, ~F.text.startswith("/"))
    async def on_search(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        source_id = int((await state.get_data()).get("mg_src") or 0)
        await state.update_data(mg_q=(message.text or "").strip()[:64])
        await ask_target(message, actor, t, services, state, source_id)

    @r.callback_query(ClientCb.filter(F.action == "mgp"))
    async def on_page(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await ask_target(query, actor, t, services, state, callback_data.id, callback_data.page)

    @r.callback_query(ClientCb.filter(F.action == "mgt"))
    async def on_target(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        # `page` carries the chosen client's id, to keep the callback data short.
        await confirm(query, actor, t, services, state, callback_data.id, callback_data.page)

    @r.callback_query(ClientCb.filter(F.action == "mgok"))
    async def on_merge(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        source_id, target_id = callback_data.id, callback_data.page
        data = await state.get_data()
        shown = data.get("mg_expect") if data.get("mg_src") == source_id else None
        if not isinstance(shown, dict) or shown.get("to") != target_id:
            # a Merge button without its confirmation (an old message): show what it would do
            await confirm(query, actor, t, services, state, source_id, target_id)
            return
        try:
            result = await services.client_merge.merge(
                actor, source_id, target_id, expected=Holdings.from_dict(shown)
            )
        except Conflict as exc:
            if exc.reason != "merge-changed":
                raise
            await confirm(query, actor, t, services, state, source_id, target_id, changed=True)
            return
        await back_to_list(state, MERGE_KEYS)
        callback_answer.text = t("client-merge-done-short")
        await show(query, views.merge_done(t, result))
        await client_card(query, actor, t, services, result.target.id, new=True)

    @r.callback_query(ClientCb.filter(F.action == "mgx"))
    async def on_cancel(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        await back_to_list(state, MERGE_KEYS)
        callback_answer.text = t("form-cancelled")
        await client_card(query, actor, t, services, callback_data.id)

    return r

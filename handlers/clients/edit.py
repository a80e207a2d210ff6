"""Edit a client from its card: one field at a time, confirmed as old → new.

The version of the client seen when editing began is kept; if someone else saves in between,
the service refuses the stale save and the member is shown the new value and asked again.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb
from handlers.clients.overview import client_card
from handlers.clients.views import short
from handlers.labels import error_text
from handlers.render import button, show
from handlers.states import ClientBrowse, ClientEdit
from locales import Localizer
from services.actor import Actor
from services.clients.service import EDITABLE, ClientSummary
from services.container import Services
from services.errors import Conflict, DomainError

EDIT_KEYS = ("edit_id", "edit_field", "edit_version", "edit_new")
OPTIONAL = {"phone", "messenger"}


def _current(c: ClientSummary, field: str) -> Any:
    return c.manager_id if field == "manager" else getattr(c, field)


async def _shown(services: Services, actor: Actor, field: str, value: Any) -> str:
    """A value as the member reads it (a manager by name)."""
    if value is None or value == "":
        return "—"
    if field == "manager":
        members = await services.staff.active_members(actor)
        return next((m.name for m in members if m.id == value), f"#{value}")
    return str(value)


async def _finish(state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if k not in EDIT_KEYS})
    await state.set_state(ClientBrowse.list)


async def _confirm(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    *,
    changed_meanwhile: bool = False,
) -> None:
    data = await state.get_data()
    c = await services.clients.card(actor, int(data["edit_id"]))
    field = data["edit_field"]
    text = t(
        "client-edit-confirm",
        field=t(f"field-{field}"),
        old=await _shown(services, actor, field, _current(c, field)),
        new=await _shown(services, actor, field, data.get("edit_new")),
    )
    if changed_meanwhile:
        text = t("client-edit-changed-meanwhile") + "\n\n" + text
    await state.set_state(ClientEdit.confirm)
    await show(
        event,
        text,
        [
            [button(t("client-edit-apply"), ClientCb(action="eapply", id=c.id).pack())],
            [button(t("cancel"), ClientCb(action="ecancel", id=c.id).pack())],
        ],
    )


async def _ask(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    client_id: int,
    field: str,
    error: str | None = None,
) -> None:
    """Ask for the new value of `field`: the buttons offered are the ones the question names
    (the managers to choose from; Remove for a phone or messenger that is set)."""
    c = await services.clients.card(actor, client_id)
    rows: list[list[Any]] = []
    if field == "manager":
        for m in await services.staff.active_members(actor):
            rows.append([button(m.name, ClientCb(action="emgr", id=c.id, page=m.id).pack())])
    removable = field in OPTIONAL and bool(_current(c, field))
    if removable:
        rows.append([button(t("client-edit-clear"), ClientCb(action="eclr", id=c.id).pack())])
    rows.append([button(t("cancel"), ClientCb(action="ecancel", id=c.id).pack())])
    text = t(f"client-edit-ask-{field}", removable=removable)
    await show(event, f"{error}\n{text}" if error else text, rows)


def router() -> Router:
    r = Router(name="clients-edit")

    @r.callback_query(ClientCb.filter(F.action == "edit"))
    async def on_edit(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        c = await services.clients.start_edit(actor, callback_data.id)
        await state.set_state(ClientBrowse.list)
        await state.update_data(
            edit_id=c.id, edit_version=c.version, edit_field=None, edit_new=None
        )
        rows = []
        for f in EDITABLE:
            shown = short(await _shown(services, actor, f, _current(c, f)), 24)
            rows.append(
                [
                    button(
                        f"{t(f'field-{f}')}: {shown}", ClientCb(action="ef", id=c.id, arg=f).pack()
                    )
                ]
            )
        rows.append([button(t("back"), ClientCb(action="card", id=c.id).pack())])
        await show(query, t("client-edit-pick", id=str(c.id), name=c.name), rows)

    @r.callback_query(ClientCb.filter((F.action == "ef") & F.arg.in_(EDITABLE)))
    async def on_field(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        field = callback_data.arg  # one of EDITABLE: anything else is an outdated button
        if (await state.get_data()).get("edit_id") != callback_data.id:
            c = await services.clients.start_edit(actor, callback_data.id)
            await state.update_data(edit_id=c.id, edit_version=c.version)
        await state.update_data(edit_field=field)
        await state.set_state(ClientEdit.value)
        await _ask(query, actor, t, services, callback_data.id, field)

    @r.message(StateFilter(ClientEdit.value), F.text)
    async def on_value(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        field = data["edit_field"]
        try:
            value = await services.clients.check_field(
                actor, field, message.text or "", client_id=int(data["edit_id"])
            )
        except DomainError as exc:
            if isinstance(exc, Conflict) and exc.reason != "email-taken":
                raise
            await _ask(message, actor, t, services, int(data["edit_id"]), field, error_text(t, exc))
            return
        await state.update_data(edit_new=value)
        await _confirm(message, actor, t, services, state)

    @r.callback_query(
        StateFilter(ClientEdit.value), ClientCb.filter(F.action.in_({"emgr", "eclr"}))
    )
    async def on_button_value(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        value = None
        if callback_data.action == "emgr":
            # `page` carries the chosen member's id, to keep the callback data short.
            value = await services.clients.check_field(actor, "manager", callback_data.page)
        await state.update_data(edit_new=value)
        await _confirm(query, actor, t, services, state)

    @r.callback_query(StateFilter(ClientEdit.confirm), ClientCb.filter(F.action == "eapply"))
    async def on_apply(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        data = await state.get_data()
        client_id = int(data["edit_id"])
        try:
            await services.clients.edit(
                actor,
                client_id,
                data["edit_field"],
                data.get("edit_new"),
                expected_version=int(data["edit_version"]),
            )
        except Conflict as exc:
            if exc.reason != "stale":
                raise
            fresh = await services.clients.card(actor, client_id)
            await state.update_data(edit_version=fresh.version)
            await _confirm(query, actor, t, services, state, changed_meanwhile=True)
            return
        await _finish(state)
        callback_answer.text = t("settings-saved")
        await client_card(query, actor, t, services, client_id)

    @r.callback_query(ClientCb.filter(F.action == "ecancel"))
    async def on_cancel(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        await _finish(state)
        callback_answer.text = t("form-cancelled")
        await client_card(query, actor, t, services, callback_data.id)

    return r

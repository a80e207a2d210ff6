"""Add client: one question at a time — name, email, manager, phone, messenger — then Apply."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb
from handlers.clients.overview import back_to_list, client_card, overview
from handlers.labels import error_text
from handlers.render import button, pager, show
from handlers.states import ClientAdd
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Conflict, DomainError
from services.pagination import paginate

STEPS: tuple[State, ...] = (
    ClientAdd.name,
    ClientAdd.email,
    ClientAdd.manager,
    ClientAdd.phone,
    ClientAdd.messenger,
    ClientAdd.confirm,
)
FIELDS = ("name", "email", "manager", "phone", "messenger")
OPTIONAL = {"phone", "messenger"}
FORM_KEYS = tuple(f"new_{f}" for f in FIELDS)
MANAGERS_PER_PAGE = 10
# an email another client has: as its own (archived or not), or as an alias a merge left
EMAIL_CONFLICTS = frozenset({"email-taken", "email-taken-archived", "email-alias"})


def _field(step: State) -> str:
    return FIELDS[STEPS.index(step)]


def _nav(t: Localizer, step: State) -> list[Any]:
    row = []
    if step != STEPS[0]:
        row.append(button(t("form-back"), ClientCb(action="aback").pack()))
    row.append(button(t("cancel"), ClientCb(action="acancel").pack()))
    return row


async def ask(
    event: Message | CallbackQuery,
    step: State,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int = 0,
) -> None:
    """Show the question of `step` (or the summary) and wait for its answer."""
    await state.set_state(step)
    data = await state.get_data()
    number = STEPS.index(step) + 1
    rows: list[list[Any]] = []
    if step == ClientAdd.confirm:
        manager = next(
            (
                m.name
                for m in await services.staff.active_members(actor)
                if m.id == data["new_manager"]
            ),
            "?",
        )
        text = t(
            "client-add-summary",
            name=data["new_name"],
            email=data["new_email"],
            manager=manager,
            phone=data.get("new_phone") or "—",
            messenger=data.get("new_messenger") or "—",
        )
        rows.append([button(t("client-add-apply"), ClientCb(action="asave").pack())])
        rows.append(_nav(t, step))
        await show(event, text, rows)
        return
    field = _field(step)
    text = t("client-add-step", step=number, steps=len(FIELDS)) + "\n" + t(f"client-ask-{field}")
    if field == "manager":
        members = await services.staff.active_members(actor)
        members.sort(key=lambda m: m.id != actor.staff_id)  # "me" first
        shown = paginate(members, page, MANAGERS_PER_PAGE)
        for m in shown.items:
            label = t("client-manager-me") if m.id == actor.staff_id else m.name
            rows.append([button(label, ClientCb(action="amgr", id=m.id).pack())])
        rows.append(
            pager(shown.page, shown.pages, lambda p: ClientCb(action="amgrp", page=p).pack())
        )
    if field in OPTIONAL:
        rows.append([button(t("form-skip"), ClientCb(action="askip").pack())])
    rows.append(_nav(t, step))
    await show(event, text, rows)


async def _next(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    field: str,
    value: Any,
) -> None:
    await state.update_data({f"new_{field}": value})
    step = STEPS[FIELDS.index(field) + 1]
    await ask(event, step, actor, t, services, state)


def router() -> Router:
    r = Router(name="clients-add")

    @r.callback_query(ClientCb.filter(F.action == "add"))
    async def on_start(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await services.clients.start_add(actor)
        await ask(query, ClientAdd.name, actor, t, services, state)

    @r.message(
        StateFilter(ClientAdd.name, ClientAdd.email, ClientAdd.phone, ClientAdd.messenger), F.text
    )
    async def on_answer(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        step = await state.get_state()
        field = next(_field(s) for s in STEPS[:-1] if s.state == step)
        try:
            value = await services.clients.check_field(actor, field, message.text or "")
        except Conflict as exc:
            if exc.reason not in EMAIL_CONFLICTS:
                raise
            open_button = ClientCb(action="card", id=exc.details["client_id"]).pack()
            await show(
                message,
                error_text(t, exc) + "\n" + t("client-ask-email-again"),
                [
                    [button(t("client-open", id=str(exc.details["client_id"])), open_button)],
                    _nav(t, ClientAdd.email),
                ],
            )
            return
        except DomainError as exc:
            await message.answer(error_text(t, exc) + "\n" + t(f"client-ask-{field}"))
            return
        await _next(message, actor, t, services, state, field, value)

    @r.message(StateFilter(ClientAdd.manager, ClientAdd.confirm), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_button(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    @r.callback_query(StateFilter(ClientAdd.manager), ClientCb.filter(F.action == "amgr"))
    async def on_manager(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        value = await services.clients.check_field(actor, "manager", callback_data.id)
        await _next(query, actor, t, services, state, "manager", value)

    @r.callback_query(StateFilter(ClientAdd.manager), ClientCb.filter(F.action == "amgrp"))
    async def on_manager_page(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await ask(query, ClientAdd.manager, actor, t, services, state, callback_data.page)

    @r.callback_query(
        StateFilter(ClientAdd.phone, ClientAdd.messenger), ClientCb.filter(F.action == "askip")
    )
    async def on_skip(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        step = await state.get_state()
        field = next(_field(s) for s in STEPS[:-1] if s.state == step)
        await _next(query, actor, t, services, state, field, None)

    @r.callback_query(StateFilter(*STEPS), ClientCb.filter(F.action == "aback"))
    async def on_back(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        step = await state.get_state()
        index = next(i for i, s in enumerate(STEPS) if s.state == step)
        await ask(query, STEPS[max(0, index - 1)], actor, t, services, state)

    @r.callback_query(ClientCb.filter(F.action == "acancel"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        await back_to_list(state, FORM_KEYS)
        callback_answer.text = t("form-cancelled")
        await overview(query, actor, t, services, state)

    @r.callback_query(StateFilter(ClientAdd.confirm), ClientCb.filter(F.action == "asave"))
    async def on_save(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        client = await services.clients.add(
            actor,
            name=data["new_name"],
            email=data["new_email"],
            manager_id=int(data["new_manager"]),
            phone=data.get("new_phone"),
            messenger=data.get("new_messenger"),
        )
        await back_to_list(state, FORM_KEYS)
        await show(query, t("client-added", id=str(client.id), name=client.name))
        await client_card(query, actor, t, services, client.id, new=True)

    return r

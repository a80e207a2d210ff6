"""Task managers: the list, a card, and the Administrator's form to add one — name, task types,
statuses with their categories (tap to change), extra fields, then Save."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import TaskCb, TaskManagerCb
from handlers.clients.views import short
from handlers.labels import error_text
from handlers.render import button, show
from handlers.states import TaskManagerForm as Form
from handlers.tasks import views
from locales import Html, Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.permissions import Permission
from services.tasks.managers import CATEGORIES, FIELD_KINDS, NewField, StatusInfo

TEXT_STEPS = (Form.name, Form.types, Form.statuses, Form.field_name, Form.field_choices)
BUTTON_STEPS = (Form.categories, Form.fields, Form.field_required, Form.confirm)


def _guess_categories(names: list[str]) -> list[list[str]]:
    """First status to do, last done, the ones between in progress."""
    out = []
    for i, name in enumerate(names):
        if i == 0:
            category = "todo"
        elif i == len(names) - 1:
            category = "done"
        else:
            category = "in_progress"
        out.append([name, category])
    return out


def _fields(data: dict[str, Any]) -> list[NewField]:
    return [
        NewField(f["name"], f["kind"], tuple(f.get("choices") or ()), bool(f.get("required")))
        for f in data.get("tm_fields") or []
    ]


async def _clear(state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if not k.startswith("tm_")})
    await state.set_state(None)


async def manager_list(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    managers = await services.task_managers.list(actor)
    rows = [
        [
            button(
                ("🔒 " if m.is_builtin else "🗂 ") + short(m.name, 40),
                TaskManagerCb(action="card", id=m.id).pack(),
            )
        ]
        for m in managers
    ]
    if actor.can(Permission.SETTINGS_MANAGE):
        rows.append([button(t("task-managers-add"), TaskManagerCb(action="add").pack())])
    rows.append([button(t("back"), TaskCb(action="back").pack())])
    await show(event, t("task-managers-title", count=len(managers)), rows)


async def manager_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    manager_id: int,
    *,
    note: str | None = None,
) -> None:
    m = await services.task_managers.get(actor, manager_id)
    text = views.manager_card(t, m)
    if note:
        text = f"{note}\n\n{text}"
    await show(event, text, [[button(t("back"), TaskManagerCb(action="list").pack())]])


async def ask(
    event: Message | CallbackQuery,
    t: Localizer,
    state: FSMContext,
    step: State,
    *,
    error: str | None = None,
) -> None:
    """Show the question of `step`; `error` above it when the last answer was refused."""
    await state.set_state(step)
    data = await state.get_data()
    rows: list[list[InlineKeyboardButton]] = []
    cancel = [button(t("cancel"), TaskManagerCb(action="cancel").pack())]
    if step == Form.name:
        text = t("task-manager-ask-name")
    elif step == Form.types:
        text = t("task-manager-ask-types", name=data["tm_name"])
    elif step == Form.statuses:
        text = t("task-manager-ask-statuses")
    elif step == Form.categories:
        text = t("task-manager-ask-categories")
        for i, (name, category) in enumerate(data["tm_statuses"]):
            label = f"{short(name, 30)} · {views.category(t, category)}"
            rows.append([button(label, TaskManagerCb(action="cat", value=str(i)).pack())])
        rows.append([button(t("task-continue"), TaskManagerCb(action="catok").pack())])
    elif step == Form.fields:
        text = _fields_text(t, data)
        kinds = [
            button(
                t(views.key("task-manager-add-field", kind)),
                TaskManagerCb(action="fnew", value=kind).pack(),
            )
            for kind in FIELD_KINDS
        ]
        rows += [kinds[:2], kinds[2:]]
        for i, f in enumerate(_fields(data)):
            rows.append(
                [
                    button(
                        f"🗑 {short(f.name, 30)}", TaskManagerCb(action="fdel", value=str(i)).pack()
                    )
                ]
            )
        rows.append([button(t("task-continue"), TaskManagerCb(action="fok").pack())])
    elif step == Form.field_name:
        kind = data["tm_new"]["kind"]
        text = t("task-manager-ask-field-name", kind=t(views.key("task-field-kind", kind)))
        cancel = [button(t("cancel"), TaskManagerCb(action="fcancel").pack())]
    elif step == Form.field_choices:
        text = t("task-manager-ask-choices", name=data["tm_new"]["name"])
        cancel = [button(t("cancel"), TaskManagerCb(action="fcancel").pack())]
    elif step == Form.field_required:
        text = t("task-manager-ask-required", name=data["tm_new"]["name"])
        rows.append(
            [
                button(
                    t("task-field-required-yes"), TaskManagerCb(action="freq", value="1").pack()
                ),
                button(t("task-field-required-no"), TaskManagerCb(action="freq", value="0").pack()),
            ]
        )
        cancel = [button(t("cancel"), TaskManagerCb(action="fcancel").pack())]
    else:
        text = _summary(t, data)
        rows.append([button(t("task-save"), TaskManagerCb(action="save").pack())])
    rows.append(cancel)
    await show(event, f"{error}\n\n{text}" if error else text, rows)


def _fields_text(t: Localizer, data: dict[str, Any]) -> str:
    fields = _fields(data)
    lines = ["• " + views.field_label(t, f.name, f.kind, f.choices, f.required) for f in fields]
    return t("task-manager-ask-fields", fields=Html("\n".join(lines) or "—"))


def _summary(t: Localizer, data: dict[str, Any]) -> str:
    statuses = "\n".join(
        "  " + views.status_with_category(t, StatusInfo(0, short(n, 40), c, i))
        for i, (n, c) in enumerate(data["tm_statuses"])
    )
    return t(
        "task-manager-confirm",
        name=data["tm_name"],
        types=", ".join(data["tm_types"]),
        statuses=statuses,
        fields=Html(
            "\n".join(
                "  " + views.field_label(t, f.name, f.kind, f.choices, f.required)
                for f in _fields(data)
            )
            or "  —"
        ),
    )


def router() -> Router:
    r = Router(name="tasks-managers")

    @r.callback_query(TaskManagerCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await manager_list(query, actor, t, services)

    @r.callback_query(TaskManagerCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery,
        callback_data: TaskManagerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await manager_card(query, actor, t, services, callback_data.id)

    @r.callback_query(TaskManagerCb.filter(F.action == "add"))
    async def on_add(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await services.task_managers.start_add(actor)
        await _clear(state)
        await state.update_data(tm_fields=[])
        await ask(query, t, state, Form.name)

    @r.message(StateFilter(*TEXT_STEPS), F.text, ~F.text.startswith("/"))
    async def on_text(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        text = message.text or ""
        current = await state.get_state()
        step = next(s for s in TEXT_STEPS if s.state == current)
        data = await state.get_data()
        tm = services.task_managers
        try:
            if step == Form.name:
                await state.update_data(tm_name=await tm.check_name(actor, text))
                await ask(message, t, state, Form.types)
            elif step == Form.types:
                await state.update_data(tm_types=await tm.check_types(actor, text))
                await ask(message, t, state, Form.statuses)
            elif step == Form.statuses:
                names = await tm.check_status_names(actor, text)
                await state.update_data(tm_statuses=_guess_categories(names))
                await ask(message, t, state, Form.categories)
            elif step == Form.field_name:
                name = await tm.check_field_name(actor, text, _fields(data))
                new = {**data["tm_new"], "name": name}
                await state.update_data(tm_new=new)
                await ask(
                    message,
                    t,
                    state,
                    Form.field_choices if new["kind"] == "choice" else Form.field_required,
                )
            else:
                choices = await tm.check_choices(actor, text)
                await state.update_data(tm_new={**data["tm_new"], "choices": choices})
                await ask(message, t, state, Form.field_required)
        except Invalid as exc:
            await ask(message, t, state, step, error=error_text(t, exc))

    @r.message(StateFilter(*BUTTON_STEPS), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_button(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    @r.callback_query(StateFilter(Form.categories), TaskManagerCb.filter(F.action == "cat"))
    async def on_category(
        query: CallbackQuery,
        callback_data: TaskManagerCb,
        t: Localizer,
        state: FSMContext,
    ) -> None:
        statuses = (await state.get_data())["tm_statuses"]
        index = int(callback_data.value or 0)
        if 0 <= index < len(statuses):
            current = statuses[index][1]
            statuses[index][1] = CATEGORIES[(CATEGORIES.index(current) + 1) % len(CATEGORIES)]
            await state.update_data(tm_statuses=statuses)
        await ask(query, t, state, Form.categories)

    @r.callback_query(StateFilter(Form.categories), TaskManagerCb.filter(F.action == "catok"))
    async def on_categories_done(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        statuses = (await state.get_data())["tm_statuses"]
        try:
            await services.task_managers.check_statuses(actor, [tuple(s) for s in statuses])
        except Invalid as exc:
            await ask(query, t, state, Form.categories, error=error_text(t, exc))
            return
        await ask(query, t, state, Form.fields)

    @r.callback_query(
        StateFilter(Form.fields),
        TaskManagerCb.filter((F.action == "fnew") & F.value.in_(FIELD_KINDS)),
    )
    async def on_new_field(
        query: CallbackQuery, callback_data: TaskManagerCb, t: Localizer, state: FSMContext
    ) -> None:
        kind = callback_data.value
        await state.update_data(tm_new={"kind": kind})
        await ask(query, t, state, Form.field_name)

    @r.callback_query(StateFilter(Form.fields), TaskManagerCb.filter(F.action == "fdel"))
    async def on_remove_field(
        query: CallbackQuery, callback_data: TaskManagerCb, t: Localizer, state: FSMContext
    ) -> None:
        fields = list((await state.get_data()).get("tm_fields") or [])
        index = int(callback_data.value or 0)
        if 0 <= index < len(fields):
            fields.pop(index)
        await state.update_data(tm_fields=fields)
        await ask(query, t, state, Form.fields)

    @r.callback_query(StateFilter(Form.field_required), TaskManagerCb.filter(F.action == "freq"))
    async def on_required(
        query: CallbackQuery, callback_data: TaskManagerCb, t: Localizer, state: FSMContext
    ) -> None:
        data = await state.get_data()
        field = {**data["tm_new"], "required": callback_data.value == "1"}
        await state.update_data(tm_fields=[*(data.get("tm_fields") or []), field], tm_new=None)
        await ask(query, t, state, Form.fields)

    @r.callback_query(
        StateFilter(Form.field_name, Form.field_choices, Form.field_required),
        TaskManagerCb.filter(F.action == "fcancel"),
    )
    async def on_field_cancel(query: CallbackQuery, t: Localizer, state: FSMContext) -> None:
        await state.update_data(tm_new=None)
        await ask(query, t, state, Form.fields)

    @r.callback_query(StateFilter(Form.fields), TaskManagerCb.filter(F.action == "fok"))
    async def on_fields_done(query: CallbackQuery, t: Localizer, state: FSMContext) -> None:
        await ask(query, t, state, Form.confirm)

    @r.callback_query(TaskManagerCb.filter(F.action == "cancel"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        await _clear(state)
        callback_answer.text = t("form-cancelled")
        await manager_list(query, actor, t, services)

    @r.callback_query(StateFilter(Form.confirm), TaskManagerCb.filter(F.action == "save"))
    async def on_save(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        manager = await services.task_managers.create(
            actor,
            name=data["tm_name"],
            types=data["tm_types"],
            statuses=[(n, c) for n, c in data["tm_statuses"]],
            fields=_fields(data),
        )
        await _clear(state)
        note = t("task-manager-added", name=manager.name)
        await manager_card(query, actor, t, services, manager.id, note=note)

    return r

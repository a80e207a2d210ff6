"""Create a task: from a client card, from the Tasks area, or for one miner.

Each answer is checked by the service when given (a refused answer is explained above the same
question) and everything again on Save. Cancel forgets every answer.
"""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb, MenuCb, TaskCb, TaskFormCb
from handlers.clients.overview import client_card
from handlers.labels import error_text
from handlers.render import button, show
from handlers.states import TaskForm
from handlers.tasks import assets, form
from handlers.tasks.area import task_list
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.permissions import Permission
from services.tasks.service import TaskDraft, clean_priority

TEXT_STEPS = (TaskForm.summary, TaskForm.description, TaskForm.due, TaskForm.extra, TaskForm.client)
BUTTON_STEPS = (
    TaskForm.manager,
    TaskForm.attach,
    TaskForm.type,
    TaskForm.priority,
    TaskForm.assignee,
    TaskForm.confirm,
)
ALL_STEPS = TEXT_STEPS + BUTTON_STEPS


async def _step(state: FSMContext) -> str:
    return str((await state.get_data()).get("tf_step") or "manager")


async def _answer(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    key: str,
    value: object,
) -> None:
    """Keep the answer to the current step and ask the next one."""
    step = await _step(state)
    await state.update_data({key: value, "tf_cal": None})
    data = await state.get_data()
    await form.ask(event, actor, t, services, state, form.neighbour(data, step, 1))


async def _extra_answer(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    raw: str | None,
) -> None:
    """Check an answer to one of the task manager's own fields, by its kind."""
    data = await state.get_data()
    step = await _step(state)
    manager = await services.task_managers.get(actor, int(data["tf_mgr"]))
    f = manager.fields[int(step[1:])]
    try:
        value = await services.tasks.check_extra(actor, manager.id, f.id, raw)
    except Invalid as exc:
        await form.ask(event, actor, t, services, state, step, error=error_text(t, exc))
        return
    values = dict(data.get("tf_x") or {})
    if value is None:
        values.pop(str(f.id), None)
    else:
        values[str(f.id)] = value
    await _answer(event, actor, t, services, state, "tf_x", values)


def router() -> Router:
    r = Router(name="tasks-create")

    @r.callback_query(TaskCb.filter(F.action == "new"))
    async def on_start(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        origin = await services.tasks.start(
            actor, client_id=callback_data.client or None, miner_id=callback_data.miner or None
        )
        await form.clear(state)
        if origin.miner_id is not None:
            where = "miner"
        else:
            where = "client" if origin.client_id is not None else "tasks"
        await state.update_data(
            tf_origin=where,
            tf_client=origin.client_id,
            tf_client_name=origin.client,
            tf_nm=origin.miners,
            tf_na=origin.assets,
            tf_miner=origin.miner_id,
            tf_prio="medium",
        )
        await form.ask(query, actor, t, services, state, "manager")

    # --- choosing ---------------------------------------------------------------------------

    @r.callback_query(StateFilter(TaskForm.manager), TaskFormCb.filter(F.action == "mgr"))
    async def on_manager(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        manager = await services.task_managers.get(actor, int(callback_data.value or 0))
        if (await state.get_data()).get("tf_mgr") != manager.id:
            await state.update_data(tf_type=None, tf_x={}, tf_nf=len(manager.fields))
        await _answer(query, actor, t, services, state, "tf_mgr", manager.id)

    @r.callback_query(StateFilter(TaskForm.client), TaskFormCb.filter(F.action == "cli"))
    async def on_client(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        origin = await services.tasks.start(actor, client_id=int(callback_data.value or 0) or None)
        if (await state.get_data()).get("tf_client") != origin.client_id:
            await state.update_data(tf_all_m=False, tf_all_a=False, tf_assets=[])
        await state.update_data(
            tf_client_name=origin.client, tf_nm=origin.miners, tf_na=origin.assets
        )
        await _answer(query, actor, t, services, state, "tf_client", origin.client_id)

    @r.callback_query(StateFilter(TaskForm.client), TaskFormCb.filter(F.action == "clp"))
    async def on_client_page(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.update_data(tf_cp=int(callback_data.value or 0))
        await form.ask(query, actor, t, services, state, "client")

    @r.callback_query(StateFilter(TaskForm.attach), TaskFormCb.filter(F.action == "all"))
    async def on_attach_all(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        key = "tf_all_m" if callback_data.value == "m" else "tf_all_a"
        await state.update_data({key: not (await state.get_data()).get(key)})
        await form.ask(query, actor, t, services, state, "attach")

    @r.callback_query(StateFilter(TaskForm.attach), TaskFormCb.filter(F.action == "asset"))
    async def on_add_asset(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        client_id = int((await state.get_data())["tf_client"])
        await assets.start_add(query, actor, t, services, state, client_id, for_task=True)

    @r.callback_query(StateFilter(TaskForm.type), TaskFormCb.filter(F.action == "type"))
    async def on_type(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        manager = await services.task_managers.get(actor, int((await state.get_data())["tf_mgr"]))
        task_type = manager.type(int(callback_data.value or 0))
        await _answer(query, actor, t, services, state, "tf_type", task_type.id)

    @r.callback_query(StateFilter(TaskForm.priority), TaskFormCb.filter(F.action == "prio"))
    async def on_priority(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        priority = clean_priority(callback_data.value)
        await _answer(query, actor, t, services, state, "tf_prio", priority)

    @r.callback_query(StateFilter(TaskForm.due), TaskFormCb.filter(F.action == "due"))
    async def on_due(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if callback_data.value == "cal":
            await state.update_data(tf_cal=(await services.tasks.today()).strftime("%Y-%m"))
            await form.ask(query, actor, t, services, state, "due")
            return
        due = None
        if callback_data.value != "none":
            due = (await services.tasks.due_preset(actor, callback_data.value)).isoformat()
        await _answer(query, actor, t, services, state, "tf_due", due)

    @r.callback_query(
        StateFilter(TaskForm.due, TaskForm.extra), TaskFormCb.filter(F.action == "cal")
    )
    async def on_month(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.update_data(tf_cal=callback_data.value)
        await form.ask(query, actor, t, services, state, await _step(state))

    @r.callback_query(
        StateFilter(TaskForm.due, TaskForm.extra), TaskFormCb.filter(F.action == "day")
    )
    async def on_day(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if await state.get_state() == TaskForm.extra.state:
            await _extra_answer(query, actor, t, services, state, callback_data.value)
            return
        await _due_answer(query, actor, t, services, state, callback_data.value)

    @r.callback_query(StateFilter(TaskForm.assignee), TaskFormCb.filter(F.action == "asg"))
    async def on_assignee(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        staff_id = int(callback_data.value or 0)
        if staff_id:
            await services.tasks.check_assignee(actor, staff_id)
        await _answer(query, actor, t, services, state, "tf_asg", staff_id or None)

    @r.callback_query(StateFilter(TaskForm.assignee), TaskFormCb.filter(F.action == "asgp"))
    async def on_assignee_page(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.update_data(tf_ap=int(callback_data.value or 0))
        await form.ask(query, actor, t, services, state, "assignee")

    @r.callback_query(StateFilter(TaskForm.extra), TaskFormCb.filter(F.action == "opt"))
    async def on_option(
        query: CallbackQuery,
        callback_data: TaskFormCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        data = await state.get_data()
        manager = await services.task_managers.get(actor, int(data["tf_mgr"]))
        f = manager.fields[int((await _step(state))[1:])]
        index = int(callback_data.value or 0)
        choice = f.choices[index] if 0 <= index < len(f.choices) else ""
        await _extra_answer(query, actor, t, services, state, choice)

    @r.callback_query(
        StateFilter(TaskForm.attach, TaskForm.description, TaskForm.extra),
        TaskFormCb.filter(F.action.in_({"next", "skip"})),
    )
    async def on_skip(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        current = await state.get_state()
        if current == TaskForm.extra.state:
            await _extra_answer(query, actor, t, services, state, None)
        elif current == TaskForm.description.state:
            await _answer(query, actor, t, services, state, "tf_desc", None)
        else:
            step = await _step(state)
            await form.ask(
                query, actor, t, services, state, form.neighbour(await state.get_data(), step, 1)
            )

    # --- typed answers ----------------------------------------------------------------------

    @r.message(StateFilter(*TEXT_STEPS), F.text, ~F.text.startswith("/"))
    async def on_text(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        text = message.text or ""
        current = await state.get_state()
        step = await _step(state)
        if current == TaskForm.client.state:
            await state.update_data(tf_q=text.strip()[:64], tf_cp=0)
            await form.ask(message, actor, t, services, state, "client")
            return
        if current == TaskForm.extra.state:
            await _extra_answer(message, actor, t, services, state, text)
            return
        if current == TaskForm.due.state:
            await _due_answer(message, actor, t, services, state, text)
            return
        try:
            if current == TaskForm.summary.state:
                value = await services.tasks.check_summary(actor, text)
                await _answer(message, actor, t, services, state, "tf_summary", value)
            else:
                desc = await services.tasks.check_description(actor, text)
                await _answer(message, actor, t, services, state, "tf_desc", desc)
        except Invalid as exc:
            await form.ask(message, actor, t, services, state, step, error=error_text(t, exc))

    @r.message(StateFilter(*BUTTON_STEPS), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_button(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    # --- moving around, cancel, save --------------------------------------------------------

    @r.callback_query(StateFilter(*ALL_STEPS), TaskFormCb.filter(F.action == "back"))
    async def on_back(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        step = await _step(state)
        await state.update_data(tf_cal=None)
        previous = form.neighbour(await state.get_data(), step, -1)
        await form.ask(query, actor, t, services, state, previous)

    @r.callback_query(TaskFormCb.filter(F.action == "cancel"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        data = await state.get_data()
        await form.clear(state)
        callback_answer.text = t("form-cancelled")
        await _back_to_origin(query, actor, t, services, state, data)

    @r.callback_query(StateFilter(TaskForm.confirm), TaskFormCb.filter(F.action == "save"))
    async def on_save(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        draft = TaskDraft(
            manager_id=int(data["tf_mgr"]),
            type_id=data.get("tf_type"),
            summary=data.get("tf_summary") or "",
            priority=data.get("tf_prio") or "medium",
            due_date=date.fromisoformat(data["tf_due"]) if data.get("tf_due") else None,
            assignee_id=data.get("tf_asg"),
            description=data.get("tf_desc"),
            extra={int(k): v for k, v in (data.get("tf_x") or {}).items()},
            client_id=data.get("tf_client"),
            miner_id=data.get("tf_miner"),
            all_miners=bool(data.get("tf_all_m")),
            all_assets=bool(data.get("tf_all_a")),
            asset_ids=tuple(data.get("tf_assets") or ()),
            miner_ids=tuple(int(i) for i in data.get("tf_miners") or ()),
        )
        try:
            card = await services.tasks.create(actor, draft)
        except Invalid as exc:
            await form.ask(query, actor, t, services, state, "confirm", error=error_text(t, exc))
            return
        await form.clear(state)
        rows = [[button(t("open-task"), TaskCb(action="card", id=card.id).pack())]]
        if card.client_id is not None and actor.can(Permission.CLIENTS_VIEW):
            rows.append(
                [
                    button(
                        t("tasks-open-client", id=str(card.client_id)),
                        ClientCb(action="card", id=card.client_id).pack(),
                    )
                ]
            )
        rows.append([button(t("menu-tasks"), MenuCb(area="tasks").pack())])
        await show(query, t("task-created", id=str(card.id), summary=card.summary), rows)

    return r


async def _due_answer(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    value: str,
) -> None:
    try:
        day = await services.tasks.check_due(actor, value)
    except Invalid as exc:
        await form.ask(event, actor, t, services, state, "due", error=error_text(t, exc))
        return
    await _answer(event, actor, t, services, state, "tf_due", day.isoformat())


async def _back_to_origin(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    data: dict[str, object],
) -> None:
    """After Cancel: the client card, the task list, or (for a miner) the menu."""
    if data.get("tf_origin") == "client" and data.get("tf_client"):
        await client_card(query, actor, t, services, int(str(data["tf_client"])))
    elif data.get("tf_origin") == "tasks":
        await task_list(query, actor, t, services, state)
    else:
        await show(
            query, t("form-cancelled"), [[button(t("back-menu"), MenuCb(area="main").pack())]]
        )

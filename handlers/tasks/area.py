"""The Tasks area: my tasks or all, filtered by task manager, client, status and assignee.

The filters are kept in the FSM data (`tk_*`), never in the callback data.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from handlers.callbacks import ClientCb, MenuCb, TaskCb, TaskManagerCb
from handlers.clients.views import short
from handlers.render import button, grid, pager, show
from handlers.tasks import views
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.pagination import paginate
from services.permissions import Permission
from services.tasks.service import CATEGORY_FILTERS, TaskQuery

PER_PAGE = 6
PICK_PER_PAGE = 8
FILTER_KEYS = ("tk_mgr", "tk_cli", "tk_cat", "tk_asg")


async def task_query(state: FSMContext) -> TaskQuery:
    data = await state.get_data()
    return TaskQuery(
        manager_id=data.get("tk_mgr"),
        client_id=data.get("tk_cli"),
        category=data.get("tk_cat"),
        assignee_id=data.get("tk_asg"),
    )


async def _filter_line(
    t: Localizer, actor: Actor, services: Services, q: TaskQuery, client: str | None
) -> str | None:
    """The filters in force, in words; `client` is the filtered client's name when known."""
    parts = []
    if q.manager_id is not None:
        managers = {m.id: m.name for m in await services.task_managers.list(actor)}
        parts.append("🗂 " + short(managers.get(q.manager_id, "?"), 24))
    if q.client_id is not None:
        parts.append(f"🏢 #{q.client_id} {short(client, 24)}".rstrip())
    if q.category is not None:
        parts.append("🚦 " + t(views.key("tasks-filter-category", q.category)))
    if q.assignee_id is not None:
        parts.append("👤 " + await _assignee_name(t, actor, services, q.assignee_id))
    return " · ".join(parts) if parts else None


async def _assignee_name(t: Localizer, actor: Actor, services: Services, staff_id: int) -> str:
    if staff_id == 0:
        return t("task-nobody")
    if staff_id == actor.staff_id:
        return t("tasks-me")
    members = {m.id: m.name for m in await services.staff.active_members(actor)}
    return short(members.get(staff_id, f"#{staff_id}"), 24)


async def task_list(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int | None = None,
) -> None:
    """The list with the current filters; `page` None means the page last shown."""
    if page is None:
        page = int((await state.get_data()).get("tk_page", 0))
    q = await task_query(state)
    result = await services.tasks.page(actor, q, page, PER_PAGE)
    await state.update_data(tk_page=result.page)

    mine = q.assignee_id == actor.staff_id
    header = [t("tasks-title-mine" if mine else "tasks-title", count=result.total)]
    client = result.items[0].client if result.items else None
    shown = await _filter_line(t, actor, services, q, client)
    if shown:
        header.append(t("tasks-filters-shown", filters=shown))
    if result.items:
        body = "\n\n".join(views.entry(t, line) for line in result.items)
    elif shown:
        body = t("tasks-none-found")
    else:
        body = t("tasks-empty")
    text = "\n".join(header) + "\n\n" + body

    rows: list[list[InlineKeyboardButton]] = []
    buttons = [
        button(f"#{line.id} {short(line.summary, 22)}", TaskCb(action="card", id=line.id).pack())
        for line in result.items
    ]
    rows += grid(buttons, 2)
    rows.append(pager(result.page, result.pages, lambda p: TaskCb(action="list", page=p).pack()))
    rows.append(
        [
            button(
                t("tasks-show-all") if mine else t("tasks-show-mine"),
                TaskCb(action="mine").pack(),
            )
        ]
    )
    rows.append(
        [
            button(t("tasks-filter-manager"), TaskCb(action="fm").pack()),
            button(t("tasks-filter-client"), TaskCb(action="fc").pack()),
        ]
    )
    rows.append(
        [
            button(t("tasks-filter-status"), TaskCb(action="fs").pack()),
            button(t("tasks-filter-assignee"), TaskCb(action="fa").pack()),
        ]
    )
    if shown:
        rows.append([button(t("tasks-clear-filters"), TaskCb(action="clear").pack())])
    if q.client_id is not None and actor.can(Permission.CLIENTS_VIEW):
        rows.append(
            [
                button(
                    t("tasks-open-client", id=str(q.client_id)),
                    ClientCb(action="card", id=q.client_id).pack(),
                )
            ]
        )
    if actor.can(Permission.TASKS_CREATE):
        rows.append([button(t("tasks-create"), TaskCb(action="new").pack())])
    if actor.can(Permission.SETTINGS_MANAGE):
        rows.append([button(t("tasks-managers"), TaskManagerCb(action="list").pack())])
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, text, rows)


async def _set_filter(state: FSMContext, name: str, value: Any) -> None:
    await state.update_data({name: value, "tk_page": 0})


def _back_row(t: Localizer) -> list[InlineKeyboardButton]:
    return [button(t("back"), TaskCb(action="back").pack())]


# The list's filter pickers: callback action → the FSM key of the filter it sets.
_FILTERS = {"fm": "tk_mgr", "fc": "tk_cli", "fs": "tk_cat", "fa": "tk_asg"}


async def _picker(
    query: CallbackQuery,
    t: Localizer,
    action: str,
    title_key: str,
    first: list[tuple[str, str]],
    options: list[tuple[str, str]],
    page: int = 0,
    pages: int = 1,
) -> None:
    """One filter's choices: `first` ("all", …) on one row, then an option a row, paged."""
    rows = [[button(label, TaskCb(action=action, arg=arg).pack()) for label, arg in first]]
    rows += [[button(label, TaskCb(action=action, arg=arg).pack())] for label, arg in options]
    rows.append(pager(page, pages, lambda p: TaskCb(action=action, page=p).pack()))
    rows.append(_back_row(t))
    await show(query, t(title_key), rows)


def router() -> Router:
    r = Router(name="tasks-area")

    @r.callback_query(MenuCb.filter(F.area == "tasks"))
    async def on_open(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        await task_list(query, actor, t, services, state, 0)

    @r.callback_query(TaskCb.filter(F.action.in_({"list", "back"})))
    async def on_page(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        page = callback_data.page if callback_data.action == "list" else None
        if await state.get_state() is not None:
            await state.set_state(None)  # leaving a card's comment or due-date question
        await task_list(query, actor, t, services, state, page)

    @r.callback_query(TaskCb.filter(F.action == "client"))
    async def on_client_tasks(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """The client card's task count: that client's tasks, whatever their status."""
        await state.set_state(None)
        await state.update_data({**dict.fromkeys(FILTER_KEYS), "tk_cli": callback_data.client})
        await task_list(query, actor, t, services, state, 0)

    @r.callback_query(TaskCb.filter(F.action.in_({"mine", "clear"})))
    async def on_toggle(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if callback_data.action == "clear":
            await state.update_data(dict.fromkeys(FILTER_KEYS))
        else:
            q = await task_query(state)
            mine = q.assignee_id == actor.staff_id
            await _set_filter(state, "tk_asg", None if mine else actor.staff_id)
        await task_list(query, actor, t, services, state, 0)

    @r.callback_query(TaskCb.filter(F.action.in_(set(_FILTERS)) & (F.arg != "")))
    async def on_filter_chosen(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """A value tapped in one of the pickers below: filter by it ("all" lifts the filter)."""
        arg = callback_data.arg
        if callback_data.action == "fs":
            value: Any = arg if arg in CATEGORY_FILTERS else None
        else:
            value = None if arg == "all" else int(arg)
        await _set_filter(state, _FILTERS[callback_data.action], value)
        await task_list(query, actor, t, services, state, 0)

    @r.callback_query(TaskCb.filter(F.action == "fm"))
    async def on_pick_manager(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        boards = [(short(m.name, 40), str(m.id)) for m in await services.task_managers.list(actor)]
        await _picker(
            query, t, "fm", "tasks-pick-manager", [(t("tasks-filter-all-managers"), "all")], boards
        )

    @r.callback_query(TaskCb.filter(F.action == "fc"))
    async def on_pick_client(
        query: CallbackQuery, callback_data: TaskCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        result = await services.tasks.filter_clients(actor, callback_data.page, PICK_PER_PAGE)
        clients = [
            (f"#{client_id} {short(name, 36)}", str(client_id)) for client_id, name in result.items
        ]
        first = [(t("tasks-filter-all-clients"), "all")]
        await _picker(
            query, t, "fc", "tasks-pick-client", first, clients, result.page, result.pages
        )

    @r.callback_query(TaskCb.filter(F.action == "fs"))
    async def on_pick_category(query: CallbackQuery, t: Localizer) -> None:
        categories = [(t(views.key("tasks-filter-category", c)), c) for c in CATEGORY_FILTERS]
        await _picker(
            query, t, "fs", "tasks-pick-status", [(t("tasks-filter-any-status"), "all")], categories
        )

    @r.callback_query(TaskCb.filter(F.action == "fa"))
    async def on_pick_assignee(
        query: CallbackQuery, callback_data: TaskCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        members = await services.staff.active_members(actor)
        members.sort(key=lambda m: m.id != actor.staff_id)  # "me" first
        shown = paginate(members, callback_data.page, PICK_PER_PAGE)
        people = [
            (t("tasks-me") if m.id == actor.staff_id else short(m.name, 36), str(m.id))
            for m in shown.items
        ]
        first = [(t("tasks-filter-anyone"), "all"), (t("task-nobody"), "0")]
        await _picker(query, t, "fa", "tasks-pick-assignee", first, people, shown.page, shown.pages)

    return r

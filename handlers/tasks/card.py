"""A task card and what a member with tasks.edit changes on it: status, assignee, priority,
due date (presets or a calendar), comments. Every change is checked and logged by the service."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.bills.task_cost import task_cost_rows
from handlers.calendar import month_of, month_rows
from handlers.callbacks import ClientCb, TaskCb
from handlers.clients.views import miner_line, short
from handlers.labels import error_text
from handlers.miners.card import open_rows
from handlers.render import button, pager, show
from handlers.states import TaskEdit
from handlers.tasks import views
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.pagination import paginate
from services.permissions import Permission
from services.tasks.service import DUE_PRESETS, PRIORITIES, may_work

MINERS_PER_PAGE = 10
MEMBERS_PER_PAGE = 8


async def task_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    task_id: int,
    *,
    new: bool = False,
    note: str | None = None,
) -> None:
    c = await services.tasks.card(actor, task_id)
    zone = (await services.facility.get()).zone
    text = views.card(t, c, zone)
    if note:
        text = note + "\n\n" + text
    rows: list[list[InlineKeyboardButton]] = []
    if actor.can(Permission.TASKS_EDIT):
        rows.append(
            [
                button(t("task-move"), TaskCb(action="status", id=c.id).pack()),
                button(t("task-reassign"), TaskCb(action="assignee", id=c.id).pack()),
            ]
        )
        rows.append(
            [
                button(t("task-change-priority"), TaskCb(action="prio", id=c.id).pack()),
                button(t("task-change-due"), TaskCb(action="due", id=c.id).pack()),
            ]
        )
        rows.append([button(t("task-add-comment"), TaskCb(action="cmt", id=c.id).pack())])
        rows += task_cost_rows(t, c)
    elif may_work(actor, c.assignee_id):  # the assignee moves and comments their own task
        rows.append(
            [
                button(t("task-move"), TaskCb(action="status", id=c.id).pack()),
                button(t("task-add-comment"), TaskCb(action="cmt", id=c.id).pack()),
            ]
        )
    if c.miners_total:  # the list opens each miner's card
        rows.append(
            [
                button(
                    t("task-all-miners", count=c.miners_total),
                    TaskCb(action="miners", id=c.id).pack(),
                )
            ]
        )
    if c.client_id is not None and actor.can(Permission.CLIENTS_VIEW):
        rows.append(
            [
                button(
                    t("tasks-open-client", id=str(c.client_id)),
                    ClientCb(action="card", id=c.client_id).pack(),
                )
            ]
        )
    rows.append([button(t("task-back-to-list"), TaskCb(action="back").pack())])
    await show(event, text, rows, new=new)


def _back(t: Localizer, task_id: int) -> list[InlineKeyboardButton]:
    return [button(t("back"), TaskCb(action="card", id=task_id).pack())]


async def _due_picker(
    event: Message | CallbackQuery,
    t: Localizer,
    services: Services,
    task_id: int,
    month: str | None = None,
    *,
    error: str | None = None,
) -> None:
    today = await services.tasks.today()
    shown = month_of(month, today)
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(t(f"task-due-{p}"), TaskCb(action="dset", id=task_id, arg=p).pack())
            for p in DUE_PRESETS
        ]
    ]
    rows += month_rows(
        t,
        shown,
        today=today,
        earliest=today,
        on_day=lambda d: TaskCb(action="dday", id=task_id, arg=d.isoformat()).pack(),
        on_month=lambda m: TaskCb(action="dcal", id=task_id, arg=m.strftime("%Y-%m")).pack(),
    )
    rows.append(
        [button(t("task-due-remove"), TaskCb(action="dset", id=task_id, arg="none").pack())]
    )
    rows.append(_back(t, task_id))
    text = t("task-ask-due-change", id=str(task_id))
    await show(event, f"{error}\n\n{text}" if error else text, rows)


def router() -> Router:
    r = Router(name="tasks-card")

    @r.callback_query(TaskCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if await state.get_state() in (TaskEdit.comment.state, TaskEdit.due.state):
            await state.set_state(None)
        await task_card(query, actor, t, services, callback_data.id)

    @r.callback_query(TaskCb.filter(F.action == "miners"))
    async def on_miners(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        result = await services.tasks.miners(
            actor, callback_data.id, callback_data.page, MINERS_PER_PAGE
        )
        lines = [t("task-miners-title", id=str(callback_data.id), count=result.total)]
        first = result.page * MINERS_PER_PAGE + 1
        lines += [f"{first + i}. {miner_line(m)}" for i, m in enumerate(result.items)]
        rows = []
        if actor.can(Permission.MINERS_VIEW):
            ids = [m.id for m in result.items]
            rows += open_rows(t, ids, first, "t", callback_data.id, result.page)
        rows += [
            pager(
                result.page,
                result.pages,
                lambda p: TaskCb(action="miners", id=callback_data.id, page=p).pack(),
            ),
            _back(t, callback_data.id),
        ]
        await show(query, "\n".join(lines), rows)

    # --- status ---------------------------------------------------------------------------

    @r.callback_query(TaskCb.filter(F.action == "status"))
    async def on_status_pick(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = await services.tasks.start_work(actor, callback_data.id)
        rows = []
        for s in c.manager.statuses:
            label = views.status_with_category(t, s)
            if s.id == c.status.id:
                label = "▶️ " + label
            rows.append([button(label, TaskCb(action="st", id=c.id, arg=str(s.id)).pack())])
        rows.append(_back(t, c.id))
        await show(query, t("task-pick-status", id=str(c.id), summary=short(c.summary, 60)), rows)

    @r.callback_query(TaskCb.filter(F.action == "st"))
    async def on_status(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await services.tasks.move(actor, callback_data.id, int(callback_data.arg or 0))
        callback_answer.text = t("settings-saved")
        await task_card(query, actor, t, services, callback_data.id)

    # --- assignee -------------------------------------------------------------------------

    @r.callback_query(TaskCb.filter(F.action == "assignee"))
    async def on_assignee_pick(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = await services.tasks.start_edit(actor, callback_data.id)
        members = [m for m in await services.staff.active_members(actor) if m.id != actor.staff_id]
        shown = paginate(members, callback_data.page, MEMBERS_PER_PAGE)
        rows = [
            [
                button(
                    t("task-assign-me"),
                    TaskCb(action="asg", id=c.id, arg=str(actor.staff_id)).pack(),
                )
            ]
        ]
        for m in shown.items:
            label = ("▶️ " if m.id == c.assignee_id else "") + short(m.name, 36)
            rows.append([button(label, TaskCb(action="asg", id=c.id, arg=str(m.id)).pack())])
        rows.append(
            pager(
                shown.page,
                shown.pages,
                lambda p: TaskCb(action="assignee", id=c.id, page=p).pack(),
            )
        )
        rows.append([button(t("task-unassign"), TaskCb(action="asg", id=c.id, arg="0").pack())])
        rows.append(_back(t, c.id))
        await show(query, t("task-pick-assignee", id=str(c.id), summary=short(c.summary, 60)), rows)

    @r.callback_query(TaskCb.filter(F.action == "asg"))
    async def on_assignee(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        staff_id = int(callback_data.arg or 0)
        await services.tasks.reassign(actor, callback_data.id, staff_id or None)
        callback_answer.text = t("settings-saved")
        await task_card(query, actor, t, services, callback_data.id)

    # --- priority -------------------------------------------------------------------------

    @r.callback_query(TaskCb.filter(F.action == "prio"))
    async def on_priority_pick(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = await services.tasks.start_edit(actor, callback_data.id)
        rows = [
            [
                button(
                    ("▶️ " if p == c.priority else "") + views.priority(t, p),
                    TaskCb(action="pr", id=c.id, arg=p).pack(),
                )
            ]
            for p in PRIORITIES
        ]
        rows.append(_back(t, c.id))
        await show(query, t("task-pick-priority", id=str(c.id), summary=short(c.summary, 60)), rows)

    @r.callback_query(TaskCb.filter(F.action == "pr"))
    async def on_priority(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await services.tasks.set_priority(actor, callback_data.id, callback_data.arg)
        callback_answer.text = t("settings-saved")
        await task_card(query, actor, t, services, callback_data.id)

    # --- due date -------------------------------------------------------------------------

    @r.callback_query(TaskCb.filter(F.action.in_({"due", "dcal"})))
    async def on_due_pick(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await services.tasks.start_edit(actor, callback_data.id)
        await state.set_state(TaskEdit.due)
        await state.update_data(tk_edit=callback_data.id)
        await _due_picker(query, t, services, callback_data.id, callback_data.arg or None)

    @r.callback_query(TaskCb.filter(F.action.in_({"dset", "dday"})))
    async def on_due(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        due: date | str | None
        if callback_data.action == "dday":
            due = callback_data.arg
        elif callback_data.arg == "none":
            due = None
        else:
            due = await services.tasks.due_preset(actor, callback_data.arg)
        try:
            await services.tasks.set_due(actor, callback_data.id, due)
        except Invalid as exc:
            await _due_picker(query, t, services, callback_data.id, error=error_text(t, exc))
            return
        await state.set_state(None)
        callback_answer.text = t("settings-saved")
        await task_card(query, actor, t, services, callback_data.id)

    @r.message(StateFilter(TaskEdit.due), F.text, ~F.text.startswith("/"))
    async def on_due_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        task_id = int((await state.get_data())["tk_edit"])
        try:
            await services.tasks.set_due(actor, task_id, message.text or "")
        except Invalid as exc:
            await _due_picker(message, t, services, task_id, error=error_text(t, exc))
            return
        await state.set_state(None)
        await task_card(message, actor, t, services, task_id, note=t("settings-saved"))

    # --- comments -------------------------------------------------------------------------

    @r.callback_query(TaskCb.filter(F.action == "cmt"))
    async def on_comment_start(
        query: CallbackQuery,
        callback_data: TaskCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        c = await services.tasks.start_work(actor, callback_data.id)
        await state.set_state(TaskEdit.comment)
        await state.update_data(tk_edit=c.id)
        await show(
            query,
            t("task-ask-comment", id=str(c.id), summary=short(c.summary, 60)),
            [[button(t("cancel"), TaskCb(action="card", id=c.id).pack())]],
        )

    @r.message(StateFilter(TaskEdit.comment), F.text, ~F.text.startswith("/"))
    async def on_comment(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        task_id = int((await state.get_data())["tk_edit"])
        try:
            await services.tasks.comment(actor, task_id, message.text or "")
        except Invalid as exc:
            await show(
                message,
                error_text(t, exc) + "\n" + t("task-ask-comment-again"),
                [[button(t("cancel"), TaskCb(action="card", id=task_id).pack())]],
            )
            return
        await state.set_state(None)
        await task_card(message, actor, t, services, task_id, note=t("task-comment-added"))

    return r

"""The new-task form: its steps and how each question is shown.

The answers live in the FSM data under `tf_*` keys; the step asked is `tf_step`. Which steps
there are depends on the answers: the client is asked only in the Tasks area, the attachments
only for a client, and one step per extra field of the chosen task manager.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from handlers.calendar import month_of, month_rows
from handlers.callbacks import TaskFormCb
from handlers.clients.views import short
from handlers.render import button, pager, show
from handlers.states import TaskForm
from handlers.tasks import views
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.pagination import paginate
from services.tasks.managers import FieldInfo, ManagerInfo
from services.tasks.service import DUE_PRESETS, PRIORITIES

PICK_PER_PAGE = 8
STATES: dict[str, State] = {
    "manager": TaskForm.manager,
    "client": TaskForm.client,
    "attach": TaskForm.attach,
    "type": TaskForm.type,
    "summary": TaskForm.summary,
    "priority": TaskForm.priority,
    "due": TaskForm.due,
    "assignee": TaskForm.assignee,
    "description": TaskForm.description,
    "confirm": TaskForm.confirm,
}


def steps(data: dict[str, Any]) -> list[str]:
    if data.get("tf_origin") == "alert":  # board, type, client, miners and summary come with it
        out = [] if data.get("tf_type") else ["type"]
        out += ["priority", "due", "assignee", "description"]
        out += [f"x{i}" for i in range(int(data.get("tf_nf") or 0))]
        return [*out, "confirm"]
    out = ["manager"]
    if data.get("tf_origin") == "tasks":
        out.append("client")
    if data.get("tf_client"):
        out.append("attach")
    out += ["type", "summary", "priority", "due", "assignee", "description"]
    out += [f"x{i}" for i in range(int(data.get("tf_nf") or 0))]
    out.append("confirm")
    return out


def neighbour(data: dict[str, Any], step: str, offset: int) -> str:
    order = steps(data)
    index = order.index(step) if step in order else 0
    return order[min(max(index + offset, 0), len(order) - 1)]


async def clear(state: FSMContext) -> None:
    """Forget the form's answers (and any asset being added on the way); other data stays."""
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if not k.startswith(("tf_", "as_"))})
    await state.set_state(None)


def _field(manager: ManagerInfo, step: str) -> FieldInfo:
    return manager.fields[int(step[1:])]


def _nav(t: Localizer, data: dict[str, Any], step: str) -> list[InlineKeyboardButton]:
    row = []
    if steps(data).index(step) > 0:
        row.append(button(t("form-back"), TaskFormCb(action="back").pack()))
    row.append(button(t("cancel"), TaskFormCb(action="cancel").pack()))
    return row


async def _assignee_name(actor: Actor, services: Services, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    members = {m.id: m.name for m in await services.staff.active_members(actor)}
    return members.get(staff_id, f"#{staff_id}")


def _attached(t: Localizer, data: dict[str, Any]) -> str:
    miners = (int(data.get("tf_nm") or 0) if data.get("tf_all_m") else 0) + (
        1 if data.get("tf_miner") and not data.get("tf_all_m") else 0
    )
    miners += len(data.get("tf_miners") or [])
    added = len(data.get("tf_assets") or [])
    assets = int(data.get("tf_na") or 0) if data.get("tf_all_a") else added
    return t("task-attached", miners=miners, assets=assets)


async def summary_text(
    t: Localizer, actor: Actor, services: Services, data: dict[str, Any], manager: ManagerInfo
) -> str:
    type_name = next((x.name for x in manager.types if x.id == data.get("tf_type")), "—")
    due = date.fromisoformat(data["tf_due"]) if data.get("tf_due") else None
    lines = [
        t(
            "task-confirm",
            manager=manager.name,
            client=f"#{data['tf_client']} {data.get('tf_client_name')}"
            if data.get("tf_client")
            else "—",
            attached=_attached(t, data),
            type=type_name,
            summary=data.get("tf_summary") or "",
            priority=views.priority(t, data.get("tf_prio") or "medium"),
            due=views.due(t, due),
            assignee=await _assignee_name(actor, services, data.get("tf_asg")) or t("task-nobody"),
            description=short(data.get("tf_desc"), 500) or "—",
        )
    ]
    values = data.get("tf_x") or {}
    for f in manager.fields:
        shown = values.get(str(f.id))
        lines.append(t("task-confirm-field", name=f.name, value=short(shown, 120) or "—"))
    return "\n".join(lines)


async def ask(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    step: str,
    *,
    error: str | None = None,
) -> None:
    """Show the question of `step` (with `error` above it when an answer was refused)."""
    await state.set_state(STATES.get(step, TaskForm.extra))
    await state.update_data(tf_step=step)
    data = await state.get_data()
    order = steps(data)
    manager = (
        await services.task_managers.get(actor, data["tf_mgr"]) if data.get("tf_mgr") else None
    )
    head = [t("task-new-title", step=order.index(step) + 1, steps=len(order))]
    context = []
    if manager is not None:
        context.append("🗂 " + short(manager.name, 32))
    if data.get("tf_client"):
        context.append(f"🏢 #{data['tf_client']} {short(data.get('tf_client_name'), 32)}")
    if data.get("tf_miner"):
        context.append(t("task-for-miner", id=str(data["tf_miner"])))
    if context:
        head.append(" · ".join(context))
    rows: list[list[InlineKeyboardButton]] = []
    question = await _question(t, actor, services, data, step, manager, rows)
    text = "\n".join(head) + "\n\n" + question
    if error:
        text = f"{error}\n\n{text}"
    rows.append(_nav(t, data, step))
    await show(event, text, rows)


async def _question(
    t: Localizer,
    actor: Actor,
    services: Services,
    data: dict[str, Any],
    step: str,
    manager: ManagerInfo | None,
    rows: list[list[InlineKeyboardButton]],
) -> str:
    """The text of `step`'s question; its buttons are appended to `rows`."""
    if step == "manager":
        for m in await services.task_managers.list(actor):
            mark = "▶️ " if m.id == data.get("tf_mgr") else ""
            rows.append(
                [button(mark + short(m.name, 40), TaskFormCb(action="mgr", value=str(m.id)).pack())]
            )
        return t("task-ask-manager")
    if step == "client":
        return await _client_question(t, actor, services, data, rows)
    if step == "attach":
        return _attach_question(t, data, rows)
    assert manager is not None, "the task manager is chosen first"
    if step == "type":
        for x in manager.types:
            mark = "▶️ " if x.id == data.get("tf_type") else ""
            rows.append(
                [
                    button(
                        mark + short(x.name, 40), TaskFormCb(action="type", value=str(x.id)).pack()
                    )
                ]
            )
        return t("task-ask-type")
    if step == "summary":
        return _with_current(t, t("task-ask-summary"), data.get("tf_summary"))
    if step == "priority":
        current = data.get("tf_prio") or "medium"
        rows += [
            [
                button(
                    ("▶️ " if p == current else "") + views.priority(t, p),
                    TaskFormCb(action="prio", value=p).pack(),
                )
            ]
            for p in PRIORITIES
        ]
        return t("task-ask-priority")
    if step == "due":
        return await _due_question(t, services, data, rows)
    if step == "assignee":
        return await _assignee_question(t, actor, services, data, rows)
    if step == "description":
        rows.append([button(t("form-skip"), TaskFormCb(action="skip").pack())])
        return _with_current(t, t("task-ask-description"), short(data.get("tf_desc"), 200))
    if step == "confirm":
        rows.append([button(t("task-save"), TaskFormCb(action="save").pack())])
        return await summary_text(t, actor, services, data, manager)
    return await _extra_question(t, services, data, _field(manager, step), rows)


def _with_current(t: Localizer, question: str, current: str | None) -> str:
    return question + ("\n" + t("task-form-current", value=current) if current else "")


async def _client_question(
    t: Localizer,
    actor: Actor,
    services: Services,
    data: dict[str, Any],
    rows: list[list[InlineKeyboardButton]],
) -> str:
    result = await services.tasks.pick_clients(
        actor, data.get("tf_q"), int(data.get("tf_cp") or 0), PICK_PER_PAGE
    )
    rows.append([button(t("task-without-client"), TaskFormCb(action="cli", value="0").pack())])
    for client_id, name in result.items:
        rows.append(
            [
                button(
                    f"#{client_id} {short(name, 36)}",
                    TaskFormCb(action="cli", value=str(client_id)).pack(),
                )
            ]
        )
    rows.append(
        pager(result.page, result.pages, lambda p: TaskFormCb(action="clp", value=str(p)).pack())
    )
    text = t("task-ask-client")
    if data.get("tf_q"):
        text += "\n" + t("clients-search-shown", query=data["tf_q"])
        if not result.items:
            text += "\n" + t("clients-none-found")
    return text


def _attach_question(
    t: Localizer, data: dict[str, Any], rows: list[list[InlineKeyboardButton]]
) -> str:
    def box(on: Any) -> str:
        return "☑️" if on else "⬜️"

    if int(data.get("tf_nm") or 0):
        rows.append(
            [
                button(
                    f"{box(data.get('tf_all_m'))} "
                    + t("task-attach-miners", count=int(data["tf_nm"])),
                    TaskFormCb(action="all", value="m").pack(),
                )
            ]
        )
    if int(data.get("tf_na") or 0):
        rows.append(
            [
                button(
                    f"{box(data.get('tf_all_a'))} "
                    + t("task-attach-assets", count=int(data["tf_na"])),
                    TaskFormCb(action="all", value="a").pack(),
                )
            ]
        )
    rows.append([button(t("task-add-asset"), TaskFormCb(action="asset").pack())])
    rows.append([button(t("task-continue"), TaskFormCb(action="next").pack())])
    lines = [t("task-ask-attach"), _attached(t, data)]
    return "\n".join(lines)


async def _due_question(
    t: Localizer, services: Services, data: dict[str, Any], rows: list[list[InlineKeyboardButton]]
) -> str:
    rows.append(
        [button(t(f"task-due-{p}"), TaskFormCb(action="due", value=p).pack()) for p in DUE_PRESETS]
    )
    if data.get("tf_cal"):
        today = await services.tasks.today()
        rows += month_rows(
            t,
            month_of(data["tf_cal"], today),
            today=today,
            earliest=today,
            on_day=lambda d: TaskFormCb(action="day", value=d.isoformat()).pack(),
            on_month=lambda m: TaskFormCb(action="cal", value=m.strftime("%Y-%m")).pack(),
        )
    else:
        rows.append([button(t("task-due-calendar"), TaskFormCb(action="due", value="cal").pack())])
    rows.append([button(t("task-due-none"), TaskFormCb(action="due", value="none").pack())])
    return _with_current(t, t("task-ask-due"), data.get("tf_due"))


async def _assignee_question(
    t: Localizer,
    actor: Actor,
    services: Services,
    data: dict[str, Any],
    rows: list[list[InlineKeyboardButton]],
) -> str:
    members = [m for m in await services.staff.active_members(actor) if m.id != actor.staff_id]
    shown = paginate(members, int(data.get("tf_ap") or 0), PICK_PER_PAGE)
    rows.append(
        [button(t("task-assign-me"), TaskFormCb(action="asg", value=str(actor.staff_id)).pack())]
    )
    for m in shown.items:
        mark = "▶️ " if m.id == data.get("tf_asg") else ""
        rows.append(
            [button(mark + short(m.name, 36), TaskFormCb(action="asg", value=str(m.id)).pack())]
        )
    rows.append(
        pager(shown.page, shown.pages, lambda p: TaskFormCb(action="asgp", value=str(p)).pack())
    )
    rows.append([button(t("task-assign-later"), TaskFormCb(action="asg", value="0").pack())])
    return t("task-ask-assignee")


async def _extra_question(
    t: Localizer,
    services: Services,
    data: dict[str, Any],
    f: FieldInfo,
    rows: list[list[InlineKeyboardButton]],
) -> str:
    current = (data.get("tf_x") or {}).get(str(f.id))
    if f.kind == "choice":
        for i, option in enumerate(f.choices):
            mark = "▶️ " if option == current else ""
            rows.append(
                [button(mark + short(option, 40), TaskFormCb(action="opt", value=str(i)).pack())]
            )
    if f.kind == "date":
        today = await services.tasks.today()
        rows += month_rows(
            t,
            month_of(data.get("tf_cal"), today),
            today=today,
            on_day=lambda d: TaskFormCb(action="day", value=d.isoformat()).pack(),
            on_month=lambda m: TaskFormCb(action="cal", value=m.strftime("%Y-%m")).pack(),
        )
    if not f.required:
        rows.append([button(t("form-skip"), TaskFormCb(action="skip").pack())])
    question = t(views.key("task-ask-extra", f.kind), name=f.name)
    question += "\n" + t("task-field-required-note" if f.required else "task-field-optional-note")
    return _with_current(t, question, short(current, 120))

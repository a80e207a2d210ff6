"""The buttons on an alert's message: Acknowledge, Snooze, Create task, Open miners.

The message itself changes through the outbox (in every chat that got it); the member who
tapped gets a toast. Create task and Open miners answer with a new message, so the alert
stays where it is.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import AlertCb
from handlers.tasks import form
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.miners.service import MinerFilter


def _message(query: CallbackQuery) -> Message | CallbackQuery:
    """Where a new screen goes: a new message in the alert's chat."""
    message = query.message
    return (
        message
        if isinstance(message, Message) and not isinstance(message, InaccessibleMessage)
        else query
    )


def router() -> Router:
    r = Router(name="alerts-actions")

    @r.callback_query(AlertCb.filter(F.action == "ack"))
    async def on_acknowledge(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await services.alerts.acknowledge(actor, callback_data.id)
        callback_answer.text = t("alert-acknowledged-toast")

    @r.callback_query(AlertCb.filter(F.action == "sz"))
    async def on_snooze(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        alert = await services.alerts.snooze(actor, callback_data.id, callback_data.value)
        zone = (await services.facility.get()).zone
        until = (
            alert.snoozed_until.astimezone(zone).strftime("%d.%m %H:%M")
            if alert.snoozed_until
            else "—"
        )
        callback_answer.text = t("alert-snoozed-toast", until=until)

    @r.callback_query(AlertCb.filter(F.action == "task"))
    async def on_task(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        origin = await services.alerts.task_from(actor, callback_data.id)
        boards = await services.task_managers.list(actor)
        board = next((b for b in boards if b.is_builtin), boards[0])
        repair = next((x for x in board.types if x.name == "Repair"), None)
        what = t(f"alert-what-{origin.kind}", count=len(origin.miner_ids))
        summary = await services.tasks.check_summary(
            actor, t("alert-task-summary", client=origin.client, what=what, id=str(origin.alert_id))
        )
        await form.clear(state)
        await state.update_data(
            tf_origin="alert",
            tf_mgr=board.id,
            tf_nf=len(board.fields),
            tf_type=repair.id if repair else None,
            tf_client=origin.client_id,
            tf_client_name=origin.client,
            tf_miners=list(origin.miner_ids),
            tf_summary=summary,
            tf_prio="high",
        )
        first = form.steps(await state.get_data())[0]
        await form.ask(_message(query), actor, t, services, state, first)

    @r.callback_query(AlertCb.filter(F.action == "miners"))
    async def on_miners(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        # imported here: the Miners list imports the Clients area, which imports Billing,
        # which imports the Miners list (a cycle that only this late import keeps out)
        from handlers.miners.browse import miners_list, save_filter

        alert_id = await services.alerts.miners_of(actor, callback_data.id)
        await state.set_state(None)
        await save_filter(state, MinerFilter(alert=alert_id))
        await miners_list(_message(query), actor, t, services, state, 0)

    return r

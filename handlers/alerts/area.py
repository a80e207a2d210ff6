"""The Alerts area: open, acknowledged and resolved alerts, newest first, filtered by client,
kind and state; each entry opens its miners. The filter lives in FSM data (`al_f`)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.alerts import views
from handlers.callbacks import AlertCb, MenuCb
from handlers.clients.views import short
from handlers.render import button, grid, pager, show
from locales import Localizer
from services.actor import Actor
from services.alerts.kinds import INCIDENT, MINER_KINDS
from services.alerts.service import STATUSES, AlertFilter
from services.container import Services
from services.permissions import Permission

PER_PAGE = 6


async def _filter(state: FSMContext) -> AlertFilter:
    saved = (await state.get_data()).get("al_f") or {}
    return AlertFilter.clean(saved.get("c"), saved.get("k"), saved.get("s"))


async def _save(state: FSMContext, f: AlertFilter) -> None:
    await state.update_data(al_f={"c": f.client_id, "k": f.kind, "s": f.status})


async def alerts_list(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int = 0,
) -> None:
    f = await _filter(state)
    result = await services.alerts.page(actor, f, page, PER_PAGE)
    zone = (await services.facility.get()).zone
    now = services.alerts.clock()
    parts = [t("alert-area-title", count=result.total)]
    if f.client_id is not None or f.kind or f.status:
        shown = []
        if f.client_id is not None:
            shown.append(t("alert-filter-client-set"))
        if f.kind:
            shown.append(t(f"alert-kind-{f.kind}"))
        if f.status:
            shown.append(t(f"alert-status-{f.status}", name="…"))
        parts.append(t("alert-area-filters", filters=", ".join(shown)))
    if not result.items:
        parts.append(t("alert-area-empty"))
    for line in result.items:
        parts.append(views.alert_line(t, line, zone, now - line.opened_at))
    rows: list[list[InlineKeyboardButton]] = []
    opens = [
        button(t("alert-area-open", id=str(line.id)), AlertCb(action="miners", id=line.id).pack())
        for line in result.items
    ]
    rows += grid(opens, 3)
    rows.append(pager(result.page, result.pages, lambda p: AlertCb(action="list", page=p).pack()))
    filters = []
    if actor.can(Permission.CLIENTS_VIEW):
        filters.append(button(t("alert-filter-client"), AlertCb(action="fc").pack()))
    filters += [
        button(t("alert-filter-kind"), AlertCb(action="fk").pack()),
        button(t("alert-filter-status"), AlertCb(action="fs").pack()),
    ]
    rows.append(filters)
    if f.client_id is not None or f.kind or f.status:
        rows.append([button(t("alert-filter-clear"), AlertCb(action="fx").pack())])
    if f.client_id and actor.can(Permission.CLIENTS_VIEW):
        on = await services.alerts.following(actor, f.client_id)
        rows.append(
            [
                button(
                    t("alert-unfollow" if on else "alert-follow"),
                    AlertCb(action="follow", id=f.client_id, value="off" if on else "on").pack(),
                )
            ]
        )
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, "\n\n".join(parts), [r for r in rows if r])


def router() -> Router:
    r = Router(name="alerts-area")

    @r.callback_query(AlertCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await alerts_list(query, actor, t, services, state, callback_data.page)

    @r.callback_query(AlertCb.filter(F.action == "client"))
    async def on_client(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """From a client's card: that client's alerts (and following them)."""
        await _save(state, AlertFilter(client_id=callback_data.id))
        await alerts_list(query, actor, t, services, state)

    @r.callback_query(AlertCb.filter(F.action == "follow"))
    async def on_follow(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        on = await services.alerts.follow(actor, callback_data.id, callback_data.value == "on")
        callback_answer.text = t("alert-followed" if on else "alert-unfollowed")
        await alerts_list(query, actor, t, services, state)

    @r.callback_query(AlertCb.filter(F.action.in_({"fc", "fk", "fs", "fx"})))
    async def on_filter(
        query: CallbackQuery,
        callback_data: AlertCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        f = await _filter(state)
        action, value = callback_data.action, callback_data.value
        if action == "fx":
            await _save(state, AlertFilter())
            await alerts_list(query, actor, t, services, state)
            return
        if value:
            if action == "fc":
                f = AlertFilter.clean(int(value) if value.isdigit() else None, f.kind, f.status)
            elif action == "fk":
                f = AlertFilter.clean(f.client_id, None if value == "-" else value, f.status)
            else:
                f = AlertFilter.clean(f.client_id, f.kind, None if value == "-" else value)
            await _save(state, f)
            await alerts_list(query, actor, t, services, state)
            return
        rows: list[list[InlineKeyboardButton]] = []
        if action == "fc":
            clients = await services.alerts.clients_with_alerts(actor)
            rows += [
                [button(short(name, 40), AlertCb(action="fc", value=str(cid)).pack())]
                for cid, name in clients[:20]
            ]
            rows.append([button(t("alert-no-client"), AlertCb(action="fc", value="0").pack())])
            question = t("alert-pick-client")
        elif action == "fk":
            rows += [
                [button(t(f"alert-kind-{k}"), AlertCb(action="fk", value=k).pack())]
                for k in (*MINER_KINDS, INCIDENT)
            ]
            rows.append([button(t("alert-any"), AlertCb(action="fk", value="-").pack())])
            question = t("alert-pick-kind")
        else:
            rows += [
                [button(t(f"alert-status-{s}", name="…"), AlertCb(action="fs", value=s).pack())]
                for s in STATUSES
            ]
            rows.append([button(t("alert-any"), AlertCb(action="fs", value="-").pack())])
            question = t("alert-pick-status")
        rows.append([button(t("back"), AlertCb(action="list").pack())])
        await show(query, question, rows)

    return r

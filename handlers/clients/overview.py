"""The Clients overview (search, my clients, sorting, pages), the card, its miners and logs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.alerts.links import client_alert_rows
from handlers.bills.links import client_bill_rows, client_estimate
from handlers.callbacks import (
    BillCb,
    ClientCb,
    ExportCb,
    MenuCb,
    MinerCb,
    TelemetryCb,
    WatcherCb,
)
from handlers.clients import views
from handlers.labels import error_text
from handlers.logs import log_entry
from handlers.miners.card import open_rows
from handlers.render import button, grid, pager, show
from handlers.states import ClientBrowse
from handlers.tasks.links import client_task_rows
from locales import Localizer
from services.actor import Actor
from services.clients.service import ClientQuery, ClientSummary
from services.container import Services
from services.errors import AreaClosed
from services.permissions import Permission

PER_PAGE = 8
MINERS_PER_PAGE = 10
LOGS_PER_PAGE = 6


async def _query(state: FSMContext) -> ClientQuery:
    data = await state.get_data()
    return ClientQuery(
        search=data.get("q"),
        mine=bool(data.get("mine")),
        sort=data.get("sort", "name"),
        archived=bool(data.get("arch")),
    )


async def back_to_list(state: FSMContext, keys: Iterable[str]) -> None:
    """Forget a form's answers (`keys`); the overview's search and filters stay."""
    forget = set(keys)
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if k not in forget})
    await state.set_state(ClientBrowse.list)


async def overview(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int = 0,
) -> None:
    query = await _query(state)
    result = await services.clients.overview(actor, query, page, PER_PAGE)
    await state.set_state(ClientBrowse.list)
    await state.update_data(page=result.page)

    header = [
        t("clients-archived-title", count=result.total)
        if query.archived
        else t("clients-title", count=result.total)
    ]
    if query.search:
        header.append(t("clients-search-shown", query=query.search))
    if query.mine:
        header.append(t("clients-mine-shown"))
    if result.items:
        header.append(views.legend(t))
        body = "\n\n".join(views.entry(t, c) for c in result.items)
    elif query.search or query.mine:
        body = t("clients-none-found")
    elif query.archived:
        body = t("clients-archived-empty")
    else:
        body = t("clients-empty")
    text = "\n".join(header) + "\n\n" + body + "\n\n" + t("clients-search-hint")

    rows: list[list[Any]] = []
    buttons = [
        button(f"#{c.id} {views.short(c.name, 22)}", ClientCb(action="card", id=c.id).pack())
        for c in result.items
    ]
    rows += grid(buttons, 2)
    rows.append(pager(result.page, result.pages, lambda p: ClientCb(action="list", page=p).pack()))
    rows.append(
        [
            button(
                t("clients-show-all") if query.mine else t("clients-show-mine"),
                ClientCb(action="mine").pack(),
            ),
            button(
                t("clients-sort-by-id") if query.sort == "name" else t("clients-sort-by-name"),
                ClientCb(action="sort").pack(),
            ),
        ]
    )
    if query.search:
        rows.append([button(t("clients-clear-search"), ClientCb(action="clear").pack())])
    rows.append(
        [
            button(
                t("clients-show-active") if query.archived else t("clients-show-archived"),
                ClientCb(action="arch").pack(),
            )
        ]
    )
    if actor.can(Permission.CLIENTS_ADD) and not query.archived:
        rows.append([button(t("clients-add"), ClientCb(action="add").pack())])
    if actor.can(Permission.CLIENTS_EXPORT):
        rows.append([button(t("clients-export"), ExportCb(action="new").pack())])
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, text, rows)


async def client_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    client_id: int,
    *,
    new: bool = False,
) -> None:
    c = await services.clients.card(actor, client_id)
    zone = (await services.facility.get()).zone
    if c.archived:
        await _archived_card(event, actor, t, c, zone, new=new)
        return
    rows: list[list[Any]] = [
        [
            button(
                t("client-miners", count=c.miners_total), ClientCb(action="miners", id=c.id).pack()
            )
        ]
    ]
    if actor.can(Permission.MINERS_VIEW):
        rows[0].append(button(t("client-miners-area"), MinerCb(action="open", id=c.id).pack()))
    actions = []
    if actor.can(Permission.CLIENTS_EDIT):
        actions.append(button(t("client-edit"), ClientCb(action="edit", id=c.id).pack()))
    if actor.can(Permission.LOGS_VIEW):
        actions.append(button(t("client-logs"), ClientCb(action="logs", id=c.id).pack()))
    if actor.can(Permission.CLIENTS_EXPORT):
        actions.append(button(t("client-export"), ExportCb(action="new", id=c.id).pack()))
    rows.append(actions)
    rows.append([button(t("telemetry-client-chart"), TelemetryCb(action="fleet", id=c.id).pack())])
    if actor.can(Permission.WATCHERS_MANAGE):
        rows.append([button(t("watchers-button"), WatcherCb(action="open", id=c.id).pack())])
    rows += client_task_rows(t, actor, c.id, c.tasks)
    rows += client_bill_rows(t, actor, c.id, c.bills)
    if actor.can(Permission.CLIENTS_EDIT):
        rows.append(
            [
                button(t("client-merge"), ClientCb(action="mg", id=c.id).pack()),
                button(t("client-archive"), ClientCb(action="ar", id=c.id).pack()),
            ]
        )
    rows += client_alert_rows(t, actor, c.id)
    rows.append([button(t("client-back-to-list"), ClientCb(action="back").pack())])
    estimate = await client_estimate(t, actor, services, c.id)
    text = views.card(t, c, zone) + (f"\n\n{estimate}" if estimate else "")
    await show(event, text, rows, new=new)


async def _archived_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    c: ClientSummary,
    zone: ZoneInfo,
    *,
    new: bool = False,
) -> None:
    """An archived client: its data, logs and bills stay; Restore (or, for a merged one, the
    client it was merged into)."""
    rows: list[list[Any]] = []
    if c.merged_into_id is not None:
        into = str(c.merged_into_id)
        rows.append(
            [button(t("client-open", id=into), ClientCb(action="card", id=c.merged_into_id).pack())]
        )
    elif actor.can(Permission.CLIENTS_EDIT):
        rows.append([button(t("client-restore"), ClientCb(action="rs", id=c.id).pack())])
    actions = []
    if actor.can(Permission.LOGS_VIEW):
        actions.append(button(t("client-logs"), ClientCb(action="logs", id=c.id).pack()))
    if actor.can(Permission.CLIENTS_EXPORT):
        actions.append(button(t("client-export"), ExportCb(action="new", id=c.id).pack()))
    rows.append(actions)
    if actor.can(Permission.BILLS_VIEW):
        rows.append(
            [button(t("client-bills", count=c.bills), BillCb(action="client", id=c.id).pack())]
        )
    rows.append([button(t("client-back-to-list"), ClientCb(action="back").pack())])
    text = views.archived_note(t, c, zone) + "\n\n" + views.card(t, c, zone)
    await show(event, text, rows, new=new)


def router() -> Router:
    r = Router(name="clients-overview")

    @r.callback_query(MenuCb.filter(F.area == "clients"))
    async def on_open(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        try:
            await overview(query, actor, t, services, state)
        except AreaClosed as closed:  # the seed's troubleshooting list, as a screen
            await show(
                query, error_text(t, closed), [[button(t("back-menu"), MenuCb(area="main").pack())]]
            )

    @r.callback_query(ClientCb.filter(F.action.in_({"list", "back"})))
    async def on_page(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        page = callback_data.page
        if callback_data.action == "back":
            page = int((await state.get_data()).get("page", 0))
        await overview(query, actor, t, services, state, page)

    @r.callback_query(ClientCb.filter(F.action.in_({"mine", "sort", "clear", "arch"})))
    async def on_filter(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        current = await _query(state)
        if callback_data.action == "mine":
            await state.update_data(mine=not current.mine)
        elif callback_data.action == "sort":
            await state.update_data(sort="id" if current.sort == "name" else "name")
        elif callback_data.action == "arch":
            await state.update_data(arch=not current.archived, page=0)
        else:
            await state.update_data(q=None)
        await overview(query, actor, t, services, state)

    @r.message(StateFilter(ClientBrowse.list), F.text, ~F.text.startswith("/"))
    async def on_search(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.update_data(q=(message.text or "").strip()[:64])
        await overview(message, actor, t, services, state)

    @r.callback_query(ClientCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await client_card(query, actor, t, services, callback_data.id)

    @r.callback_query(ClientCb.filter(F.action == "miners"))
    async def on_miners(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = await services.clients.card(actor, callback_data.id)
        result = await services.clients.miners(actor, c.id, callback_data.page, MINERS_PER_PAGE)
        lines = [
            t("client-miners-title", id=str(c.id), name=views.short(c.name, 40), count=result.total)
        ]
        first = result.page * MINERS_PER_PAGE + 1
        if result.items:
            lines.append(t("client-miners-legend"))
            lines += [f"{first + i}. {views.miner_line(m)}" for i, m in enumerate(result.items)]
        else:
            lines.append(t("client-miners-none"))
        rows = []
        if actor.can(Permission.MINERS_VIEW):
            ids = [m.id for m in result.items]
            rows += open_rows(t, ids, first, "c", c.id, result.page)
        rows += [
            pager(
                result.page,
                result.pages,
                lambda p: ClientCb(action="miners", id=c.id, page=p).pack(),
            ),
            [button(t("back"), ClientCb(action="card", id=c.id).pack())],
        ]
        await show(query, "\n".join(lines), rows)

    @r.callback_query(ClientCb.filter(F.action == "logs"))
    async def on_logs(
        query: CallbackQuery,
        callback_data: ClientCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = await services.clients.card(actor, callback_data.id)
        result = await services.clients.logs(actor, c.id, callback_data.page, LOGS_PER_PAGE)
        zone = (await services.facility.get()).zone
        parts = [t("client-logs-title", id=str(c.id), name=views.short(c.name, 40))]
        parts += [log_entry(t, e, zone) for e in result.items] or [t("client-logs-none")]
        rows = [
            pager(
                result.page, result.pages, lambda p: ClientCb(action="logs", id=c.id, page=p).pack()
            ),
            [button(t("back"), ClientCb(action="card", id=c.id).pack())],
        ]
        await show(query, "\n\n".join(parts), rows)

    return r

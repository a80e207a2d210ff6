"""The Miners list: pages, filters (client, status, paid), search, and ticking miners.

The filter, the page and the selection live in FSM data (`mn_f`, `mn_page`, `mn_sel`), never in
callback data: buttons carry an action and an id only. The numbered buttons under the list open
each miner's card (🔎 n); a member who can act on miners switches them to ticks (⬜ n) on the
Actions screen and back (`mn_tick`), so the list keeps one row of numbers on a phone's screen.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message

from handlers.callbacks import MenuCb, MinerCb
from handlers.clients.views import PAID_ICONS, STATUS_ICONS, short
from handlers.miners import views
from handlers.miners.card import open_rows
from handlers.render import button, grid, pager, show
from handlers.states import MinerBrowse
from locales import Localizer
from services.actor import Actor
from services.clients.service import MINER_STATUSES
from services.container import Services
from services.errors import NotFound
from services.miners.service import ClientRef, MinerFilter, Selection
from services.permissions import Permission

PER_PAGE = 10
TICKS_PER_ROW = 5


async def current(state: FSMContext) -> tuple[MinerFilter, Selection, int]:
    data = await state.get_data()
    return (
        MinerFilter.from_dict(data.get("mn_f")),
        Selection.from_dict(data.get("mn_sel")),
        int(data.get("mn_page") or 0),
    )


async def save_filter(state: FSMContext, f: MinerFilter) -> None:
    await state.update_data(mn_f=f.as_dict(), mn_page=0)


async def save_selection(state: FSMContext, selection: Selection) -> None:
    await state.update_data(mn_sel=selection.as_dict())


async def ticking(state: FSMContext) -> bool:
    """Whether the list's numbered buttons tick miners (else they open their cards)."""
    return bool((await state.get_data()).get("mn_tick"))


async def with_selection(
    text: str, actor: Actor, t: Localizer, services: Services, state: FSMContext
) -> str:
    """`text` and the selection count under it: the count stays visible on every screen."""
    _, selection, _ = await current(state)
    count = await services.miners.count_selected(actor, selection)
    return f"{text}\n\n{t('miners-selected', count=count)}"


def can_act(actor: Actor) -> bool:
    return actor.can(Permission.MINERS_EDIT_CLIENT) or actor.can(Permission.MINERS_PAYMENT_STATUS)


def actions_button(t: Localizer, selected: int) -> InlineKeyboardButton:
    """ "🛠 Actions (3)": the count it shows rides along, so a tap on an older message whose
    count is no longer true says so instead of acting on a selection the member did not see."""
    label = t("miners-actions", count=selected) if selected else t("miners-actions-open")
    return button(label, MinerCb(action="acts", arg=str(selected)).pack())


async def miners_list(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int | None = None,
    *,
    note: str | None = None,
) -> None:
    """The list screen, on `page` (default: the page last shown)."""
    f, selection, last_page = await current(state)
    client: ClientRef | None = None
    if f.client_id:
        try:
            client = await services.miners.client(actor, f.client_id)
        except NotFound:  # the client is gone: drop that filter
            f = MinerFilter(None, f.status, f.paid, f.search, f.alert)
            await save_filter(state, f)
    result = await services.miners.page(actor, f, last_page if page is None else page, PER_PAGE)
    ids = [m.id for m in result.items]
    ticked = await services.miners.selected_among(actor, selection, ids)
    selected = await services.miners.count_selected(actor, selection)
    await state.set_state(MinerBrowse.list)
    await state.update_data(mn_page=result.page)

    # What fits a phone: one set of numbered buttons (🔎 n opens a miner's card; ⬜ n ticks it,
    # for a member who can act and switched to ticking), the pager, the filters (and Clear when
    # some are set), then "🛠 Actions" (ticking or opening, selecting by filter or list, clearing,
    # importing and the mass actions are all behind it) beside Menu.
    rows: list[list[Any]] = []
    tick_mode = can_act(actor) and await ticking(state)
    if tick_mode:
        ticks = [
            button(
                f"{'☑️' if m.id in ticked else '⬜'} {result.page * PER_PAGE + i}",
                MinerCb(action="tick", id=m.id, page=result.page).pack(),
            )
            for i, m in enumerate(result.items, 1)
        ]
        rows += grid(ticks, TICKS_PER_ROW)
    else:
        rows += open_rows(t, ids, result.page * PER_PAGE + 1, "l")
    rows.append(pager(result.page, result.pages, lambda p: MinerCb(action="list", page=p).pack()))
    paid_label = {
        None: t("miners-paid-any"),
        True: t("miners-paid-only", icon=PAID_ICONS[True]),
        False: t("miners-unpaid-only", icon=PAID_ICONS[False]),
    }[f.paid]
    rows.append(
        [
            button(t("miners-by-client-button"), MinerCb(action="fc").pack()),
            button(t("miners-status-button"), MinerCb(action="fs").pack()),
            button(paid_label, MinerCb(action="fp").pack()),
        ]
    )
    if f.active:
        rows.append([button(t("miners-clear-filters"), MinerCb(action="fx").pack())])
    last = []
    if result.total == 0 and not f.active and actor.can(Permission.MINERS_IMPORT):
        last.append(button(t("miners-import"), MinerCb(action="imp").pack()))
    elif can_act(actor) or actor.can(Permission.MINERS_IMPORT):
        last.append(actions_button(t, selected))
    last.append(button(t("back-menu"), MenuCb(area="main").pack()))
    rows.append(last)
    hint = t("miners-tick-hint") if tick_mode else t("miners-open-hint")
    await show(event, views.list_text(t, result, f, client, selected, note, hint), rows)


def router() -> Router:
    r = Router(name="miners-browse")

    @r.callback_query(MenuCb.filter(F.area == "miners"))
    async def on_open(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        actor.require(Permission.MINERS_VIEW)
        await state.clear()
        await miners_list(query, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "open"))
    async def on_open_client(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """From a client's card: the Miners area showing that client's miners."""
        client = await services.miners.client(actor, callback_data.id)
        await state.clear()
        await save_filter(state, MinerFilter(client_id=client.id))
        await miners_list(query, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "list"))
    async def on_page(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await miners_list(query, actor, t, services, state, callback_data.page)

    @r.callback_query(MinerCb.filter(F.action == "back"))
    async def on_back(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await miners_list(query, actor, t, services, state)

    @r.message(StateFilter(MinerBrowse.list), F.text, ~F.text.startswith("/"))
    async def on_search(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        f, _, _ = await current(state)
        query = " ".join((message.text or "").split())[:64] or None
        await save_filter(state, MinerFilter(f.client_id, f.status, f.paid, query, f.alert))
        await miners_list(message, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "tick"))
    async def on_tick(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        _, selection, _ = await current(state)
        selection = await services.miners.toggle(actor, selection, callback_data.id)
        await save_selection(state, selection)
        await miners_list(query, actor, t, services, state, callback_data.page)

    @r.callback_query(MinerCb.filter(F.action == "clr"))
    async def on_clear_selection(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await save_selection(state, Selection())
        await state.update_data(mn_tick=False)  # nothing ticked: the numbers open cards again
        await miners_list(query, actor, t, services, state)

    @r.callback_query(MinerCb.filter(F.action == "fx"))
    async def on_clear_filters(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await save_filter(state, MinerFilter())
        await miners_list(query, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "fp"))
    async def on_paid_filter(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        f, _, _ = await current(state)
        paid = {None: True, True: False, False: None}[f.paid]
        await save_filter(state, MinerFilter(f.client_id, f.status, paid, f.search, f.alert))
        await miners_list(query, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "fs"))
    async def on_status_picker(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        rows = [[button(t("miners-status-any"), MinerCb(action="fss").pack())]]
        statuses = [
            button(f"{STATUS_ICONS[s]} {t(f'status-{s}')}", MinerCb(action="fss", arg=s).pack())
            for s in MINER_STATUSES
        ]
        rows += grid(statuses, 2)
        rows.append([button(t("back"), MinerCb(action="back").pack())])
        await show(
            query, await with_selection(t("miners-status-ask"), actor, t, services, state), rows
        )

    @r.callback_query(MinerCb.filter((F.action == "fss") & F.arg.in_({"", *MINER_STATUSES})))
    async def on_status(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        f, _, _ = await current(state)
        status = callback_data.arg or None  # the filter admits known statuses only
        await save_filter(state, MinerFilter(f.client_id, status, f.paid, f.search, f.alert))
        await miners_list(query, actor, t, services, state, 0)

    @r.callback_query(MinerCb.filter(F.action == "fc"))
    async def on_client_ask(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.set_state(MinerBrowse.client)
        text = await with_selection(t("miners-client-ask"), actor, t, services, state)
        await show(query, text, _client_buttons(t))

    @r.message(StateFilter(MinerBrowse.client), F.text, ~F.text.startswith("/"))
    async def on_client_text(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        found = await services.miners.find_clients(actor, message.text or "")
        if len(found) == 1:
            await _set_client(state, found[0].id)
            await miners_list(message, actor, t, services, state, 0)
            return
        if not found:
            await show(message, t("miners-client-not-found"), _client_buttons(t))
            return
        rows = [
            [button(f"#{c.id} {short(c.name, 30)}", MinerCb(action="fcs", id=c.id).pack())]
            for c in found
        ]
        await show(message, t("miners-client-choose"), rows + _client_buttons(t))

    @r.callback_query(MinerCb.filter(F.action.in_({"fcs", "fcn", "fca"})))
    async def on_client_chosen(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if callback_data.action == "fcs":
            client = await services.miners.client(actor, callback_data.id)
            await _set_client(state, client.id)
        else:
            await _set_client(state, 0 if callback_data.action == "fcn" else None)
        await miners_list(query, actor, t, services, state, 0)

    return r


def _client_buttons(t: Localizer) -> list[list[Any]]:
    return [
        [
            button(t("miners-client-none"), MinerCb(action="fcn").pack()),
            button(t("miners-client-any"), MinerCb(action="fca").pack()),
        ],
        [button(t("back"), MinerCb(action="back").pack())],
    ]


async def _set_client(state: FSMContext, client_id: int | None) -> None:
    f, _, _ = await current(state)
    await save_filter(state, MinerFilter(client_id, f.status, f.paid, f.search, f.alert))

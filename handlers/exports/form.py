"""Export client data: 1) clients — all, or ticked in a searchable list (from a card: that
client); 2) the period — a preset or from–to on a calendar; 3) the data to include; Download.

The answers are kept in the FSM data under ``ex_*`` keys (the Clients overview's own search and
filters stay untouched); Cancel removes them and goes back to where the form was opened. Every
choice is checked again by the service when the export is requested.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ExportCb, MenuCb
from handlers.clients.overview import client_card, overview
from handlers.clients.views import short
from handlers.exports.calendar import calendar_rows, parse_month
from handlers.exports.files import show_files
from handlers.exports.texts import clients_text, kind_label, period_text
from handlers.menu import main_menu
from handlers.render import button, pager, show
from handlers.states import ExportForm
from locales import Html, Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid, NotFound
from services.exports.periods import PRESETS, Period, parse_day
from services.exports.service import MAX_CLIENTS
from services.exports.sheets import KINDS

PER_PAGE = 8
FORM_KEYS = (
    "ex_from",  # where the form was opened: clients | card | files
    "ex_card",  # the client whose card it was opened from
    "ex_all",
    "ex_ids",
    "ex_q",
    "ex_page",
    "ex_preset",
    "ex_start",
    "ex_end",
    "ex_first",  # calendar: the first day tapped
    "ex_last",  # calendar: the last day tapped
    "ex_kinds",
)


async def _forget(state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if k not in FORM_KEYS})
    await state.set_state(None)


def _title(t: Localizer, step: int) -> str:
    return t("export-title", step=step)


def _nav(t: Localizer, back: str) -> list[Any]:
    return [
        button(t("back"), ExportCb(action="back", arg=back).pack()),
        button(t("cancel"), ExportCb(action="cancel").pack()),
    ]


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


async def _clients(t: Localizer, actor: Actor, services: Services, data: dict[str, Any]) -> Html:
    if data.get("ex_all"):
        return clients_text(
            t, everyone=True, count=await services.exports.count_clients(actor), names=[]
        )
    ids = list(data.get("ex_ids") or [])
    names = [(c.id, c.name) for c in await services.exports.chosen(actor, ids[:10])]
    return clients_text(t, everyone=False, count=len(ids), names=names)


async def begin(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    *,
    origin: str,
    client_id: int = 0,
) -> None:
    """Open the form (from the overview, a client's card or the Exports list)."""
    await services.exports.start(actor)
    await _forget(state)
    await state.update_data(
        ex_from=origin, ex_card=client_id, ex_all=False, ex_ids=[], ex_kinds=list(KINDS)
    )
    if client_id:
        if not await services.exports.chosen(actor, [client_id]):
            raise NotFound("client", client_id)
        await state.update_data(ex_ids=[client_id])
        await ask_period(event, actor, t, services, state)
        return
    await ask_clients(event, actor, t, services, state)


async def ask_clients(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
) -> None:
    await state.set_state(ExportForm.clients)
    count = await services.exports.count_clients(actor)
    rows = [
        [button(t("export-all-clients", count=count), ExportCb(action="all").pack())],
        [button(t("export-pick-clients"), ExportCb(action="pick").pack())],
        [button(t("cancel"), ExportCb(action="cancel").pack())],
    ]
    await show(event, _title(t, 1) + "\n" + t("export-ask-clients"), rows)


async def show_picker(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int | None = None,
) -> None:
    await state.set_state(ExportForm.clients)
    data = await state.get_data()
    ids = set(data.get("ex_ids") or [])
    search = data.get("ex_q")
    result = await services.exports.choices(
        actor, search, data.get("ex_page", 0) if page is None else page, PER_PAGE
    )
    await state.update_data(ex_page=result.page)
    lines = [_title(t, 1), t("export-pick", count=len(ids))]
    if search:
        lines.append(t("export-pick-search", query=search))
    if not result.items:
        lines.append(t("export-pick-none") if search else t("export-pick-empty"))
    lines.append(t("export-pick-hint"))
    rows: list[list[Any]] = [
        [
            button(
                f"{'✅' if c.id in ids else '▫️'} #{c.id} {short(c.name, 30)}",
                ExportCb(action="tick", id=c.id).pack(),
            )
        ]
        for c in result.items
    ]
    rows.append(pager(result.page, result.pages, lambda p: ExportCb(action="pg", page=p).pack()))
    if search:
        rows.append([button(t("export-pick-clear"), ExportCb(action="clr").pack())])
    if ids:
        rows.append([button(t("export-pick-next", count=len(ids)), ExportCb(action="next").pack())])
    rows.append(_nav(t, "clients"))
    await show(event, "\n".join(lines), rows)


async def ask_period(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
) -> None:
    await state.set_state(ExportForm.period)
    data = await state.get_data()
    text = (
        _title(t, 2)
        + "\n"
        + t("export-ask-period", clients=await _clients(t, actor, services, data))
    )

    def preset(name: str) -> Any:
        label = t(f"export-period-{name.replace('_', '-')}")
        return button(label, ExportCb(action="per", arg=name).pack())

    rows = [
        [preset("this_month"), preset("last_month")],
        [preset("last_7"), preset("last_30")],
        [button(t("export-period-custom"), ExportCb(action="cal").pack())],
        _nav(t, "card" if data.get("ex_card") else "pick" if not data.get("ex_all") else "clients"),
    ]
    await show(event, text, rows)


async def show_calendar(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    month_arg: str = "",
) -> None:
    await state.set_state(ExportForm.period)
    data = await state.get_data()
    today = await services.exports.start(actor)
    first, last = _day(data.get("ex_first")), _day(data.get("ex_last"))
    month = parse_month(month_arg, last or first or today)
    if first and last:
        hint = t("export-calendar-both", **{"from": first.isoformat(), "to": last.isoformat()})
    elif first:
        hint = t("export-calendar-last", **{"from": first.isoformat()})
    else:
        hint = t("export-calendar-first")
    rows = calendar_rows(t, month, today=today, first=first, last=last)
    if first and last:
        label = t("export-calendar-use", **{"from": first.isoformat(), "to": last.isoformat()})
        rows.append([button(label, ExportCb(action="use").pack())])
    rows.append(_nav(t, "period"))
    await show(event, _title(t, 2) + "\n" + hint, rows)


async def ask_kinds(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
) -> None:
    await state.set_state(ExportForm.kinds)
    data = await state.get_data()
    period = Period(date.fromisoformat(data["ex_start"]), date.fromisoformat(data["ex_end"]))
    text = (
        _title(t, 3)
        + "\n"
        + t(
            "export-ask-kinds",
            clients=await _clients(t, actor, services, data),
            period=period_text(t, period, data.get("ex_preset")),
        )
    )
    chosen = set(data.get("ex_kinds") or [])
    rows: list[list[Any]] = [
        [
            button(
                f"{'✅' if kind in chosen else '▫️'} {kind_label(t, kind)}",
                ExportCb(action="kind", arg=kind).pack(),
            )
        ]
        for kind in KINDS
    ]
    rows.append([button(t("export-download"), ExportCb(action="go").pack())])
    rows.append(_nav(t, "period"))
    await show(event, text, rows)


async def _leave(
    query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
) -> None:
    """Back to where the form was opened; the form's answers are forgotten."""
    data = await state.get_data()
    origin, card = data.get("ex_from"), int(data.get("ex_card") or 0)
    await _forget(state)
    if origin == "card" and card:
        await client_card(query, actor, t, services, card)
    elif origin == "clients":
        await overview(query, actor, t, services, state, int(data.get("page", 0)))
    elif origin == "files":
        await show_files(query, actor, t, services)
    else:
        await main_menu(query, actor, t, services)


def router() -> Router:
    r = Router(name="exports-form")

    @r.callback_query(ExportCb.filter(F.action == "new"))
    async def on_new(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        origin = "card" if callback_data.id else callback_data.arg or "clients"
        await begin(query, actor, t, services, state, origin=origin, client_id=callback_data.id)

    form = StateFilter(ExportForm.clients, ExportForm.period, ExportForm.kinds)

    @r.callback_query(form, ExportCb.filter(F.action == "cancel"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        callback_answer.text = t("form-cancelled")
        await _leave(query, actor, t, services, state)

    @r.callback_query(form, ExportCb.filter(F.action == "back"))
    async def on_back(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        target = callback_data.arg
        if target == "card":
            await _leave(query, actor, t, services, state)
        elif target == "pick":
            await show_picker(query, actor, t, services, state)
        elif target == "period":
            await ask_period(query, actor, t, services, state)
        else:
            await state.update_data(ex_all=False)
            await ask_clients(query, actor, t, services, state)

    # --- step 1: clients -------------------------------------------------------------------

    @r.callback_query(StateFilter(ExportForm.clients), ExportCb.filter(F.action == "all"))
    async def on_all(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.update_data(ex_all=True)
        await ask_period(query, actor, t, services, state)

    @r.callback_query(
        StateFilter(ExportForm.clients), ExportCb.filter(F.action.in_({"pick", "pg", "clr"}))
    )
    async def on_picker(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        page = callback_data.page if callback_data.action == "pg" else None
        if callback_data.action == "clr":
            await state.update_data(ex_q=None, ex_page=0)
        await state.update_data(ex_all=False)
        await show_picker(query, actor, t, services, state, page)

    @r.callback_query(StateFilter(ExportForm.clients), ExportCb.filter(F.action == "tick"))
    async def on_tick(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        ids = list((await state.get_data()).get("ex_ids") or [])
        if callback_data.id in ids:
            ids.remove(callback_data.id)
        elif len(ids) >= MAX_CLIENTS:
            callback_answer.text = t("invalid-clients-too-many", max=MAX_CLIENTS)
            callback_answer.show_alert = True
            return
        else:
            ids.append(callback_data.id)
        await state.update_data(ex_ids=ids)
        await show_picker(query, actor, t, services, state)

    @r.message(StateFilter(ExportForm.clients), F.text, ~F.text.startswith("/"))
    async def on_search(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.update_data(ex_q=(message.text or "").strip()[:64] or None, ex_all=False)
        await show_picker(message, actor, t, services, state, 0)

    @r.callback_query(StateFilter(ExportForm.clients), ExportCb.filter(F.action == "next"))
    async def on_next(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        ids = (await state.get_data()).get("ex_ids") or []
        if not ids:
            await show_picker(query, actor, t, services, state)
            return
        await ask_period(query, actor, t, services, state)

    # --- step 2: the period ----------------------------------------------------------------

    @r.callback_query(
        StateFilter(ExportForm.period), ExportCb.filter((F.action == "per") & F.arg.in_(PRESETS))
    )
    async def on_preset(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        name = callback_data.arg
        period = await services.exports.period(actor, preset=name)
        await state.update_data(
            ex_preset=name, ex_start=period.start.isoformat(), ex_end=period.end.isoformat()
        )
        await ask_kinds(query, actor, t, services, state)

    @r.callback_query(StateFilter(ExportForm.period), ExportCb.filter(F.action == "cal"))
    async def on_calendar(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await show_calendar(query, actor, t, services, state, callback_data.arg)

    @r.callback_query(StateFilter(ExportForm.period), ExportCb.filter(F.action == "day"))
    async def on_day(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        day = parse_day(callback_data.arg)
        data = await state.get_data()
        first, last = _day(data.get("ex_first")), _day(data.get("ex_last"))
        if first is None or last is not None:
            await services.exports.period(actor, start=day, end=day)  # refuses a day to come
            await state.update_data(ex_first=day.isoformat(), ex_last=None)
        else:
            try:
                await services.exports.period(actor, start=first, end=day)  # first ≤ last ≤ today
            except Invalid as exc:
                if exc.reason != "order":
                    raise
                # An earlier day than the first: it is the first day now (and the member told).
                await services.exports.period(actor, start=day, end=day)
                await state.update_data(ex_first=day.isoformat())
                callback_answer.text = t("export-calendar-new-first", day=day.isoformat())
                callback_answer.show_alert = True
            else:
                await state.update_data(ex_last=day.isoformat())
        await show_calendar(query, actor, t, services, state, f"{day:%Y%m}")

    @r.callback_query(StateFilter(ExportForm.period), ExportCb.filter(F.action == "use"))
    async def on_use(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        period = await services.exports.period(
            actor, start=_day(data.get("ex_first")), end=_day(data.get("ex_last"))
        )
        await state.update_data(
            ex_preset=None, ex_start=period.start.isoformat(), ex_end=period.end.isoformat()
        )
        await ask_kinds(query, actor, t, services, state)

    # --- step 3: the data, and Download ----------------------------------------------------

    @r.callback_query(StateFilter(ExportForm.kinds), ExportCb.filter(F.action == "kind"))
    async def on_kind(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        kinds = list((await state.get_data()).get("ex_kinds") or [])
        if callback_data.arg in kinds:
            kinds.remove(callback_data.arg)
        elif callback_data.arg in KINDS:
            kinds.append(callback_data.arg)
        await state.update_data(ex_kinds=kinds)
        await ask_kinds(query, actor, t, services, state)

    @r.callback_query(StateFilter(ExportForm.kinds), ExportCb.filter(F.action == "go"))
    async def on_go(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        preset = data.get("ex_preset")
        job = await services.exports.request(
            actor,
            clients=None if data.get("ex_all") else list(data.get("ex_ids") or []),
            kinds=list(data.get("ex_kinds") or []),
            preset=preset,
            start=None if preset else _day(data.get("ex_start")),
            end=None if preset else _day(data.get("ex_end")),
        )
        await _forget(state)
        rows = [
            [button(t("open-exports"), ExportCb(action="files").pack())],
            [button(t("back-menu"), MenuCb(area="main").pack())],
        ]
        await show(query, t("export-queued", id=str(job.id)), rows)

    @r.message(StateFilter(ExportForm.period, ExportForm.kinds), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_button(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    return r

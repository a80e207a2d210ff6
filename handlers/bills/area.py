"""The Billing area: bills filtered by status (overdue first), month, client and manager, with
what is owed per currency; a bill's card with its buttons; download; credit; cancel; removing
a payment; and the actions the bill notices offer."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.bills import views
from handlers.bills.states import BillBrowse, BillForm
from handlers.callbacks import BillCb, ClientCb, MenuCb
from handlers.clients.views import short
from handlers.labels import error_text
from handlers.render import button, grid, pager, show
from locales import Localizer, Translations
from services.actor import Actor
from services.bills.lines import STATUSES
from services.bills.service import BillQuery
from services.container import Services
from services.errors import AreaClosed
from services.permissions import Permission

PER_PAGE = 8
FILTER_KEYS = ("bl_s", "bl_p", "bl_c", "bl_m")


async def _query(state: FSMContext) -> BillQuery:
    data = await state.get_data()
    return BillQuery(
        status=data.get("bl_s"),
        period=data.get("bl_p"),
        client_id=data.get("bl_c"),
        mine=bool(data.get("bl_m")),
    )


async def bills_list(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    page: int = 0,
    *,
    note: str | None = None,
) -> None:
    query = await _query(state)
    result = await services.bills.browse(actor, query, page, PER_PAGE)
    await state.update_data(bl_page=result.page.page)
    head = [t("bills-title", count=result.page.total), views.owed(t, result.owed)]
    shown = []
    if query.status:
        shown.append(views.status(t, query.status))
    if query.period:
        shown.append(views.period(t, query.period))
    if query.client_id is not None:
        shown.append(f"#{query.client_id}")
    if query.mine:
        shown.append(t("bills-filter-mine-shown"))
    if shown:
        head.append(t("bills-filters-shown", filters=" · ".join(shown)))
    body = "\n\n".join(views.entry(t, s) for s in result.page.items) or t("bills-none")
    text = "\n".join(head) + "\n\n" + body
    if note:
        text = note + "\n\n" + text
    rows: list[list[Any]] = []
    items = [
        button(
            f"{views.STATUS_ICONS.get(s.status, '')} #{s.id} {short(s.client, 18)}",
            BillCb(action="card", id=s.id).pack(),
        )
        for s in result.page.items
    ]
    rows += grid(items, 2)
    rows.append(
        pager(result.page.page, result.page.pages, lambda p: BillCb(action="list", page=p).pack())
    )
    rows.append(
        [
            button(t("bills-filter-status"), BillCb(action="fs").pack()),
            button(t("bills-filter-period"), BillCb(action="fp").pack()),
        ]
    )
    rows.append(
        [
            button(t("bills-filter-client"), BillCb(action="fc").pack()),
            button(
                t("bills-filter-all-managers") if query.mine else t("bills-filter-mine"),
                BillCb(action="fm").pack(),
            ),
        ]
    )
    if query != BillQuery():
        rows.append([button(t("bills-filter-clear"), BillCb(action="fx").pack())])
    if actor.can(Permission.BILLS_EDIT):
        rows.append([button(t("bills-metered"), BillCb(action="met").pack())])
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, text, rows)


async def bill_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    bill_id: int,
    *,
    note: str | None = None,
    new: bool = False,
) -> None:
    c = await services.bills.card(actor, bill_id)
    text = views.card(t, c)
    if note:
        text = note + "\n\n" + text
    rows: list[list[Any]] = []
    open_bill = c.summary.status != "cancelled"
    if actor.can(Permission.BILLS_EDIT) and open_bill:
        rows.append(
            [
                button(t("bills-add-payment"), BillCb(action="pay", id=c.id).pack()),
                button(t("bills-edit"), BillCb(action="edit", id=c.id).pack()),
            ]
        )
        if c.credit and c.summary.due:
            rows.append(
                [
                    button(
                        t("bills-use-credit", amount=views.money(t, c.credit, c.summary.currency)),
                        BillCb(action="credit", id=c.id).pack(),
                    )
                ]
            )
    actions = [button(t("bills-download"), BillCb(action="dl", id=c.id).pack())]
    if actor.can(Permission.BILLS_EDIT) and c.payments:
        actions.append(button(t("bills-remove-payment"), BillCb(action="rmp", id=c.id).pack()))
    rows.append(actions)
    if actor.can(Permission.BILLS_EDIT) and open_bill:
        rows.append([button(t("bills-cancel-bill"), BillCb(action="cx", id=c.id).pack())])
    rows.append(
        [
            button(t("back"), BillCb(action="back").pack()),
            button(
                t("bills-open-client", id=str(c.summary.client_id)),
                ClientCb(action="card", id=c.summary.client_id).pack(),
            ),
        ]
    )
    await show(event, text, rows, new=new)


def router() -> Router:
    r = Router(name="bills-area")

    @r.callback_query(BillCb.filter(F.action == "area"))
    async def on_open(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        try:
            await bills_list(query, actor, t, services, state)
        except AreaClosed as closed:
            await show(
                query, error_text(t, closed), [[button(t("back-menu"), MenuCb(area="main").pack())]]
            )

    @r.callback_query(BillCb.filter(F.action == "client"))
    async def on_client(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """The client card's "Bills (n)": that client's bills."""
        await state.clear()
        await state.update_data(bl_c=callback_data.id)
        await bills_list(query, actor, t, services, state)

    @r.callback_query(BillCb.filter(F.action.in_({"list", "back"})))
    async def on_page(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        page = callback_data.page
        if callback_data.action == "back":
            await state.set_state(None)
            page = int((await state.get_data()).get("bl_page") or 0)
        await bills_list(query, actor, t, services, state, page)

    @r.callback_query(BillCb.filter(F.action == "fs"))
    async def on_status_filter(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        await services.bills.browse(actor, BillQuery(), 0, 1)  # the gate, before the picker
        codes = ["", *STATUSES]
        picks = [
            button(
                views.status(t, code) if code else t("bills-filter-all"),
                BillCb(action="fsv", arg=code).pack(),
            )
            for code in codes
        ]
        rows = grid(picks, 2)
        rows.append([button(t("back"), BillCb(action="back").pack())])
        await show(query, t("bills-ask-status"), rows)

    @r.callback_query(BillCb.filter(F.action == "fp"))
    async def on_period_filter(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        periods = await services.bills.periods(actor)
        picks = [button(t("bills-filter-all"), BillCb(action="fpv").pack())]
        picks += [button(views.period(t, p), BillCb(action="fpv", arg=p).pack()) for p in periods]
        rows = grid(picks, 2)
        rows.append([button(t("back"), BillCb(action="back").pack())])
        await show(query, t("bills-ask-period"), rows)

    @r.callback_query(BillCb.filter(F.action.in_({"fsv", "fpv", "fm", "fx", "fcv"})))
    async def on_filter(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        action, arg = callback_data.action, callback_data.arg
        await state.set_state(None)
        if action == "fsv":
            await state.update_data(bl_s=arg if arg in STATUSES else None)
        elif action == "fpv":
            await state.update_data(bl_p=arg or None)
        elif action == "fm":
            await state.update_data(bl_m=not (await _query(state)).mine)
        elif action == "fcv":
            await state.update_data(bl_c=callback_data.id or None)
        else:
            await state.update_data(**dict.fromkeys(FILTER_KEYS))
        await bills_list(query, actor, t, services, state)

    @r.callback_query(BillCb.filter(F.action == "fc"))
    async def on_client_filter(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await services.bills.browse(actor, BillQuery(), 0, 1)
        await state.set_state(BillBrowse.client)
        rows = [
            [button(t("bills-filter-all"), BillCb(action="fcv").pack())],
            [button(t("back"), BillCb(action="back").pack())],
        ]
        await show(query, t("bills-ask-client"), rows)

    @r.message(StateFilter(BillBrowse.client), F.text, ~F.text.startswith("/"))
    async def on_client_typed(
        message: Message, actor: Actor, t: Localizer, services: Services
    ) -> None:
        found = await services.miners.find_clients(actor, message.text or "")
        rows = [
            [button(f"#{c.id} {short(c.name, 30)}", BillCb(action="fcv", id=c.id).pack())]
            for c in found
        ]
        rows.append([button(t("back"), BillCb(action="back").pack())])
        text = t("bills-pick-client") if found else t("bills-no-client-found")
        await show(message, text, rows)

    @r.callback_query(BillCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if await state.get_state() is not None:
            await state.set_state(None)
        await bill_card(query, actor, t, services, callback_data.id)

    @r.callback_query(BillCb.filter(F.action == "dl"))
    async def on_download(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        translations: Translations,
        bot: Bot,
        callback_answer: CallbackAnswer,
    ) -> None:
        docs = await services.bills.documents(actor, callback_data.id, translations.get)
        caption = t("bills-download-caption", id=str(callback_data.id))
        await bot.send_document(
            query.from_user.id,
            BufferedInputFile(docs.pdf, docs.pdf_name),
            caption=caption,
        )
        await bot.send_document(
            query.from_user.id,
            BufferedInputFile(docs.xlsx, docs.xlsx_name),
            caption=t("bills-evidence-caption", rows=docs.evidence_rows),
        )
        callback_answer.text = t("bills-download-sent")

    @r.callback_query(BillCb.filter(F.action == "credit"))
    async def on_credit(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        card = await services.bills.use_credit(actor, callback_data.id)
        note = t("bills-credit-used", paid=views.money(t, card.summary.paid, card.summary.currency))
        await bill_card(query, actor, t, services, card.id, note=note)

    @r.callback_query(BillCb.filter(F.action == "rmp"))
    async def on_remove_payment(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        c = await services.bills.card(actor, callback_data.id)
        rows = [
            [
                button(
                    f"🗑 {views.day(t, p.paid_on)} · {views.money(t, p.amount, c.summary.currency)}",
                    BillCb(action="rmpy", id=c.id, arg=str(p.id)).pack(),
                )
            ]
            for p in c.payments
        ]
        rows.append([button(t("back"), BillCb(action="card", id=c.id).pack())])
        await show(query, t("bills-ask-remove-payment"), rows)

    @r.callback_query(BillCb.filter(F.action == "rmpy"))
    async def on_remove_payment_confirmed(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        payment_id = int(callback_data.arg) if callback_data.arg.isdigit() else 0
        await services.bills.remove_payment(actor, callback_data.id, payment_id)
        await bill_card(
            query, actor, t, services, callback_data.id, note=t("bills-payment-removed")
        )

    @r.callback_query(BillCb.filter(F.action == "cx"))
    async def on_cancel(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        actor.require(Permission.BILLS_EDIT)
        await services.bills.card(actor, callback_data.id)
        await state.set_state(BillForm.reason)
        await state.update_data(bl_bill=callback_data.id)
        rows = [[button(t("back"), BillCb(action="card", id=callback_data.id).pack())]]
        await show(query, t("bills-ask-reason"), rows)

    @r.message(StateFilter(BillForm.reason), F.text, ~F.text.startswith("/"))
    async def on_reason(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        bill_id = int((await state.get_data()).get("bl_bill") or 0)
        await state.update_data(bl_reason=(message.text or "").strip()[:500])
        rows = [
            [button(t("bills-cancel-confirm"), BillCb(action="cxy", id=bill_id).pack())],
            [button(t("back"), BillCb(action="card", id=bill_id).pack())],
        ]
        await show(
            message, t("bills-confirm-cancel", id=str(bill_id), reason=message.text or ""), rows
        )

    @r.callback_query(StateFilter(BillForm.reason), BillCb.filter(F.action == "cxy"))
    async def on_cancel_confirmed(
        query: CallbackQuery,
        callback_data: BillCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        reason = str((await state.get_data()).get("bl_reason") or "")
        await services.bills.cancel(actor, callback_data.id, reason)
        await state.set_state(None)
        await bill_card(query, actor, t, services, callback_data.id, note=t("bills-cancelled"))

    return r

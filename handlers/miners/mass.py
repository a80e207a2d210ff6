"""Selections and mass actions: a pasted list (message or file), the actions screen, edit
client (with "add the client first" for an unknown email), set status and set payment status,
each confirmed before it is applied.
"""

from __future__ import annotations

import io
import secrets
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import MinerCb
from handlers.clients.views import PAID_ICONS, STATUS_ICONS, short
from handlers.labels import error_text
from handlers.miners import views
from handlers.miners.browse import (
    can_act,
    current,
    miners_list,
    save_filter,
    save_selection,
    ticking,
    with_selection,
)
from handlers.operations import telling
from handlers.render import button, grid, show
from handlers.states import MinerBrowse, MinerMass, MinerSelect
from locales import Html, Localizer
from services.actor import Actor
from services.clients.service import MINER_STATUSES
from services.container import Services
from services.errors import DomainError, PermissionDenied
from services.miners.service import MassResult, MinerFilter, PastedList, Selection
from services.miners.spreadsheet import MAX_FILE_BYTES
from services.permissions import Permission

MASS_KEYS = ("mn_to", "mn_email", "mn_paid", "mn_status")
MISSING_SHOWN = 15
CONFIRMS = frozenset({"mcy", "mpy", "msy"})
EDIT = "miners.edit"  # a confirmed mass edit is an operation (services/operations.py)


def confirm_button(t: Localizer, action: str) -> Any:
    """Confirm of a mass edit: `arg` names this confirm screen, so that the edit it confirms
    happens once however often it is tapped."""
    return button(t("miners-confirm"), MinerCb(action=action, arg=secrets.token_hex(4)).pack())


def _edit_key(query: CallbackQuery, callback_data: MinerCb) -> str | None:
    return f"{query.from_user.id}:{callback_data.arg}" if callback_data.arg else None


async def _begin_edit(
    query: CallbackQuery, callback_data: MinerCb, actor: Actor, services: Services
) -> int:
    return await services.operations.begin(
        actor,
        EDIT,
        key=_edit_key(query, callback_data),
        chat_id=query.from_user.id,
        message_id=query.message.message_id if isinstance(query.message, Message) else None,
        params={"redo": [{"open": "miners-actions"}], "after": [{"open": "miners"}]},
    )


async def _forget_form(state: FSMContext) -> None:
    data = await state.get_data()
    await state.set_data({k: v for k, v in data.items() if k not in MASS_KEYS})
    await state.set_state(MinerBrowse.list)


async def actions(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    *,
    note: str | None = None,
) -> None:
    """What the selection holds (by client, paid/unpaid) and what can be done with it; also how
    to select (all that the filter shows, a pasted list), clear, and import: the list keeps only
    ticks, pages and filters, so it fits a phone's screen."""
    f, selection, _ = await current(state)
    total, shares = await services.miners.summary(actor, selection)
    await state.set_state(MinerBrowse.list)
    rows: list[list[Any]] = []
    if total and actor.can(Permission.MINERS_EDIT_CLIENT):
        rows.append(
            [
                button(t("miners-edit-client"), MinerCb(action="mc").pack()),
                button(t("miners-set-status"), MinerCb(action="ms").pack()),
            ]
        )
    if total and actor.can(Permission.MINERS_PAYMENT_STATUS):
        rows.append([button(t("miners-set-payment"), MinerCb(action="mp").pack())])
    if can_act(actor):
        mode = "miners-mode-open" if await ticking(state) else "miners-mode-tick"
        rows.append([button(t(mode), MinerCb(action="mode").pack())])
        choose = [button(t("miners-paste"), MinerCb(action="paste").pack())]
        shown = await services.miners.count_selected(actor, Selection(matching=f))
        if shown:
            label = t("miners-select-all", count=shown, filtered="yes" if f.active else "no")
            choose.insert(0, button(label, MinerCb(action="all").pack()))
        rows.append(choose)
    if total:
        rows.append([button(t("miners-clear-selection"), MinerCb(action="clr").pack())])
    if actor.can(Permission.MINERS_IMPORT):
        rows.append([button(t("miners-import"), MinerCb(action="imp").pack())])
    rows.append([button(t("miners-back-to-list"), MinerCb(action="back").pack())])
    text = views.selection_text(t, total, shares) if total else t("miners-selection-empty")
    await show(event, f"{note}\n\n{text}" if note else text, rows)


def _pasted_note(t: Localizer, found: PastedList) -> str:
    lines = [t("miners-paste-found", count=len(found.ids), tokens=found.tokens)]
    if found.missing:
        shown = ", ".join(short(m, 40) for m in found.missing[:MISSING_SHOWN])
        more = len(found.missing) - MISSING_SHOWN
        lines.append(t("miners-paste-missing", count=len(found.missing), items=shown))
        if more > 0:
            lines.append(t("miners-paste-missing-more", count=more))
    return "\n".join(lines)


async def _after_paste(
    event: Message,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    found: PastedList,
) -> None:
    await save_selection(state, Selection(ids=found.ids))
    await state.update_data(mn_tick=True)  # the list shows what is ticked
    await actions(event, actor, t, services, state, note=_pasted_note(t, found))


async def _confirm_move(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    client_id: int | None,
) -> None:
    _, selection, _ = await current(state)
    preview = await services.miners.move_preview(actor, selection, client_id)
    await state.update_data(mn_to=client_id, mn_email=None)
    await state.set_state(MinerMass.confirm)
    rows = _outcome_rows(t, "mc", confirm="mcy" if preview.total > preview.staying else None)
    await show(event, views.move_text(t, preview), rows)


async def _done(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    result: MassResult,
    note: str,
) -> None:
    """After a mass action: the list, with what was done and the selection kept (the same
    miners, even when they no longer match the filter they were selected by)."""
    await _forget_form(state)
    await save_selection(state, result.selection)
    kept = await services.miners.count_selected(actor, result.selection)
    if kept:
        note += "\n" + t("miners-selection-kept", count=kept)
    await miners_list(query, actor, t, services, state, note=note)


def _outcome_rows(t: Localizer, back: str, *, confirm: str | None) -> list[list[Any]]:
    """Buttons under a mass action's question: Confirm (when something would change), Back to
    the choice before, and the actions screen."""
    rows = []
    if confirm:
        rows.append([confirm_button(t, confirm)])
    rows.append(
        [
            button(t("back"), MinerCb(action=back).pack()),
            button(t("miners-actions-open"), MinerCb(action="acts").pack()),
        ]
    )
    return rows


def _ask_email_rows(t: Localizer) -> list[list[Any]]:
    return [
        [button(t("miners-move-to-none"), MinerCb(action="mcn").pack())],
        [button(t("cancel"), MinerCb(action="mx").pack())],
    ]


def router() -> Router:
    r = Router(name="miners-mass")

    # --- pasted lists -----------------------------------------------------------------------

    @r.callback_query(MinerCb.filter(F.action == "paste"))
    async def on_paste(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.set_state(MinerSelect.paste)
        text = await with_selection(t("miners-paste-ask"), actor, t, services, state)
        await show(query, text, [[button(t("back"), MinerCb(action="back").pack())]])

    @r.message(StateFilter(MinerSelect.paste), F.text, ~F.text.startswith("/"))
    async def on_pasted_text(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        found = await services.miners.resolve_text(actor, message.text or "")
        await _after_paste(message, actor, t, services, state, found)

    @r.message(StateFilter(MinerSelect.paste), F.document)
    async def on_pasted_file(
        message: Message,
        bot: Bot,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        document = message.document
        assert document is not None
        if (document.file_size or 0) > MAX_FILE_BYTES:
            await message.answer(t("miners-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024)))
            return
        buffer = await bot.download(document, destination=io.BytesIO())
        assert isinstance(buffer, io.BytesIO)
        try:
            found = await services.miners.resolve_file(actor, buffer.getvalue(), document.file_name)
        except DomainError as exc:
            await message.answer(error_text(t, exc) + "\n" + t("miners-paste-again"))
            return
        await _after_paste(message, actor, t, services, state, found)

    # --- the actions screen -----------------------------------------------------------------

    @r.message(StateFilter(MinerMass.confirm), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_button(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    @r.callback_query(MinerCb.filter(F.action == "acts"))
    async def on_actions(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        if callback_data.arg.isdigit():  # "🛠 Actions (3)" of a list message: is 3 still true?
            _, selection, _ = await current(state)
            now = await services.miners.count_selected(actor, selection)
            if now != int(callback_data.arg):
                changed = t("miners-selection-changed", count=now)
                callback_answer.text, callback_answer.show_alert = changed, True
                await miners_list(query, actor, t, services, state, note=changed)
                return
        await _forget_form(state)
        await actions(query, actor, t, services, state)

    @r.callback_query(MinerCb.filter(F.action == "mode"))
    async def on_mode(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        """Switch the list's numbered buttons between ticking and opening cards."""
        if not can_act(actor):
            raise PermissionDenied(Permission.MINERS_EDIT_CLIENT.value)
        await state.update_data(mn_tick=not await ticking(state))
        await miners_list(query, actor, t, services, state)

    @r.callback_query(MinerCb.filter(F.action == "all"))
    async def on_select_all(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        f, _, _ = await current(state)
        await save_selection(state, Selection(matching=f))
        await state.update_data(mn_tick=True)  # the list shows what is ticked
        await actions(query, actor, t, services, state)

    @r.callback_query(MinerCb.filter(F.action == "mx"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        await _forget_form(state)
        callback_answer.text = t("form-cancelled")
        await actions(query, actor, t, services, state)

    # --- edit client ------------------------------------------------------------------------

    @r.callback_query(MinerCb.filter(F.action == "mc"))
    async def on_edit_client(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        actor.require(Permission.MINERS_EDIT_CLIENT)
        _, selection, _ = await current(state)
        count = await services.miners.count_selected(actor, selection)
        await state.set_state(MinerMass.email)
        await show(query, t("miners-move-ask", count=count), _ask_email_rows(t))

    @r.message(StateFilter(MinerMass.email), F.text, ~F.text.startswith("/"))
    async def on_email(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        try:
            client = await services.miners.target_client(actor, message.text or "")
        except DomainError as exc:
            await show(
                message, error_text(t, exc) + "\n" + t("miners-move-ask-again"), _ask_email_rows(t)
            )
            return
        if client is not None:
            await _confirm_move(message, actor, t, services, state, client.id)
            return
        email = " ".join((message.text or "").split()).lower()
        await state.update_data(mn_email=email)
        rows = []
        if actor.can(Permission.CLIENTS_ADD):
            rows.append(
                [
                    button(
                        t("miners-add-client", email=short(email, 40)), MinerCb(action="mca").pack()
                    )
                ]
            )
            text = t("miners-move-unknown", email=email)
        else:
            text = t("miners-move-unknown-cannot-add", email=email)
        rows += _ask_email_rows(t)
        await show(message, text, rows)

    @r.callback_query(StateFilter(MinerMass.email), MinerCb.filter(F.action == "mca"))
    async def on_add_client(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        email = (await state.get_data()).get("mn_email")
        if not email:
            await show(query, t("miners-move-ask-again"), _ask_email_rows(t))
            return
        client = await services.miners.add_client(actor, email)
        callback_answer.text = t("miners-client-added", email=client.email)
        await _confirm_move(query, actor, t, services, state, client.id)

    @r.callback_query(StateFilter(MinerMass.email), MinerCb.filter(F.action == "mcn"))
    async def on_no_client(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await _confirm_move(query, actor, t, services, state, None)

    @r.callback_query(StateFilter(MinerMass.confirm), MinerCb.filter(F.action == "mcy"))
    async def on_move(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        data = await state.get_data()
        _, selection, _ = await current(state)
        if "mn_to" not in data:
            await actions(query, actor, t, services, state)
            return
        client_id = data["mn_to"]
        target = await services.miners.client(actor, client_id) if client_id else None
        operation = await _begin_edit(query, callback_data, actor, services)
        async with telling(services, operation):
            result = await services.miners.set_client(
                actor, selection, client_id, operation=operation
            )
            if target is None:
                note = t("miners-unassigned", count=result.changed)
            else:
                label = Html(views.client_label(t, target))
                note = t("miners-moved", count=result.changed, client=label)
            await _done(query, actor, t, services, state, result, note)

    # --- payment status ---------------------------------------------------------------------

    @r.callback_query(MinerCb.filter(F.action == "mp"))
    async def on_payment(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        actor.require(Permission.MINERS_PAYMENT_STATUS)
        _, selection, _ = await current(state)
        count = await services.miners.count_selected(actor, selection)
        await state.set_state(MinerMass.confirm)
        rows = [
            [
                button(
                    f"{PAID_ICONS[True]} {t('miners-paid-word')}",
                    MinerCb(action="mpv", arg="1").pack(),
                ),
                button(
                    f"{PAID_ICONS[False]} {t('miners-unpaid-word')}",
                    MinerCb(action="mpv", arg="0").pack(),
                ),
            ],
            [button(t("cancel"), MinerCb(action="mx").pack())],
        ]
        await show(query, t("miners-pay-ask", count=count), rows)

    @r.callback_query(StateFilter(MinerMass.confirm), MinerCb.filter(F.action == "mpv"))
    async def on_payment_value(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        paid = callback_data.arg == "1"
        _, selection, _ = await current(state)
        preview = await services.miners.payment_preview(actor, selection, paid)
        await state.update_data(mn_paid=paid)
        rows = _outcome_rows(t, "mp", confirm="mpy" if preview.changing else None)
        await show(query, views.payment_text(t, preview), rows)

    @r.callback_query(StateFilter(MinerMass.confirm), MinerCb.filter(F.action == "mpy"))
    async def on_set_paid(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        data = await state.get_data()
        if not isinstance(data.get("mn_paid"), bool):
            await actions(query, actor, t, services, state)
            return
        paid = data["mn_paid"]
        _, selection, _ = await current(state)
        operation = await _begin_edit(query, callback_data, actor, services)
        async with telling(services, operation):
            result = await services.miners.set_paid(actor, selection, paid, operation=operation)
            status = t("miners-paid-word") if paid else t("miners-unpaid-word")
            note = t("miners-pay-done", count=result.changed, icon=PAID_ICONS[paid], status=status)
            await _done(query, actor, t, services, state, result, note)

    # --- status -----------------------------------------------------------------------------

    @r.callback_query(MinerCb.filter(F.action == "ms"))
    async def on_status(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        actor.require(Permission.MINERS_EDIT_CLIENT)
        _, selection, _ = await current(state)
        count = await services.miners.count_selected(actor, selection)
        await state.set_state(MinerMass.confirm)
        choices = [
            button(f"{STATUS_ICONS[s]} {t(f'status-{s}')}", MinerCb(action="msv", arg=s).pack())
            for s in MINER_STATUSES
        ]
        rows = grid(choices, 2)
        rows.append([button(t("cancel"), MinerCb(action="mx").pack())])
        await show(query, t("miners-status-set-ask", count=count), rows)

    @r.callback_query(StateFilter(MinerMass.confirm), MinerCb.filter(F.action == "msv"))
    async def on_status_value(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        status = callback_data.arg
        _, selection, _ = await current(state)
        total, changing = await services.miners.status_preview(actor, selection, status)
        await state.update_data(mn_status=status)
        label = {"icon": STATUS_ICONS[status], "status": t(f"status-{status}")}
        if changing:
            text = t("miners-status-confirm", count=changing, **label)
            if total > changing:
                text += "\n" + t("miners-already", count=total - changing, **label)
        else:
            text = t("miners-status-nothing", count=total, **label)
        await show(query, text, _outcome_rows(t, "ms", confirm="msy" if changing else None))

    @r.callback_query(StateFilter(MinerMass.confirm), MinerCb.filter(F.action == "msy"))
    async def on_set_status(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        status = (await state.get_data()).get("mn_status")
        if status not in MINER_STATUSES:
            await actions(query, actor, t, services, state)
            return
        _, selection, _ = await current(state)
        operation = await _begin_edit(query, callback_data, actor, services)
        async with telling(services, operation):
            result = await services.miners.set_status(actor, selection, status, operation=operation)
            note = t(
                "miners-status-done",
                count=result.changed,
                icon=STATUS_ICONS[status],
                status=t(f"status-{status}"),
            )
            await _done(query, actor, t, services, state, result, note)

    @r.callback_query(
        MinerCb.filter(F.action.in_({"mca", "mcn", "mcy", "mpv", "mpy", "msv", "msy"}))
    )
    async def on_stale_step(
        query: CallbackQuery,
        callback_data: MinerCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """A button of a form that is over (cancelled, applied, or /menu since). A Confirm
        tapped again once its change is made: AlreadyDone, a toast, the result stays."""
        if callback_data.action in CONFIRMS:
            key = _edit_key(query, callback_data)
            if key is not None:
                await services.operations.check_not_done(actor, EDIT, key)
        await actions(query, actor, t, services, state, note=t("miners-form-over"))

    return r


async def move_client_miners(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    client_id: int,
) -> None:
    """The mass "Edit client" with every miner of a client selected (before it is archived):
    asks for the email of the client they go to, then confirms as usual."""
    actor.require(Permission.MINERS_EDIT_CLIENT)
    client = await services.miners.client(actor, client_id)
    selection = Selection(matching=MinerFilter(client_id=client.id))
    count = await services.miners.count_selected(actor, selection)
    await state.clear()
    await save_filter(state, MinerFilter(client_id=client.id))
    await save_selection(state, selection)
    await state.set_state(MinerMass.email)
    await show(query, t("miners-move-ask", count=count), _ask_email_rows(t))

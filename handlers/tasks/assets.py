"""A client's assets (equipment that is not a miner): the list, a card, add and edit.

Adding can also start from the new-task form; the asset is then attached to that task and the
form goes on where it was.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import AssetCb, ClientCb
from handlers.clients.views import short
from handlers.labels import error_text
from handlers.render import button, grid, pager, show
from handlers.states import AssetEdit, AssetForm
from handlers.tasks import form
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.tasks.assets import FIELDS

PER_PAGE = 10
FORM_KEYS = ("as_client", "as_task", "as_name", "as_type", "as_edit_id", "as_edit_field")


def _suggestions(t: Localizer) -> list[str]:
    return [s.strip() for s in t("asset-type-suggestions").split(",") if s.strip()]


async def asset_list(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    client_id: int,
    page: int = 0,
) -> None:
    result = await services.assets.page(actor, client_id, page, PER_PAGE)
    lines = [t("assets-title", id=str(client_id), count=result.total)]
    if not result.items:
        lines.append(t("assets-none"))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                f"🗄 {short(a.name, 28)} · {short(a.type, 16)}",
                AssetCb(action="card", id=a.id).pack(),
            )
        ]
        for a in result.items
    ]
    rows.append(
        pager(
            result.page,
            result.pages,
            lambda p: AssetCb(action="list", client=client_id, page=p).pack(),
        )
    )
    if services.assets.can_edit(actor):
        rows.append([button(t("assets-add"), AssetCb(action="add", client=client_id).pack())])
    rows.append([button(t("back"), ClientCb(action="card", id=client_id).pack())])
    await show(event, "\n".join(lines), rows)


async def asset_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    asset_id: int,
    *,
    note: str | None = None,
) -> None:
    a = await services.assets.get(actor, asset_id)
    text = t(
        "asset-card",
        id=str(a.id),
        name=a.name,
        type=a.type,
        serial=a.serial or "—",
        client=f"#{a.client_id}" if a.client_id else "—",
    )
    if note:
        text = f"{note}\n\n{text}"
    rows: list[list[InlineKeyboardButton]] = []
    if services.assets.can_edit(actor):
        rows.append(
            [
                button(t(f"asset-edit-{f}"), AssetCb(action="ef", id=a.id, arg=f).pack())
                for f in FIELDS
            ]
        )
    if a.client_id is not None:
        rows.append([button(t("back"), AssetCb(action="list", client=a.client_id).pack())])
    await show(event, text, rows)


async def start_add(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    client_id: int,
    *,
    for_task: bool = False,
) -> None:
    """Ask for a new asset's name; `for_task`: the new-task form waits for it."""
    await services.assets.start_add(actor, client_id)
    await state.update_data(as_client=client_id, as_task=for_task, as_name=None, as_type=None)
    await _ask(event, t, state, AssetForm.name)


async def _ask(
    event: Message | CallbackQuery,
    t: Localizer,
    state: FSMContext,
    step: object,
    *,
    error: str | None = None,
) -> None:
    await state.set_state(step)  # type: ignore[arg-type]
    rows: list[list[InlineKeyboardButton]] = []
    if step == AssetForm.name:
        text = t("asset-ask-name")
    elif step == AssetForm.type:
        text = t("asset-ask-type")
        options = [
            button(s, AssetCb(action="atype", arg=str(i)).pack())
            for i, s in enumerate(_suggestions(t))
        ]
        rows += grid(options, 3)
    else:
        text = t("asset-ask-serial")
        rows.append([button(t("form-skip"), AssetCb(action="askip").pack())])
    rows.append([button(t("cancel"), AssetCb(action="acancel").pack())])
    await show(event, f"{error}\n\n{text}" if error else text, rows)


async def _saved(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    serial: str | None,
) -> None:
    data = await state.get_data()
    asset = await services.assets.add(
        actor,
        int(data["as_client"]),
        name=data.get("as_name") or "",
        type=data.get("as_type") or "",
        serial=serial,
    )
    await state.update_data(dict.fromkeys(FORM_KEYS))
    if data.get("as_task"):
        await state.update_data(
            tf_assets=[*(data.get("tf_assets") or []), asset.id],
            tf_na=int(data.get("tf_na") or 0) + 1,
        )
        await form.ask(event, actor, t, services, state, "attach")
        return
    await state.set_state(None)
    note = t("asset-added", name=asset.name)
    await asset_card(event, actor, t, services, asset.id, note=note)


def router() -> Router:
    r = Router(name="tasks-assets")

    @r.callback_query(AssetCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await asset_list(query, actor, t, services, callback_data.client, callback_data.page)

    @r.callback_query(AssetCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        if await state.get_state() == AssetEdit.value.state:
            await state.set_state(None)
        await asset_card(query, actor, t, services, callback_data.id)

    @r.callback_query(AssetCb.filter(F.action == "add"))
    async def on_add(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await form.clear(state)
        await start_add(query, actor, t, services, state, callback_data.client)

    @r.message(
        StateFilter(AssetForm.name, AssetForm.type, AssetForm.serial),
        F.text,
        ~F.text.startswith("/"),
    )
    async def on_answer(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        current = await state.get_state()
        step = {s.state: s for s in (AssetForm.name, AssetForm.type, AssetForm.serial)}[
            str(current)
        ]
        field = {AssetForm.name: "name", AssetForm.type: "type", AssetForm.serial: "serial"}[step]
        try:
            value = await services.assets.check(actor, field, message.text or "")
        except Invalid as exc:
            await _ask(message, t, state, step, error=error_text(t, exc))
            return
        if step == AssetForm.serial:
            await _saved(message, actor, t, services, state, value)
            return
        await state.update_data({f"as_{field}": value})
        await _ask(
            message, t, state, AssetForm.type if step == AssetForm.name else AssetForm.serial
        )

    @r.callback_query(StateFilter(AssetForm.type), AssetCb.filter(F.action == "atype"))
    async def on_type(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        options = _suggestions(t)
        index = int(callback_data.arg or 0)
        value = await services.assets.check(
            actor, "type", options[index] if 0 <= index < len(options) else ""
        )
        await state.update_data(as_type=value)
        await _ask(query, t, state, AssetForm.serial)

    @r.callback_query(StateFilter(AssetForm.serial), AssetCb.filter(F.action == "askip"))
    async def on_skip(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await _saved(query, actor, t, services, state, None)

    @r.callback_query(AssetCb.filter(F.action == "acancel"))
    async def on_cancel(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        data = await state.get_data()
        await state.update_data(dict.fromkeys(FORM_KEYS))
        callback_answer.text = t("form-cancelled")
        if data.get("as_task") and data.get("tf_mgr"):
            await form.ask(query, actor, t, services, state, "attach")
            return
        await state.set_state(None)
        if data.get("as_client"):
            await asset_list(query, actor, t, services, int(data["as_client"]))

    # --- editing --------------------------------------------------------------------------

    @r.callback_query(AssetCb.filter((F.action == "ef") & F.arg.in_(FIELDS)))
    async def on_edit(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        field = callback_data.arg
        a = await services.assets.start_edit(actor, callback_data.id)
        await state.set_state(AssetEdit.value)
        await state.update_data(as_edit_id=a.id, as_edit_field=field)
        await _ask_value(query, t, a.id, field, getattr(a, field))

    @r.message(StateFilter(AssetEdit.value), F.text, ~F.text.startswith("/"))
    async def on_value(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        asset_id, field = int(data["as_edit_id"]), str(data["as_edit_field"])
        try:
            await services.assets.edit(actor, asset_id, field, message.text or "")
        except Invalid as exc:
            a = await services.assets.get(actor, asset_id)
            await _ask_value(message, t, asset_id, field, getattr(a, field), error_text(t, exc))
            return
        await state.update_data(dict.fromkeys(FORM_KEYS))
        await state.set_state(None)
        await asset_card(message, actor, t, services, asset_id, note=t("settings-saved"))

    @r.callback_query(StateFilter(AssetEdit.value), AssetCb.filter(F.action == "eclr"))
    async def on_clear(
        query: CallbackQuery,
        callback_data: AssetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await services.assets.edit(actor, callback_data.id, "serial", None)
        await state.update_data(dict.fromkeys(FORM_KEYS))
        await state.set_state(None)
        await asset_card(query, actor, t, services, callback_data.id, note=t("settings-saved"))

    return r


async def _ask_value(
    event: Message | CallbackQuery,
    t: Localizer,
    asset_id: int,
    field: str,
    current: str | None,
    error: str | None = None,
) -> None:
    removable = field == "serial" and bool(current)
    text = t(f"asset-edit-ask-{field}", removable=removable)
    text += "\n" + t("task-form-current", value=current or "—")
    if error:
        text = f"{error}\n\n{text}"
    rows = []
    if removable:
        rows.append([button(t("asset-remove-serial"), AssetCb(action="eclr", id=asset_id).pack())])
    rows.append([button(t("cancel"), AssetCb(action="card", id=asset_id).pack())])
    await show(event, text, rows)

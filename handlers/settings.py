"""Settings: the member's language; facility name, time zone, currency, plan, Clients switch."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import AlertSetCb, BillCb, MenuCb, SettingsCb, TelemetryCb, WatcherCb
from handlers.labels import error_text
from handlers.render import button, grid, show
from handlers.states import SettingsForm
from locales import Localizer, Translations
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.facility import COMMON_CURRENCIES, COMMON_TIMEZONES, PLANS
from services.permissions import Permission

_FORMS = {"name": SettingsForm.name, "tz": SettingsForm.timezone, "cur": SettingsForm.currency}
_FIELDS = {"name": "name", "tz": "timezone", "cur": "currency"}


def _ask_rows(t: Localizer, action: str) -> list[list[InlineKeyboardButton]]:
    """The common values as buttons (time zones, currencies), and Cancel."""
    presets: tuple[str, ...] = {"tz": COMMON_TIMEZONES, "cur": COMMON_CURRENCIES}.get(action, ())
    rows = grid([button(p, SettingsCb(action=action, value=p).pack()) for p in presets], 2)
    rows.append([button(t("cancel"), SettingsCb(action="show").pack())])
    return rows


async def settings_screen(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    f = await services.facility.get()
    lines = [t("settings-title"), t("settings-language", language=t(f"language-{t.locale}"))]
    rows = [[button(t("settings-change-language"), SettingsCb(action="lang").pack())]]
    rows.append([button(t("alert-settings-button"), AlertSetCb(action="show").pack())])
    if actor.can(Permission.SETTINGS_MANAGE):
        lines.append(
            t(
                "settings-facility",
                name=f.name,
                timezone=f.timezone,
                currency=f.currency,
                plan=t(f"plan-{f.plan}"),
                clients=t("switch-on") if f.client_management else t("switch-off"),
            )
        )
        rows += [
            [button(t("settings-edit-name"), SettingsCb(action="name").pack())],
            [
                button(t("settings-edit-timezone"), SettingsCb(action="tz").pack()),
                button(t("settings-edit-currency"), SettingsCb(action="cur").pack()),
            ],
            [button(t("settings-edit-plan"), SettingsCb(action="plan").pack())],
            [
                button(
                    t("settings-clients-off" if f.client_management else "settings-clients-on"),
                    SettingsCb(action="cm").pack(),
                )
            ],
            [button(t("telemetry-settings-button"), TelemetryCb(action="settings").pack())],
        ]
    if actor.can(Permission.BILLS_VIEW):
        rows.append([button(t("settings-billing"), BillCb(action="price").pack())])
    if actor.can(Permission.WATCHERS_MANAGE):
        rows.append([button(t("watchers-list-button"), WatcherCb(action="list").pack())])
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, "\n\n".join(lines), rows)


def router() -> Router:
    r = Router(name="settings")

    @r.callback_query(SettingsCb.filter(F.action == "show"))
    async def on_show(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        await settings_screen(query, actor, t, services)

    @r.callback_query(SettingsCb.filter(F.action == "lang"))
    async def on_language(
        query: CallbackQuery,
        callback_data: SettingsCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        translations: Translations,
    ) -> None:
        if callback_data.value:
            await services.staff.set_locale(actor, callback_data.value)
            t = translations.get(callback_data.value)
            await settings_screen(query, actor, t, services)
            return
        rows = [
            [button(t(f"language-{code}"), SettingsCb(action="lang", value=code).pack())]
            for code in translations.locales
        ]
        rows.append([button(t("back"), SettingsCb(action="show").pack())])
        await show(query, t("settings-pick-language"), rows)

    @r.callback_query(SettingsCb.filter(F.action.in_(set(_FORMS))))
    async def on_edit(
        query: CallbackQuery,
        callback_data: SettingsCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        actor.require(Permission.SETTINGS_MANAGE)
        action, value = callback_data.action, callback_data.value
        if value:  # a preset button: apply at once
            await services.facility.update(actor, _FIELDS[action], value)
            await state.clear()
            callback_answer.text = t("settings-saved")
            await settings_screen(query, actor, t, services)
            return
        await state.set_state(_FORMS[action])
        await show(query, t(f"settings-ask-{action}"), _ask_rows(t, action))

    @r.message(StateFilter(*_FORMS.values()), F.text)
    async def on_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        current = await state.get_state()
        action = next(a for a, s in _FORMS.items() if s.state == current)
        try:
            await services.facility.update(actor, _FIELDS[action], message.text or "")
        except Invalid as exc:
            text = error_text(t, exc) + "\n" + t(f"settings-ask-{action}")
            await show(message, text, _ask_rows(t, action))
            return
        await state.clear()
        await message.answer(t("settings-saved"))
        await settings_screen(message, actor, t, services)

    @r.callback_query(SettingsCb.filter(F.action == "plan"))
    async def on_plan(
        query: CallbackQuery,
        callback_data: SettingsCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        actor.require(Permission.SETTINGS_MANAGE)
        if callback_data.value:
            await services.facility.update(actor, "plan", callback_data.value)
            callback_answer.text = t("settings-saved")
            await settings_screen(query, actor, t, services)
            return
        current = (await services.facility.get()).plan
        rows = [
            [
                button(
                    ("• " if plan == current else "") + t(f"plan-{plan}"),
                    SettingsCb(action="plan", value=plan).pack(),
                )
            ]
            for plan in PLANS
        ]
        rows.append([button(t("back"), SettingsCb(action="show").pack())])
        await show(query, t("settings-ask-plan"), rows)

    @r.callback_query(SettingsCb.filter(F.action == "cm"))
    async def on_clients_switch(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        current = (await services.facility.get()).client_management
        await services.facility.update(actor, "client_management", not current)
        callback_answer.text = t("settings-saved")
        await settings_screen(query, actor, t, services)

    return r

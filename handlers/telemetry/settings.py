"""Settings → 📡 Telemetry: on/off, the poll interval, the Lowhash threshold (settings.manage)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import SettingsCb, TelemetryCb
from handlers.labels import error_text
from handlers.render import button, grid, show
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.facility import TELEMETRY_INTERVALS
from services.permissions import Permission

LOWHASH_PRESETS = (80, 85, 90, 95)


class TelemetryForm(StatesGroup):
    lowhash = State()


def interval_label(t: Localizer, seconds: int) -> str:
    return t("telemetry-every-minutes", minutes=seconds // 60)


async def telemetry_screen(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    actor.require(Permission.SETTINGS_MANAGE)
    f = await services.facility.get()
    text = t(
        "telemetry-settings",
        state=t("switch-on") if f.telemetry else t("switch-off"),
        interval=interval_label(t, f.telemetry_interval_s),
        pct=f.lowhash_pct,
    )
    rows = [
        [
            button(
                t("telemetry-turn-off") if f.telemetry else t("telemetry-turn-on"),
                TelemetryCb(action="toggle").pack(),
            )
        ],
        [
            button(t("telemetry-interval-button"), TelemetryCb(action="interval").pack()),
            button(t("telemetry-lowhash-button"), TelemetryCb(action="lowhash").pack()),
        ],
        [button(t("back"), SettingsCb(action="show").pack())],
    ]
    await show(event, text, rows)


async def _saved(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    callback_answer.text = t("settings-saved")
    await telemetry_screen(query, actor, t, services)


def router() -> Router:
    r = Router(name="telemetry-settings")

    @r.callback_query(TelemetryCb.filter(F.action == "settings"))
    async def on_show(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.set_state(None)
        await telemetry_screen(query, actor, t, services)

    @r.callback_query(TelemetryCb.filter(F.action == "toggle"))
    async def on_toggle(
        query: CallbackQuery,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        current = (await services.facility.get()).telemetry
        await services.facility.update(actor, "telemetry", not current)
        await _saved(query, actor, t, services, callback_answer)

    @r.callback_query(TelemetryCb.filter(F.action == "interval"))
    async def on_interval(
        query: CallbackQuery,
        callback_data: TelemetryCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        actor.require(Permission.SETTINGS_MANAGE)
        if callback_data.value:
            await services.facility.update(actor, "telemetry_interval_s", callback_data.value)
            await _saved(query, actor, t, services, callback_answer)
            return
        current = (await services.facility.get()).telemetry_interval_s
        choices = [
            button(
                ("• " if s == current else "") + interval_label(t, s),
                TelemetryCb(action="interval", value=str(s)).pack(),
            )
            for s in TELEMETRY_INTERVALS
        ]
        rows = grid(choices, 3)
        rows.append([button(t("back"), TelemetryCb(action="settings").pack())])
        await show(query, t("telemetry-ask-interval"), rows)

    @r.callback_query(TelemetryCb.filter(F.action == "lowhash"))
    async def on_lowhash(
        query: CallbackQuery,
        callback_data: TelemetryCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        actor.require(Permission.SETTINGS_MANAGE)
        if callback_data.value:
            await services.facility.update(actor, "lowhash_pct", callback_data.value)
            await state.set_state(None)
            await _saved(query, actor, t, services, callback_answer)
            return
        await state.set_state(TelemetryForm.lowhash)
        rows = [
            [
                button(f"{p} %", TelemetryCb(action="lowhash", value=str(p)).pack())
                for p in LOWHASH_PRESETS
            ],
            [button(t("cancel"), TelemetryCb(action="settings").pack())],
        ]
        await show(query, t("telemetry-ask-lowhash"), rows)

    @r.message(StateFilter(TelemetryForm.lowhash), F.text, ~F.text.startswith("/"))
    async def on_lowhash_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        try:
            await services.facility.update(actor, "lowhash_pct", message.text or "")
        except Invalid as exc:
            await message.answer(error_text(t, exc) + "\n" + t("telemetry-ask-lowhash"))
            return
        await state.set_state(None)
        await message.answer(t("settings-saved"))
        await telemetry_screen(message, actor, t, services)

    return r

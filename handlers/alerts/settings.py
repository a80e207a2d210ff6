"""Settings → 🔔 Notifications: which kinds, my clients or all, miners without a client, quiet
hours, the daily digest, language; and, for members with settings.manage, the facility's alert
rules (hold time, hot threshold, cooldown, incident share). Kinds shown are those the member's
role may hear of."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.alerts.views import quiet_text
from handlers.callbacks import AlertSetCb, SettingsCb
from handlers.labels import error_text
from handlers.render import button, grid, show
from locales import Localizer
from services.actor import Actor
from services.alerts.kinds import DIGEST_CHOICES, QUIET_CHOICES, hhmm
from services.alerts.service import RULE_CHOICES
from services.container import Services
from services.errors import Invalid
from services.permissions import Permission


class AlertForm(StatesGroup):
    quiet = State()
    digest_at = State()


def _rule_value(t: Localizer, field: str, value: int) -> str:
    if field == "hold_s" or field == "cooldown_s":
        return t("alert-minutes", minutes=value // 60)
    if field == "hot_c":
        return f"{value} °C"
    return t("alert-rule-off") if value == 0 else f"{value} %"


async def notifications_screen(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    prefs = await services.alerts.prefs(actor)
    kinds = services.alerts.kinds_for(actor)
    lines = [t("alert-settings-title")]
    on = [t(f"alert-kind-{k}") for k in kinds if prefs.wants(k)]
    lines.append(t("alert-settings-kinds", kinds=", ".join(on) or "—"))
    if actor.can(Permission.CLIENTS_VIEW):
        lines.append(t(f"alert-settings-scope-{prefs.scope}"))
    if actor.can(Permission.MINERS_VIEW):
        lines.append(
            t(
                "alert-settings-unassigned-on"
                if prefs.unassigned
                else "alert-settings-unassigned-off"
            )
        )
    lines.append(quiet_text(t, prefs.quiet_from, prefs.quiet_to))
    lines.append(
        t("alert-settings-digest-on", at=hhmm(prefs.digest_at))
        if prefs.digest
        else t("alert-settings-digest-off")
    )
    lines.append(t("settings-language", language=t(f"language-{t.locale}")))
    toggles = [
        button(
            ("✅ " if prefs.wants(k) else "🔕 ") + t(f"alert-kind-{k}"),
            AlertSetCb(action="kind", value=k).pack(),
        )
        for k in kinds
    ]
    rows: list[list[InlineKeyboardButton]] = grid(toggles, 2)
    row = []
    if actor.can(Permission.CLIENTS_VIEW):
        other = "all" if prefs.scope == "mine" else "mine"
        row.append(
            button(t(f"alert-settings-set-{other}"), AlertSetCb(action="scope", value=other).pack())
        )
    if actor.can(Permission.MINERS_VIEW):
        row.append(
            button(
                ("✅ " if prefs.unassigned else "⬜ ") + t("alert-settings-unassigned"),
                AlertSetCb(action="unas").pack(),
            )
        )
    if row:
        rows.append(row)
    rows.append(
        [
            button(t("alert-settings-quiet"), AlertSetCb(action="quiet").pack()),
            button(t("alert-settings-digest"), AlertSetCb(action="digest").pack()),
        ]
    )
    rows.append([button(t("settings-change-language"), SettingsCb(action="lang").pack())])
    if actor.can(Permission.SETTINGS_MANAGE):
        rows.append([button(t("alert-rules-button"), AlertSetCb(action="rules").pack())])
    rows.append([button(t("back"), SettingsCb(action="show").pack())])
    await show(event, "\n".join(lines), rows)


async def rules_screen(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    rules = await services.alerts.rules(actor)
    values = {f: getattr(rules, f) for f in RULE_CHOICES}
    text = t(
        "alert-rules-title",
        hold=_rule_value(t, "hold_s", values["hold_s"]),
        hot=_rule_value(t, "hot_c", values["hot_c"]),
        cooldown=_rule_value(t, "cooldown_s", values["cooldown_s"]),
        incident=_rule_value(t, "incident_pct", values["incident_pct"]),
    )
    rows = [
        [button(t(f"alert-rule-{f.replace('_', '-')}"), AlertSetCb(action="rule", field=f).pack())]
        for f in RULE_CHOICES
    ]
    rows.append([button(t("back"), AlertSetCb(action="show").pack())])
    await show(event, text, rows)


async def _choices(
    event: Message | CallbackQuery,
    t: Localizer,
    question: str,
    options: list[tuple[str, str]],
    action: str,
    back: str,
    field: str = "",
) -> None:
    rows = [
        [button(label, AlertSetCb(action=action, field=field, value=value).pack())]
        for label, value in options
    ]
    rows.append([button(t("back"), AlertSetCb(action=back).pack())])
    await show(event, question, rows)


def router() -> Router:
    r = Router(name="alerts-settings")

    @r.callback_query(AlertSetCb.filter(F.action == "show"))
    async def on_show(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.set_state(None)
        await notifications_screen(query, actor, t, services)

    @r.callback_query(AlertSetCb.filter(F.action.in_({"kind", "scope", "unas"})))
    async def on_toggle(
        query: CallbackQuery,
        callback_data: AlertSetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        field = {"kind": "toggle", "scope": "scope", "unas": "unassigned"}[callback_data.action]
        await services.alerts.set_pref(actor, field, callback_data.value)
        callback_answer.text = t("settings-saved")
        await notifications_screen(query, actor, t, services)

    @r.callback_query(AlertSetCb.filter(F.action.in_({"quiet", "digest"})))
    async def on_time(
        query: CallbackQuery,
        callback_data: AlertSetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        """Quiet hours or the digest's time: a preset (or off) saves; else the choices, and a
        typed answer is taken too."""
        action, value = callback_data.action, callback_data.value
        if value:
            if action == "quiet":
                await services.alerts.set_pref(actor, "quiet", "" if value == "off" else value)
            elif value == "off":
                await services.alerts.set_pref(actor, "digest", "off")
            else:
                await services.alerts.set_pref(actor, "digest_at", value)
            await state.set_state(None)
            callback_answer.text = t("settings-saved")
            await notifications_screen(query, actor, t, services)
            return
        if action == "quiet":
            await state.set_state(AlertForm.quiet)
            options = [
                (f"{hhmm(a)}–{hhmm(b)}", f"{hhmm(a)}-{hhmm(b)}".replace(":", ""))
                for a, b in QUIET_CHOICES
            ]
            options.append((t("alert-quiet-none"), "off"))
        else:
            await state.set_state(AlertForm.digest_at)
            options = [(hhmm(m), hhmm(m).replace(":", "")) for m in DIGEST_CHOICES]
            if (await services.alerts.prefs(actor)).digest:
                options.append((t("alert-digest-none"), "off"))
        await _choices(query, t, t(f"alert-ask-{action}"), options, action, "show")

    @r.message(StateFilter(AlertForm.quiet, AlertForm.digest_at), F.text, ~F.text.startswith("/"))
    async def on_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        current = await state.get_state()
        text = message.text or ""
        try:
            if current == AlertForm.quiet.state:
                await services.alerts.set_pref(actor, "quiet", text)
            else:
                await services.alerts.set_pref(actor, "digest_at", text)
        except Invalid as exc:
            ask = "alert-ask-quiet" if current == AlertForm.quiet.state else "alert-ask-digest"
            await message.answer(error_text(t, exc) + "\n" + t(ask))
            return
        await state.set_state(None)
        await message.answer(t("settings-saved"))
        await notifications_screen(message, actor, t, services)

    @r.callback_query(AlertSetCb.filter(F.action == "rules"))
    async def on_rules(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        await rules_screen(query, actor, t, services)

    @r.callback_query(AlertSetCb.filter(F.action == "rule"))
    async def on_rule(
        query: CallbackQuery,
        callback_data: AlertSetCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        field = callback_data.field
        if field not in RULE_CHOICES:
            raise Invalid(field, "unknown-field")
        if callback_data.value:
            await services.alerts.set_rule(actor, field, callback_data.value)
            callback_answer.text = t("settings-saved")
            await rules_screen(query, actor, t, services)
            return
        await services.alerts.rules(actor)  # the permission, before showing the choices
        options = [(_rule_value(t, field, v), str(v)) for v in RULE_CHOICES[field]]
        await _choices(
            query, t, t(f"alert-ask-{field.replace('_', '-')}"), options, "rule", "rules", field
        )

    return r

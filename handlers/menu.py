"""/start, /menu, /cancel, the main menu and joining by invite link."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import (
    AlertCb,
    BillCb,
    ExportCb,
    LogCb,
    MenuCb,
    NoopCb,
    RoleCb,
    SettingsCb,
    StaffCb,
)
from handlers.labels import error_text, role_label
from handlers.render import button, show
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import DomainError
from services.permissions import Permission


async def main_menu(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services
) -> None:
    facility = await services.facility.get()
    text = t("menu-title", facility=facility.name, name=actor.name, role=role_label(t, actor))
    areas = []
    if actor.can(Permission.CLIENTS_VIEW):
        areas.append(button(t("menu-clients"), MenuCb(area="clients").pack()))
    if actor.can(Permission.MINERS_VIEW):
        areas.append(button(t("menu-miners"), MenuCb(area="miners").pack()))
    if actor.can(Permission.TASKS_VIEW):
        areas.append(button(t("menu-tasks"), MenuCb(area="tasks").pack()))
    if actor.can(Permission.CLIENTS_VIEW) and actor.can(Permission.BILLS_VIEW):
        areas.append(button(t("menu-billing"), BillCb(action="area").pack()))
    if actor.can(Permission.CLIENTS_VIEW) and actor.can(Permission.CLIENTS_EXPORT):
        areas.append(button(t("menu-exports"), ExportCb(action="files").pack()))
    if actor.can(Permission.STAFF_MANAGE):
        areas.append(button(t("menu-staff"), StaffCb(action="list").pack()))
    if actor.can(Permission.ROLES_MANAGE):
        areas.append(button(t("menu-roles"), RoleCb(action="list").pack()))
    if actor.can(Permission.LOGS_VIEW):
        areas.append(button(t("menu-logs"), LogCb().pack()))
    if actor.can(Permission.MINERS_VIEW):
        areas.append(button(t("alert-menu"), AlertCb(action="list").pack()))
    areas.append(button(t("menu-settings"), SettingsCb(action="show").pack()))
    # two a row: the whole menu fits a phone's screen without scrolling
    rows = [areas[k : k + 2] for k in range(0, len(areas), 2)]
    await show(event, text, rows)


def router() -> Router:
    r = Router(name="menu")

    @r.message(CommandStart(deep_link=True))
    async def start_with_invite(
        message: Message,
        command: CommandObject,
        actor: Actor | None,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        user = message.from_user
        assert user is not None
        if actor is not None:
            await message.answer(t("invite-already-staff"))
            await main_menu(message, actor, t, services)
            return
        try:
            joined = await services.staff.accept_invite(
                command.args or "", user.id, user.full_name, user.username, user.language_code
            )
        except DomainError as exc:
            await services.staff.log_refusal(user.id, user.full_name, user.username)
            await message.answer(
                error_text(t, exc) if exc.code != "not-found" else t("invite-invalid")
            )
            return
        await state.clear()
        new_actor = await services.staff.resolve(
            user.id, user.full_name, user.username, user.language_code
        )
        assert new_actor is not None
        await message.answer(t("invite-welcome", role=role_label(t, joined.role)))
        await main_menu(message, new_actor, t, services)

    @r.message(CommandStart())
    @r.message(Command("menu"))
    async def start(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        await main_menu(message, actor, t, services)

    @r.message(Command("cancel"))
    async def cancel(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        had_form = await state.get_state() is not None
        await state.clear()
        await message.answer(t("form-cancelled") if had_form else t("nothing-to-cancel"))
        await main_menu(message, actor, t, services)

    @r.callback_query(MenuCb.filter(F.area == "main"))
    async def back_to_menu(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        await main_menu(query, actor, t, services)

    @r.callback_query(NoopCb.filter())
    async def noop(query: CallbackQuery) -> None:
        """A page counter: nothing to do (the answer middleware stops the spinner)."""

    return r

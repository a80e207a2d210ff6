"""Roles area: default and custom roles, their permission flags, new roles from a template."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from handlers.callbacks import MenuCb, RoleCb
from handlers.labels import error_text, role_label
from handlers.render import button, show
from handlers.states import RoleForm
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import Invalid
from services.permissions import GROUPS, Permission
from services.roles import RoleDetails


def flag_label(t: Localizer, flag: Permission) -> str:
    return t(f"perm-{flag.value.replace('.', '-').replace('_', '-')}")


async def role_card(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, details: RoleDetails
) -> None:
    role = details.role
    lines = [t("role-card", role=role_label(t, role), members=details.members)]
    editable = not role.is_system and actor.can(Permission.ROLES_MANAGE)
    rows = []
    for group, flags in GROUPS.items():
        lines.append(f"\n<b>{t(f'perm-group-{group}')}</b>")
        for flag in flags:
            on = flag.value in details.permissions
            lines.append(f"{'✅' if on else '▫️'} {flag_label(t, flag)}")
            if editable:
                rows.append(
                    [
                        button(
                            f"{'✅' if on else '▫️'} {flag_label(t, flag)}",
                            RoleCb(action="flag", id=role.id, flag=flag.value).pack(),
                        )
                    ]
                )
    if role.is_system:
        lines.append("\n" + t("role-system-note"))
    rows.append([button(t("back"), RoleCb(action="list").pack())])
    await show(event, "\n".join(lines), rows)


def router() -> Router:
    r = Router(name="roles")

    @r.callback_query(RoleCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await state.clear()
        roles = await services.roles.list(actor)
        rows = [
            [
                button(
                    ("🔧 " if not r.is_system else "") + role_label(t, r),
                    RoleCb(action="card", id=r.id).pack(),
                )
            ]
            for r in roles
        ]
        if actor.can(Permission.ROLES_MANAGE):
            rows.append([button(t("role-new"), RoleCb(action="new").pack())])
        rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
        await show(query, t("roles-title"), rows)

    @r.callback_query(RoleCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery, callback_data: RoleCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        await role_card(query, actor, t, await services.roles.get(actor, callback_data.id))

    @r.callback_query(RoleCb.filter(F.action == "flag"))
    async def on_flag(
        query: CallbackQuery, callback_data: RoleCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        try:
            flag = Permission(callback_data.flag)
        except ValueError:
            flag = None
        if flag is None:
            raise Invalid("permission", "unknown")
        await role_card(query, actor, t, await services.roles.toggle(actor, callback_data.id, flag))

    @r.callback_query(RoleCb.filter(F.action == "new"))
    async def on_new(query: CallbackQuery, actor: Actor, t: Localizer, services: Services) -> None:
        actor.require(Permission.ROLES_MANAGE)
        templates = [
            role for role in await services.staff.assignable_roles(actor) if role.code != "owner"
        ]
        rows = [
            [button(role_label(t, role), RoleCb(action="tpl", id=role.id).pack())]
            for role in templates
        ]
        rows.append([button(t("back"), RoleCb(action="list").pack())])
        await show(query, t("role-pick-template"), rows)

    @r.callback_query(RoleCb.filter(F.action == "tpl"))
    async def on_template(
        query: CallbackQuery,
        callback_data: RoleCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        details = await services.roles.get(actor, callback_data.id)
        await state.set_state(RoleForm.name)
        await state.update_data(template=details.role.id)
        await show(
            query,
            t("role-ask-name", template=role_label(t, details.role)),
            [[button(t("cancel"), RoleCb(action="list").pack())]],
        )

    @r.message(StateFilter(RoleForm.name), F.text)
    async def on_name(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        data = await state.get_data()
        try:
            role = await services.roles.create_custom(
                actor, int(data["template"]), message.text or ""
            )
        except Invalid as exc:
            await message.answer(error_text(t, exc) + "\n" + t("role-ask-name-again"))
            return
        await state.clear()
        await message.answer(t("role-created", role=role_label(t, role)))
        await role_card(message, actor, t, await services.roles.get(actor, role.id))

    return r

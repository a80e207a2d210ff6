"""Staff area: the list, a member's card, role changes, deactivation and invites."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import MenuCb, StaffCb
from handlers.labels import local_time, role_label
from handlers.render import button, pager, show
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.staff import Member

PER_PAGE = 8


def _member_line(t: Localizer, m: Member) -> str:
    mark = "🟢" if m.is_active else "⚪️"
    return f"{mark} {m.name} · {role_label(t, m.role)}"


async def staff_list(
    query: CallbackQuery, actor: Actor, t: Localizer, services: Services, page: int = 0
) -> None:
    result = await services.staff.page(actor, page, PER_PAGE)
    rows = [
        [button(_member_line(t, m), StaffCb(action="card", id=m.id, page=result.page).pack())]
        for m in result.items
    ]
    rows.append(pager(result.page, result.pages, lambda p: StaffCb(action="list", page=p).pack()))
    rows.append(
        [
            button(t("staff-invite"), StaffCb(action="invite").pack()),
            button(t("staff-pending-invites"), StaffCb(action="invites").pack()),
        ]
    )
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(query, t("staff-title", count=result.total), rows)


async def staff_card(
    query: CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    staff_id: int,
    page: int = 0,
) -> None:
    m = await services.staff.get(actor, staff_id)
    zone = (await services.facility.get()).zone
    text = t(
        "staff-card",
        name=m.name,
        username=f"@{m.username}" if m.username else "—",
        role=role_label(t, m.role),
        status=t("staff-active") if m.is_active else t("staff-inactive"),
        joined=local_time(m.created_at, zone),
    )
    rows = []
    if m.id != actor.staff_id:
        rows.append(
            [button(t("staff-change-role"), StaffCb(action="roles", id=m.id, page=page).pack())]
        )
        if m.is_active:
            rows.append(
                [button(t("staff-deactivate"), StaffCb(action="off", id=m.id, page=page).pack())]
            )
        else:
            rows.append(
                [button(t("staff-reactivate"), StaffCb(action="on", id=m.id, page=page).pack())]
            )
    rows.append([button(t("back"), StaffCb(action="list", page=page).pack())])
    await show(query, text, rows)


def router() -> Router:
    r = Router(name="staff")

    @r.callback_query(StaffCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery, callback_data: StaffCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        await staff_list(query, actor, t, services, callback_data.page)

    @r.callback_query(StaffCb.filter(F.action == "card"))
    async def on_card(
        query: CallbackQuery, callback_data: StaffCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        await staff_card(query, actor, t, services, callback_data.id, callback_data.page)

    @r.callback_query(StaffCb.filter(F.action == "roles"))
    async def on_pick_role(
        query: CallbackQuery, callback_data: StaffCb, actor: Actor, t: Localizer, services: Services
    ) -> None:
        m = await services.staff.get(actor, callback_data.id)
        roles = await services.staff.assignable_roles(actor)
        rows = [
            [
                button(
                    ("• " if role.id == m.role.id else "") + role_label(t, role),
                    StaffCb(action="role", id=m.id, page=role.id).pack(),
                )
            ]
            for role in roles
        ]
        rows.append([button(t("back"), StaffCb(action="card", id=m.id).pack())])
        await show(query, t("staff-pick-role", name=m.name), rows)

    @r.callback_query(StaffCb.filter(F.action == "role"))
    async def on_set_role(
        query: CallbackQuery,
        callback_data: StaffCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        # `page` carries the chosen role id here, to keep the callback data short.
        m = await services.staff.change_role(actor, callback_data.id, callback_data.page)
        callback_answer.text = t("staff-role-changed", name=m.name, role=role_label(t, m.role))
        await staff_card(query, actor, t, services, m.id)

    @r.callback_query(StaffCb.filter(F.action.in_({"off", "on"})))
    async def on_active(
        query: CallbackQuery,
        callback_data: StaffCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        active = callback_data.action == "on"
        m = await services.staff.set_active(actor, callback_data.id, active)
        callback_answer.text = (
            t("staff-reactivated", name=m.name) if active else t("staff-deactivated", name=m.name)
        )
        await staff_card(query, actor, t, services, m.id, callback_data.page)

    @r.callback_query(StaffCb.filter(F.action == "invite"))
    async def on_invite(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        roles = await services.staff.assignable_roles(actor)
        rows = [
            [button(role_label(t, role), StaffCb(action="inv_role", id=role.id).pack())]
            for role in roles
        ]
        rows.append([button(t("back"), StaffCb(action="list").pack())])
        await show(query, t("invite-pick-role"), rows)

    @r.callback_query(StaffCb.filter(F.action == "inv_role"))
    async def on_invite_role(
        query: CallbackQuery,
        callback_data: StaffCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        bot: Bot,
    ) -> None:
        invite = await services.staff.create_invite(actor, callback_data.id)
        me = await bot.me()
        link = f"https://t.me/{me.username}?start={invite.token}"
        zone = (await services.facility.get()).zone
        text = t(
            "invite-created",
            role=role_label(t, invite.role),
            link=link,
            expires=local_time(invite.expires_at, zone),
        )
        rows = [
            [button(t("staff-pending-invites"), StaffCb(action="invites").pack())],
            [button(t("back"), StaffCb(action="list").pack())],
        ]
        await show(query, text, rows)

    @r.callback_query(StaffCb.filter(F.action == "invites"))
    async def on_invites(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services
    ) -> None:
        invites = await services.staff.pending_invites(actor)
        zone = (await services.facility.get()).zone
        rows = [
            [
                button(
                    t("invite-revoke", role=role_label(t, role), expires=local_time(expires, zone)),
                    StaffCb(action="revoke", id=invite_id).pack(),
                )
            ]
            for invite_id, role, expires in invites[:20]
        ]
        rows.append([button(t("back"), StaffCb(action="list").pack())])
        text = t("invites-title", count=len(invites)) if invites else t("invites-none")
        await show(query, text, rows)

    @r.callback_query(StaffCb.filter(F.action == "revoke"))
    async def on_revoke(
        query: CallbackQuery,
        callback_data: StaffCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await services.staff.revoke_invite(actor, callback_data.id)
        callback_answer.text = t("invite-revoked")
        await on_invites(query, actor, t, services)

    return r

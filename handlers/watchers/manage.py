"""Staff: a client's watcher link (from the client card) and Settings → Watcher links.

Create (language, lifetime), revoke and replace, each confirmed where it ends something; who
opened the link. The links themselves are shown once, in a message of their own that stays in
the chat, with Copy buttons: only the token's hash is kept, so a lost link is replaced.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb, SettingsCb, WatcherCb
from handlers.clients.views import short
from handlers.labels import local_time
from handlers.render import button, markup, pager, show
from handlers.watchers import views
from locales import Localizer
from services.actor import Actor
from services.clients.service import ClientQuery
from services.container import Services
from services.watchers.service import LANGUAGES, LIFETIMES, NewLink

PER_PAGE = 8


class PickForm(StatesGroup):
    client = State()  # Settings → Watcher links → New link: which client


async def link_screen(
    query: CallbackQuery | Message,
    actor: Actor,
    t: Localizer,
    services: Services,
    client_id: int,
    src: str,
    web_base_url: str | None,
) -> None:
    screen = await services.watchers.screen(actor, client_id)
    zone = (await services.facility.get()).zone
    assert query.bot is not None
    forms = views.forms(t, (await query.bot.me()).username or "", web_base_url)
    rows: list[list[InlineKeyboardButton]] = []
    if screen.link is None:
        rows.append(
            [button(t("watchers-create"), WatcherCb(action="new", id=client_id, src=src).pack())]
        )
    else:
        rows.append(
            [
                button(
                    t("watchers-replace"), WatcherCb(action="replace", id=client_id, src=src).pack()
                ),
                button(
                    t("watchers-revoke"), WatcherCb(action="revoke", id=client_id, src=src).pack()
                ),
            ]
        )
    rows.append([_back(t, client_id, src)])
    await show(query, views.screen_text(t, screen, zone, forms), rows)


def _back(t: Localizer, client_id: int, src: str) -> InlineKeyboardButton:
    if src == "s":
        return button(t("watchers-back-to-list"), WatcherCb(action="list").pack())
    return button(t("watchers-back-to-client"), ClientCb(action="card", id=client_id).pack())


async def _send_links(
    query: CallbackQuery,
    bot: Bot,
    t: Localizer,
    services: Services,
    web_base_url: str | None,
    new: NewLink,
) -> None:
    """The new links, in a message of their own (it stays in the chat), with Copy buttons."""
    me = await bot.me()
    urls = [("telegram", views.telegram_url(me.username or "", new.token))]
    if web_base_url:
        urls.append(("web", views.web_url(web_base_url, new.token)))
    zone = (await services.facility.get()).zone
    buttons = [views.copy_button(t(f"watchers-copy-{kind}"), url) for kind, url in urls]
    await bot.send_message(
        query.from_user.id,
        views.new_link_text(t, new, urls, zone),
        reply_markup=markup([buttons]),
    )


def router() -> Router:
    r = Router(name="watchers-manage")

    @r.callback_query(WatcherCb.filter(F.action == "open"))
    async def on_open(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        web_base_url: str | None = None,
    ) -> None:
        await state.set_state(None)
        c = callback_data
        await link_screen(query, actor, t, services, c.id, c.src, web_base_url)

    @r.callback_query(WatcherCb.filter(F.action == "new"))
    async def on_new(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        screen = await services.watchers.screen(actor, callback_data.id)  # checks the permission
        c = callback_data
        rows = [
            [
                button(
                    t(f"language-{lang}"),
                    WatcherCb(action="lang", id=c.id, lang=lang, src=c.src).pack(),
                )
                for lang in LANGUAGES
            ],
            [button(t("back"), WatcherCb(action="open", id=c.id, src=c.src).pack())],
        ]
        await show(query, t("watchers-ask-language", client=screen.client_name), rows)

    @r.callback_query(WatcherCb.filter(F.action == "lang"))
    async def on_language(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        screen = await services.watchers.screen(actor, callback_data.id)
        c = callback_data
        choices = [
            button(
                views.lifetime(t, days),
                WatcherCb(action="make", id=c.id, lang=c.lang, days=days or 0, src=c.src).pack(),
            )
            for days in (*LIFETIMES, None)
        ]
        rows = [choices[:2], choices[2:]]
        rows.append([button(t("back"), WatcherCb(action="new", id=c.id, src=c.src).pack())])
        await show(query, t("watchers-ask-lifetime", client=screen.client_name), rows)

    @r.callback_query(WatcherCb.filter(F.action.in_({"make", "replace_ok"})))
    async def on_new_token(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        bot: Bot,
        web_base_url: str | None = None,
    ) -> None:
        """A new link, or a new token for the live one: the screen, then the link below it."""
        c = callback_data
        if c.action == "make":
            new = await services.watchers.create(actor, c.id, c.lang, c.days or None)
        else:
            new = await services.watchers.replace(actor, c.id)
        await link_screen(query, actor, t, services, c.id, c.src, web_base_url)
        await _send_links(query, bot, t, services, web_base_url, new)

    @r.callback_query(WatcherCb.filter(F.action.in_({"revoke", "replace"})))
    async def on_ask(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        c = callback_data
        screen = await services.watchers.screen(actor, c.id)
        rows = [
            [
                button(
                    t(f"watchers-{c.action}-confirm"),
                    WatcherCb(action=f"{c.action}_ok", id=c.id, src=c.src).pack(),
                )
            ],
            [button(t("back"), WatcherCb(action="open", id=c.id, src=c.src).pack())],
        ]
        await show(query, t(f"watchers-{c.action}-ask", client=screen.client_name), rows)

    @r.callback_query(WatcherCb.filter(F.action == "revoke_ok"))
    async def on_revoke(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
        web_base_url: str | None = None,
    ) -> None:
        c = callback_data
        await services.watchers.revoke(actor, c.id)
        callback_answer.text = t("watchers-revoked")
        await link_screen(query, actor, t, services, c.id, c.src, web_base_url)

    @r.callback_query(WatcherCb.filter(F.action == "list"))
    async def on_list(
        query: CallbackQuery,
        callback_data: WatcherCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await state.set_state(None)
        result = await services.watchers.live_links(actor, callback_data.page, PER_PAGE)
        zone = (await services.facility.get()).zone
        rows: list[list[InlineKeyboardButton]] = []
        for e in result.items:
            until = local_time(e.expires_at, zone)[:10] if e.expires_at else "∞"
            label = f"{short(e.client_name, 24)} · {e.language} · {until}"
            rows.append([button(label, WatcherCb(action="open", id=e.client_id, src="s").pack())])
        rows.append(
            pager(result.page, result.pages, lambda p: WatcherCb(action="list", page=p).pack())
        )
        rows.append([button(t("watchers-new"), WatcherCb(action="pick").pack())])
        rows.append([button(t("back"), SettingsCb(action="show").pack())])
        text = t("watchers-list", count=result.total)
        await show(query, text if result.total else f"{text}\n{t('watchers-list-empty')}", rows)

    @r.callback_query(WatcherCb.filter(F.action == "pick"))
    async def on_pick(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await services.watchers.live_links(actor, 0, 1)  # checks the permission first
        await state.set_state(PickForm.client)
        back = [[button(t("back"), WatcherCb(action="list").pack())]]
        await show(query, t("watchers-ask-client"), back)

    @r.message(StateFilter(PickForm.client), F.text)
    async def on_client_typed(
        message: Message, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        """A name, email or #id: the matching clients, each opening its link's screen."""
        await services.watchers.live_links(actor, 0, 1)
        found = await services.clients.overview(
            actor, ClientQuery(search=message.text), 0, PER_PAGE
        )
        rows = [
            [
                button(
                    f"#{c.id} {short(c.name, 24)} · {short(c.email, 24)}",
                    WatcherCb(action="open", id=c.id, src="s").pack(),
                )
            ]
            for c in found.items
        ]
        rows.append([button(t("back"), WatcherCb(action="list").pack())])
        text = t("watchers-clients-found", count=found.total) if found.total else None
        await show(message, text or t("watchers-no-client"), rows)

    return r

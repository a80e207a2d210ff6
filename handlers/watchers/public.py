"""The watcher's chat: `/start w_<token>` opens a client's read-only view, and nothing else.

This router is the first in the Dispatcher and is all a watcher reaches (the staff routers sit
behind a filter that lets no one but staff through, see `bot/app.py`). Every button is checked by
the service against the chat's binding to a live link; the view is written in the link's
language. An unknown, revoked or expired link gets one answer: "this link is not valid".
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.chat_action import ChatActionSender

from handlers.audience import not_staff
from handlers.callbacks import WatchCb
from handlers.miners.card_views import chart_texts
from handlers.render import button, grid, pager, show
from handlers.watchers import views
from locales import Localizer, Translations
from services.actor import Actor
from services.container import Services
from services.telemetry import charts
from services.watchers.service import START_PREFIX, LinkNotValid, Watch, token_from_start


def _keyboard(t: Localizer, view: Any) -> list[list[Any]]:
    link, status = view.link_id, view.status or ""
    rows: list[list[Any]] = [
        pager(
            view.miners.page,
            view.miners.pages,
            lambda p: WatchCb(action="view", link=link, page=p, status=status).pack(),
        )
    ]
    filters = [
        button(label, WatchCb(action="view", link=link, status=s).pack())
        for label, s in views.status_choices(view)
    ]
    rows += grid(filters, 3)
    rows.append(
        [
            button(
                t("watchers-refresh"),
                WatchCb(action="refresh", link=link, page=view.miners.page, status=status).pack(),
            ),
            button(t("watchers-chart"), WatchCb(action="chart", link=link).pack()),
        ]
    )
    rows.append([button(t("watchers-notify"), WatchCb(action="notify", link=link).pack())])
    return rows


async def _show_view(
    event: Message | CallbackQuery,
    services: Services,
    t: Localizer,
    watch: Watch,
    page: int = 0,
    status: str | None = None,
) -> None:
    view = await services.watchers.view(watch, page=page, status=status)
    await show(event, views.view_text(t, view), _keyboard(t, view))


async def _send_chart(
    event: Message | CallbackQuery, services: Services, t: Localizer, watch: Watch
) -> None:
    assert event.bot is not None
    chat_id = event.chat.id if isinstance(event, Message) else event.from_user.id
    zone = (await services.facility.get()).zone

    def draw(series: Any) -> bytes:
        return charts.fleet_chart(series, zone, chart_texts(t, watch.client_name, zone))

    async with ChatActionSender.upload_photo(chat_id=chat_id, bot=event.bot):
        png = await services.watchers.chart(watch, f"{t.locale}:{zone}", draw)
    await event.bot.send_photo(
        chat_id,
        BufferedInputFile(png, filename="chart.png"),
        caption=t("watchers-chart-caption", client=watch.client_name),
    )


async def _not_valid(query: CallbackQuery, t: Localizer, answer: CallbackAnswer) -> None:
    """The link ended: the view's message says so and loses its buttons."""
    answer.text, answer.show_alert = t("watchers-not-valid"), True
    message = query.message
    if message is not None and not isinstance(message, InaccessibleMessage) and message.text:
        await show(query, t("watchers-not-valid"))


def router() -> Router:
    r = Router(name="watchers-public")

    @r.message(CommandStart(deep_link=True, magic=F.args.startswith(START_PREFIX)))
    async def on_open(
        message: Message,
        command: CommandObject,
        t: Localizer,
        translations: Translations,
        services: Services,
        actor: Actor | None,
    ) -> None:
        user = message.from_user
        assert user is not None
        token = token_from_start(command.args) or ""
        try:
            watch = await services.watchers.open_in_chat(
                token, user.id, user.full_name, user.username
            )
        except LinkNotValid:
            if actor is None:
                await services.staff.log_refusal(user.id, user.full_name, user.username)
            await message.answer(t("watchers-not-valid"))
            return
        t = translations.get(watch.language)  # the view speaks the link's language
        await _send_chart(message, services, t, watch)
        await _show_view(message, services, t, watch)

    @r.callback_query(WatchCb.filter())
    async def on_button(
        query: CallbackQuery,
        callback_data: WatchCb,
        t: Localizer,
        translations: Translations,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        try:
            watch = await services.watchers.for_viewer(query.from_user.id, callback_data.link)
            await _act(
                query,
                callback_data,
                translations.get(watch.language),
                services,
                watch,
                callback_answer,
            )
        except LinkNotValid:
            await _not_valid(query, t, callback_answer)

    @r.message(not_staff)
    async def on_other_message(
        message: Message, services: Services, translations: Translations, t: Localizer
    ) -> None:
        """A watcher writing, or sending a command: the view is all this chat has."""
        assert message.from_user is not None
        try:
            links = await services.watchers.chat_links(message.from_user.id)
            if not links:
                raise LinkNotValid()
            watch = await services.watchers.for_viewer(message.from_user.id, links[0])
        except LinkNotValid:
            await message.answer(t("watchers-not-valid"))
            return
        t = translations.get(watch.language)
        await message.answer(t("watchers-only-view", client=watch.client_name))
        await _show_view(message, services, t, watch)

    @r.callback_query(not_staff)
    async def on_other_button(
        query: CallbackQuery, t: Localizer, callback_answer: CallbackAnswer
    ) -> None:
        """Any other button from a watcher's chat (a forged staff one) gets nothing."""
        callback_answer.text = t("watchers-button-not-here")
        callback_answer.show_alert = True

    return r


async def _act(
    query: CallbackQuery,
    data: WatchCb,
    t: Localizer,
    services: Services,
    watch: Watch,
    answer: CallbackAnswer,
) -> None:
    status = data.status or None
    if data.action == "chart":
        await _send_chart(query, services, t, watch)
    elif data.action == "notify" or data.action in ("alerts", "daily"):
        if data.action != "notify":
            prefs = await services.watchers.prefs(query.from_user.id, watch.link_id)
            on = not getattr(prefs, data.action)
            await services.watchers.set_pref(query.from_user.id, watch.link_id, data.action, on)
            answer.text = t(f"watchers-pref-{data.action}-{'on' if on else 'off'}")
        await _notify_screen(query, services, t, watch)
    else:  # view, refresh
        if data.action == "refresh":
            answer.text = t("watchers-refreshed")
        await _show_view(query, services, t, watch, data.page, status)


async def _notify_screen(
    query: CallbackQuery, services: Services, t: Localizer, watch: Watch
) -> None:
    prefs = await services.watchers.prefs(query.from_user.id, watch.link_id)
    link = watch.link_id

    def mark(on: bool) -> str:
        return "✅" if on else "⬜"

    rows = [
        [
            button(
                f"{mark(prefs.alerts)} {t('watchers-notify-alerts')}",
                WatchCb(action="alerts", link=link).pack(),
            )
        ],
        [
            button(
                f"{mark(prefs.daily)} {t('watchers-notify-daily')}",
                WatchCb(action="daily", link=link).pack(),
            )
        ],
        [button(t("watchers-back-to-view"), WatchCb(action="view", link=link).pack())],
    ]
    await show(query, t("watchers-notify-text", client=watch.client_name), rows)

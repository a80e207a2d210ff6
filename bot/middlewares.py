"""Who is speaking (staff member, role, language), strangers refused, domain errors explained.

A watcher (someone who opened a client's watcher link) is no staff member: the middleware lets
their updates through with `actor` None, and `handlers.audience.staff_only` keeps them from every
staff router."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.audience import start_payload
from handlers.callbacks import WatchCb
from handlers.fit import plain_text
from handlers.labels import error_text
from locales import Localizer, Translations
from services.container import Services
from services.errors import AlreadyDone, DomainError
from services.staff import locale_from_telegram

log = logging.getLogger(__name__)
ALERT_LIMIT = 200  # characters Telegram allows in a button's alert
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _is_invite(update: Update) -> bool:
    """`/start <token>`: what a stranger may send (an invite, or a watcher link)."""
    return start_payload(update.message) is not None


class ActorMiddleware(BaseMiddleware):
    """Resolve the Telegram user to an active staff member (`actor`) and their `t`."""

    def __init__(self, services: Services, translations: Translations, default_locale: str) -> None:
        self.services = services
        self.translations = translations
        self.default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        user: User | None = data.get("event_from_user")
        chat = data.get("event_chat")
        if user is None or user.is_bot or (chat is not None and chat.type != "private"):
            return None  # FarmDesk works in private chats with people only
        actor = await self.services.staff.resolve(
            user.id, user.full_name, user.username, user.language_code
        )
        locale = (
            actor.locale if actor else locale_from_telegram(user.language_code, self.default_locale)
        )
        t = self.translations.get(locale)
        data["actor"], data["t"] = actor, t
        if actor is None and not _is_invite(event) and not await self._watcher(event, user):
            await self.services.staff.log_refusal(user.id, user.full_name, user.username)
            await _refuse(event, t)
            return None
        return await handler(event, data)

    async def _watcher(self, update: Update, user: User) -> bool:
        """A watcher's button, or anything from a chat that opened a live watcher link: on to
        the watcher's router (it alone answers people who are not staff)."""
        query = update.callback_query
        if query is not None and (query.data or "").startswith(f"{WatchCb.__prefix__}:"):
            return True
        return bool(await self.services.watchers.chat_links(user.id))


async def _refuse(update: Update, t: Localizer) -> None:
    if update.message is not None:
        await update.message.answer(t("stranger-refused"))
    elif update.callback_query is not None:
        await update.callback_query.answer(t("stranger-refused"), show_alert=True)


class DomainErrorMiddleware(BaseMiddleware):
    """Turn a service's domain error into a message in the member's language.

    Registered inside aiogram's CallbackAnswerMiddleware, so for a button the error is the
    answer's alert; for a message it is a reply. The form state, if any, is kept: the member
    can answer again.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as exc:
            t: Localizer = data["t"]
            text = error_text(t, exc)
            log.info("refused %s: %r", type(exc).__name__, exc.args)
            alert = plain_text(text)  # Telegram shows an alert as it is, without parsing HTML
            if isinstance(event, CallbackQuery) and len(alert) <= ALERT_LIMIT:
                answer: CallbackAnswer = data["callback_answer"]
                # a toast for what is done already: its result stays on screen, nothing to read
                answer.text, answer.show_alert = alert, not isinstance(exc, AlreadyDone)
            elif isinstance(event, CallbackQuery):
                await event.bot.send_message(event.from_user.id, text)  # type: ignore[union-attr]
            elif isinstance(event, Message):
                await event.answer(text)
            return None

"""What nothing else handled: an outdated button, or text outside any form."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from locales import Localizer


def router() -> Router:
    r = Router(name="fallback")

    @r.callback_query()
    async def outdated_button(
        query: CallbackQuery, t: Localizer, callback_answer: CallbackAnswer
    ) -> None:
        callback_answer.text, callback_answer.show_alert = t("button-outdated"), True

    @r.message()
    async def not_understood(message: Message, t: Localizer) -> None:
        await message.answer(t("not-understood"))

    return r

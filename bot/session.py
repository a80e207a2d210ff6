"""The Bot API session: aiogram's aiohttp session, made cheaper per request.

- A request without files is sent as a JSON body. aiogram builds a urlencoded form, and
  urllib's quoting, a character at a time in Python, was a third of the CPU an edit of a list
  screen cost. Uploads keep the multipart form.
- aiogram checks each answer with ``Response[<the method's result type>]``. pydantic keeps
  those generic classes in a weak cache, so each garbage collection threw them away and the
  next answer built them again (milliseconds each); the session keeps them.
- Telegram answers a sent or edited message with the whole message, its inline keyboard
  included: the keyboard the request carried. That part of the answer is taken as the object
  sent instead of being validated again, button by button (on a list screen, two thirds of
  checking the answer).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile
from aiohttp import FormData
from aiohttp.payload import JsonPayload
from pydantic import ValidationError


class BotApiSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    def build_form_data(  # type: ignore[override]  # a JSON payload where there is no file
        self, bot: Bot, method: TelegramMethod[TelegramType]
    ) -> FormData | JsonPayload:
        files: dict[str, InputFile] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None and prepared != "":  # the form leaves these out too
                body[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        return JsonPayload(body, dumps=self.json_dumps)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        kind = type(method)
        response_type = self._response_types.get(kind)
        if response_type is None:
            response_type = Response[method.__returning__]  # type: ignore[name-defined]
            self._response_types[kind] = response_type
        sent = getattr(method, "reply_markup", None)
        if isinstance(sent, InlineKeyboardMarkup) and status_code == HTTPStatus.OK:
            try:
                answer = self.json_loads(content)
                message = answer["result"]
                if answer["ok"] is True and isinstance(message, dict) and "reply_markup" in message:
                    message["reply_markup"] = sent  # what Telegram echoes: the keyboard sent
                    return response_type.model_validate(answer, context={"bot": bot})
            except (ValueError, KeyError, TypeError, ValidationError):
                pass  # anything unexpected: aiogram's own check says what is wrong
        return super().check_response(bot, method, status_code, content)

"""The Bot API session: aiogram's aiohttp session, made cheaper per request.

- A request without files is sent as a JSON body. aiogram builds a urlencoded form, and
  urllib's quoting, a character at a time in Python, was a third of the CPU an edit of a list
  screen cost. Uploads keep the multipart form.
- aiogram checks each answer with ``Response[<the method's result type>]``. pydantic keeps
  those generic classes in a weak cache, so each garbage collection threw them away and the
  next answer built them again (milliseconds each); the session keeps them.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InputFile
from aiohttp import FormData
from aiohttp.payload import JsonPayload


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
        if kind not in self._response_types:
            self._response_types[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return super().check_response(bot, method, status_code, content)

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
- A request whose class says ``answer_unused`` (the edit of a screen, `handlers.render`) is only
  checked for success and answered True, as the Bot API answers an edit of an inline message:
  nobody reads the edited message, and building it with its entities cost more than the rest
  of the request.
- A tap comes back with the message tapped, its keyboard included: the one Telegram echoed when
  the bot last sent or edited that message. The session keeps, for the last messages it sent a
  keyboard with, what Telegram echoed and the object sent; an update from polling whose keyboard
  is equal to what was echoed gets that object instead of a new one built button by button (two
  thirds of reading a tap on a list). Any other keyboard is read as aiogram reads it. A webhook's
  update is read with the session's ``json_loads`` (aiogram's handler asks the session), which
  does the same for it.
"""

from __future__ import annotations

from collections import OrderedDict
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import InlineKeyboardMarkup, InputFile
from aiohttp import FormData
from aiohttp.payload import JsonPayload
from pydantic import ValidationError

KEYBOARDS_KEPT = 1024  # messages whose keyboard is remembered; the oldest are forgotten first

_Keyboard = tuple[Any, InlineKeyboardMarkup]  # what Telegram echoed, the object sent


class BotApiSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}
        self._keyboards: OrderedDict[tuple[Any, Any], _Keyboard] = OrderedDict()
        self._decode = self.json_loads
        self.json_loads = self._loads

    def _loads(self, text: str) -> Any:
        """JSON as the session reads it; an update (the webhook's) with the keyboards known."""
        value = self._decode(text)
        if isinstance(value, dict) and "update_id" in value:
            self._known_keyboard(value)
        return value

    def build_form_data(  # type: ignore[override]  # a JSON payload where there is no file
        self, bot: Bot, method: TelegramMethod[TelegramType]
    ) -> FormData | JsonPayload:
        files: dict[str, InputFile] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False, exclude_none=True).items():
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
        polled = isinstance(method, GetUpdates)
        unused = getattr(method, "answer_unused", False)
        if (
            polled or unused or isinstance(sent, InlineKeyboardMarkup)
        ) and status_code == HTTPStatus.OK:
            try:
                answer = self.json_loads(content)
                if answer["ok"] is True:
                    known = self._take_known(answer["result"], sent, polled)
                    if unused:  # a success is all its caller wants to know
                        return response_type.model_validate({"ok": True, "result": True})
                    if known:
                        return response_type.model_validate(answer, context={"bot": bot})
            except (ValueError, KeyError, TypeError, AttributeError, ValidationError):
                pass  # anything unexpected: aiogram's own check says what is wrong
        return super().check_response(bot, method, status_code, content)

    def _take_known(self, result: Any, sent: Any, polled: bool) -> bool:
        """Put the keyboards known in `result` (in place); False if it is not the expected shape."""
        if polled:
            if not isinstance(result, list):
                return False
            for update in result:
                self._known_keyboard(update)
            return True
        if not isinstance(result, dict) or "reply_markup" not in result:
            return False
        if not isinstance(sent, InlineKeyboardMarkup):
            return False
        self._remember(result, sent)
        result["reply_markup"] = sent  # what Telegram echoes: the keyboard sent
        return True

    def _remember(self, message: dict[str, Any], sent: InlineKeyboardMarkup) -> None:
        key = (message["chat"]["id"], message["message_id"])
        self._keyboards[key] = (message["reply_markup"], sent)
        self._keyboards.move_to_end(key)
        if len(self._keyboards) > KEYBOARDS_KEPT:
            self._keyboards.popitem(last=False)

    def _known_keyboard(self, update: Any) -> None:
        """The tapped message's keyboard as the object sent, if Telegram's copy is unchanged."""
        query = update.get("callback_query") if isinstance(update, dict) else None
        message = query.get("message") if isinstance(query, dict) else None
        if not isinstance(message, dict) or "reply_markup" not in message:
            return
        chat = message.get("chat")
        kept = self._keyboards.get(
            (chat.get("id") if isinstance(chat, dict) else None, message.get("message_id"))
        )
        if kept is not None and kept[0] == message["reply_markup"]:
            message["reply_markup"] = kept[1]

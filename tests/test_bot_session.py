"""`bot.session.BotApiSession` against the fake Bot API: what an answer gives back."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from bot.session import BotApiSession
from handlers.render import ScreenEdit
from tests.conftest import API_TOKEN
from tests.fakebotapi import FakeBotAPI

TOKEN = API_TOKEN
CHAT = 1001


def keyboard(n: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"Client {i}", callback_data=f"cl:card:{i}:0:")]
            for i in range(n)
        ]
        + [[InlineKeyboardButton(text="Site", url="https://example.com/a?b=1")]]
    )


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    session = BotApiSession(api=TelegramAPIServer.from_base(fake.base_url))
    instance = Bot(TOKEN, session=session)
    try:
        yield instance
    finally:
        await session.close()


async def test_an_edit_answers_with_the_message_and_the_keyboard_it_sent(
    fake: FakeBotAPI, bot: Bot
) -> None:
    """Telegram echoes the keyboard a request carried; the answer gives the object sent, and
    everything else as Telegram said it."""
    sent = await bot.send_message(CHAT, "<b>Clients</b>", reply_markup=keyboard(3))
    assert sent.reply_markup == keyboard(3)
    new = keyboard(12)
    edited = await bot.edit_message_text(
        "<b>Clients</b> page 2", chat_id=CHAT, message_id=sent.message_id, reply_markup=new
    )
    assert isinstance(edited, Message)
    assert edited.reply_markup is new
    assert edited.message_id == sent.message_id and edited.chat.id == CHAT
    assert edited.text == "<b>Clients</b> page 2"
    assert isinstance(edited.date, datetime) and edited.edit_date is not None
    stored = fake.chat(CHAT)[-1]
    assert [b["callback_data"] for (b,) in stored.raw["reply_markup"]["inline_keyboard"][:-1]] == [
        f"cl:card:{i}:0:" for i in range(12)
    ]
    # the answer says what aiogram's own check makes of it
    method = EditMessageText(
        text="x", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard(2)
    )
    content = (
        '{"ok": true, "result": {"message_id": 5, "date": 1700000000, "text": "x",'
        ' "chat": {"id": 1001, "type": "private"}, "reply_markup": '
        + keyboard(2).model_dump_json(exclude_none=True)
        + "}}"
    )
    session = bot.session
    assert isinstance(session, BotApiSession)
    ours = session.check_response(bot, method, 200, content).result
    theirs = AiohttpSession.check_response(session, bot, method, 200, content).result
    assert isinstance(ours, Message) and isinstance(theirs, Message)
    assert ours.model_dump() == theirs.model_dump()


async def test_a_refused_edit_is_aiogram_s_error(fake: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard(1))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "one", chat_id=CHAT, message_id=sent.message_id, reply_markup=keyboard(1)
        )
    with pytest.raises(TelegramBadRequest):
        await bot.edit_message_text(
            "two", chat_id=CHAT, message_id=sent.message_id + 99, reply_markup=keyboard(1)
        )


async def test_a_tap_carries_the_keyboard_object_sent_while_telegram_s_copy_is_unchanged(
    fake: FakeBotAPI, bot: Bot
) -> None:
    """A tap comes back with the tapped message and its keyboard: the object the bot sent, when
    what Telegram gives is what it echoed for that message; read anew otherwise."""
    sent_markup = keyboard(4)
    await bot.send_message(CHAT, "Clients", reply_markup=sent_markup)
    other = await bot.send_message(CHAT, "Tasks", reply_markup=keyboard(2))
    raw = fake.chat(CHAT)[-2].raw
    changed = copy.deepcopy(raw)
    changed["reply_markup"]["inline_keyboard"][0][0]["text"] = "Renamed"
    unknown = {**copy.deepcopy(raw), "message_id": other.message_id + 50}
    for message in (raw, changed, unknown):
        fake.push_update(
            {
                "callback_query": {
                    "id": "1",
                    "from": {"id": CHAT, "is_bot": False, "first_name": "M"},
                    "message": copy.deepcopy(message),
                    "chat_instance": "7",
                    "data": "cl:card:1:0:",
                }
            }
        )
    markups: list[InlineKeyboardMarkup] = []
    for update in await bot.get_updates(timeout=0):
        assert update.callback_query is not None
        tapped = update.callback_query.message
        assert isinstance(tapped, Message) and tapped.reply_markup is not None
        markups.append(tapped.reply_markup)
    same, renamed, stranger = markups
    assert same is sent_markup
    assert renamed is not sent_markup and renamed.inline_keyboard[0][0].text == "Renamed"
    assert stranger is not sent_markup and stranger.model_dump() == sent_markup.model_dump()


async def test_a_json_body_says_what_aiogram_s_form_says(fake: FakeBotAPI, bot: Bot) -> None:
    """Each request, sent as JSON, reaches the Bot API with the parameters aiogram's own form
    would carry: bot defaults filled in, nothing for what is unset or None."""
    form = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    defaults = DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True)
    ours, theirs = (
        Bot(TOKEN, session=bot.session, default=defaults),
        Bot(TOKEN, session=form, default=defaults),
    )
    sent = await ours.send_message(CHAT, "first")
    requests: list[TelegramMethod[Any]] = [
        SendMessage(chat_id=CHAT, text="<b>list</b>", reply_markup=keyboard(2)),
        SendMessage(
            chat_id=CHAT,
            text="plain",
            parse_mode=None,
            reply_parameters=ReplyParameters(message_id=sent.message_id),
        ),
        SendMessage(
            chat_id=CHAT,
            text="preview",
            link_preview_options=LinkPreviewOptions(is_disabled=False),
            reply_markup=ReplyKeyboardMarkup(
                keyboard=[[KeyboardButton(text="k")]], resize_keyboard=True
            ),
        ),
        EditMessageText(
            chat_id=CHAT, message_id=sent.message_id, text="edited", reply_markup=keyboard(1)
        ),
        AnswerCallbackQuery(callback_query_id="1", text="Saved", show_alert=True),
    ]
    try:
        for method in requests:
            received = []
            for sender in (ours, theirs):
                with contextlib.suppress(TelegramBadRequest):  # the second edit: "not modified"
                    await sender(method)
                received.append(fake.calls[-1].params)
            assert received[0] == received[1], type(method).__name__
    finally:
        await form.close()


async def test_a_screen_edit_is_checked_for_success_only(fake: FakeBotAPI, bot: Bot) -> None:
    """`show`'s edit gives True instead of the edited message; a refusal is still aiogram's
    error, and the keyboard it carried is known to the next tap."""
    sent = await bot.send_message(CHAT, "one", reply_markup=keyboard(1))
    new = keyboard(3)
    edit = ScreenEdit(chat_id=CHAT, message_id=sent.message_id, text="two", reply_markup=new)
    assert await bot(edit) is True
    assert fake.chat(CHAT)[-1].plain == "two"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot(edit)
    fake.push_update(
        {
            "callback_query": {
                "id": "1",
                "from": {"id": CHAT, "is_bot": False, "first_name": "M"},
                "message": copy.deepcopy(fake.chat(CHAT)[-1].raw),
                "chat_instance": "7",
                "data": "cl:card:1:0:",
            }
        }
    )
    [update] = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    tapped = update.callback_query.message
    assert isinstance(tapped, Message) and tapped.reply_markup is new

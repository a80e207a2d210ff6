"""Tests of the fake Telegram Bot API server, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
    Update,
)

from tests.conftest import API_TOKEN
from tests.fakebotapi import FakeBotAPI

TOKEN = API_TOKEN
CHAT = 1001


class FastSession(AiohttpSession):
    """AiohttpSession without the 250 ms SSL-shutdown sleep in ``close()``."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(fake: FakeBotAPI, token: str = TOKEN) -> Bot:
    return Bot(token, session=FastSession(api=TelegramAPIServer.from_base(fake.base_url)))


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    instance = make_bot(fake)
    try:
        yield instance
    finally:
        await instance.session.close()


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll a condition on the fake's own state (up to 2 s)."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not reached")


async def test_get_me(fake: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot
    assert me.first_name == "FarmDesk"
    assert me.username == "farmdesk_test_bot"
    assert fake.calls_of("getMe")[0].status == 200


async def test_wrong_token_and_unknown_method(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramUnauthorizedError):
        await make_bot(fake, "987654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB").get_me()
    with pytest.raises(TelegramNotFound):
        await bot.get_chat(CHAT)
    assert [c.status for c in fake.calls] == [401, 404]


async def test_send_and_edit_message(fake: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(("Yes", "confirm:yes"), ("No", "confirm:no"))
    sent = await bot.send_message(
        CHAT, "<b>Hello</b> &amp; welcome", parse_mode="HTML", reply_markup=markup
    )
    assert sent.message_id == 1
    assert sent.chat.id == CHAT
    assert sent.text == "Hello & welcome"
    assert sent.entities is not None and sent.entities[0].type == "bold"
    assert sent.from_user is not None and sent.from_user.is_bot
    assert isinstance(sent.reply_markup, InlineKeyboardMarkup)
    assert sent.reply_markup.inline_keyboard[1][0].callback_data == "confirm:no"

    [message] = fake.chat(CHAT)
    assert message.text == "<b>Hello</b> &amp; welcome"
    assert message.plain == "Hello & welcome"
    assert message.buttons() == [("Yes", "confirm:yes"), ("No", "confirm:no")]
    assert fake.calls_of("sendMessage")[0].params["chat_id"] == CHAT

    edited = await bot.edit_message_text(
        text="Done", chat_id=CHAT, message_id=sent.message_id, reply_markup=markup
    )
    assert isinstance(edited, Message) and edited.text == "Done"
    assert message.plain == "Done" and message.edits == 1

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="Done", chat_id=CHAT, message_id=sent.message_id, reply_markup=markup
        )
    # editing without reply_markup removes the keyboard, like Telegram
    await bot.edit_message_text(text="Done", chat_id=CHAT, message_id=sent.message_id)
    assert message.buttons() == [] and message.edits == 2
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=CHAT, message_id=99)

    second = await bot.send_message(CHAT, "second")
    assert second.message_id == 2
    assert await bot.delete_message(CHAT, second.message_id)
    assert fake.chat(CHAT)[1].deleted
    assert fake.user(CHAT).last.message_id == 1


async def test_message_validation(fake: FakeBotAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "  ")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    # the limit counts characters after entity parsing
    await bot.send_message(CHAT, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "&lt;" * 4097, parse_mode="HTML")

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "hi", reply_markup=keyboard(("Go", "é" * 33)))
    await bot.send_message(CHAT, "hi", reply_markup=keyboard(("Go", "x" * 64)))

    for bad in ["<b>open", "a < b", "Tom & Jerry", "<br>", "<b><i>x</b></i>", "x</b>", "&nbsp;"]:
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(CHAT, bad, parse_mode="HTML")
    # without parse_mode the same text is fine
    plain = await bot.send_message(CHAT, "a < b & <br>")
    assert plain.text == "a < b & <br>"
    ok = await bot.send_message(
        CHAT,
        '<a href="https://example.com/?a=1&amp;b=2">link</a> <tg-spoiler>s</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre> &#128512; &quot;',
        parse_mode="HTML",
    )
    assert ok.text == 'link s x = 1 😀 "'
    assert ok.entities is not None
    assert [e.type for e in ok.entities] == ["text_link", "spoiler", "pre"]
    assert [(e.offset, e.length) for e in ok.entities] == [(0, 4), (5, 1), (7, 5)]
    assert ok.entities[2].language == "python"
    emoji = await bot.send_message(CHAT, "😀 <b>bold</b>\n", parse_mode="HTML")
    assert emoji.text == "😀 bold"  # offsets are UTF-16 and surrounding whitespace is trimmed
    assert emoji.entities is not None and (emoji.entities[0].offset, emoji.entities[0].length) == (
        3,
        4,
    )
    assert len(fake.chat(CHAT)) == 5


async def test_send_document_roundtrip(fake: FakeBotAPI, bot: Bot) -> None:
    data = b"col1;col2\n1;2\n"
    sent = await bot.send_document(
        CHAT,
        BufferedInputFile(data, filename="report.csv"),
        caption="<i>Report</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "report.csv"
    assert sent.document.file_size == len(data)
    assert sent.caption == "Report"
    assert fake.document_bytes(sent.document.file_id) == data
    [message] = fake.chat(CHAT)
    assert message.document is not None and message.document["mime_type"] == "text/csv"
    assert message.plain == "Report"

    # resend by file_id, then download what the bot uploaded
    again = await bot.send_document(CHAT, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    downloaded = await bot.download(sent.document.file_id)
    assert isinstance(downloaded, io.BytesIO) and downloaded.read() == data

    await bot.edit_message_caption(chat_id=CHAT, message_id=sent.message_id, caption="v2")
    assert message.plain == "v2" and message.edits == 1
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_caption(chat_id=CHAT, message_id=sent.message_id, caption="v2")
    markup = keyboard(("Open", "open"))
    await bot.edit_message_reply_markup(
        chat_id=CHAT, message_id=sent.message_id, reply_markup=markup
    )
    assert message.buttons() == [("Open", "open")] and message.plain == "v2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=CHAT, message_id=sent.message_id, reply_markup=markup
        )
    with pytest.raises(TelegramBadRequest, match="no text in the message"):
        await bot.edit_message_text(text="x", chat_id=CHAT, message_id=sent.message_id)

    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(CHAT, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)


async def test_user_file_download_and_size_limit(fake: FakeBotAPI, bot: Bot) -> None:
    doc = fake.add_file(b"\x00\x01binary", "farm.xlsx", "application/octet-stream")
    file = await bot.get_file(doc["file_id"])
    assert file.file_path == f"documents/{doc['file_id']}.xlsx"
    assert file.file_size == 8
    result = await bot.download(doc["file_id"])
    assert result is not None and result.read() == b"\x00\x01binary"

    big = fake.add_file(b"\x00" * (20 * 1024 * 1024 + 1), "big.bin", "application/octet-stream")
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big["file_id"])
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_upload_over_50_mb_refused(fake: FakeBotAPI, bot: Bot) -> None:
    blob = BufferedInputFile(b"\x00" * (50 * 1024 * 1024 + 1), filename="huge.bin")
    with pytest.raises(TelegramEntityTooLarge):
        await bot.send_document(CHAT, blob)
    assert fake.chat(CHAT) == []


async def test_fail_next_retry_after(fake: FakeBotAPI, bot: Bot) -> None:
    fake.fail_next("sendMessage", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(CHAT, "hi")
        assert info.value.retry_after == 7
        assert "Too Many Requests: retry after 7" in info.value.message
    await bot.send_message(CHAT, "hi")
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 429, 200]

    fake.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked")
    with pytest.raises(Exception, match="bot was blocked"):
        await bot.send_message(CHAT, "hi")


async def test_get_updates_long_poll(fake: FakeBotAPI, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await wait_until(lambda: fake.long_polls_waiting == 1)
    chat = {"id": CHAT, "type": "private"}
    update_id = fake.push_update(
        {"message": {"message_id": 1, "date": 0, "chat": chat, "text": "ping"}}
    )
    updates = await poll
    assert loop.time() - started < 2
    assert [u.update_id for u in updates] == [update_id]
    assert updates[0].message is not None and updates[0].message.text == "ping"

    # unconfirmed updates are re-delivered; confirmed ones are dropped
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
    started = loop.time()
    assert await bot.get_updates(offset=update_id + 1, timeout=1) == []
    assert loop.time() - started >= 0.9
    assert fake.pending_updates == []


async def test_stop_releases_long_poll(fake: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await wait_until(lambda: fake.long_polls_waiting == 1)
    await asyncio.wait_for(fake.stop(), 2)
    assert await asyncio.wait_for(poll, 2) == []


async def test_set_my_commands_per_language(fake: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="ru",
    )
    assert fake.commands[('{"type": "default"}', "")] == [
        {"command": "start", "description": "Start"}
    ]
    assert fake.commands[('{"type": "all_private_chats"}', "ru")] == [
        {"command": "start", "description": "Начать"}
    ]
    got = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [c.description for c in got] == ["Начать"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Command", description="x")])
    assert await bot.delete_my_commands()
    assert ('{"type": "default"}', "") not in fake.commands


async def test_answer_callback_query_rules(fake: FakeBotAPI, bot: Bot) -> None:
    user = fake.user(CHAT)
    await bot.send_message(CHAT, "pick", reply_markup=keyboard(("A", "a")))
    await user.tap("A", wait=False)
    query_id = fake.pending_updates[0]["callback_query"]["id"]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="ok", show_alert=True)
    assert user.last_answer() == {"callback_query_id": query_id, "text": "ok", "show_alert": True}
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_tap_matching(fake: FakeBotAPI, bot: Bot) -> None:
    user = fake.user(CHAT)
    with pytest.raises(ValueError, match="no bot message with an inline keyboard"):
        await user.tap("x", wait=False)
    await bot.send_message(
        CHAT, "menu", reply_markup=keyboard(("Pay invoice", "pay"), ("Pay all", "pay_all"))
    )
    with pytest.raises(ValueError, match=r"several buttons contain 'Pay'.*Pay invoice"):
        await user.tap("Pay", wait=False)
    with pytest.raises(ValueError, match="no button matches 'Ship'"):
        await user.tap("Ship", wait=False)
    await user.tap("invoice", wait=False)
    await user.tap_data("forged:1", wait=False)
    data = [u["callback_query"]["data"] for u in fake.pending_updates]
    assert data == ["pay", "forged:1"]
    assert fake.pending_updates[0]["callback_query"]["message"]["text"] == "menu"


async def test_dispatcher_end_to_end(fake: FakeBotAPI) -> None:
    """A real Dispatcher polling the fake; send/tap wait for the processed hook."""
    bot = make_bot(fake)
    dp = Dispatcher()

    async def processed(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            assert isinstance(event, Update)
            fake.mark_processed(event.update_id)

    dp.update.outer_middleware.register(processed)

    @dp.message(F.text.startswith("/start"))
    async def start(message: Message) -> None:
        await message.answer(
            "Welcome, <b>farmer</b>!", parse_mode="HTML", reply_markup=keyboard(("Yes", "yes"))
        )

    @dp.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        content = await bot.download(message.document)
        assert content is not None
        await message.answer(f"got {len(content.read())} bytes: {message.caption}")

    @dp.callback_query(F.data == "yes")
    async def yes(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Confirmed ✅")
        await query.answer("Saved")

    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=10, handle_signals=False))
    try:
        user = fake.user(CHAT, "Ann", username="ann")
        await user.send("/start")
        assert user.last.plain == "Welcome, farmer!"
        allowed = fake.calls_of("getUpdates")[0].params["allowed_updates"]
        assert sorted(allowed) == ["callback_query", "message"]
        update = fake.calls_of("getUpdates")[0]
        assert update.status == 200

        await user.tap("Yes")
        assert user.last.plain == "Confirmed ✅" and user.last.edits == 1
        assert user.last_answer() is not None and user.last_answer()["text"] == "Saved"

        await user.send_document(b"abc", "a.txt", caption="mine")
        assert user.last.plain == "got 3 bytes: mine"

        await user.send("no handler for this", wait=False)
        await user.send("/start", wait=False)
        found = await user.wait_for(lambda m: m.plain.startswith("Welcome") and m.edits == 0)
        assert found.message_id == user.last.message_id
        await fake.idle(quiet=0.05)
        with pytest.raises(TimeoutError, match="no bot message in chat"):
            await user.wait_for(lambda m: "never" in m.plain, timeout=0.05)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_wait_processed_timeout_reports(fake: FakeBotAPI) -> None:
    user = fake.user(CHAT)
    with pytest.raises(TimeoutError, match="never fetched by getUpdates"):
        await fake.wait_processed(fake.push_update({"message": {"text": "x"}}), timeout=0.05)
    await user.send("hello", wait=False)
    fake.mark_processed(2)
    await fake.wait_processed(2)


async def test_length_is_counted_after_parsing_in_utf16_units(fake: FakeBotAPI, bot: Bot) -> None:
    # an emoji outside the BMP is two UTF-16 code units, as Telegram counts them
    await bot.send_message(CHAT, "😀" * 2048)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "😀" * 2048 + "x")
    # markup and escapes do not count: 4096 visible characters from 8,000+ of HTML
    sent = await bot.send_message(CHAT, "<b>&amp;</b>" * 4096, parse_mode="HTML")
    assert sent.text == "&" * 4096
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(CHAT, BufferedInputFile(b"x", "a.txt"), caption="😀" * 513)


async def test_html_that_telegram_refuses(fake: FakeBotAPI, bot: Bot) -> None:
    refused = [
        "1 < 2",  # a bare "<"
        "<3 farms",
        "a <b>bold",  # never closed
        "<b>half</b",  # cut inside the end tag
        "<b>half</",
        "<b>cut <i",  # cut inside a start tag
        "<b><i>misnested</b></i>",
        "</i>",
        "&amp",  # cut inside an entity
    ]
    for text in refused:
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(CHAT, text, parse_mode="HTML")
    assert fake.chat(CHAT) == []


async def test_flood_control_and_blocks_for_one_chat_and_one_method(
    fake: FakeBotAPI, bot: Bot
) -> None:
    other = CHAT + 1
    fake.fail_next("sendMessage", retry_after=3, times=2, chat_id=CHAT)
    fake.fail_next("sendDocument", error_code=403, chat_id=other)
    await bot.send_message(other, "others are served")  # another chat: not limited
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(CHAT, "hi")
    assert info.value.retry_after == 3
    sent = await bot.send_message(other, "still served")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(CHAT, "hi")
    await bot.send_message(CHAT, "now it goes")
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_document(other, BufferedInputFile(b"x", "a.txt"))
    await bot.send_document(CHAT, BufferedInputFile(b"x", "a.txt"))
    assert sent.text == "still served"
    assert [m.plain for m in fake.chat(CHAT)] == ["now it goes", ""]


async def test_on_call_runs_when_the_call_arrives(fake: FakeBotAPI, bot: Bot) -> None:
    seen: list[str] = []
    fake.on_call(
        "sendMessage",
        lambda call: seen.append(call.params["text"]),
        match=lambda params: "kill" in params["text"],
    )
    await bot.send_message(CHAT, "first")
    await bot.send_message(CHAT, "kill here")  # performed: the message is in the chat
    await bot.send_message(CHAT, "kill again")  # the hook ran once only
    assert seen == ["kill here"]
    fake.on_call("sendMessage", lambda call: seen.append("lost"), perform=False)
    with pytest.raises(TelegramServerError):
        await bot.send_message(CHAT, "lost on the way")
    assert seen == ["kill here", "lost"]
    assert [m.plain for m in fake.chat(CHAT)] == ["first", "kill here", "kill again"]

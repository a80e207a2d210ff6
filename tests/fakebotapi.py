"""A fake Telegram Bot API server for end-to-end tests.

Start a :class:`FakeBotAPI`, point a real aiogram ``Bot`` at ``fake.base_url`` with
``TelegramAPIServer.from_base(fake.base_url)`` and drive the conversation through
:class:`TelegramUser` objects (``fake.user(42)``). The server validates requests the way
Telegram does (HTML entities, lengths, inline keyboards, "message is not modified", file
sizes) and keeps every bot message so tests can inspect what the user sees.

Waiting is deterministic: the test harness registers an outer middleware that calls
:meth:`FakeBotAPI.mark_processed` when the bot has finished handling an update, and
``send``/``tap`` wait for exactly that.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import mimetypes
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

__all__ = ["BotMessage", "Call", "FakeBotAPI", "TelegramUser", "UploadedFile"]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # sendPhoto: 10 MB, width + height at most 10000, ratio 20
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CLIENT_MAX_SIZE = 60 * 1024 * 1024
BOT_FIRST_NAME = "FarmDesk"

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TEXT_BUTTONS_UNALLOWED = "Bad Request: text buttons are unallowed in the inline keyboard"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

# Update types delivered when a bot never asked for specific ones (Telegram's default).
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "callback_game",
        "pay",
        "web_app",
        "copy_text",
    }
)
# Form values that are free text / identifiers and must never be JSON-decoded.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "file_id",
        "document",
        "photo",
        "audio",
        "video",
        "voice",
        "animation",
        "video_note",
        "sticker",
        "thumbnail",
        "url",
        "query",
        "title",
        "description",
        "short_description",
        "name",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "question",
        "explanation",
        "payload",
        "secret_token",
        "custom_title",
        "emoji",
        "language_code",
        "action",
        "start_parameter",
        "next_offset",
    }
)
_SCALAR_RE = re.compile(r"-?\d+(?:\.\d+)?|true|false|null")
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?(?=\s|$)")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_URL_RE = re.compile(r"(?:https?|tg)://\S+", re.IGNORECASE)


# --------------------------------------------------------------------------- data classes


@dataclass
class Call:
    """One request received by the fake server."""

    method: str
    params: dict[str, Any]
    status: int = 0


@dataclass
class _Hook:
    """What :meth:`FakeBotAPI.on_call` registered: run `action` when a matching call arrives."""

    method: str
    action: Callable[[Call], None]
    match: Callable[[dict[str, Any]], bool] | None
    perform: bool
    times: int


@dataclass
class UploadedFile:
    """A file part of a multipart request (as it appears in ``Call.params``)."""

    file_name: str
    mime_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Size of the upload in bytes."""
        return len(self.data)


@dataclass
class BotMessage:
    """A message the bot sent to a private chat, with its current (edited) content."""

    message_id: int
    chat_id: int
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    edits: int = 0
    deleted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The Telegram ``Message`` dict as Telegram would return it (entities parsed)."""

    @property
    def plain(self) -> str:
        """Text or caption as the user sees it: tags stripped, entities unescaped."""
        if "text" in self.raw:
            return str(self.raw["text"])
        return str(self.raw.get("caption", ""))

    def inline_buttons(self) -> list[dict[str, Any]]:
        """Every inline button dict, row by row."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard") or [] for button in row]

    def buttons(self) -> list[tuple[str, str]]:
        """``(text, callback_data or url)`` for every inline button, row by row."""
        result = []
        for button in self.inline_buttons():
            target = button.get("callback_data", button.get("url"))
            if target is None:
                target = next((str(button[k]) for k in button if k in _INLINE_ACTIONS), "")
            result.append((str(button.get("text", "")), str(target)))
        return result

    def describe(self) -> str:
        """One-line human readable description, used in failure messages."""
        flags = "".join(
            [
                " (deleted)" if self.deleted else "",
                f" (edited x{self.edits})" if self.edits else "",
                " [document {}]".format(self.document.get("file_name")) if self.document else "",
            ]
        )
        buttons = f" buttons={self.buttons()}" if self.inline_buttons() else ""
        return f"#{self.message_id}{flags}: {self.plain!r}{buttons}"


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    data: bytes = field(repr=False)

    @property
    def file_path(self) -> str:
        ext = self.file_name.rsplit(".", 1)[1] if "." in self.file_name else ""
        return f"documents/{self.file_id}.{ext}" if ext else f"documents/{self.file_id}"

    def as_document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (its IHDR) or a JPEG (its SOF); else IMAGE_PROCESS_FAILED."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xC3:
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(
                    data[i + 5 : i + 7], "big"
                )
            i += 2 + length
    raise _bad_request("IMAGE_PROCESS_FAILED")


class ApiError(Exception):
    """An error answer of the Bot API (raised inside the fake, turned into JSON)."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------- text parsing


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF_RE = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_BAD_LT_RE = re.compile(r"<(?![A-Za-z]|/[A-Za-z])")


class _EntityParser(HTMLParser):
    """Telegram-flavoured HTML → (plain text, entities) converter."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.utf16_pos = 0  # in UTF-16 code units, like Telegram entity offsets
        self.stack: list[tuple[str, dict[str, str | None], int]] = []
        self.entities: list[dict[str, Any]] = []

    @staticmethod
    def fail(reason: str) -> ApiError:
        return _bad_request(f"can't parse entities: {reason}")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.utf16_pos += _utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}"')
        attributes = dict(attrs)
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise self.fail('Tag "span" must have class "tg-spoiler"')
        if tag == "tg-emoji" and not attributes.get("emoji-id"):
            raise self.fail('Tag "tg-emoji" must have attribute "emoji-id"')
        self.stack.append((tag, attributes, self.utf16_pos))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise self.fail(f'Unsupported self-closing tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise self.fail(f'Unexpected end tag "{tag}"')
        open_tag, attrs, start = self.stack.pop()
        if open_tag != tag:
            raise self.fail(f'Unmatched end tag "{tag}", expected "</{open_tag}>"')
        length = self.utf16_pos - start
        if open_tag == "code" and self.stack and self.stack[-1][0] == "pre":
            language = attrs.get("class") or ""
            if language.startswith("language-"):
                self.stack[-1][1]["\0language"] = language.removeprefix("language-")
                return
        if length <= 0:
            return
        entity: dict[str, Any] = {"type": _TAG_ENTITY[open_tag], "offset": start, "length": length}
        if open_tag == "a":
            href = attrs.get("href")
            if not href:
                return
            entity["url"] = href
        elif open_tag == "pre" and attrs.get("\0language"):
            entity["language"] = attrs["\0language"]
        elif open_tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif open_tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs["emoji-id"]
        self.entities.append(entity)

    def handle_comment(self, data: str) -> None:
        raise self.fail("HTML comments are not supported")

    def handle_decl(self, decl: str) -> None:
        raise self.fail("HTML declarations are not supported")

    def handle_pi(self, data: str) -> None:
        raise self.fail("processing instructions are not supported")

    def unknown_decl(self, data: str) -> None:
        raise self.fail("unknown declaration")


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML like the Bot API; raise :class:`ApiError` 400 when invalid."""
    bad_lt = _BAD_LT_RE.search(text)
    if bad_lt:
        offset = len(text[: bad_lt.start()].encode())
        raise _EntityParser.fail(f'Unsupported start tag "" at byte offset {offset}')
    for amp in re.finditer("&", text):
        if not _CHAR_REF_RE.match(text, amp.start()):
            offset = len(text[: amp.start()].encode())
            raise _EntityParser.fail(
                f"Can't find end of an HTML entity at byte offset {offset} "
                "(only &lt; &gt; &amp; &quot; and numeric entities are supported)"
            )
    parser = _EntityParser()
    parser.feed(text)
    if "<" in parser.rawdata:
        raise _EntityParser.fail("Unclosed start tag")
    parser.close()
    if parser.stack:
        raise _EntityParser.fail(
            f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
        )
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace like Telegram does, shifting/clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = _utf16_len(text[: len(text) - len(text.lstrip())])
    total = _utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def _format_text(
    raw: str,
    parse_mode: Any,
    entities: Any,
    *,
    limit: int,
    too_long: str,
    empty: str | None,
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode/entities, trim, and check emptiness and length."""
    if isinstance(entities, list):
        plain, parsed = raw, [e for e in entities if isinstance(e, dict)]
    else:
        mode = str(parse_mode or "").lower()
        if mode == "html":
            plain, parsed = parse_html(raw)
        elif mode in ("", "markdown", "markdownv2"):
            plain, parsed = raw, []  # Markdown is not parsed by the fake
        else:
            raise _bad_request("unsupported parse_mode")
    plain, parsed = _trim(plain, parsed)
    if empty is not None and not plain:
        raise _bad_request(empty)
    if _utf16_len(plain) > limit:  # Telegram counts the parsed text, in UTF-16 code units
        raise _bad_request(too_long)
    return plain, parsed


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate ``reply_markup`` like Telegram; returns it (``None`` when absent)."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(400, TEXT_BUTTONS_UNALLOWED)
            if not any(key in button for key in _INLINE_ACTIONS):
                raise ApiError(400, TEXT_BUTTONS_UNALLOWED)
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(str(data).encode()) if data is not None else 0
                if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not _URL_RE.fullmatch(str(button["url"])):
                raise _bad_request("BUTTON_URL_INVALID")
    return markup


def _inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup Telegram echoes back in a Message: non-empty inline keyboards."""
    if markup and any(markup.get("inline_keyboard") or []):
        return markup
    return None


def _decode_param(key: str, value: str) -> Any:
    """Decode a form value: JSON objects/arrays and scalars, except free-text fields."""
    if key in _TEXT_PARAMS:
        return value
    if value[:1] in ("{", "[") or _SCALAR_RE.fullmatch(value):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# --------------------------------------------------------------------------- the server


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


# what counts against Telegram's flood limits when `enforce_limits` is on
_FLOOD_LIMITED = frozenset(
    {"sendmessage", "editmessagetext", "editmessagereplymarkup", "senddocument", "sendphoto"}
)


class FakeBotAPI:
    """An in-process fake of the Telegram Bot API (``aiohttp.web`` on 127.0.0.1)."""

    def __init__(
        self, token: str, *, bot_id: int | None = None, username: str = "farmdesk_test_bot"
    ) -> None:
        self.token = token
        self.bot_id = bot_id if bot_id is not None else int(token.split(":")[0])
        self.username = username
        self.base_url = ""
        self.calls: list[Call] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "editmessagecaption": self._edit_message_caption,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "sendchataction": self._true,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "getfile": self._get_file,
        }
        # updates
        self._update_ids = itertools.count(1)
        self._pending: list[dict[str, Any]] = []
        self._update_types: dict[int, str] = {}
        self._delivered: set[int] = set()
        self._dropped: dict[int, str] = {}
        self._processed: set[int] = set()
        self._processed_events: dict[int, asyncio.Event] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._update_signal = asyncio.Event()
        self._poll_generation = 0
        self._polls_waiting = 0
        # chats and files
        self._users: dict[int, TelegramUser] = {}
        self._messages: dict[int, list[BotMessage]] = {}
        self._message_ids: dict[int, int] = {}
        self._change_signal = asyncio.Event()
        self._files: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._callback_users: dict[str, int] = {}
        self._user_callbacks: dict[int, list[str]] = {}
        # fault injection and activity tracking
        self._failures: dict[tuple[str, int | None], deque[ApiError]] = {}
        self._hooks: list[_Hook] = []
        # flood control (off unless `enforce_limits`): messages a second overall, per chat
        self._limits: tuple[int, float, float] | None = None
        self._sent_times: deque[float] = deque()
        self._chat_sent: dict[int, float] = {}
        self.flood_refusals = 0
        self._inflight = 0
        self._last_activity = 0.0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start listening on a free port of 127.0.0.1; sets :attr:`base_url`."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        app = web.Application(client_max_size=CLIENT_MAX_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        """Stop the server; pending long polls return at once."""
        self._closing = True
        self._wake_polls()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    # ------------------------------------------------------------------ inspection

    def calls_of(self, method: str) -> list[Call]:
        """Calls of one method (case-insensitive), in order."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def chat(self, chat_id: int) -> list[BotMessage]:
        """Messages the bot sent to a private chat, in order, including deleted ones."""
        return list(self._messages.get(chat_id, []))

    def document_bytes(self, file_id: str) -> bytes:
        """Content of a stored file (uploaded by the bot or added with :meth:`add_file`)."""
        return self._files[file_id].data

    @property
    def long_polls_waiting(self) -> int:
        """Number of getUpdates requests currently blocked waiting for updates."""
        return self._polls_waiting

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (copies)."""
        return copy.deepcopy(self._pending)

    # ------------------------------------------------------------------ test controls

    def enforce_limits(
        self, per_second: int = 30, chat_interval: float = 1.0, tolerance: float = 0.05
    ) -> None:
        """Answer 429 (retry after 1 s), as Telegram does, to a message sent or edited less
        than `chat_interval` (less `tolerance` for jitter) after the last one in its chat, or
        beyond `per_second` in any second overall. Counted in `flood_refusals`."""
        self._limits = (per_second, chat_interval, tolerance)

    def _flood_check(self, params: dict[str, Any]) -> None:
        assert self._limits is not None
        per_second, interval, tolerance = self._limits
        now = time.monotonic()
        chat = params.get("chat_id")
        chat_id = (
            int(chat) if isinstance(chat, (int, str)) and str(chat).lstrip("-").isdigit() else 0
        )
        while self._sent_times and self._sent_times[0] <= now - 1.0:
            self._sent_times.popleft()
        last = self._chat_sent.get(chat_id)
        if len(self._sent_times) >= per_second or (
            last is not None and now - last < interval - tolerance
        ):
            self.flood_refusals += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._sent_times.append(now)
        self._chat_sent[chat_id] = now

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with the given error; with
        ``chat_id``, only the calls for that chat (Telegram's flood control and blocks are per
        chat: other chats are served meanwhile)."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                400: "Bad Request",
                401: "Unauthorized",
                403: "Forbidden: bot was blocked by the user",
                404: "Not Found",
                409: "Conflict",
                413: "Request Entity Too Large",
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}")
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        queue = self._failures.setdefault((method.lower(), chat_id), deque())
        for _ in range(times):
            queue.append(ApiError(error_code, description, parameters))

    def on_call(
        self,
        method: str,
        action: Callable[[Call], None],
        *,
        match: Callable[[dict[str, Any]], bool] | None = None,
        perform: bool = True,
        times: int = 1,
    ) -> None:
        """Run ``action(call)`` the moment a call of ``method`` (whose params satisfy ``match``)
        arrives, before it is answered: e.g. kill the bot's process there. With ``perform``,
        the call then takes effect as Telegram would have done it (the bot never hears back);
        without, it is lost on the way (answered 502, nothing done)."""
        self._hooks.append(_Hook(method.lower(), action, match, perform, times))

    def _run_hook(self, call: Call) -> bool:
        """Run the first hook matching `call`; returns False when the call must not be done."""
        for hook in self._hooks:
            if hook.method == call.method.lower() and (
                hook.match is None or hook.match(call.params)
            ):
                hook.times -= 1
                if hook.times <= 0:
                    self._hooks.remove(hook)
                hook.action(call)
                return hook.perform
        return True

    def _next_failure(self, method: str, params: dict[str, Any]) -> ApiError | None:
        chat_id = params.get("chat_id")
        keys: list[tuple[str, int | None]] = [(method.lower(), None)]
        if isinstance(chat_id, int):
            keys.insert(0, (method.lower(), chat_id))
        for key in keys:
            queue = self._failures.get(key)
            if queue:
                return queue.popleft()
        return None

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> TelegramUser:
        """A person in a private chat with the bot (same object for the same id)."""
        existing = self._users.get(user_id)
        if existing is not None:
            existing.first_name = first_name
            existing.last_name = last_name
            existing.username = username
            existing.language_code = language_code
            return existing
        person = TelegramUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._users[user_id] = person
        return person

    def add_file(self, data: bytes, file_name: str, mime_type: str) -> dict[str, Any]:
        """Store a file as if a user uploaded it; returns the Telegram Document dict."""
        return self._store_file(data, file_name, mime_type).as_document()

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update (``update_id`` is assigned), wake long polls, return its id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._update_types[update_id] = next((k for k in update if k != "update_id"), "unknown")
        self._pending.append(update)
        self._touch()
        self._wake_polls()
        return update_id

    # ------------------------------------------------------------------ waiting

    def mark_processed(self, update_id: int) -> None:
        """Called by the harness middleware when the bot has finished handling an update."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not loop:
                loop.call_soon_threadsafe(self._set_processed, update_id)
                return
        self._set_processed(update_id)

    def _set_processed(self, update_id: int) -> None:
        self._processed.add(update_id)
        event = self._processed_events.pop(update_id, None)
        if event is not None:
            event.set()

    async def wait_processed(self, update_id: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has handled ``update_id`` (see :meth:`mark_processed`)."""
        if update_id not in self._processed and update_id not in self._dropped:
            event = self._processed_events.setdefault(update_id, asyncio.Event())
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                raise TimeoutError(self._not_processed_report(update_id, timeout)) from None
        if update_id in self._dropped:
            raise RuntimeError(f"update {update_id} was not delivered: {self._dropped[update_id]}")

    async def idle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Return once no request (getUpdates aside) has arrived for ``quiet`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            now = loop.time()
            silent_for = now - self._last_activity
            if self._inflight == 0 and silent_for >= quiet:
                return
            if now >= deadline:
                raise TimeoutError(
                    f"the bot did not go quiet for {quiet}s within {timeout}s; "
                    f"last calls:\n{self._recent_calls()}"
                )
            pause = quiet - silent_for if self._inflight == 0 else 0.01
            await asyncio.sleep(min(max(pause, 0.005), deadline - now))

    def _not_processed_report(self, update_id: int, timeout: float) -> str:
        kind = self._update_types.get(update_id, "unknown")
        if update_id in self._delivered:
            hint = "it was fetched by getUpdates but mark_processed() was never called"
        else:
            hint = "it was never fetched by getUpdates (is the bot polling this server?)"
        return (
            f"update {update_id} ({kind}) was not processed within {timeout}s: {hint}; "
            f"last calls:\n{self._recent_calls()}"
        )

    def _recent_calls(self, count: int = 10) -> str:
        lines = []
        for call in self.calls[-count:]:
            params = repr(call.params)
            if len(params) > 300:
                params = params[:300] + "…"
            lines.append(f"  {call.method} -> {call.status or 'pending'} {params}")
        return "\n".join(lines) or "  (no calls)"

    def _touch(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._last_activity = asyncio.get_running_loop().time()

    def _wake_polls(self) -> None:
        self._update_signal.set()
        self._update_signal = asyncio.Event()

    def _changed(self) -> None:
        self._change_signal.set()
        self._change_signal = asyncio.Event()

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(method, {})
        self.calls.append(call)
        is_poll = method.lower() == "getupdates"
        if not is_poll:
            self._inflight += 1
            self._touch()
        try:
            try:
                call.params = await self._read_params(request)
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large") from None
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if not self._run_hook(call):
                raise ApiError(502, "Bad Gateway")
            failure = self._next_failure(method, call.params)
            if failure is not None:
                raise failure
            if self._limits is not None and method.lower() in _FLOOD_LIMITED:
                self._flood_check(call.params)
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(call.params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.error_code, error.payload()
        except Exception as error:  # a bug in the fake: make it visible to the test
            status = 500
            body = ApiError(500, f"Internal Server Error: {error!r}").payload()
        finally:
            if not is_poll:
                self._inflight -= 1
                self._touch()
        call.status = status
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        call = Call("downloadFile", {"file_path": path})
        self.calls.append(call)
        if request.match_info["token"] != self.token:
            call.status = 401
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if stored is None:
            call.status = 404
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        call.status = 200
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        self.calls.append(Call(request.path, dict(request.query), 404))
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            elif request.content_type in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    else:
                        raw[key] = value
        params = {k: _decode_param(k, v) if isinstance(v, str) else v for k, v in raw.items()}
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.pop(value.removeprefix("attach://"), None)
                if attached is not None:
                    params[key] = attached
        params.update(files)  # direct uploads such as a part named "document"
        return params

    # ------------------------------------------------------------------ helpers

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.username,
        }

    def _chat_dict(self, chat_id: int) -> dict[str, Any]:
        person = self._users.get(chat_id)
        if person is None:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": person.first_name}
        if person.last_name:
            chat["last_name"] = person.last_name
        if person.username:
            chat["username"] = person.username
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _store_file(self, data: bytes, file_name: str, mime_type: str) -> _StoredFile:
        number = next(self._file_counter)
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:08d}FakeFile{self.bot_id}",
            file_unique_id=f"AgAD{number:08d}",
            file_name=file_name,
            mime_type=mime_type,
            data=bytes(data),
        )
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _chat_id(params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise _bad_request("chat not found")
        return chat_id

    def _find_message(self, params: dict[str, Any], not_found: str) -> BotMessage:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        for message in self._messages.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        raise _bad_request(not_found)

    def _new_bot_message(
        self,
        chat_id: int,
        *,
        markup: dict[str, Any] | None,
        text: str | None = None,
        caption: str | None = None,
        document: dict[str, Any] | None = None,
        photo: list[dict[str, Any]] | None = None,
        content: dict[str, Any],
    ) -> BotMessage:
        message_id = self._next_message_id(chat_id)
        raw = {
            "message_id": message_id,
            "from": self._bot_user(),
            "chat": self._chat_dict(chat_id),
            "date": int(time.time()),
            **content,
        }
        inline = _inline_markup(markup)
        if inline is not None:
            raw["reply_markup"] = inline
        message = BotMessage(
            message_id=message_id,
            chat_id=chat_id,
            text=text,
            caption=caption,
            reply_markup=markup,
            document=document,
            photo=photo,
            raw=raw,
        )
        self._messages.setdefault(chat_id, []).append(message)
        self._changed()
        return message

    @staticmethod
    def _text_content(key: str, plain: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
        content: dict[str, Any] = {key: plain}
        if entities:
            content["entities" if key == "text" else "caption_entities"] = entities
        return content

    def _apply_edit(
        self,
        message: BotMessage,
        content: dict[str, Any],
        markup: dict[str, Any] | None,
        content_keys: tuple[str, ...],
    ) -> dict[str, Any]:
        inline = _inline_markup(markup)
        same_content = all(message.raw.get(key) == content.get(key) for key in content_keys)
        if same_content and inline == message.raw.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        for key in content_keys:
            message.raw.pop(key, None)
        message.raw.update(content)
        message.raw.pop("reply_markup", None)
        if inline is not None:
            message.raw["reply_markup"] = inline
        message.raw["edit_date"] = int(time.time())
        message.reply_markup = inline
        message.edits += 1
        self._changed()
        return copy.deepcopy(message.raw)

    # ------------------------------------------------------------------ methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret = str(params.get("secret_token") or "")
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            for update in self._pending:
                self._drop(update["update_id"], "deleteWebhook(drop_pending_updates=True)")
            self._pending.clear()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    def _drop(self, update_id: int, reason: str) -> None:
        self._dropped[update_id] = reason
        event = self._processed_events.pop(update_id, None)
        if event is not None:
            event.set()

    def _take_updates(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        batch: list[dict[str, Any]] = []
        for update in list(self._pending):
            kind = self._update_types.get(update["update_id"], "unknown")
            deliver = kind not in _NOT_DEFAULT_UPDATES if allowed is None else kind in allowed
            if not deliver:
                self._pending.remove(update)
                wanted = sorted(allowed) if allowed is not None else "default"
                self._drop(update["update_id"], f"{kind!r} is not in allowed_updates={wanted}")
                continue
            if len(batch) < limit:
                batch.append(update)
        for update in batch:
            self._delivered.add(update["update_id"])
        return copy.deepcopy(batch)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif isinstance(offset, int) and offset < 0:
            self._pending = self._pending[offset:]
        limit = params.get("limit")
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout")
        timeout = max(float(timeout), 0.0) if isinstance(timeout, int | float) else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_polls()  # an older poll still waiting gets the 409 Telegram sends
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)
            signal = self._update_signal
            batch = self._take_updates(limit)
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                return batch
            self._polls_waiting += 1
            try:
                await asyncio.wait_for(signal.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                self._polls_waiting -= 1

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        text = params.get("text")
        text = "" if text is None else str(text)
        plain, entities = _format_text(
            text,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = _check_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat_id,
            markup=markup,
            text=text,
            content=self._text_content("text", plain, entities),
        )
        return copy.deepcopy(message.raw)

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params, "message to edit not found")
        if message.text is None:
            raise _bad_request("there is no text in the message to edit")
        text = params.get("text")
        text = "" if text is None else str(text)
        plain, entities = _format_text(
            text,
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT_LENGTH,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = _check_markup(params.get("reply_markup"))
        content = self._text_content("text", plain, entities)
        result = self._apply_edit(message, content, markup, ("text", "entities"))
        message.text = text
        return result

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params, "message to edit not found")
        markup = _check_markup(params.get("reply_markup"))
        return self._apply_edit(message, {}, markup, ())

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params, "message to edit not found")
        if message.document is None and message.photo is None:
            raise _bad_request("there is no caption in the message to edit")
        caption = params.get("caption")
        content: dict[str, Any] = {}
        if caption:
            plain, entities = _format_text(
                str(caption),
                params.get("parse_mode"),
                params.get("caption_entities"),
                limit=MAX_CAPTION_LENGTH,
                too_long="message caption is too long",
                empty=None,
            )
            if plain:
                content = self._text_content("caption", plain, entities)
        markup = _check_markup(params.get("reply_markup"))
        result = self._apply_edit(message, content, markup, ("caption", "caption_entities"))
        message.caption = str(caption) if caption else None
        return result

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        message = self._find_message(params, "message to delete not found")
        message.deleted = True
        self._changed()
        return True

    async def _delete_messages(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat_id(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list):
            raise _bad_request("message_ids is empty")
        for message in self._messages.get(chat_id, []):
            if message.message_id in ids:
                message.deleted = True
        self._changed()
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._callback_users or query_id in self.callback_answers:
            raise ApiError(400, QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(params)
        return True

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        document = params.get("document")
        if isinstance(document, UploadedFile):
            if document.size > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            file_name = document.file_name or "document"
            guessed = mimetypes.guess_type(file_name)[0]
            mime_type = guessed or document.mime_type or "application/octet-stream"
            stored = self._store_file(document.data, file_name, mime_type)
        elif isinstance(document, str) and document in self._files:
            stored = self._files[document]
        elif document is None or document == "":
            raise _bad_request("there is no document in the request")
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        caption = params.get("caption")
        content = {"document": stored.as_document(), **self._caption_content(params)}
        markup = _check_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat_id,
            markup=markup,
            caption=str(caption) if caption else None,
            document=stored.as_document(),
            content=content,
        )
        return copy.deepcopy(message.raw)

    def _caption_content(self, params: dict[str, Any]) -> dict[str, Any]:
        """The caption (and its entities) of a media message, checked like Telegram does."""
        caption = params.get("caption")
        if not caption:
            return {}
        plain, entities = _format_text(
            str(caption),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long="message caption is too long",
            empty=None,
        )
        return self._text_content("caption", plain, entities) if plain else {}

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """A PNG or JPEG upload (or a known file id), checked as Telegram checks photos."""
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        if isinstance(photo, UploadedFile):
            if photo.size > MAX_PHOTO_BYTES:
                raise _bad_request("PHOTO_INVALID_DIMENSIONS")
            width, height = _image_size(photo.data)
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise _bad_request("PHOTO_INVALID_DIMENSIONS")
            stored = self._store_file(photo.data, photo.file_name or "photo.png", "image/png")
        elif isinstance(photo, str) and photo in self._files:
            stored = self._files[photo]
            width, height = _image_size(stored.data)
        elif photo is None or photo == "":
            raise _bad_request("there is no photo in the request")
        else:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        sizes = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": len(stored.data),
            }
        ]
        caption = params.get("caption")
        content: dict[str, Any] = {"photo": sizes, **self._caption_content(params)}
        markup = _check_markup(params.get("reply_markup"))
        message = self._new_bot_message(
            chat_id,
            markup=markup,
            caption=str(caption) if caption else None,
            photo=sizes,
            content=content,
        )
        return copy.deepcopy(message.raw)

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not _BOT_COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self.commands.get(self._commands_key(params), []))

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise _bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ used by TelegramUser

    def _register_callback(self, user_id: int) -> str:
        query_id = str(4_000_000_000_000_000 + next(self._callback_counter))
        self._callback_users[query_id] = user_id
        self._user_callbacks.setdefault(user_id, []).append(query_id)
        return query_id

    def _last_callback(self, user_id: int) -> str | None:
        ids = self._user_callbacks.get(user_id)
        return ids[-1] if ids else None


# --------------------------------------------------------------------------- the user


class TelegramUser:
    """A person in a private chat with the bot."""

    def __init__(
        self,
        fake: FakeBotAPI,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> None:
        self.fake = fake
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    @property
    def chat_id(self) -> int:
        """The private chat id (equals the user id)."""
        return self.id

    def as_dict(self) -> dict[str, Any]:
        """The Telegram ``User`` object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def __repr__(self) -> str:
        return f"TelegramUser(id={self.id}, first_name={self.first_name!r})"

    # ------------------------------------------------------------------ acting

    async def send(self, text: str, *, wait: bool = True) -> None:
        """Send a text message (a leading /command gets a ``bot_command`` entity)."""
        content: dict[str, Any] = {"text": text}
        command = _COMMAND_RE.match(text)
        if command:
            length = _utf16_len(command.group())
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._push({"message": self._message(content)}, wait)

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        wait: bool = True,
    ) -> None:
        """Upload a document (stored in the fake, downloadable by the bot)."""
        content: dict[str, Any] = {"document": self.fake.add_file(data, file_name, mime_type)}
        if caption:
            content["caption"] = caption
        await self._push({"message": self._message(content)}, wait)

    async def tap(
        self, label: str, *, message: BotMessage | None = None, wait: bool = True
    ) -> None:
        """Press the inline button whose text equals (or else uniquely contains) ``label``.

        Looks at ``message`` or, by default, the newest visible bot message with an inline
        keyboard. Raises ``ValueError`` listing the visible buttons when no single match.
        """
        target = message if message is not None else self._newest_with_keyboard()
        if target is None:
            raise ValueError(
                f"no bot message with an inline keyboard in chat {self.id}:\n{self._dump()}"
            )
        if target.deleted:
            raise ValueError(f"message #{target.message_id} was deleted; it cannot be tapped")
        buttons = target.inline_buttons()
        exact = [b for b in buttons if b.get("text") == label]
        partial = [b for b in buttons if label in str(b.get("text", ""))]
        if exact:
            button = exact[0]
        elif len(partial) == 1:
            button = partial[0]
        else:
            problem = "several buttons contain" if partial else "no button matches"
            raise ValueError(
                f"{problem} {label!r} on message #{target.message_id}; "
                f"visible buttons: {[b.get('text') for b in buttons]}"
            )
        if "callback_data" not in button:
            raise ValueError(f"button {button.get('text')!r} is not a callback button: {button}")
        await self._callback(target, str(button["callback_data"]), wait)

    async def tap_data(
        self, callback_data: str, *, message: BotMessage | None = None, wait: bool = True
    ) -> None:
        """Send a hand-made callback query (any data) from ``message`` (default: newest)."""
        target = message or self._newest_with_keyboard() or self._newest()
        if target is None:
            raise ValueError(f"the bot has sent no message to chat {self.id} to attach to")
        await self._callback(target, callback_data, wait)

    # ------------------------------------------------------------------ observing

    def messages(self) -> list[BotMessage]:
        """Bot messages in this chat, in order (deleted ones included, flagged)."""
        return self.fake.chat(self.id)

    @property
    def last(self) -> BotMessage:
        """Newest bot message that is not deleted (AssertionError if none)."""
        newest = self._newest()
        if newest is None:
            raise AssertionError(f"the bot has sent no (visible) message to chat {self.id}")
        return newest

    def last_answer(self) -> dict[str, Any]:
        """answerCallbackQuery params for this user's newest callback query (it must have one)."""
        query_id = self.fake._last_callback(self.id)
        assert query_id is not None, "this user has tapped no button"
        answer = self.fake.callback_answers.get(query_id)
        assert answer is not None, f"callback query {query_id} was not answered"
        return answer

    async def wait_for(
        self,
        predicate: Callable[[BotMessage], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> BotMessage:
        """Wait until a visible bot message (new or edited) satisfies ``predicate``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            signal = self.fake._change_signal
            for message in reversed(self.messages()):
                if not message.deleted and predicate(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"no bot message in chat {self.id} matched within {timeout}s; "
                    f"chat:\n{self._dump()}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), remaining)

    # ------------------------------------------------------------------ internals

    def _newest(self) -> BotMessage | None:
        return next((m for m in reversed(self.messages()) if not m.deleted), None)

    def _newest_with_keyboard(self) -> BotMessage | None:
        return next(
            (m for m in reversed(self.messages()) if not m.deleted and m.inline_buttons()),
            None,
        )

    def _dump(self) -> str:
        return "\n".join(f"  {m.describe()}" for m in self.messages()) or "  (empty)"

    def _message(self, content: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": self.fake._next_message_id(self.id),
            "from": self.as_dict(),
            "chat": self.fake._chat_dict(self.id),
            "date": int(time.time()),
            **content,
        }

    async def _callback(self, target: BotMessage, data: str, wait: bool) -> None:
        query = {
            "id": self.fake._register_callback(self.id),
            "from": self.as_dict(),
            "message": copy.deepcopy(target.raw),
            "chat_instance": str(abs(target.chat_id) * 7919 + 104729),
            "data": data,
        }
        await self._push({"callback_query": query}, wait)

    async def _push(self, update: dict[str, Any], wait: bool) -> None:
        update_id = self.fake.push_update(update)
        if wait:
            await self.fake.wait_processed(update_id)

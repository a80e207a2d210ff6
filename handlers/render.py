"""Showing a screen: edit the message a button was on, or send a new one."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar, TypeVar

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from pydantic import ConfigDict

from handlers.callbacks import NoopCb
from handlers.fit import fit

Rows = Sequence[Sequence[InlineKeyboardButton]]
BUTTONS_KEPT = 4096
T = TypeVar("T")


class ScreenEdit(EditMessageText):
    """The edit `show` makes. Nothing reads its answer, so the Bot API session only checks that
    it succeeded and gives True (what the Bot API answers for an inline message) instead of
    building the edited message with all its entities (~150 us for a list screen)."""

    answer_unused: ClassVar[bool] = True


class Button(InlineKeyboardButton):
    """A button of ours: immutable, so one object can sit on many screens."""

    model_config = ConfigDict(frozen=True)


@lru_cache(maxsize=BUTTONS_KEPT)
def button(text: str, data: str) -> InlineKeyboardButton:
    """The button with `text` and callback `data`. A screen mostly has the buttons it had the last
    time (a list's entries, Back, the menu), and building one is a model validation (~5 us):
    each is built once and kept."""
    return Button(text=text, callback_data=data)


def markup(rows: Rows) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(r) for r in rows if r])


def grid(items: Sequence[T], per_row: int) -> list[list[T]]:
    """Buttons laid out `per_row` to a row (the last row may be shorter)."""
    return [list(items[i : i + per_row]) for i in range(0, len(items), per_row)]


def pager(page: int, pages: int, make: type | object) -> list[InlineKeyboardButton]:
    """◀️ 2/5 ▶️ — `make(page)` builds the callback data of a page; nothing when there is one page."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(button("◀️", make(page - 1)))  # type: ignore[operator]
    row.append(button(f"{page + 1}/{pages}", NoopCb().pack()))
    if page < pages - 1:
        row.append(button("▶️", make(page + 1)))  # type: ignore[operator]
    return row


async def show(
    event: Message | CallbackQuery, text: str, rows: Rows = (), *, new: bool = False
) -> None:
    """Edit the message the tapped button is on; otherwise (a command, a typed answer, or
    `new=True`) send a new message. A text over Telegram's limit is cut between its entries
    (handlers/fit.py); the buttons, and so the pages, stay."""
    keyboard = markup(rows) if rows else None
    text = fit(text)
    if isinstance(event, CallbackQuery) and new:
        await event.bot.send_message(event.from_user.id, text, reply_markup=keyboard)  # type: ignore[union-attr]
        return
    if isinstance(event, CallbackQuery):
        message = event.message
        if message is not None and not isinstance(message, InaccessibleMessage):
            edit = ScreenEdit(
                chat_id=message.chat.id,
                message_id=message.message_id,
                business_connection_id=message.business_connection_id,
                text=text,
                reply_markup=keyboard,
            )
            try:
                await edit.as_(event.bot)
            except TelegramBadRequest as exc:
                if "message is not modified" not in exc.message:
                    raise
            return
        await event.bot.send_message(event.from_user.id, text, reply_markup=keyboard)  # type: ignore[union-attr]
        return
    await event.answer(text, reply_markup=keyboard)

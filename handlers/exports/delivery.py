"""Sending an export's files as documents: by Telegram's file id when it has one, else from disk.

Used by the export worker (bot/exports.py) when a job is ready, and by the Exports list to send a
file again. At most one document a second goes to a chat (Telegram's per-chat limit).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, Message

from handlers.exports.texts import caption
from locales import Localizer
from services.exports.service import ExportPart, ExportView

log = logging.getLogger(__name__)


async def send_export(
    bot: Bot,
    chat_id: int,
    t: Localizer,
    view: ExportView,
    path_of: Callable[[ExportView, ExportPart], Path],
    *,
    before_send: Callable[[int], Awaitable[None]] | None = None,
    record: Callable[[int, str | None], Awaitable[None]] | None = None,
) -> list[str | None]:
    """Send every file of `view` to `chat_id`; returns the file id of each as Telegram has it.

    `before_send(chat_id)` waits for the chat's turn (the outbox's rate gate); without it the
    files are a second apart. With `record` (the export worker), `record(i, None)` is awaited
    before part i is sent and `record(i, file_id)` once Telegram took it: a part already taken
    is not sent again, and one whose sending a restart cut off says it is sent again (the
    member may have it). Raises FileNotFoundError when a file is neither known to Telegram nor
    on disk any more.
    """
    ids: list[str | None] = []
    for number, part in enumerate(view.parts, 1):
        if record is not None and part.state == "sent":
            ids.append(part.file_id)
            continue
        if before_send is not None:
            await before_send(chat_id)
        elif number > 1:
            await asyncio.sleep(1.0)
        again = record is not None and part.state == "sending"
        text = caption(t, view, number, len(view.parts), again=again)
        if record is not None:
            await record(number - 1, None)
        message = await _send_known(bot, chat_id, part, text)
        if message is None:
            path = path_of(view, part)
            if not path.is_file():
                raise FileNotFoundError(path)
            message = await bot.send_document(
                chat_id, FSInputFile(path, filename=part.name), caption=text
            )
        file_id = message.document.file_id if message.document else None
        if record is not None:
            await record(number - 1, file_id)
        ids.append(file_id)
    return ids


async def _send_known(bot: Bot, chat_id: int, part: ExportPart, text: str) -> Message | None:
    """Send by file id; None when there is none or Telegram no longer knows it."""
    if not part.file_id:
        return None
    try:
        return await bot.send_document(chat_id, part.file_id, caption=text)
    except TelegramBadRequest as exc:
        log.info("file id of %s not accepted (%s); sending it from disk", part.name, exc.message)
        return None

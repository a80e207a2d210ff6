"""The Exports area: the member's exports with status, size and date; a ready one sent again."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ExportCb, MenuCb
from handlers.exports.delivery import send_export
from handlers.exports.texts import entry
from handlers.render import button, grid, pager, show
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.exports.service import RETENTION

PER_PAGE = 5


async def show_files(
    event: Message | CallbackQuery, actor: Actor, t: Localizer, services: Services, page: int = 0
) -> None:
    result = await services.exports.jobs(actor, page, PER_PAGE)
    zone = (await services.facility.get()).zone
    parts = [t("exports-title", count=result.total)]
    if result.items:
        parts += [entry(t, view, zone) for view in result.items]
        parts.append(t("exports-kept", days=RETENTION.days))
    else:
        parts.append(t("exports-empty"))
    sends = [
        button(t("exports-send", id=str(v.id)), ExportCb(action="send", id=v.id).pack())
        for v in result.items
        if v.status == "done"
    ]
    rows: list[list[Any]] = grid(sends, 3)
    rows.append(pager(result.page, result.pages, lambda p: ExportCb(action="files", page=p).pack()))
    rows.append(
        [
            button(t("exports-refresh"), ExportCb(action="files", page=result.page).pack()),
            button(t("exports-new"), ExportCb(action="new", arg="files").pack()),
        ]
    )
    rows.append([button(t("back-menu"), MenuCb(area="main").pack())])
    await show(event, "\n\n".join(parts), rows)


def router() -> Router:
    r = Router(name="exports-files")

    @r.callback_query(ExportCb.filter(F.action == "files"))
    async def on_files(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await show_files(query, actor, t, services, callback_data.page)

    @r.callback_query(ExportCb.filter(F.action == "send"))
    async def on_send(
        query: CallbackQuery,
        callback_data: ExportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        view = await services.exports.ready(actor, callback_data.id)
        bot = query.bot
        assert bot is not None
        # Answer the button now: an upload from disk may take longer than Telegram waits.
        await query.answer(t("exports-sending"))
        callback_answer.disable()
        try:
            ids = await send_export(bot, actor.telegram_id, t, view, services.exports.path)
        except FileNotFoundError:
            await bot.send_message(actor.telegram_id, t("export-file-missing"))
            return
        await services.exports.remember_file_ids(view.id, ids)

    return r

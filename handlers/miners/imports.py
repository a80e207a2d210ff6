"""Import miners from a file: the instructions and template, the upload with a progress message,
the preview (rejected rows, unknown client emails with "Add client" / "Add all"), Apply, Cancel.

The document is checked against Telegram's 20 MB download limit before it is downloaded; the
parse runs in a worker thread (services.miners.imports), so the bot keeps serving everyone
meanwhile, and one status message is edited with the progress and then becomes the preview.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from pathlib import PurePosixPath
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ImportCb, MenuCb, MinerCb
from handlers.clients.views import short
from handlers.fit import fit
from handlers.labels import error_text
from handlers.miners import views
from handlers.operations import telling
from handlers.render import button, markup, pager, show
from handlers.states import ClientBrowse, MinerBrowse, MinerImport
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import DomainError
from services.miners.imports import ImportPreview
from services.miners.spreadsheet import MAX_FILE_BYTES
from services.miners.template import HELP_COLUMNS
from services.pagination import clamp_page

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 2.0  # how often the status message may be edited (Telegram: ~1 edit/s/chat)
EMAILS_PER_PAGE = 5
REJECTS_PER_PAGE = 20
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv"})
TEMPLATE_NAME = "miners-template.xlsx"


async def _is_spreadsheet(message: Message) -> bool:
    """A filter (a coroutine: aiogram runs a plain function in a worker thread)."""
    name = (message.document.file_name or "") if message.document else ""
    return PurePosixPath(name.lower()).suffix in SPREADSHEET_SUFFIXES


class _Progress:
    """Where the parse is; written from the worker thread, read by the status updater."""

    def __init__(self) -> None:
        self.stage = "read"
        self.rows = 0

    def __call__(self, stage: str, rows: int) -> None:
        self.stage, self.rows = stage, rows


async def _keep_posted(
    status: Message, t: Localizer, name: str, progress: _Progress, done: asyncio.Event
) -> None:
    """Edit the status message with the progress every PROGRESS_SECONDS until `done`."""
    shown = ("read", 0)  # what the status message says ("Reading…"), not where the parse is:
    # the worker thread may be well on its way before this task first runs
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), PROGRESS_SECONDS)
        now = (progress.stage, progress.rows)
        if done.is_set() or now == shown:
            continue
        shown = now
        key = "miners-import-checking" if now[0] == "check" else "miners-import-progress"
        try:
            await status.edit_text(t(key, file=name, count=now[1]))
        except TelegramAPIError as exc:  # progress is a courtesy: never fail the import for it
            log.info("progress message not edited: %s", exc)


def _preview_rows(t: Localizer, p: ImportPreview, email_page: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    if p.unknown_emails and p.can_add_clients:
        start = email_page * EMAILS_PER_PAGE
        for n, (email, _) in enumerate(p.unknown_emails[start : start + EMAILS_PER_PAGE], start):
            rows.append(
                [
                    button(
                        t("miners-add-client", email=short(email, 40)),
                        ImportCb(action="add", key=p.id, n=n).pack(),
                    )
                ]
            )
        pages = -(-len(p.unknown_emails) // EMAILS_PER_PAGE)
        rows.append(
            pager(email_page, pages, lambda page: ImportCb(action="ep", key=p.id, n=page).pack())
        )
        if len(p.unknown_emails) > 1:
            rows.append(
                [
                    button(
                        t("miners-add-all-clients", count=len(p.unknown_emails)),
                        ImportCb(action="addall", key=p.id).pack(),
                    )
                ]
            )
    if p.rejected_rows > views.REJECTS_SHOWN:
        rows.append(
            [
                button(
                    t("miners-import-all-rejects", count=p.rejected_rows),
                    ImportCb(action="rej", key=p.id).pack(),
                )
            ]
        )
    last = [button(t("cancel"), ImportCb(action="cancel", key=p.id).pack())]
    if p.can_apply:
        last.insert(0, button(t("miners-import-apply"), ImportCb(action="apply", key=p.id).pack()))
    rows.append(last)
    return rows


async def _show_preview(
    event: Message | CallbackQuery, t: Localizer, p: ImportPreview, email_page: int = 0
) -> None:
    email_page = clamp_page(email_page, len(p.unknown_emails), EMAILS_PER_PAGE)
    text = views.preview_text(t, p, email_page, EMAILS_PER_PAGE)
    await show(event, text, _preview_rows(t, p, email_page))


def _after_import_rows(t: Localizer) -> list[list[Any]]:
    return [
        [button(t("miners-open-list"), MinerCb(action="back").pack())],
        [button(t("back-menu"), MenuCb(area="main").pack())],
    ]


def _refused_file_rows(t: Localizer) -> list[list[Any]]:
    """Under a refused file: the template to start again from, the list, the menu."""
    return [[button(t("miners-template"), MinerCb(action="tpl").pack())], *_after_import_rows(t)]


async def receive_file(
    message: Message,
    bot: Bot,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
) -> None:
    """Check the member's file, then read it with a status message that shows the progress."""
    document = message.document
    assert document is not None
    await services.imports.start(actor)
    name = document.file_name or "file"
    too_big = t("miners-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024))
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await message.answer(too_big, reply_markup=markup(_refused_file_rows(t)))
        return
    status = await message.answer(t("miners-import-reading", file=name))
    await _read(status, bot, actor, t, services, state, document.file_id, name)


async def _read(
    status: Message,
    bot: Bot,
    actor: Actor,
    t: Localizer,
    services: Services,
    state: FSMContext,
    file_id: str,
    name: str,
) -> None:
    """Download the file, parse it off the event loop with progress, show the preview in
    `status`. An operation: a restart in the middle ends with "read it again"."""
    operation = await services.imports.begin_read(
        actor, chat_id=status.chat.id, message_id=status.message_id, file_id=file_id, file_name=name
    )
    async with telling(services, operation):
        try:
            buffer = await bot.download(file_id, destination=io.BytesIO())
        except TelegramBadRequest as exc:  # e.g. "file is too big" when the size was not given
            log.info("download refused: %s", exc)
            too_big = t("miners-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024))
            await status.edit_text(too_big, reply_markup=markup(_refused_file_rows(t)))
            return
        assert isinstance(buffer, io.BytesIO)
        data = buffer.getvalue()
        del buffer
        progress, done = _Progress(), asyncio.Event()
        reporter = asyncio.create_task(_keep_posted(status, t, name, progress, done))
        previous = (await state.get_data()).get("imp")
        try:
            preview = await services.imports.read(
                actor, data, name, progress=progress, replaces=previous, operation=operation
            )
        except DomainError as exc:
            done.set()
            await reporter
            await status.edit_text(
                error_text(t, exc) + "\n\n" + t("miners-import-nothing-changed"),
                reply_markup=markup(_refused_file_rows(t)),
            )
            return
        finally:
            done.set()
        await reporter
        del data
        await state.set_state(MinerImport.preview)
        await state.update_data(imp=preview.id)
        text = views.preview_text(t, preview, 0, EMAILS_PER_PAGE)
        await status.edit_text(fit(text), reply_markup=markup(_preview_rows(t, preview, 0)))


def router() -> Router:
    r = Router(name="miners-import")

    @r.callback_query(MinerCb.filter(F.action == "imp"))
    async def on_import(
        query: CallbackQuery, actor: Actor, t: Localizer, services: Services, state: FSMContext
    ) -> None:
        await services.imports.start(actor)
        await state.set_state(MinerImport.file)
        rows = [
            [button(t("miners-template"), MinerCb(action="tpl").pack())],
            [button(t("miners-back-to-list"), MinerCb(action="back").pack())],
        ]
        await show(query, t("miners-import-ask", mb=MAX_FILE_BYTES // (1024 * 1024)), rows)

    @r.callback_query(MinerCb.filter(F.action == "tpl"))
    async def on_template(
        query: CallbackQuery, bot: Bot, actor: Actor, t: Localizer, services: Services
    ) -> None:
        content = await services.imports.template(
            actor,
            t.locale,
            sheet_title=t("miners-template-sheet"),
            help_title=t("miners-template-help-sheet"),
            help_header=[
                t("miners-template-head-column"),
                t("miners-template-head-aliases"),
                t("miners-template-head-what"),
                t("miners-template-head-example"),
            ],
            descriptions={c: t(f"miners-template-about-{c}") for c in HELP_COLUMNS},
        )
        await bot.send_document(
            query.from_user.id,
            BufferedInputFile(content, filename=TEMPLATE_NAME),
            caption=t("miners-template-caption"),
        )

    @r.message(StateFilter(MinerImport.file), F.document)
    async def on_file(
        message: Message,
        bot: Bot,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await receive_file(message, bot, actor, t, services, state)

    @r.message(
        StateFilter(None, MinerBrowse.list, MinerImport.preview, ClientBrowse.list),
        F.document,
        _is_spreadsheet,
    )
    async def on_spreadsheet(
        message: Message,
        bot: Bot,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """A spreadsheet sent outside any form: taken as an import."""
        await receive_file(message, bot, actor, t, services, state)

    @r.message(StateFilter(MinerImport.file), F.text, ~F.text.startswith("/"))
    async def on_text_instead_of_file(message: Message, t: Localizer) -> None:
        await message.answer(t("miners-import-send-file"))

    @r.message(StateFilter(MinerImport.preview), F.text, ~F.text.startswith("/"))
    async def on_text_in_preview(message: Message, t: Localizer) -> None:
        await message.answer(t("form-use-buttons"))

    @r.callback_query(ImportCb.filter(F.action.in_({"ep", "back"})))
    async def on_preview(
        query: CallbackQuery,
        callback_data: ImportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        preview = await services.imports.preview(actor, callback_data.key)
        await _show_preview(query, t, preview, callback_data.n)

    @r.callback_query(ImportCb.filter(F.action.in_({"add", "addall"})))
    async def on_add_clients(
        query: CallbackQuery,
        callback_data: ImportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        which = callback_data.n if callback_data.action == "add" else None
        added, preview = await services.imports.add_clients(actor, callback_data.key, which)
        callback_answer.text = t("miners-clients-added", count=added)
        page = callback_data.n // EMAILS_PER_PAGE if which is not None else 0
        await _show_preview(query, t, preview, page)

    @r.callback_query(ImportCb.filter(F.action == "rej"))
    async def on_rejects(
        query: CallbackQuery,
        callback_data: ImportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        result = await services.imports.rejects(
            actor, callback_data.key, callback_data.n, REJECTS_PER_PAGE
        )
        preview = await services.imports.preview(actor, callback_data.key)
        lines = [t("miners-import-rejects-page", count=preview.rejected_rows)]
        lines += [views.reject_line(t, r) for r in result.items]
        if preview.rejected_rows > preview.rejects_listed:
            lines.append(t("miners-import-rejects-cut", count=preview.rejects_listed))
        rows = [
            pager(
                result.page,
                result.pages,
                lambda p: ImportCb(action="rej", key=callback_data.key, n=p).pack(),
            ),
            [button(t("back"), ImportCb(action="back", key=callback_data.key).pack())],
        ]
        await show(query, "\n".join(lines), rows)

    @r.callback_query(ImportCb.filter(F.action == "reread"))
    async def on_read_again(
        query: CallbackQuery,
        callback_data: ImportCb,
        bot: Bot,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        """A reading a restart cut off: the same file, read again into the same message."""
        file_id, name = await services.imports.read_again(actor, callback_data.n)
        status = query.message
        if not isinstance(status, Message):
            status = await bot.send_message(
                query.from_user.id, t("miners-import-reading", file=name)
            )
        else:
            await show(query, t("miners-import-reading", file=name))
        await _read(status, bot, actor, t, services, state, file_id, name)

    @r.callback_query(ImportCb.filter(F.action == "apply"))
    async def on_apply(
        query: CallbackQuery,
        callback_data: ImportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        # Applied already (a second tap): AlreadyDone, a toast, and the result stays on screen.
        screen = query.message.message_id if isinstance(query.message, Message) else None
        operation = await services.imports.begin_apply(
            actor, callback_data.key, chat_id=query.from_user.id, message_id=screen
        )
        # A big import takes a while: answer the button now, then say how it went in the message.
        callback_answer.disable()
        await query.answer(t("miners-import-applying"))
        async with telling(services, operation):
            await show(query, t("miners-import-applying"))
            try:
                result = await services.imports.apply(actor, callback_data.key, operation=operation)
            except DomainError as exc:
                await show(query, error_text(t, exc), _after_import_rows(t))
                return
            except Exception:
                # Nothing was written (one transaction): give the preview and its buttons back,
                # then let the error handler log it and tell the member.
                with contextlib.suppress(Exception):
                    preview = await services.imports.preview(actor, callback_data.key)
                    await _show_preview(query, t, preview)
                raise
            if (await state.get_data()).get("imp") == callback_data.key:
                await state.update_data(imp=None)
                await state.set_state(MinerBrowse.list)
            await show(query, views.result_text(t, result), _after_import_rows(t))

    @r.callback_query(ImportCb.filter(F.action == "cancel"))
    async def on_cancel(
        query: CallbackQuery,
        callback_data: ImportCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        state: FSMContext,
    ) -> None:
        await services.imports.cancel(actor, callback_data.key)
        if (await state.get_data()).get("imp") == callback_data.key:
            await state.update_data(imp=None)
            await state.set_state(MinerBrowse.list)
        await show(query, t("miners-import-cancelled"), _after_import_rows(t))

    return r

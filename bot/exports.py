"""The export worker: builds queued exports in the background and sends the files to the member.

Started and stopped with the bot. At start it first recovers what a stop interrupted (the service
requeues those jobs, or fails them after too many attempts, and tells each member). Then it takes
queued jobs one at a time, at most `concurrency` building at once, so two large exports leave
the event loop free to answer everyone else (the workbook is written in worker threads, the
database read in batches). A stop cancels the builds in progress; they stay "running" in the
database and are taken up again at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError

from bot.outbox import RateGate
from handlers.exports.delivery import send_export
from locales import Translations
from services.container import Services
from services.exports.service import ExportFailed, ExportView

log = logging.getLogger(__name__)


class ExportWorker:
    def __init__(
        self,
        bot: Bot,
        services: Services,
        translations: Translations,
        gate: RateGate,
        *,
        concurrency: int = 2,
        poll_interval: float = 5.0,
    ) -> None:
        self.bot = bot
        self.services = services
        self.translations = translations
        self.gate = gate
        self.poll_interval = poll_interval
        self._slots = asyncio.Semaphore(concurrency)
        self._task: asyncio.Task[None] | None = None
        self._jobs: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="exports")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._jobs) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._jobs.clear()

    async def _run(self) -> None:
        try:
            await self.services.exports.recover()
        except Exception:
            log.exception("exports: recovering interrupted jobs failed")
        while True:
            await self._slots.acquire()
            try:
                job = await self.services.exports.claim_next()
            except asyncio.CancelledError:
                self._slots.release()
                raise
            except Exception:
                log.exception("exports: cannot take the next job")
                job = None
            if job is None:
                self._slots.release()
                await self.services.exports.wait_for_work(self.poll_interval)
                continue
            task = asyncio.create_task(self._process(job), name=f"export-{job.id}")
            self._jobs.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._jobs.discard(task)
        self._slots.release()

    async def _process(self, job: ExportView) -> None:
        exports = self.services.exports
        t = self.translations.get(job.locale)
        log.info("export %s: building (attempt %s)", job.id, job.attempts)
        try:
            built = await exports.build(job.id, t)
        except ExportFailed as failed:
            log.warning("export %s failed: %s", job.id, failed.reason)
            await exports.fail(job.id, failed.reason)
            return
        except asyncio.CancelledError:
            raise  # stopping: the job stays "running" and is taken up at the next start
        except Exception:
            log.exception("export %s: unexpected error", job.id)
            await exports.fail(job.id, "internal")
            return
        await self._deliver(built)

    async def _deliver(self, job: ExportView) -> None:
        exports = self.services.exports
        if not job.requester_active:
            await exports.undeliverable(job.id, tell=False)
            return
        t = self.translations.get(job.locale)
        await exports.notice_first(job.id)
        try:
            ids = await send_export(
                self.bot,
                job.chat_id,
                t,
                job,
                exports.path,
                before_send=self.gate.wait,
                record=partial(exports.record_part, job.id),
            )
        except TelegramForbiddenError:
            log.info("export %s: the member blocked the bot", job.id)
            await exports.undeliverable(job.id, tell=False)
            return
        except (TelegramAPIError, OSError) as exc:
            log.warning("export %s: could not send the file: %s", job.id, exc)
            await exports.undeliverable(job.id, tell=True)
            return
        await exports.delivered(job.id, ids)
        log.info("export %s: sent (%s file(s))", job.id, len(ids))

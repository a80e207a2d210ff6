"""Wiring: the Bot, the Dispatcher with its middlewares and routers, storage, scheduler, outbox."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.router import INTERNAL_UPDATE_TYPES
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import BotCommand, BotCommandScopeDefault, ErrorEvent
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.admission import Admission, AwayDuringRequests
from bot.config import Settings
from bot.exports import ExportWorker
from bot.middlewares import ActorMiddleware, DomainErrorMiddleware
from bot.outbox import OutboxSender
from bot.retry import RetryAfterMiddleware, ScreenMiddleware
from bot.session import BotApiSession
from bot.state import write_state_per_update
from bot.web import WebServer
from handlers import build_routers, watchers
from handlers.audience import staff_only
from handlers.gates import gate_callbacks
from locales import Translations
from services.container import Services
from services.telemetry.miner_api import open_miner_api
from storage.db import Database
from storage.fsm import SQLStorage
from storage.migrate import upgrade
from storage.models import utcnow

log = logging.getLogger(__name__)

COMMANDS = ("menu", "cancel")
GC_THRESHOLD = (20_000, 20, 20)  # the collector's, while the bot runs (Python's: 700, 10, 10)


def create_bot(settings: Settings, admission: Admission | None = None) -> Bot:
    """The Bot; with `admission`, an update lets go of its place while it waits on a request
    (flood control's waits included)."""
    session = BotApiSession(api=TelegramAPIServer.from_base(settings.bot_api_url))
    if admission is not None:
        session.middleware(AwayDuringRequests(admission))
    session.middleware(RetryAfterMiddleware())
    return Bot(
        settings.bot_token.get_secret_value().strip(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_storage(settings: Settings, db: Database) -> tuple[BaseStorage, BaseEventIsolation]:
    """Conversation state: Redis when REDIS_URL is set, otherwise our own database."""
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        redis = RedisStorage.from_url(
            settings.redis_url, key_builder=DefaultKeyBuilder(with_destiny=True, with_bot_id=True)
        )
        return redis, redis.create_isolation()
    return SQLStorage(db), SimpleEventIsolation()


class DrainingExecutor(AsyncIOExecutor):
    """APScheduler's asyncio executor, whose running jobs are awaited at shutdown: none is still
    in a transaction when the database is closed after it."""

    grace = 10.0  # seconds a running job is given to end on its own before it is cancelled

    def start(self, scheduler: Any, alias: str) -> None:
        super().start(scheduler, alias)
        self._logger.addFilter(_quiet_cancellation)

    def shutdown(self, wait: bool = True) -> None:
        """The scheduler's shutdown: running jobs are left to `drained` (the parent would cancel
        them at once, without waiting, even a job in mid-rollback)."""

    async def drained(self) -> None:
        """Wait for the jobs running now to end; cancel those still running after `grace` and
        wait for them to unwind."""
        running = list(self._pending_futures)
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=self.grace)
        for future in late:
            future.cancel()
        await asyncio.gather(*late, return_exceptions=True)


def _quiet_cancellation(record: logging.LogRecord) -> bool:
    """A job cancelled because the bot is stopping (after its grace) is not an error worth a
    traceback."""
    if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.msg, record.exc_info, record.exc_text = f"{record.msg} (stopped)", None, None
    return True


def staff_area(routers: Sequence[Router]) -> Router:
    """The staff routers behind `staff_only` on every kind of update: a watcher (anyone not
    staff) is never seen by them, whatever the middleware let through."""
    area = Router(name="staff")
    for name, observer in area.observers.items():
        if name not in INTERNAL_UPDATE_TYPES:
            observer.filter(staff_only)
    area.include_routers(*routers)
    return area


class FarmDesk:
    """One running installation of the bot."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self._gc_threshold: tuple[int, int, int] | None = None
        # replicas (they share conversation state in Redis) share the database too: each sees
        # the others' writes at once, so no cache of what it read is kept
        self.db = Database(settings.database_url, shared=settings.redis_url is not None)
        self.translations = Translations()
        self.services = Services.build(
            self.db,
            owner_ids=settings.owner_ids,
            default_locale=settings.default_locale,
            clock=clock,
            data_dir=settings.data_dir,
            miner_api=open_miner_api(
                timeout=settings.telemetry_timeout,
                username=settings.miner_username,
                password=(
                    settings.miner_password.get_secret_value() if settings.miner_password else None
                ),
            ),
            telemetry_concurrency=settings.telemetry_concurrency,
            telemetry_networks=settings.telemetry_networks,
        )
        self.admission = Admission()  # first come, first answered (bot/admission.py)
        self.bot = create_bot(settings, self.admission)
        storage, isolation = create_storage(settings, self.db)
        self.dp = Dispatcher(
            storage=storage,
            events_isolation=isolation,
            services=self.services,
            translations=self.translations,
            settings=settings,
            web_base_url=settings.web_base_url,
        )
        # inside aiogram's per-chat lock: a member's second tap waits for their first without
        # taking a place
        self.dp.update.outer_middleware(self.admission)
        if isinstance(storage, SQLStorage):  # one write per update, before the bot speaks
            write_state_per_update(self.dp, self.bot, storage)
        self.dp.update.outer_middleware(
            ActorMiddleware(self.services, self.translations, settings.default_locale)
        )
        self.dp.callback_query.outer_middleware(ScreenMiddleware())  # bot/retry.py
        for observer in (self.dp.message, self.dp.callback_query):
            observer.middleware(CallbackAnswerMiddleware())
            observer.middleware(DomainErrorMiddleware())
        self.dp.errors.register(self._on_error)
        # a watcher's chat reaches its own router and nothing else; staff go on past it; a tap
        # is offered only to the routers whose buttons can carry its data (handlers/gates.py)
        self.dp.include_routers(
            gate_callbacks(watchers.public_router()), gate_callbacks(staff_area(build_routers()))
        )
        self.dp.startup.register(self._on_startup)
        self.dp.shutdown.register(self._on_shutdown)
        self.outbox = OutboxSender(self.bot, self.db, self.translations)
        self.exports = ExportWorker(self.bot, self.services, self.translations, self.outbox.gate)
        self.jobs = DrainingExecutor()
        self.scheduler = AsyncIOScheduler(timezone=UTC, executors={"default": self.jobs})
        self.web: WebServer | None = None
        if settings.serves_web:
            self.web = WebServer(
                self.services,
                self.translations,
                host=settings.web_host,
                port=settings.web_port or 0,
                pages=bool(settings.web_base_url),
                default_locale=settings.default_locale,
                trusted_proxies=settings.web_trusted_proxies,
            )

    async def prepare(self) -> None:
        """Migrate the database and create what a fresh installation needs."""
        await upgrade(self.db)
        await self.services.prepare(self.settings.timezone)

    async def _on_startup(self) -> None:
        await self.set_commands()
        await self.services.operations.recover()  # tell members what a stop cut off
        self.outbox.start()
        self.exports.start()
        self._schedule()
        self.scheduler.start()
        # What start-up built lives as long as the process: out of the collector's sight, a full
        # collection walks only what updates allocate. And a collection every 20,000 new objects
        # instead of 700: fifty updates in flight are alive at every collection, walked again
        # and again (`close` undoes both).
        gc.collect()
        gc.freeze()
        if self._gc_threshold is None:
            self._gc_threshold = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)

    def _schedule(self) -> None:
        """Jobs with fixed ids; their state lives in the database, so a run twice is harmless."""
        add = partial(
            self.scheduler.add_job, replace_existing=True, coalesce=True, misfire_grace_time=3600
        )
        add(self.outbox.purge, "cron", hour=3, id="outbox-purge")
        add(self.services.exports.purge, "cron", hour=3, minute=30, id="exports-purge")
        add(self.services.imports.purge, "cron", hour=3, minute=45, id="imports-purge")
        add(self.services.tasks.remind_due, "cron", minute=5, id="task-reminders")
        # telemetry: the tick starts a poll cycle when one is due (never two at once)
        add(self.services.telemetry.tick, "interval", seconds=15, id="telemetry-cycle")
        add(self.services.energy.compute_recent, "cron", minute=7, id="telemetry-energy")
        add(self.services.telemetry.purge, "cron", hour=4, minute=20, id="telemetry-purge")
        # bills: at once on start (an interrupted run goes on), then hourly; overdue hourly
        add(
            self.services.billing.due, "cron", minute=20, id="bills-monthly", next_run_time=utcnow()
        )
        add(self.services.billing.mark_overdue, "cron", minute=25, id="bills-overdue")
        # watchers who opted in: the daily summary from 09:00 facility time, once a day
        add(self.services.watcher_alerts.daily, "cron", minute=10, id="watchers-daily")
        # alerts: snoozes that are over page again; each member's digest at their time
        add(self.services.alerts.wake_snoozed, "interval", seconds=60, id="alerts-snoozes")
        add(self.services.alerts.send_digests, "cron", minute="*/5", id="alerts-digest")
        add(self.services.operations.purge, "cron", hour=3, minute=50, id="operations-purge")

    async def _on_shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)  # no new runs…
            await self.jobs.drained()  # …and the running ones have ended before anything closes
        await self.services.telemetry.stop()
        await self.exports.stop()
        await self.outbox.stop()

    async def set_commands(self) -> None:
        for locale in self.translations.locales:
            t = self.translations.get(locale)
            commands = [BotCommand(command=c, description=t(f"command-{c}")) for c in COMMANDS]
            language = None if locale == self.settings.default_locale else locale
            await self.bot.set_my_commands(
                commands, BotCommandScopeDefault(), language_code=language
            )

    async def _on_error(self, event: ErrorEvent) -> None:
        """Anything unexpected: logged, and the member told to try again (never a traceback)."""
        exc = event.exception
        if isinstance(exc, TelegramBadRequest) and "message is not modified" in exc.message:
            return
        if isinstance(exc, TelegramRetryAfter) or (
            isinstance(exc, TelegramAPIError) and isinstance(exc.method, AnswerCallbackQuery)
        ):
            # Flood control beyond our retries, or a button answered too late: telling the
            # member with yet another message would only make it worse.
            log.warning("update %s: %s", event.update.update_id, exc)
            return
        log.error("update %s failed", event.update.update_id, exc_info=exc)
        user = None
        if event.update.message is not None:
            user = event.update.message.from_user
        elif event.update.callback_query is not None:
            user = event.update.callback_query.from_user
        if user is None:
            return
        actor = await self.services.staff.resolve(
            user.id, user.full_name, user.username, user.language_code
        )
        t = self.translations.get(actor.locale if actor else self.settings.default_locale)
        try:
            await self.bot.send_message(user.id, t("error-unexpected"))
        except Exception:
            log.exception("could not tell %s about the error", user.id)

    async def run(self) -> None:
        """`python -m bot`: a webhook when WEBHOOK_URL is set, else long polling."""
        if self.settings.webhook_url:
            await self.run_webhook()
        else:
            await self.run_polling()

    async def run_polling(self) -> None:
        """Long polling; the web server beside it serves watcher pages when WEB_BASE_URL is set."""
        await self.prepare()
        if self.web is not None:
            await self.web.start()
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
            await self.dp.start_polling(
                self.bot,
                allowed_updates=self.dp.resolve_used_update_types(),
                handle_signals=False,
                close_bot_session=False,
            )
        finally:
            if self.web is not None:
                await self.web.stop()

    async def run_webhook(self) -> None:
        """Telegram posts updates to WEBHOOK_URL with a secret header (WEBHOOK_SECRET, or a new
        random one each start); the same Dispatcher handles them. Runs until cancelled."""
        assert self.web is not None and self.settings.webhook_url
        await self.prepare()
        given = self.settings.webhook_secret
        secret = given.get_secret_value() if given else secrets.token_urlsafe(32)
        path = urlsplit(self.settings.webhook_url).path or "/"
        self.web.add_webhook(self.dp, self.bot, path, secret)
        await self.web.start()  # the Dispatcher's startup runs here
        try:
            await self.bot.set_webhook(
                self.settings.webhook_url,
                secret_token=secret,
                allowed_updates=self.dp.resolve_used_update_types(),
                drop_pending_updates=False,
            )
            await asyncio.Event().wait()
        finally:
            await self.web.stop()  # and its shutdown here

    async def close(self) -> None:
        gc.unfreeze()
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None
        await self.dp.storage.close()
        await self.bot.session.close()
        await self.db.close()

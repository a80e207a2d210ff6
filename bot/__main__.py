"""`python -m bot`: start FarmDesk (long polling, or a webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from pydantic import ValidationError

from bot.config import Settings


def _fail(line: str) -> None:
    print(f"farmdesk: {line}", file=sys.stderr)
    raise SystemExit(2)


def configure_logging(level: str, handler: logging.Handler | None = None) -> None:
    """The root logger at `level` (to stderr, or `handler`). aiogram's lines for every update
    ("Update id=… is handled. Duration …", "Answer to callback query id=…") are kept for DEBUG:
    at INFO each was a formatted, written and flushed line per tap; its errors are logged at any
    level."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=None if handler is None else [handler],
        force=handler is not None,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        for per_update in ("aiogram.event", "aiogram.middlewares"):
            logging.getLogger(per_update).setLevel(logging.WARNING)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
        _fail(f"{name} is not valid: {error['msg']} (see .env.example)")
    problem = settings.token_problem() or settings.web_problem()
    if problem:
        _fail(problem)
    return settings


async def run(settings: Settings) -> None:
    from bot.app import FarmDesk  # heavy (aiogram's types): imported once settings are sound

    app = FarmDesk(settings)
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: task and task.cancel())
    try:
        await app.run()
    except asyncio.CancelledError:
        logging.getLogger("farmdesk").info("stopping")
    finally:
        await app.close()


def main() -> None:
    settings = load_settings()
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    configure_logging(settings.log_level)
    try:
        asyncio.run(run(settings))
    except TelegramUnauthorizedError:
        _fail("Telegram refused BOT_TOKEN (Unauthorized): check the token from @BotFather in .env.")
    except TelegramNetworkError as exc:
        print(
            f"farmdesk: cannot reach the Bot API at {settings.bot_api_url}: {exc}", file=sys.stderr
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()

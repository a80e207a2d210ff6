"""What every tap costs, kept from coming back: checks on the bot's real Dispatcher."""

from __future__ import annotations

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from bot.app import FarmDesk
from bot.config import Settings


def _callables(router: Router) -> list[tuple[str, CallableObject]]:
    found: list[tuple[str, CallableObject]] = []
    for name, observer in router.observers.items():
        where = f"{router.name}.{name}"
        found += [(f"{where} filter", f) for f in observer._handler.filters or []]
        for handler in observer.handlers:
            found.append((f"{where} handler", handler))
            found += [(f"{where} {handler.callback.__name__}", f) for f in handler.filters or []]
    for child in router.sub_routers:
        found += _callables(child)
    return found


async def test_no_filter_or_handler_runs_in_a_thread(settings: Settings) -> None:
    """aiogram runs a plain-function filter or handler through `asyncio.to_thread`: a trip to a
    worker thread and back for every update that reaches it. Magic filters (``F.text``) are
    aiogram's own and only run behind a form's state."""
    app = FarmDesk(settings)
    try:
        threaded = [
            f"{where}: {getattr(c.callback, '__qualname__', c.callback)}"
            for where, c in _callables(app.dp)
            if not c.awaitable and getattr(c, "magic", None) is None
        ]
    finally:
        await app.close()
    assert threaded == []

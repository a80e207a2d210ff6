"""Watcher links: the watcher's own chat (`public`), staff screens (`manage`), the web page."""

from __future__ import annotations

from aiogram import Router

from handlers.watchers import manage, public


def router() -> Router:
    """Staff: a client's link and the Watcher links list (behind the staff filter)."""
    return manage.router()


def public_router() -> Router:
    """The watcher's chat: first in the Dispatcher, the only router a watcher reaches."""
    return public.router()

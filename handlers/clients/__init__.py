"""Clients area: overview, card, add, edit, miners and logs; merge, archive and restore."""

from __future__ import annotations

from aiogram import Router

from handlers.clients import add, archive, edit, merge, overview


def router() -> Router:
    r = Router(name="clients")
    r.include_routers(
        add.router(), edit.router(), merge.router(), archive.router(), overview.router()
    )
    return r

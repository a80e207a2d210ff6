"""Clients area: overview, card, add, edit, miners and logs."""

from __future__ import annotations

from aiogram import Router

from handlers.clients import add, edit, overview


def router() -> Router:
    r = Router(name="clients")
    r.include_routers(add.router(), edit.router(), overview.router())
    return r

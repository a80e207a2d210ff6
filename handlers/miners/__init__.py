"""Miners area: the list with filters and search, selections, mass actions, and imports."""

from __future__ import annotations

from aiogram import Router

from handlers.miners import browse, card, imports, mass


def router() -> Router:
    r = Router(name="miners")
    # imports and mass first: their forms' states take documents and text before the list's search
    r.include_routers(imports.router(), mass.router(), browse.router(), card.router())
    return r

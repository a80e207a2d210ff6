"""Exports area: export client data for a period (the form) and the member's export files."""

from __future__ import annotations

from aiogram import Router

from handlers.exports import files, form


def router() -> Router:
    r = Router(name="exports")
    r.include_routers(form.router(), files.router())
    return r

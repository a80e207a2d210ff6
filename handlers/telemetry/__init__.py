"""Telemetry screens outside the Miners area: its facility settings (in Settings)."""

from __future__ import annotations

from aiogram import Router

from handlers.telemetry import settings


def router() -> Router:
    r = Router(name="telemetry")
    r.include_routers(settings.router())
    return r

"""Alerts: the buttons on an alert, the Alerts area, Settings → Notifications."""

from __future__ import annotations

from aiogram import Router

from handlers.alerts import actions, area, settings


def router() -> Router:
    r = Router(name="alerts")
    r.include_routers(actions.router(), area.router(), settings.router())
    return r

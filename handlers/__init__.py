"""aiogram routers, keyboards and forms: render and parse, nothing more."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    alerts,
    bills,
    clients,
    exports,
    fallback,
    logs,
    menu,
    miners,
    roles,
    settings,
    staff,
    tasks,
    telemetry,
    watchers,
)


def build_routers() -> list[Router]:
    """Fresh routers for one Dispatcher (a Router can belong to one Dispatcher only)."""
    return [
        menu.router(),
        staff.router(),
        roles.router(),
        settings.router(),
        clients.router(),
        logs.router(),
        tasks.router(),
        exports.router(),
        miners.router(),
        telemetry.router(),
        bills.router(),
        watchers.router(),
        alerts.router(),
        fallback.router(),  # last: what nothing else took
    ]

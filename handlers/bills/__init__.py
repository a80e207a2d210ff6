"""Billing area: the bills list and cards, payments, edits, pricing, meter readings."""

from __future__ import annotations

from aiogram import Router

from handlers.bills import area, edit, links, metered, payment, pricing


def router() -> Router:
    r = Router(name="bills")
    r.include_routers(
        metered.router(),
        payment.router(),
        edit.router(),
        pricing.router(),
        links.router(),
        area.router(),
    )
    return r

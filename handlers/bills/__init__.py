"""Billing area: the bills list and cards, payments, edits, pricing, meter readings."""

from __future__ import annotations

from aiogram import Router


def router() -> Router:
    # Imported here: the task card imports this package's task_cost, and links imports the card.
    from handlers.bills import area, edit, links, metered, payment, pricing

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

"""Tasks area: the list and its filters, task cards, the new-task form, task managers, assets."""

from __future__ import annotations

from aiogram import Router


def router() -> Router:
    # Imported here, not at the top: the client card (handlers.clients) links to tasks through
    # handlers.tasks.links, and these modules link back to the client card.
    from handlers.tasks import area, assets, card, create, managers

    r = Router(name="tasks")
    r.include_routers(
        create.router(), managers.router(), assets.router(), card.router(), area.router()
    )
    return r

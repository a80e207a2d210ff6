"""A button's tap goes straight to the routers that can take it.

aiogram offers a callback query to every handler in turn, and each `CallbackData` filter splits
the data and builds its model before it can say no: about forty tries for a tap on a client
list, in routers that could never take it. Every handler in our routers filters on one or more
`CallbackData` classes, so the prefixes a router's tree can take are known when it is built;
`gate_callbacks` puts that set in front of the router, and a tap whose prefix is not in it
skips the whole tree at the cost of one set lookup. A router with a handler that takes a tap by
other means (the fallback's "outdated button") is left as it is.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


class CallbackPrefixes(Filter):
    """Passes a callback query whose data starts with one of `prefixes` and a separator (or is
    one of them: a `CallbackData` without fields packs to its bare prefix)."""

    def __init__(self, prefixes: frozenset[str], separator: str = ":") -> None:
        self.prefixes = prefixes
        self.separator = separator

    async def __call__(self, query: CallbackQuery) -> bool:
        return (query.data or "").partition(self.separator)[0] in self.prefixes

    def __str__(self) -> str:
        return f"CallbackPrefixes({', '.join(sorted(self.prefixes))})"


def callback_prefixes(router: Router) -> frozenset[str] | None:
    """The prefixes of every callback query handler in `router` and the routers under it, or
    None when a handler there takes callback queries without a `CallbackData` filter."""
    prefixes: set[str] = set()
    for each in router.chain_tail:
        for handler in each.callback_query.handlers:
            found = [
                flt.callback.callback_data.__prefix__
                for flt in handler.filters or ()
                if isinstance(flt.callback, CallbackQueryFilter)
            ]
            if not found:
                return None
            prefixes.update(found)
    return frozenset(prefixes)


def gate_callbacks(router: Router) -> Router:
    """Gate `router` and, under it, every router whose handlers can all be gated."""
    prefixes = callback_prefixes(router)
    if prefixes is not None:
        router.callback_query.filter(CallbackPrefixes(prefixes))
    for sub in router.sub_routers:
        gate_callbacks(sub)
    return router

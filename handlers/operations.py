"""The handlers' side of long operations (services/operations.py): the member is told how each
ended before it is closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.container import Services


@asynccontextmanager
async def telling(services: Services, operation: int) -> AsyncIterator[None]:
    """Inside, the member is shown how `operation` ended; leaving closes it (an error too: the
    error handler tells the member). A stop of the bot leaves it open, so that the next start
    tells the member it was cut off."""
    try:
        yield
    except asyncio.CancelledError:
        raise
    except BaseException:
        await services.operations.told(operation)
        raise
    await services.operations.told(operation)

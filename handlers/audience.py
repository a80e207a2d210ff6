"""Who an update is for: staff, or someone who is not (a watcher, a stranger).

`staff_only` stands in front of every staff router (`bot/app.py`); the watcher's router answers
the rest. A stranger's invite link (`/start <token>`) is the one thing of a non-member that goes
to the staff side: it makes them staff.

Both filters are coroutines: aiogram runs a plain function filter in a worker thread
(`asyncio.to_thread`), a trip there and back on every update for a check of a few attributes.
"""

from __future__ import annotations

from aiogram.types import Message, TelegramObject

from services.actor import Actor
from services.watchers.service import START_PREFIX


def start_payload(message: Message | None) -> str | None:
    """The payload of `/start <payload>` (an invite's token, or `w_<token>` of a watcher link)."""
    if message is None or not message.text or not message.text.startswith("/start "):
        return None
    parts = message.text.split()
    return parts[1] if len(parts) == 2 else None


def is_for_staff(event: TelegramObject, actor: Actor | None) -> bool:
    """A staff member, or a stranger's invite link: what the staff routers may see."""
    if actor is not None:
        return True
    payload = start_payload(event) if isinstance(event, Message) else None
    return payload is not None and not payload.startswith(START_PREFIX)


async def staff_only(event: TelegramObject, actor: Actor | None = None) -> bool:
    """The staff routers' filter: `is_for_staff`."""
    return is_for_staff(event, actor)


async def not_staff(event: TelegramObject, actor: Actor | None = None) -> bool:
    """The watcher router's filter: everything `staff_only` keeps from the staff routers."""
    return not is_for_staff(event, actor)

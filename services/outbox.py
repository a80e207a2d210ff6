"""Notifications to staff, queued in the outbox table in the same transaction as the change.

A notification is a translation key with arguments, rendered in the recipient's language when it
is sent, and optional buttons named by what they open (``{"open": "client", "id": 5}``).

A message can later be changed in place: `edit` queues a row that puts a new text into the
message an earlier row put in the chat (the sender records Telegram's message id of each row it
sends); a newer edit of the same message makes older ones still waiting unnecessary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Staff


def notify(
    session: AsyncSession,
    recipient: Staff,
    text_key: str,
    *,
    args: dict[str, Any] | None = None,
    buttons: list[dict[str, Any]] | None = None,
    dedup_key: str | None = None,
    not_before: datetime | None = None,
    edit_message_id: int | None = None,
) -> OutboxMessage | None:
    """Queue a message to one staff member (nothing is queued for a deactivated member).
    With `edit_message_id`, the text goes into that message of theirs (a new one if it can no
    longer be edited)."""
    if not recipient.is_active:
        return None
    return queue(
        session,
        recipient.telegram_id,
        recipient.locale,
        text_key,
        args=args,
        buttons=buttons,
        dedup_key=dedup_key,
        not_before=not_before,
        edit_message_id=edit_message_id,
    )


def queue(
    session: AsyncSession,
    chat_id: int,
    locale: str | None,
    text_key: str,
    *,
    args: dict[str, Any] | None = None,
    buttons: list[Any] | None = None,
    dedup_key: str | None = None,
    not_before: datetime | None = None,
    edit_message_id: int | None = None,
) -> OutboxMessage:
    """Queue a message to any private chat (a watcher's too, who is no staff member); not
    before `not_before` when given (a member's quiet hours); into the chat's message
    `edit_message_id` when given."""
    row = OutboxMessage(
        chat_id=chat_id,
        locale=locale,
        text_key=text_key,
        args=args or {},
        buttons=buttons,
        dedup_key=dedup_key,
        edit_message_id=edit_message_id,
    )
    if not_before is not None:
        row.not_before = not_before
    session.add(row)
    return row


async def edit(
    session: AsyncSession,
    original_id: int,
    chat_id: int,
    locale: str | None,
    text_key: str,
    *,
    args: dict[str, Any] | None = None,
    buttons: list[Any] | None = None,
) -> OutboxMessage:
    """Queue a new text (and buttons) for the message outbox row `original_id` put in the chat;
    edits of it still waiting are superseded by this one."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.edit_of == original_id, OutboxMessage.status == "pending")
        .values(status="superseded")
    )
    row = queue(session, chat_id, locale, text_key, args=args, buttons=buttons)
    row.edit_of = original_id
    return row

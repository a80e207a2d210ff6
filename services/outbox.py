"""Notifications to staff, queued in the outbox table in the same transaction as the change.

A notification is a translation key with arguments, rendered in the recipient's language when it
is sent, and optional buttons named by what they open (``{"open": "client", "id": 5}``).
"""

from __future__ import annotations

from typing import Any

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
    edit_message_id: int | None = None,
) -> None:
    """Queue a message to one staff member (nothing is queued for a deactivated member).
    With `edit_message_id`, the text goes into that message of theirs (a new one if it can no
    longer be edited)."""
    if not recipient.is_active:
        return
    queue(
        session,
        recipient.telegram_id,
        recipient.locale,
        text_key,
        args=args,
        buttons=buttons,
        dedup_key=dedup_key,
        edit_message_id=edit_message_id,
    )


def queue(
    session: AsyncSession,
    chat_id: int,
    locale: str | None,
    text_key: str,
    *,
    args: dict[str, Any] | None = None,
    buttons: list[dict[str, Any]] | None = None,
    dedup_key: str | None = None,
    edit_message_id: int | None = None,
) -> None:
    """Queue a message to any private chat (a watcher's too, who is no staff member)."""
    session.add(
        OutboxMessage(
            chat_id=chat_id,
            locale=locale,
            text_key=text_key,
            args=args or {},
            buttons=buttons,
            dedup_key=dedup_key,
            edit_message_id=edit_message_id,
        )
    )

"""Buttons other areas show to reach alerts (the client card)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton

from handlers.callbacks import AlertCb
from handlers.render import button
from locales import Localizer
from services.actor import Actor
from services.permissions import Permission


def client_alert_rows(
    t: Localizer, actor: Actor, client_id: int
) -> list[list[InlineKeyboardButton]]:
    """🚨 Alerts of the client (where a member also follows them), for who may see them."""
    if not actor.can(Permission.MINERS_VIEW):
        return []
    return [[button(t("alert-client-button"), AlertCb(action="client", id=client_id).pack())]]

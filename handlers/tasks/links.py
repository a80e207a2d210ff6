"""Buttons other areas show to reach tasks and assets (the client card; the miner card can use
`TaskCb(action="new", miner=<id>)` to start a task for one miner)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton

from handlers.callbacks import AssetCb, TaskCb
from handlers.render import button
from locales import Localizer
from services.actor import Actor
from services.permissions import Permission


def client_task_rows(
    t: Localizer, actor: Actor, client_id: int, tasks: dict[str, int]
) -> list[list[InlineKeyboardButton]]:
    """📋 Tasks (n) · 🗄 Assets, and 📋 Create task — each shown to who may use it."""
    row = []
    if actor.can(Permission.TASKS_VIEW):
        row.append(
            button(
                t("tasks-client-list", count=sum(tasks.values())),
                TaskCb(action="client", client=client_id).pack(),
            )
        )
    row.append(button(t("tasks-client-assets"), AssetCb(action="list", client=client_id).pack()))
    rows = [row]
    if actor.can(Permission.TASKS_CREATE):
        rows.append(
            [button(t("tasks-client-create"), TaskCb(action="new", client=client_id).pack())]
        )
    return rows

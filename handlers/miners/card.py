"""The miner card: live status and readings, Create task, Reboot, Refresh now, the 24-hour chart.

Reached from the Miners list, a client's miners and a task's miners (`open_rows` makes the 🔎
buttons of such a list); Back returns where the member came from. A client's 24-hour fleet chart
(from the client card) is sent here too. Charts are rendered in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.callbacks import ClientCb, MenuCb, MinerCardCb, MinerCb, TaskCb, TelemetryCb
from handlers.miners import card_views as views
from handlers.render import button, grid, show
from locales import Localizer
from services.actor import Actor
from services.container import Services
from services.errors import PermissionDenied
from services.permissions import Permission
from services.telemetry import charts
from services.telemetry.charts import ChartTexts

OPEN_PER_ROW = 5


def open_rows(
    t: Localizer, ids: Sequence[int], first: int, src: str, ref: int = 0, page: int = 0
) -> list[list[InlineKeyboardButton]]:
    """🔎 1 … 🔎 n buttons opening the cards of a list's miners (numbered from `first`)."""
    buttons = [
        button(
            t("telemetry-open-miner", n=first + i),
            MinerCardCb(action="open", id=m, src=src, ref=ref, page=page).pack(),
        )
        for i, m in enumerate(ids)
    ]
    return grid(buttons, OPEN_PER_ROW)


def _back(t: Localizer, cb: MinerCardCb) -> InlineKeyboardButton:
    if cb.src == "l":
        return button(t("miners-back-to-list"), MinerCb(action="back").pack())
    if cb.src == "c":
        return button(t("back"), ClientCb(action="miners", id=cb.ref, page=cb.page).pack())
    if cb.src == "t":
        return button(t("back"), TaskCb(action="miners", id=cb.ref, page=cb.page).pack())
    if cb.src == "k":
        return button(t("back"), TaskCb(action="card", id=cb.ref).pack())
    return button(t("back-menu"), MenuCb(area="main").pack())


def _again(cb: MinerCardCb, action: str) -> str:
    return MinerCardCb(action=action, id=cb.id, src=cb.src, ref=cb.ref, page=cb.page).pack()


async def miner_card(
    event: Message | CallbackQuery,
    actor: Actor,
    t: Localizer,
    services: Services,
    cb: MinerCardCb,
    *,
    note: str | None = None,
    refresh: bool = False,
) -> None:
    if refresh:
        card = await services.telemetry.refresh(actor, cb.id)
    else:
        card = await services.telemetry.card(actor, cb.id)
    zone = (await services.facility.get()).zone
    rows: list[list[InlineKeyboardButton]] = []
    first: list[InlineKeyboardButton] = []
    if card.telemetry_on and card.ip:
        first.append(button(t("telemetry-refresh"), _again(cb, "refresh")))
    first.append(button(t("telemetry-chart"), _again(cb, "chart")))
    rows.append(first)
    second = []
    if actor.can(Permission.TASKS_CREATE):
        new_task = TaskCb(action="new", miner=card.id).pack()
        second.append(button(t("telemetry-create-task"), new_task))
    if actor.can(Permission.MINERS_CONTROL) and card.ip:
        second.append(button(t("telemetry-reboot"), _again(cb, "reboot")))
    rows.append(second)
    rows.append([_back(t, cb)])
    await show(event, views.card_text(t, card, zone, note), rows)


def router() -> Router:
    r = Router(name="miners-card")

    @r.callback_query(MinerCardCb.filter(F.action == "open"))
    async def on_open(
        query: CallbackQuery,
        callback_data: MinerCardCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        await miner_card(query, actor, t, services, callback_data)

    @r.callback_query(MinerCardCb.filter(F.action == "refresh"))
    async def on_refresh(
        query: CallbackQuery,
        callback_data: MinerCardCb,
        actor: Actor,
        t: Localizer,
        services: Services,
        callback_answer: CallbackAnswer,
    ) -> None:
        await miner_card(query, actor, t, services, callback_data, refresh=True)
        callback_answer.text = t("telemetry-refreshed")

    @r.callback_query(MinerCardCb.filter(F.action == "reboot"))
    async def on_reboot_ask(
        query: CallbackQuery,
        callback_data: MinerCardCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        if not actor.can(Permission.MINERS_CONTROL):
            raise PermissionDenied(Permission.MINERS_CONTROL.value)
        card = await services.telemetry.card(actor, callback_data.id)
        rows = [
            [
                button(t("telemetry-reboot-confirm"), _again(callback_data, "rbok")),
                button(t("cancel"), _again(callback_data, "open")),
            ]
        ]
        await show(query, t("telemetry-reboot-ask", miner=views.miner_name(card)), rows)

    @r.callback_query(MinerCardCb.filter(F.action == "rbok"))
    async def on_reboot(
        query: CallbackQuery,
        callback_data: MinerCardCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        outcome = await services.telemetry.reboot(actor, callback_data.id)
        card = await services.telemetry.card(actor, callback_data.id)
        note = views.reboot_text(t, outcome, views.miner_name(card))
        await miner_card(query, actor, t, services, callback_data, note=note)

    @r.callback_query(MinerCardCb.filter(F.action == "chart"))
    async def on_chart(
        query: CallbackQuery,
        callback_data: MinerCardCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        series = await services.telemetry.miner_series(actor, callback_data.id)
        png = await _render(t, services, series.label, partial(charts.miner_chart, series))
        await _photo(query, png, t("telemetry-chart-caption", name=series.label))

    @r.callback_query(TelemetryCb.filter(F.action == "fleet"))
    async def on_fleet_chart(
        query: CallbackQuery,
        callback_data: TelemetryCb,
        actor: Actor,
        t: Localizer,
        services: Services,
    ) -> None:
        series = await services.telemetry.fleet_series(actor, callback_data.id)
        png = await _render(t, services, series.label, partial(charts.fleet_chart, series))
        latest = series.points[-1] if series.points else None
        caption = t(
            "telemetry-fleet-caption",
            name=series.label,
            rate=views.rate(latest[1] if latest else None),
            up=latest[2] if latest else 0,
            count=latest[3] if latest else 0,
        )
        await _photo(query, png, caption)

    return r


async def _render(
    t: Localizer, services: Services, title: str, draw: Callable[[ZoneInfo, ChartTexts], bytes]
) -> bytes:
    """A chart in the facility's time zone and the member's words, drawn in a worker thread."""
    zone = (await services.facility.get()).zone
    return await asyncio.to_thread(draw, zone, views.chart_texts(t, title, zone))


async def _photo(query: CallbackQuery, png: bytes, caption: str) -> None:
    """Send a chart as a new photo under the screen it was asked from (whose buttons stay)."""
    assert query.bot is not None
    await query.bot.send_photo(
        query.from_user.id, BufferedInputFile(png, filename="chart.png"), caption=caption
    )

"""Watcher links, their viewers and opens, and what one client's read-only view reads.

Every query of the view is limited to one client's miners (`client_id = :id`): a view never
reads another client's rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Client,
    FleetSample,
    Miner,
    MinerTelemetry,
    OutboxMessage,
    Staff,
    WatcherLink,
    WatcherOpen,
    WatcherViewer,
)

# --- links --------------------------------------------------------------------------------------


def _live(now: datetime) -> Any:
    return (WatcherLink.revoked_at.is_(None)) & (
        WatcherLink.expires_at.is_(None) | (WatcherLink.expires_at > now)
    )


async def by_hash(session: AsyncSession, token_hash: str) -> WatcherLink | None:
    return (
        await session.scalars(select(WatcherLink).where(WatcherLink.token_hash == token_hash))
    ).first()


async def unended(session: AsyncSession, client_id: int) -> WatcherLink | None:
    """The client's link that nobody ended (it may have expired)."""
    return (
        await session.scalars(
            select(WatcherLink).where(
                WatcherLink.client_id == client_id, WatcherLink.revoked_at.is_(None)
            )
        )
    ).first()


async def link_ids(session: AsyncSession, client_id: int) -> list[int]:
    """Every link the client ever had."""
    return list(
        await session.scalars(select(WatcherLink.id).where(WatcherLink.client_id == client_id))
    )


async def end_links(
    session: AsyncSession, client_id: int, *, at: datetime, by: int | None, ended: str
) -> list[int]:
    """End every unended link of a client; their ids. Their viewers' opt-ins go with them."""
    ids = list(
        await session.scalars(
            select(WatcherLink.id).where(
                WatcherLink.client_id == client_id, WatcherLink.revoked_at.is_(None)
            )
        )
    )
    if ids:
        await session.execute(
            update(WatcherLink)
            .where(WatcherLink.id.in_(ids))
            .values(revoked_at=at, revoked_by=by, ended=ended)
        )
        await drop_viewers(session, ids)
    return ids


async def drop_viewers(session: AsyncSession, link_ids: Collection[int]) -> None:
    """Forget the viewers of ended links and what was queued for them and not yet sent."""
    chats = list(
        await session.scalars(
            select(WatcherViewer.telegram_id).where(WatcherViewer.link_id.in_(list(link_ids)))
        )
    )
    if chats:
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status == "pending",
                OutboxMessage.chat_id.in_(chats),
                OutboxMessage.text_key.like("watchers-%"),
            )
        )
    await session.execute(delete(WatcherViewer).where(WatcherViewer.link_id.in_(list(link_ids))))


async def live_page(
    session: AsyncSession, now: datetime, offset: int, limit: int
) -> tuple[int, list[tuple[WatcherLink, str, str]]]:
    """Live links (newest first) with their client's name and email, and how many there are."""
    total = int(
        await session.scalar(select(func.count()).select_from(WatcherLink).where(_live(now))) or 0
    )
    rows = await session.execute(
        select(WatcherLink, Client.name, Client.email)
        .join(Client, Client.id == WatcherLink.client_id)
        .where(_live(now))
        .order_by(WatcherLink.created_at.desc(), WatcherLink.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return total, [(link, name, email) for link, name, email in rows]


async def staff_name(session: AsyncSession, staff_id: int | None) -> str | None:
    if staff_id is None:
        return None
    return await session.scalar(select(Staff.name).where(Staff.id == staff_id))


# --- opens and viewers --------------------------------------------------------------------------


def add_open(session: AsyncSession, link_id: int, at: datetime, via: str, **who: Any) -> None:
    session.add(WatcherOpen(link_id=link_id, at=at, via=via, **who))


async def last_web_open(session: AsyncSession, link_id: int, address: str) -> datetime | None:
    return await session.scalar(
        select(func.max(WatcherOpen.at)).where(
            WatcherOpen.link_id == link_id,
            WatcherOpen.via == "web",
            WatcherOpen.address == address,
        )
    )


async def opens(
    session: AsyncSession, link_ids: Collection[int], limit: int
) -> tuple[int, list[WatcherOpen]]:
    """How many opens the links had, and the newest `limit` of them."""
    where = WatcherOpen.link_id.in_(list(link_ids))
    total = int(
        await session.scalar(select(func.count()).select_from(WatcherOpen).where(where)) or 0
    )
    rows = await session.scalars(
        select(WatcherOpen)
        .where(where)
        .order_by(WatcherOpen.at.desc(), WatcherOpen.id.desc())
        .limit(limit)
    )
    return total, list(rows)


async def viewer(session: AsyncSession, link_id: int, telegram_id: int) -> WatcherViewer | None:
    return (
        await session.scalars(
            select(WatcherViewer).where(
                WatcherViewer.link_id == link_id, WatcherViewer.telegram_id == telegram_id
            )
        )
    ).first()


async def viewer_count(session: AsyncSession, link_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(WatcherViewer).where(WatcherViewer.link_id == link_id)
        )
        or 0
    )


async def viewed_links(session: AsyncSession, telegram_id: int, now: datetime) -> list[int]:
    """The live links a Telegram user has opened in the chat, the latest seen first."""
    rows = await session.scalars(
        select(WatcherLink.id)
        .join(WatcherViewer, WatcherViewer.link_id == WatcherLink.id)
        .where(WatcherViewer.telegram_id == telegram_id, _live(now))
        .order_by(WatcherViewer.last_seen_at.desc())
    )
    return list(rows)


async def subscribers(
    session: AsyncSession, now: datetime, *, client_ids: Collection[int] | None, daily: bool
) -> list[tuple[WatcherViewer, WatcherLink]]:
    """Viewers of live links who opted in to status messages (or to the daily summary)."""
    flag = WatcherViewer.daily if daily else WatcherViewer.alerts
    query = (
        select(WatcherViewer, WatcherLink)
        .join(WatcherLink, WatcherLink.id == WatcherViewer.link_id)
        .where(flag.is_(True), _live(now))
        .order_by(WatcherViewer.id)
    )
    if client_ids is not None:
        query = query.where(WatcherLink.client_id.in_(list(client_ids)))
    return [(v, link) for v, link in await session.execute(query)]


# --- the view: one client's miners --------------------------------------------------------------


async def status_counts(session: AsyncSession, client_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(Miner.status, func.count())
        .where(Miner.client_id == client_id)
        .group_by(Miner.status)
    )
    return {status: int(n) for status, n in rows}


async def hashrate_now(
    session: AsyncSession, client_id: int
) -> tuple[float | None, datetime | None]:
    """The summed hashrate (TH/s) of the client's miners that answered their latest poll, and
    when the latest poll of any of them was."""
    row = (
        await session.execute(
            select(
                func.sum(MinerTelemetry.hashrate_ths).filter(MinerTelemetry.reach == "ok"),
                func.max(MinerTelemetry.polled_at),
            )
            .join(Miner, Miner.id == MinerTelemetry.miner_id)
            .where(Miner.client_id == client_id)
        )
    ).one()
    total, polled = row
    return (float(total) if total is not None else None), polled


async def fleet_average(session: AsyncSession, client_id: int, since: int) -> float | None:
    """The mean of the client's fleet hashrate (TH/s) over its poll cycles after `since`."""
    mean = await session.scalar(
        select(func.avg(FleetSample.hashrate_mhs)).where(
            FleetSample.client_id == client_id, FleetSample.ts > since
        )
    )
    return float(mean) / 1e6 if mean is not None else None


def _miner_filter(client_id: int, status: str | None) -> Any:
    where = Miner.client_id == client_id
    return where if status is None else where & (Miner.status == status)


async def miner_page(
    session: AsyncSession, client_id: int, status: str | None, offset: int, limit: int
) -> list[Sequence[Any]]:
    """(position, id, serial, mac, model, submodel, status, reach, hashrate, hottest, uptime) of
    one page of the client's miners in id order; the position counts all the client's miners."""
    position = func.row_number().over(order_by=Miner.id).label("position")
    numbered = (
        select(
            position,
            Miner.id,
            Miner.serial,
            Miner.mac,
            Miner.model,
            Miner.submodel,
            Miner.status,
        )
        .where(Miner.client_id == client_id)
        .subquery()
    )
    query = (
        select(
            numbered,
            MinerTelemetry.reach,
            MinerTelemetry.hashrate_ths,
            MinerTelemetry.hottest_c,
            MinerTelemetry.uptime_s,
        )
        .outerjoin(MinerTelemetry, MinerTelemetry.miner_id == numbered.c.id)
        .order_by(numbered.c.id)
        .offset(offset)
        .limit(limit)
    )
    if status is not None:
        query = query.where(numbered.c.status == status)
    return list(await session.execute(query))


async def names(
    session: AsyncSession, miner_ids: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    """(serial, mac) of miners, for short messages."""
    rows = await session.execute(
        select(Miner.id, Miner.serial, Miner.mac).where(Miner.id.in_(list(miner_ids)))
    )
    return {i: (serial, mac) for i, serial, mac in rows}


async def client_name(session: AsyncSession, client_id: int) -> str | None:
    return await session.scalar(select(Client.name).where(Client.id == client_id))

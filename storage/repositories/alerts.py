"""Alerts: the miners' problems as the rules see them, alerts and their miners, who got each
alert's message, members' settings and subscriptions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Alert,
    AlertDelivery,
    AlertMiner,
    AlertSettings,
    AlertSubscription,
    AlertWatch,
    Client,
    Miner,
    MinerTelemetry,
    RolePermission,
    Staff,
    Task,
    TaskStatus,
)

PROBLEM_STATUSES = ("offline", "hanged", "lowhash")
_alert_miners = cast(Table, AlertMiner.__table__)
STEP = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class Problem:
    miner_id: int
    client_id: int | None
    kind: str
    since: datetime | None  # when its status was taken (None for hot: the rules keep that)


async def problems(session: AsyncSession, hot_c: int) -> list[Problem]:
    """Every miner in a problem status, and every miner whose hottest board (as last read, when
    it answered) is at or above `hot_c`."""
    rows = (
        await session.execute(
            select(
                Miner.id,
                Miner.client_id,
                Miner.status,
                MinerTelemetry.status_since,
                MinerTelemetry.hottest_c,
                MinerTelemetry.reach,
            )
            .join(MinerTelemetry, MinerTelemetry.miner_id == Miner.id)
            .where(
                or_(
                    Miner.status.in_(PROBLEM_STATUSES),
                    and_(MinerTelemetry.reach == "ok", MinerTelemetry.hottest_c >= hot_c),
                )
            )
        )
    ).all()
    out: list[Problem] = []
    for miner_id, client_id, status, since, hottest, reach in rows:
        if status in PROBLEM_STATUSES:
            out.append(Problem(miner_id, client_id, status, since))
        if reach == "ok" and hottest is not None and hottest >= hot_c:
            out.append(Problem(miner_id, client_id, "hot", None))
    return out


async def polled_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(MinerTelemetry)) or 0)


async def watches(
    session: AsyncSession, miner_ids: Collection[int] | None = None
) -> list[AlertWatch]:
    """The rows of problems holding now (`miner_ids` None), or every row of those miners."""
    if miner_ids is None:
        return list(await session.scalars(select(AlertWatch).where(AlertWatch.since.is_not(None))))
    out: list[AlertWatch] = []
    ids = sorted(miner_ids)
    for k in range(0, len(ids), STEP):
        chunk = ids[k : k + STEP]
        out += await session.scalars(select(AlertWatch).where(AlertWatch.miner_id.in_(chunk)))
    return out


async def burst_alerts(
    session: AsyncSession, opened_after: datetime
) -> dict[tuple[int | None, str], Alert]:
    """Open alerts opened within the burst, by (client, kind): new miners join them (the newest
    of a client and kind)."""
    rows = await session.scalars(
        select(Alert)
        .where(Alert.status == "open", Alert.kind != "incident", Alert.opened_at >= opened_after)
        .order_by(Alert.id)
    )
    return {(a.client_id, a.kind): a for a in rows}


async def open_incident(session: AsyncSession) -> Alert | None:
    return await session.scalar(
        select(Alert)
        .where(Alert.kind == "incident", Alert.status != "resolved")
        .order_by(Alert.id.desc())
        .limit(1)
    )


async def alert_miners(
    session: AsyncSession, alert_id: int, miner_ids: Collection[int]
) -> dict[int, AlertMiner]:
    out: dict[int, AlertMiner] = {}
    ids = sorted(miner_ids)
    for k in range(0, len(ids), STEP):
        rows = await session.scalars(
            select(AlertMiner).where(
                AlertMiner.alert_id == alert_id, AlertMiner.miner_id.in_(ids[k : k + STEP])
            )
        )
        out |= {r.miner_id: r for r in rows}
    return out


async def unrecovered(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(alert, its kind, miner) for every miner not yet back in an alert not resolved."""
    rows = await session.execute(
        select(AlertMiner.alert_id, Alert.kind, AlertMiner.miner_id)
        .join(Alert, Alert.id == AlertMiner.alert_id)
        .where(Alert.status != "resolved", AlertMiner.recovered_at.is_(None))
    )
    return [(a, k, m) for a, k, m in rows.all()]


async def mark_recovered(
    session: AsyncSession, pairs: Collection[tuple[int, int]], at: datetime
) -> None:
    """(alert, miner) pairs: the miner is back."""
    if pairs:
        await session.execute(
            update(_alert_miners)
            .where(
                _alert_miners.c.alert_id == bindparam("a"),
                _alert_miners.c.miner_id == bindparam("m"),
            )
            .values(recovered_at=at),
            [{"a": a, "m": m} for a, m in pairs],
        )


async def still_counts(session: AsyncSession, alert_ids: Collection[int]) -> dict[int, int]:
    """Miners of each alert not recovered."""
    if not alert_ids:
        return {}
    rows = await session.execute(
        select(AlertMiner.alert_id, func.count())
        .where(AlertMiner.alert_id.in_(alert_ids), AlertMiner.recovered_at.is_(None))
        .group_by(AlertMiner.alert_id)
    )
    counts = dict.fromkeys(alert_ids, 0)
    counts.update({a: int(n) for a, n in rows.all()})
    return counts


async def miner_labels(
    session: AsyncSession, alert_ids: Collection[int]
) -> dict[int, list[tuple[int, str | None, str | None, str | None, str | None, bool]]]:
    """Per alert: (miner id, location, serial, MAC, IP, recovered) of its miners, by id."""
    out: dict[int, list[tuple[int, str | None, str | None, str | None, str | None, bool]]] = {}
    ids = sorted(alert_ids)
    for k in range(0, len(ids), STEP):
        rows = await session.execute(
            select(
                AlertMiner.alert_id,
                Miner.id,
                Miner.location,
                Miner.serial,
                Miner.mac,
                Miner.ip,
                AlertMiner.recovered_at,
            )
            .join(Miner, Miner.id == AlertMiner.miner_id)
            .where(AlertMiner.alert_id.in_(ids[k : k + STEP]))
            .order_by(AlertMiner.alert_id, Miner.id)
        )
        for alert_id, miner_id, location, serial, mac, ip, recovered in rows.all():
            out.setdefault(alert_id, []).append(
                (miner_id, location, serial, mac, ip, recovered is not None)
            )
    return out


async def miner_ids(session: AsyncSession, alert_id: int, *, still: bool = False) -> list[int]:
    query = select(AlertMiner.miner_id).where(AlertMiner.alert_id == alert_id)
    if still:
        query = query.where(AlertMiner.recovered_at.is_(None))
    return list(await session.scalars(query.order_by(AlertMiner.miner_id)))


async def deliveries(session: AsyncSession, alert_ids: Collection[int]) -> list[AlertDelivery]:
    if not alert_ids:
        return []
    return list(
        await session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.alert_id.in_(alert_ids))
            .order_by(AlertDelivery.id)
        )
    )


async def client_names(session: AsyncSession, ids: Collection[int]) -> dict[int, tuple[str, int]]:
    """Name and manager of each client."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Client.id, Client.name, Client.manager_id).where(Client.id.in_(ids))
    )
    return {i: (name, manager) for i, name, manager in rows.all()}


@dataclass(frozen=True, slots=True)
class Member:
    staff: Staff
    flags: frozenset[str]
    settings: AlertSettings | None
    follows: frozenset[int]  # clients whose alerts they follow besides their own


async def members(session: AsyncSession) -> list[Member]:
    """Every active member with their role's flags, alert settings and followed clients."""
    staff = list(await session.scalars(select(Staff).where(Staff.is_active.is_(True))))
    flags: dict[int, set[str]] = {}
    for role_id, permission in (
        await session.execute(select(RolePermission.role_id, RolePermission.permission))
    ).all():
        flags.setdefault(role_id, set()).add(permission)
    settings = {s.staff_id: s for s in await session.scalars(select(AlertSettings))}
    follows: dict[int, set[int]] = {}
    for staff_id, client_id in (
        await session.execute(select(AlertSubscription.staff_id, AlertSubscription.client_id))
    ).all():
        follows.setdefault(staff_id, set()).add(client_id)
    return [
        Member(
            s,
            frozenset(flags.get(s.role_id, ())),
            settings.get(s.id),
            frozenset(follows.get(s.id, ())),
        )
        for s in staff
    ]


async def settings_of(session: AsyncSession, staff_id: int) -> AlertSettings | None:
    return await session.get(AlertSettings, staff_id)


async def alert_page(
    session: AsyncSession,
    *,
    client_id: int | None,
    kind: str | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[int, list[tuple[Alert, str | None, str | None]]]:
    """Alerts newest first (filtered), with the client's name and who acknowledged."""
    conditions: list[Any] = []
    if client_id == 0:
        conditions.append(Alert.client_id.is_(None))
    elif client_id is not None:
        conditions.append(Alert.client_id == client_id)
    if kind is not None:
        conditions.append(Alert.kind == kind)
    if status is not None:
        conditions.append(Alert.status == status)
    total = int(
        await session.scalar(select(func.count()).select_from(Alert).where(*conditions)) or 0
    )
    rows = (
        await session.execute(
            select(Alert, Client.name, Staff.name)
            .outerjoin(Client, Client.id == Alert.client_id)
            .outerjoin(Staff, Staff.id == Alert.acknowledged_by)
            .where(*conditions)
            .order_by(Alert.id.desc())
            .offset(offset)
            .limit(limit)
        )
    ).all()
    return total, [(a, c, s) for a, c, s in rows]


async def alert_clients(session: AsyncSession) -> list[tuple[int, str]]:
    """Clients that have alerts, by name."""
    rows = await session.execute(
        select(Client.id, Client.name)
        .where(Client.id.in_(select(Alert.client_id).where(Alert.client_id.is_not(None))))
        .order_by(Client.name_key)
    )
    return [(i, n) for i, n in rows.all()]


async def snoozes_over(session: AsyncSession, now: datetime) -> list[Alert]:
    return list(
        await session.scalars(
            select(Alert).where(
                Alert.snoozed_until.is_not(None),
                Alert.snoozed_until <= now,
                Alert.status == "open",
            )
        )
    )


# --- the digest -------------------------------------------------------------------------------


async def digest_members(session: AsyncSession, today: date) -> list[tuple[Staff, AlertSettings]]:
    """Members who want a digest and have not had today's."""
    rows = await session.execute(
        select(Staff, AlertSettings)
        .join(AlertSettings, AlertSettings.staff_id == Staff.id)
        .where(
            Staff.is_active.is_(True),
            AlertSettings.digest.is_(True),
            or_(AlertSettings.digest_on.is_(None), AlertSettings.digest_on < today),
        )
    )
    return [(s, a) for s, a in rows.all()]


async def digest_figures(
    session: AsyncSession, client_ids: Sequence[int] | None, since: datetime, today: date
) -> dict[int, dict[str, int]]:
    """Per client (of `client_ids`, or all): miners whose status changed since `since`, alerts
    not resolved, open tasks due today, open tasks overdue."""
    out: dict[int, dict[str, int]] = {}

    def scoped(column: Any) -> Any:
        return column.in_(client_ids) if client_ids is not None else column.is_not(None)

    changed = await session.execute(
        select(Miner.client_id, func.count())
        .join(MinerTelemetry, MinerTelemetry.miner_id == Miner.id)
        .where(scoped(Miner.client_id), MinerTelemetry.status_since >= since)
        .group_by(Miner.client_id)
    )
    for client_id, n in changed.all():
        out.setdefault(cast(int, client_id), {})["changed"] = int(n)
    alerts = await session.execute(
        select(Alert.client_id, func.count())
        .where(scoped(Alert.client_id), Alert.status != "resolved")
        .group_by(Alert.client_id)
    )
    for client_id, n in alerts.all():
        out.setdefault(cast(int, client_id), {})["alerts"] = int(n)
    open_status = select(TaskStatus.id).where(TaskStatus.category != "done")
    for key, condition in (("due", Task.due_date == today), ("overdue", Task.due_date < today)):
        tasks = await session.execute(
            select(Task.client_id, func.count())
            .where(scoped(Task.client_id), condition, Task.status_id.in_(open_status))
            .group_by(Task.client_id)
        )
        for client_id, n in tasks.all():
            out.setdefault(cast(int, client_id), {})[key] = int(n)
    return out


async def managed_clients(session: AsyncSession, staff_id: int) -> list[int]:
    return list(await session.scalars(select(Client.id).where(Client.manager_id == staff_id)))


async def staff_names(session: AsyncSession, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids)))
    return {i: n for i, n in rows.all()}


async def add_alert_miners(
    session: AsyncSession, alert_id: int, miner_ids: Collection[int], at: datetime
) -> None:
    if miner_ids:
        await session.execute(
            insert(_alert_miners),
            [{"alert_id": alert_id, "miner_id": m, "added_at": at} for m in sorted(miner_ids)],
        )


async def add_alert_miner_rows(
    session: AsyncSession, pairs: Collection[tuple[int, int]], at: datetime
) -> None:
    """(alert, miner) pairs, in one executemany per 1,000."""
    rows = [{"alert_id": a, "miner_id": m, "added_at": at} for a, m in pairs]
    for k in range(0, len(rows), 1000):
        await session.execute(insert(_alert_miners), rows[k : k + 1000])


async def alerts_by_id(session: AsyncSession, ids: Collection[int]) -> list[Alert]:
    if not ids:
        return []
    return list(await session.scalars(select(Alert).where(Alert.id.in_(ids)).order_by(Alert.id)))


async def followed(session: AsyncSession, staff_id: int) -> set[int]:
    """Clients whose alerts a member follows besides their own."""
    return set(
        await session.scalars(
            select(AlertSubscription.client_id).where(AlertSubscription.staff_id == staff_id)
        )
    )

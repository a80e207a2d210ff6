"""A small facility with a month of energy for the bills' tests (services and end to end).

October 2026 in Europe/Moscow (31 days, no DST): the facility charges 0.05 USD/kWh, a 10 %
markup and 20.00 USD per miner-month from October 1st; client A pays 0.06 from the 15th.
A holds m1 (24 kWh a day, measured) and m2 (12 kWh a day, measured) all month, and m3 (3,000 W
nominal, no telemetry) until October 10th 12:00, when m3 moves to B. A's Repair task with a
cost of 150.50 is closed on October 20th.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.db import Database
from storage.models import Miner
from storage.repositories import bills as bills_repo

ZONE = ZoneInfo("Europe/Moscow")
FIRST = date(2026, 10, 1)
DAYS = 31


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).astimezone(UTC)


async def add_miners(db: Database, client_a: int, start: date = FIRST) -> tuple[int, int, int]:
    async with db.write() as session:
        miners = [
            Miner(
                serial=f"SN-{n}",
                model="Antminer S19",
                client_id=client_a,
                status="active",
                nominal_power_w=w,
                created_at=local(start - timedelta(days=30)),
            )
            for n, w in ((1, 3250), (2, 3250), (3, 3000))
        ]
        session.add_all(miners)
        await session.flush()
        return miners[0].id, miners[1].id, miners[2].id


async def write_energy(
    db: Database, m1: int, m2: int, client_a: int, start: date = FIRST, days: int = DAYS
) -> None:
    rows = []
    for i in range(days):
        day = start + timedelta(days=i)
        rows.append(
            {
                "miner_id": m1,
                "day": day,
                "client_id": client_a,
                "energy_wh": 24_000,
                "source": "measured",
                "up_seconds": 86_400,
            }
        )
        rows.append(
            {
                "miner_id": m2,
                "day": day,
                "client_id": client_a,
                "energy_wh": 12_000,
                "source": "measured",
                "up_seconds": 86_400,
            }
        )
    async with db.write() as session:
        await bills_repo.put_miner_energy(session, rows)


async def miner_ids(db: Database) -> list[int]:
    async with db.read() as session:
        return list((await session.scalars(select(Miner.id).order_by(Miner.id))).all())


# The hand computation (USD cents), see the module docstring.
A_MEASURED_1 = 14 * 36_000  # Wh, Oct 1–14 at 0.05
A_MEASURED_2 = 17 * 36_000  # Wh, Oct 15–31 at 0.06
A_NOMINAL = 9 * 72_000 + 12 * 3_000  # m3 until Oct 10 12:00
B_NOMINAL = (21 * 24 + 12) * 3_000  # m3 from Oct 10 12:00
A_LINES = {
    "energy measured 1": 2520,  # 504 kWh × 0.05
    "energy nominal 1": 3420,  # 684 kWh × 0.05
    "energy measured 2": 3672,  # 612 kWh × 0.06
    "markup 1": 594,  # 10 % of 59.40
    "markup 2": 367,  # 10 % of 36.72 = 3.672
    "fee": 4581,  # 20.00 × (31 + 31 + 9) / 31 = 45.806…
    "task": 15050,
}
A_TOTAL = sum(A_LINES.values())  # 302.04
B_LINES = {"energy nominal 1": 7740, "markup 1": 774, "fee": 1419}  # fee: 20 × 22 / 31
B_TOTAL = sum(B_LINES.values())  # 99.33

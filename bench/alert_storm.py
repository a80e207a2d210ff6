"""An alert storm: half the fleet goes offline in one cycle; every message must arrive.

    python -m bench.alert_storm [--miners 10000] [--clients 500] [--managers 25]

A fresh SQLite facility: --clients clients of --miners miners, each client managed by one of
--managers Managers (drawn at random, seeded), 3 Senior technicians who follow all clients, the
Owner. Poll cycles run exactly as the scheduler runs them (`TelemetryService.run_cycle`: the
two-cycle rule, chunked writes), but the readings come from a scripted in-process fleet — this
benchmark is about the alerts and their delivery; reading real miners is `bench.telemetry`'s.

Half the miners of every client go offline in one cycle. The next cycle takes the statuses and
the incident rule fires (one message to every member who may hear of miners); the hold time
later, each client's alert goes to its manager (the technicians had the incident instead).
Then FarmDesk's own outbox sender delivers everything through the fake Bot API, which enforces
Telegram's limits (30 messages a second overall, 1 a second per chat: 429 beyond them).

- alerts: alerts raised (one per client, plus the incident); messages: messages the fake
  accepted (the goal: at most one per client per recipient, plus one incident message each);
  edits: edits accepted; flood_429: requests the fake refused for going too fast.
- lost: (chat, alert) pairs recorded as delivered to a chat that the chat never got;
  duplicates: extra copies of one alert in one chat.
- deliver_s: from starting the sender to the last message accepted; bound_s: the least any
  sender could take (the busiest chat at one a second, all at 25 a second); evaluate_s: the slowest
  evaluation of the alert rules after a cycle; cpu_s: this process's CPU time while
  delivering (the fake Bot API runs in this process too).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, insert, select

from bench.generate import OWNER_TG, sqlite_url
from bot.app import create_bot
from bot.config import Settings
from bot.outbox import OutboxSender
from locales import Translations
from services.container import Services
from services.telemetry.miner_api import RebootOutcome
from services.telemetry.snapshot import OFFLINE, Board, MinerSnapshot, Reach
from storage.db import Database
from storage.migrate import upgrade
from storage.models import (
    Alert,
    AlertDelivery,
    AlertSettings,
    Client,
    Miner,
    OutboxMessage,
    Role,
    Staff,
)
from tests.fakebotapi import FakeBotAPI

TOKEN = "123456789:AAEexampleexampleexampleexample_BENCH"
HEALTHY = MinerSnapshot(
    Reach.OK,
    hashrate_ths=100.0,
    expected_ths=100.0,
    boards=tuple(Board(i, 33.3, 65.0) for i in range(3)),
    watts=3300,
)
MANAGER_TG = 3000
TECH_TG = 4000


class ScriptedFleet:
    """Readings as the test decides (the MinerApi protocol): healthy, or offline."""

    def __init__(self) -> None:
        self.offline: set[str] = set()

    async def read(self, ip: str) -> MinerSnapshot:
        return OFFLINE if ip in self.offline else HEALTHY

    async def reboot(self, ip: str) -> RebootOutcome:
        return RebootOutcome.UNSUPPORTED

    def forget_except(self, ips: Collection[str]) -> None:
        return None


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def populate(
    services: Services, miners: int, clients: int, managers: int
) -> tuple[dict[int, list[str]], list[int]]:
    """The facility; returns each client's miners' addresses and every member's chat."""
    rng = random.Random(12)
    async with services.db.write() as session:
        roles = {r.code: r.id for r in await session.scalars(select(Role))}
        staff = [
            Staff(telegram_id=MANAGER_TG + i, name=f"Manager {i}", role_id=roles["manager"])
            for i in range(managers)
        ] + [
            Staff(telegram_id=TECH_TG + i, name=f"Tech {i}", role_id=roles["senior_technician"])
            for i in range(3)
        ]
        session.add_all(staff)
        await session.flush()
        for s in staff[managers:]:
            session.add(AlertSettings(staff_id=s.id, muted=[], scope="all"))
        manager_ids = [s.id for s in staff[:managers]]
        rows = [
            {
                "name": f"Client {c:03d}",
                "name_key": f"client {c:03d}",
                "email": f"c{c}@example.com",
                "manager_id": rng.choice(manager_ids),
            }
            for c in range(clients)
        ]
        await session.execute(insert(Client), rows)
        client_ids = list(await session.scalars(select(Client.id).order_by(Client.id)))
        addresses: dict[int, list[str]] = {c: [] for c in client_ids}
        miner_rows = []
        for n in range(miners):
            client = client_ids[n % clients]
            ip = f"127.{10 + n // 65536}.{(n // 256) % 256}.{n % 256}"
            addresses[client].append(ip)
            miner_rows.append(
                {
                    "ip": ip,
                    "serial": f"SN{n:06d}",
                    "model": "Whatsminer M30S+",
                    "location": f"R{n // 400}-{n % 400:03d}",
                    "client_id": client,
                    "nominal_power_w": 3300,
                }
            )
        for k in range(0, len(miner_rows), 1000):
            await session.execute(insert(Miner), miner_rows[k : k + 1000])
        chats = [OWNER_TG] + [s.telegram_id for s in staff]
    return addresses, chats


async def pending(db: Database) -> int:
    async with db.read() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            )
            or 0
        )


async def run(miners: int, clients: int, managers: int, workdir: Path) -> dict[str, Any]:
    fake = FakeBotAPI(TOKEN)
    await fake.start()
    fake.enforce_limits()
    db = Database(sqlite_url(workdir / "storm.db"))
    await upgrade(db)
    clock, fleet = Clock(), ScriptedFleet()
    services = Services.build(
        db,
        owner_ids=[OWNER_TG],
        clock=clock,
        miner_api=fleet,
        telemetry_networks=["127.0.0.0/8"],
    )
    await services.prepare("UTC")
    await services.staff.resolve(OWNER_TG, "Owner", None, "en")
    addresses, chats = await populate(services, miners, clients, managers)
    for chat in chats:
        fake.user(chat, f"Member {chat}")
    services.telemetry._listeners.clear()  # the benchmark evaluates the rules itself, timed
    evaluations: list[float] = []

    async def cycle(minutes: float) -> None:
        clock.now += timedelta(minutes=minutes)
        await services.telemetry.run_cycle()
        started = time.perf_counter()
        await services.alerts.engine.evaluate(clock.now)
        evaluations.append(time.perf_counter() - started)

    await cycle(0)  # first readings: every miner active
    for ips in addresses.values():
        fleet.offline |= set(ips[: len(ips) // 2])
    await cycle(1)  # seen once
    await cycle(1)  # taken: the incident
    await cycle(11)  # held: one alert per client

    settings = Settings(
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        bot_api_url=fake.base_url,
        database_url=sqlite_url(workdir / "storm.db"),
    )
    bot = create_bot(settings)
    sender = OutboxSender(bot, db, Translations(), poll_interval=0.05)
    cpu0, t0 = time.process_time(), time.monotonic()
    sender.start()
    last_change = t0
    accepted = 0
    while True:
        await asyncio.sleep(0.2)
        now_accepted = sum(
            1 for c in fake.calls if c.method.lower() == "sendmessage" and c.status == 200
        )
        if now_accepted != accepted:
            accepted, last_change = now_accepted, time.monotonic()
        if not await pending(db):
            break
        if time.monotonic() - t0 > 1800:
            raise SystemExit("delivery did not finish in 30 minutes")
    deliver_s = last_change - t0
    cpu_s = time.process_time() - cpu0
    await sender.stop()
    await bot.session.close()

    async with db.read() as session:
        alerts = int(await session.scalar(select(func.count()).select_from(Alert)) or 0)
        expected = {
            (chat, alert)
            for alert, chat in (
                await session.execute(select(AlertDelivery.alert_id, AlertDelivery.chat_id))
            ).all()
        }
        alert_client = {
            a: c for a, c in (await session.execute(select(Alert.id, Alert.client_id))).all()
        }
        incidents = set(await session.scalars(select(Alert.id).where(Alert.kind == "incident")))
    received: Counter[tuple[int, int]] = Counter()
    per_client: Counter[tuple[int, int | None]] = Counter()
    for chat in chats:
        for message in fake.chat(chat):
            found = re.search(r"alert #(\d+)", message.plain)
            if found:
                alert_id = int(found.group(1))
                received[(chat, alert_id)] += 1
                per_client[(chat, alert_client.get(alert_id))] += 1
    per_chat = Counter(chat for chat, _ in received.elements())
    lost = len(expected - set(received))
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    calls = Counter((c.method.lower(), c.status) for c in fake.calls)
    result = {
        "miners": miners,
        "clients": clients,
        "offline": len(fleet.offline),
        "recipients": len({chat for chat, _ in expected}),
        "alerts": alerts,
        "messages": calls[("sendmessage", 200)],
        "incident_messages": sum(n for (_, a), n in received.items() if a in incidents),
        "edits": calls[("editmessagetext", 200)],
        "max_per_client_per_chat": max(
            (n for (chat, client), n in per_client.items() if client is not None), default=0
        ),
        "flood_429": fake.flood_refusals,
        "lost": lost,
        "duplicates": duplicates,
        "deliver_s": round(deliver_s, 1),
        # the least any sender could take: the busiest chat at 1 a second, everything at 25 a
        # second (FarmDesk's own overall rate, under Telegram's 30)
        "bound_s": round(
            max(max(per_chat.values(), default=1) - 1, (sum(per_chat.values()) - 1) / 25), 1
        ),
        "evaluate_s": round(max(evaluations), 2),
        "cpu_s": round(cpu_s, 1),
        "loadavg": os.getloadavg()[0],
    }
    await db.close()
    await fake.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--miners", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--managers", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.miners, args.clients, args.managers, Path(tmp)))
    for key, value in result.items():
        print(f"{key:>24}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""A synthetic hosting facility: staff, clients, miners, tasks, bills, daily consumption and
telemetry's per-miner energy rows.

Deterministic for a given seed. Works on a fresh or an already-migrated database: the schema is
brought up to date, the default roles, the owner and the facility settings are created the way the
bot does it on start, then the rows are bulk-inserted with SQLAlchemy Core in chunks. Run again on
the same database, it adds another batch (ids, e-mails, serials, MACs and IPs stay unique).

    python -m bench.generate --db data/bench.db --clients 2000 --miners 100000 --days 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.container import Services
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base, Client, Miner, Role, Staff, TaskManager, TaskStatus, TaskType

OWNER_TG = 1001
MANAGER_TG_BASE = 2_000_000  # the n-th generated manager has telegram id MANAGER_TG_BASE + n
CHUNK = 5_000
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # "today" of the synthetic facility
FIRST_PERIOD = (2026, 9)  # bills: 2026-09, 2026-10, … per client
FIRST_DAY = date(2026, 9, 1)  # consumption_daily starts here

TASK_MANAGER = "Maintenance"
TASK_STATUSES = (("To do", "todo"), ("In progress", "in_progress"), ("Done", "done"))
TASK_TYPE = "Repair"

# model, nominal power (W), serial prefix, MAC prefix (locally administered, one per vendor)
MODELS: tuple[tuple[str, int, str, str], ...] = (
    ("Antminer S19j Pro", 3050, "JYZZ", "02:b1:7a"),
    ("Antminer S19 XP", 3010, "JYZZ", "02:b1:7a"),
    ("Antminer S19k Pro", 2760, "JYZZ", "02:b1:7a"),
    ("Antminer S21", 3500, "JYZZ", "02:b1:7a"),
    ("Antminer S21 Pro", 3510, "JYZZ", "02:b1:7a"),
    ("Antminer T21", 3610, "JYZZ", "02:b1:7a"),
    ("Antminer L7", 3425, "JYZZ", "02:b1:7a"),
    ("Whatsminer M30S++", 3472, "HTM3", "02:5a:4d"),
    ("Whatsminer M50S", 3276, "HTM3", "02:5a:4d"),
    ("Whatsminer M60S", 3422, "HTM3", "02:5a:4d"),
    ("Avalon A1246", 3420, "AVA1", "02:ca:0a"),
    ("Avalon A1366", 3420, "AVA1", "02:ca:0a"),
)
MODEL_WEIGHTS = (18, 8, 10, 14, 5, 4, 3, 9, 12, 7, 5, 5)
MINER_STATUSES = ("active", "lowhash", "hanged", "offline", "unknown")
STATUS_WEIGHTS = (80, 7, 3, 7, 3)
PAID_SHARE = 0.9
UNASSIGNED_SHARE = 0.05
TASK_CATEGORY_WEIGHTS = (40, 20, 40)  # todo, in_progress, done
PRIORITIES = ("low", "medium", "high")
PRIORITY_WEIGHTS = (25, 55, 20)
TASK_ACTIONS = (
    "Replace fan on",
    "Reflash firmware of",
    "Check hashboards of",
    "Clean dust filters of",
    "Replace PSU of",
    "Investigate low hashrate of",
    "Reboot hanged",
    "Swap control board of",
    "Move to another rack:",
)

# (Latin, Cyrillic or None, feminine) — Cyrillic names carry their transliteration for e-mails.
FIRST_LATIN = (
    "James", "Mary", "John", "Linda", "Robert", "Susan", "Michael", "Karen", "David", "Nancy",
    "William", "Lisa", "Richard", "Emily", "Thomas", "Laura", "Daniel", "Sarah", "Mark", "Anna",
    "Paul", "Julia", "Kevin", "Grace", "Brian", "Chloe", "Lucas", "Mia", "Noah", "Olivia",
    "Ethan", "Sofia", "Liam", "Emma", "Oscar", "Hannah", "Felix", "Nora", "Hugo", "Elena",
)  # fmt: skip
LAST_LATIN = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams",
    "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins",
)  # fmt: skip
FIRST_CYRILLIC = (
    ("Иван", "ivan", False), ("Алексей", "aleksey", False), ("Дмитрий", "dmitry", False),
    ("Сергей", "sergey", False), ("Андрей", "andrey", False), ("Михаил", "mikhail", False),
    ("Николай", "nikolay", False), ("Павел", "pavel", False), ("Артём", "artyom", False),
    ("Егор", "egor", False), ("Олег", "oleg", False), ("Тимур", "timur", False),
    ("Анна", "anna", True), ("Мария", "maria", True), ("Елена", "elena", True),
    ("Ольга", "olga", True), ("Наталья", "natalya", True), ("Татьяна", "tatyana", True),
    ("Ксения", "ksenia", True), ("Дарья", "darya", True), ("Светлана", "svetlana", True),
    ("Юлия", "yulia", True), ("Алина", "alina", True), ("Вера", "vera", True),
)  # fmt: skip
LAST_CYRILLIC = (
    ("Иванов", "ivanov"), ("Петров", "petrov"), ("Смирнов", "smirnov"), ("Кузнецов", "kuznetsov"),
    ("Попов", "popov"), ("Соколов", "sokolov"), ("Лебедев", "lebedev"), ("Козлов", "kozlov"),
    ("Новиков", "novikov"), ("Морозов", "morozov"), ("Волков", "volkov"), ("Соловьёв", "solovyov"),
    ("Васильев", "vasilyev"), ("Зайцев", "zaytsev"), ("Павлов", "pavlov"), ("Семёнов", "semyonov"),
    ("Голубев", "golubev"), ("Виноградов", "vinogradov"), ("Богданов", "bogdanov"),
    ("Воробьёв", "vorobyov"), ("Фёдоров", "fyodorov"), ("Михайлов", "mikhaylov"),
    ("Беляев", "belyaev"), ("Тарасов", "tarasov"), ("Белов", "belov"), ("Комаров", "komarov"),
    ("Орлов", "orlov"), ("Киселёв", "kiselyov"), ("Макаров", "makarov"), ("Андреев", "andreev"),
)  # fmt: skip
COMPANY_LATIN = (
    "Northwind", "Blue Ridge", "Polar", "Arctic", "Granite", "Summit", "Silver Creek", "Ironclad",
    "Red Rock", "Aurora", "Cedar", "Falcon", "Harbor", "Maple", "Nordic", "Orion", "Pioneer",
    "Quantum", "Sierra", "Tundra", "Basalt", "Glacier", "Highland", "Lakeside", "Redwood",
)  # fmt: skip
COMPANY_NOUNS = ("Mining", "Hash", "Digital", "Compute", "Blockworks", "Energy", "Capital", "Labs")
COMPANY_SUFFIXES = ("LLC", "Ltd", "Inc.", "GmbH", "AG", "")
COMPANY_CYRILLIC = (
    ("Сибирский", "sib"), ("Северный", "sever"), ("Уральский", "ural"), ("Байкальский", "baikal"),
    ("Алтайский", "altai"), ("Енисейский", "enisey"), ("Полярный", "polar"), ("Таёжный", "taiga"),
    ("Волжский", "volga"), ("Ангарский", "angara"),
)  # fmt: skip
COMPANY_CYRILLIC_NOUNS = (
    ("Хешрейт", "hash"), ("Майнинг", "mining"), ("Дата-центр", "dc"), ("Блок", "block"),
    ("Вычислительный центр", "compute"),
)  # fmt: skip
COMPANY_CYRILLIC_FORMS = ("ООО", "АО", "ИП")
PERSON_DOMAINS = ("gmail.com", "outlook.com", "proton.me", "icloud.com", "yahoo.com")
RU_DOMAINS = ("yandex.ru", "mail.ru", "gmail.com", "bk.ru", "inbox.ru")
MANAGER_NAMES = (
    "Anna Smirnova", "Pavel Orlov", "Maria Kozlova", "Dmitry Volkov", "Elena Sokolova",
    "Sergey Lebedev", "Olga Novikova", "Nikolay Morozov", "Irina Pavlova", "Timur Akhmetov",
    "Kate Walker", "Tom Harris",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Facility:
    """What one run of the generator added, and who owns the facility."""

    owner_telegram_id: int
    managers: int
    clients: int
    miners: int
    assigned_miners: int
    tasks: int
    bills: int
    consumption_rows: int
    energy_rows: int  # miner_energy_daily (telemetry's rows), for the bills benchmark
    busiest_client_id: int | None  # the generated client with the most miners
    busiest_client_miners: int

    def counts(self) -> dict[str, Any]:
        return asdict(self)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite+aiosqlite:///{Path(path).resolve()}"


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


async def _insert(db: Database, table: str, rows: Sequence[dict[str, Any]]) -> int:
    """Core executemany in chunks of CHUNK rows, in one write transaction."""
    statement = insert(_table(table))
    async with db.write() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(statement, list(rows[start : start + CHUNK]))
    return len(rows)


async def _max_id(session: AsyncSession, column: Any) -> int:
    return int(await session.scalar(select(func.max(column))) or 0)


# --- reference rows: staff and the built-in task manager ---------------------------------------


async def _ensure_staff(
    session: AsyncSession, owner_tg: int, managers: int
) -> tuple[int, list[int]]:
    """The owner's staff id and the ids of `managers` staff members with the Manager role."""
    owner_id = await session.scalar(select(Staff.id).where(Staff.telegram_id == owner_tg))
    assert owner_id is not None, "the owner is created by Services.prepare"
    role_id = await session.scalar(select(Role.id).where(Role.code == "manager"))
    assert role_id is not None, "the default roles are created by Services.prepare"
    wanted = [MANAGER_TG_BASE + n for n in range(1, managers + 1)]
    existing = set(
        await session.scalars(select(Staff.telegram_id).where(Staff.telegram_id.in_(wanted)))
    )
    rows = [
        {
            "telegram_id": tg,
            "name": MANAGER_NAMES[(tg - MANAGER_TG_BASE - 1) % len(MANAGER_NAMES)],
            "username": MANAGER_NAMES[(tg - MANAGER_TG_BASE - 1) % len(MANAGER_NAMES)]
            .lower()
            .replace(" ", "_"),
            "role_id": role_id,
            "locale": "en",
            "is_active": True,
            "invited_by": owner_id,
            "created_at": NOW - timedelta(days=400),
        }
        for tg in wanted
        if tg not in existing
    ]
    if rows:
        await session.execute(insert(_table("staff")), rows)
    ids = await session.scalars(
        select(Staff.id).where(Staff.telegram_id.in_(wanted)).order_by(Staff.telegram_id)
    )
    return owner_id, list(ids)


async def _ensure_task_manager(session: AsyncSession) -> tuple[int, dict[str, int], list[int]]:
    """The built-in "Maintenance" task manager (created unless present): its id, a status id per
    category and its task type ids."""
    manager = await session.scalar(select(TaskManager).where(TaskManager.name == TASK_MANAGER))
    if manager is None:
        manager = TaskManager(name=TASK_MANAGER, is_builtin=True, created_at=NOW)
        session.add(manager)
        await session.flush()
    statuses = list(
        await session.scalars(
            select(TaskStatus)
            .where(TaskStatus.manager_id == manager.id)
            .order_by(TaskStatus.position, TaskStatus.id)
        )
    )
    by_category: dict[str, int] = {}
    for status in statuses:
        by_category.setdefault(status.category, status.id)
    names = {s.name for s in statuses}
    for position, (name, category) in enumerate(TASK_STATUSES):
        if category in by_category or name in names:
            continue
        status = TaskStatus(manager_id=manager.id, name=name, category=category, position=position)
        session.add(status)
        await session.flush()
        by_category[category] = status.id
    types = list(
        await session.scalars(select(TaskType.id).where(TaskType.manager_id == manager.id))
    )
    if not types:
        task_type = TaskType(manager_id=manager.id, name=TASK_TYPE)
        session.add(task_type)
        await session.flush()
        types = [task_type.id]
    return manager.id, by_category, types


# --- clients -----------------------------------------------------------------------------------


class _Identity(NamedTuple):
    name: str
    local: str  # e-mail local part
    domain: str
    handle: str  # messenger username, without "@"


def _person(rng: random.Random) -> _Identity:
    if rng.random() < 0.35:
        first, first_lat, feminine = rng.choice(FIRST_CYRILLIC)
        last, last_lat = rng.choice(LAST_CYRILLIC)
        if feminine:
            last, last_lat = last + "а", last_lat + "a"
        domains = RU_DOMAINS
    else:
        first = first_lat = rng.choice(FIRST_LATIN)
        last = last_lat = rng.choice(LAST_LATIN)
        domains = PERSON_DOMAINS
    f, la = first_lat.lower(), last_lat.lower()
    local = rng.choice((f"{f}.{la}", f"{f}{la}", f"{f[0]}{la}", f"{la}.{f}", f"{f}_{la}"))
    return _Identity(f"{first} {last}", local, rng.choice(domains), local.replace(".", "_"))


def _company(rng: random.Random) -> _Identity:
    if rng.random() < 0.4:
        adjective, adjective_lat = rng.choice(COMPANY_CYRILLIC)
        noun, noun_lat = rng.choice(COMPANY_CYRILLIC_NOUNS)
        name = f"{rng.choice(COMPANY_CYRILLIC_FORMS)} «{adjective} {noun}»"
        slug = f"{adjective_lat}-{noun_lat}"
        local = rng.choice(("info", "office", "buh"))
        return _Identity(name, local, f"{slug}.ru", slug.replace("-", "_"))
    base, noun = rng.choice(COMPANY_LATIN), rng.choice(COMPANY_NOUNS)
    name = f"{base} {noun} {rng.choice(COMPANY_SUFFIXES)}".strip()
    slug = f"{base}{noun}".lower().replace(" ", "")
    local = rng.choice(("billing", "ops", "info", "admin"))
    return _Identity(name, local, f"{slug}.{rng.choice(('com', 'io'))}", slug)


def _unique_email(identity: _Identity, client_id: int, taken: set[str]) -> str:
    email = f"{identity.local}@{identity.domain}"
    n = 0
    while email in taken:
        n += 1
        email = f"{identity.local}{client_id if n == 1 else f'{client_id}.{n}'}@{identity.domain}"
    taken.add(email)
    return email


def _client_rows(
    rng: random.Random, count: int, base_id: int, managers: Sequence[int], taken: set[str]
) -> list[dict[str, Any]]:
    """Clients with unique names (per run) and unique e-mails (in the whole table)."""
    names: set[str] = set()
    rows = []
    for n in range(count):
        client_id = base_id + n + 1
        for _ in range(30):
            identity = _company(rng) if rng.random() < 0.25 else _person(rng)
            if identity.name.casefold() not in names:
                break
        else:
            identity = identity._replace(name=f"{identity.name} {client_id}")
        names.add(identity.name.casefold())
        phone = f"+79{rng.randint(0, 99):02d}{rng.randint(0, 9_999_999):07d}"
        suffix = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
        messenger = f"@{identity.handle[:28]}{suffix}"
        created = NOW - timedelta(minutes=rng.randint(60 * 24 * 30, 60 * 24 * 730))
        rows.append(
            {
                "id": client_id,
                "name": identity.name,
                "name_key": identity.name.casefold(),
                "email": _unique_email(identity, client_id, taken),
                "manager_id": rng.choice(managers),
                "phone": phone if rng.random() < 0.9 else None,
                "messenger": messenger if rng.random() < 0.7 else None,
                "version": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


# --- miners ------------------------------------------------------------------------------------


def _owners(
    rng: random.Random, miners: int, client_ids: Sequence[int], big: int = 0
) -> list[int | None]:
    """A client (or None, ~5 %) per miner, skewed: a few clients own a large share. With `big`,
    the first client owns exactly `big` miners and no other comes near it."""
    if not client_ids:
        return [None] * miners
    assigned = round(miners * (1 - UNASSIGNED_SHARE))
    if big and len(client_ids) > 1:
        big = min(big, assigned)
        others = client_ids[1:]
        weights = [rng.paretovariate(1.16) for _ in others]
        cap = sum(weights) * big / 2 / max(1, assigned - big)  # at most about half of `big`
        weights = [min(w, cap) for w in weights]
        owners: list[int | None] = [client_ids[0]] * big
        owners += rng.choices(others, weights=weights, k=assigned - big)
        owners += [None] * (miners - assigned)
        rng.shuffle(owners)
        return owners
    weights = [rng.paretovariate(1.16) for _ in client_ids]
    owners = list(rng.choices(client_ids, weights=weights, k=assigned))
    owners += [None] * (miners - assigned)
    rng.shuffle(owners)
    return owners


def _miner_rows(
    rng: random.Random, owners: Sequence[int | None], base_id: int, power: Counter[int]
) -> list[dict[str, Any]]:
    """Miners with unique serial, MAC and IP derived from their id; adds power per client."""
    models = rng.choices(MODELS, weights=MODEL_WEIGHTS, k=len(owners))
    statuses = rng.choices(MINER_STATUSES, weights=STATUS_WEIGHTS, k=len(owners))
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    rows = []
    for n, client_id in enumerate(owners):
        miner_id = base_id + n + 1
        k = miner_id - 1
        model, watts, serial_prefix, mac_prefix = models[n]
        low = (miner_id * 0x9E3779B1) & 0xFFFFFF  # a bijection on 24 bits: unique, not sequential
        tag = "".join(rng.choice(letters) for _ in range(4))
        created = NOW - timedelta(minutes=rng.randint(60 * 24, 60 * 24 * 700))
        if client_id is not None:
            power[client_id] += watts
        rows.append(
            {
                "id": miner_id,
                "serial": f"{serial_prefix}{tag}{miner_id:09d}",
                "mac": f"{mac_prefix}:{low >> 16:02x}:{(low >> 8) & 0xFF:02x}:{low & 0xFF:02x}",
                "ip": f"10.{k // (256 * 254) % 256}.{k // 254 % 256}.{k % 254 + 1}",
                "model": model,
                "submodel": None,
                "worker": f"acc{client_id}.{miner_id}" if client_id is not None else None,
                "location": f"C{k // 960 + 1:02d}-R{k // 40 % 24 + 1:02d}-P{k % 40 + 1:02d}",
                "nominal_power_w": watts,
                "client_id": client_id,
                "status": statuses[n],
                "paid": rng.random() < PAID_SHARE,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


# --- tasks, bills, consumption -------------------------------------------------------------------


def _task_rows(
    rng: random.Random,
    client_ids: Sequence[int],
    per_client: int,
    task_manager_id: int,
    statuses: dict[str, int],
    types: Sequence[int],
    staff: Sequence[int],
) -> list[dict[str, Any]]:
    categories = [c for _, c in TASK_STATUSES if c in statuses]
    weights = [TASK_CATEGORY_WEIGHTS[[c for _, c in TASK_STATUSES].index(c)] for c in categories]
    rows = []
    for client_id in client_ids:
        for _ in range(per_client):
            created = NOW - timedelta(minutes=rng.randint(60, 60 * 24 * 120))
            model = rng.choice(MODELS)[0]
            rows.append(
                {
                    "manager_id": task_manager_id,
                    "type_id": rng.choice(types),
                    "status_id": statuses[rng.choices(categories, weights=weights)[0]],
                    "summary": f"{rng.choice(TASK_ACTIONS)} {model}",
                    "description": None,
                    "priority": rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0],
                    "due_date": NOW.date() + timedelta(days=rng.randint(-20, 30))
                    if rng.random() < 0.6
                    else None,
                    "assignee_id": rng.choice(staff) if rng.random() < 0.8 else None,
                    "reporter_id": rng.choice(staff),
                    "client_id": client_id,
                    "reminded_on": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    return rows


def _period(offset: int) -> tuple[str, int]:
    """The billing period `offset` months after FIRST_PERIOD and its number of days."""
    year, month = divmod(FIRST_PERIOD[0] * 12 + FIRST_PERIOD[1] - 1 + offset, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return f"{year:04d}-{month:02d}", (following - date(year, month, 1)).days


def _bill_rows(
    rng: random.Random,
    client_ids: Sequence[int],
    per_client: int,
    power: Counter[int],
    miners: Counter[int],
) -> list[dict[str, Any]]:
    """Bills already issued (totals only: their lines are the bills benchmark's job)."""
    rows = []
    for client_id in client_ids:
        price = rng.choice((45_000, 50_000, 55_000, 60_000, 65_000))  # 0.045 … 0.065 USD/kWh
        markup_bp = rng.choice((0, 500, 1000, 1250))
        fee_minor = rng.choice((0, 300, 500))  # hosting per miner per month
        for offset in range(per_client):
            period, days = _period(offset)
            first = date(int(period[:4]), int(period[5:]), 1)
            wh = int(power[client_id] * 24 * days * rng.uniform(0.85, 0.99))
            energy_minor = wh * price // 10_000_000  # Wh × (1/10,000 of a cent per kWh)
            markup_minor = energy_minor * markup_bp // 10_000
            hosting_minor = fee_minor * miners[client_id]
            service_minor = rng.choice((0, 0, 0, 2_500, 5_000))
            total = energy_minor + markup_minor + hosting_minor + service_minor
            created = datetime(*_next_month(period), 1, 6, 0, tzinfo=UTC)
            unpaid = offset == per_client - 1 or rng.random() < 0.1
            rows.append(
                {
                    "client_id": client_id,
                    "period": period,
                    "period_start": first,
                    "period_end": first + timedelta(days=days - 1),
                    "currency": "USD",
                    "issued_on": created.date(),
                    "due_on": created.date() + timedelta(days=10),
                    "energy_wh": wh,
                    "total_minor": total,
                    "paid_minor": 0 if unpaid else total,
                    "status": "unpaid" if unpaid else "paid",
                    "overdue_noticed": False,
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    return rows


def _next_month(period: str) -> tuple[int, int]:
    year, month = int(period[:4]), int(period[5:])
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _consumption_rows(
    rng: random.Random, client_ids: Sequence[int], days: int, power: Counter[int]
) -> list[dict[str, Any]]:
    return [
        {
            "client_id": client_id,
            "day": FIRST_DAY + timedelta(days=d),
            "energy_wh": int(power[client_id] * 24 * rng.uniform(0.85, 1.0)),
        }
        for client_id in client_ids
        for d in range(days)
    ]


async def _insert_energy(
    db: Database, rng: random.Random, miners: Sequence[dict[str, Any]], first: date, days: int
) -> int:
    """Telemetry's per-miner day rows for `days` days from `first`: every assigned miner, every
    day, with its client (written in chunks, never all in memory)."""
    statement = insert(_table("miner_energy_daily"))
    assigned = [(m["id"], m["client_id"], m["nominal_power_w"]) for m in miners if m["client_id"]]
    count = 0
    chunk: list[dict[str, Any]] = []
    async with db.write() as session:
        for d in range(days):
            day = first + timedelta(days=d)
            for miner_id, client_id, watts in assigned:
                up = 86_400 if rng.random() > 0.03 else rng.randint(0, 86_400)
                chunk.append(
                    {
                        "miner_id": miner_id,
                        "day": day,
                        "client_id": client_id,
                        "energy_wh": watts * up // 3_600,
                        "source": "measured",
                        "up_seconds": up,
                        "updated_at": NOW,
                    }
                )
                if len(chunk) >= CHUNK:
                    await session.execute(statement, chunk)
                    count += len(chunk)
                    chunk = []
        if chunk:
            await session.execute(statement, chunk)
            count += len(chunk)
    return count


# --- the whole facility --------------------------------------------------------------------------


async def generate(
    db: Database,
    *,
    clients: int,
    miners: int,
    tasks_per_client: int = 3,
    bills_per_client: int = 2,
    days: int = 0,
    energy_month: date | None = None,
    seed: int = 1,
    managers: int = 10,
    owner_telegram_id: int = OWNER_TG,
    big_client: int = 0,
    telemetry_hours: int = 0,
) -> Facility:
    """Add a synthetic facility to `db` (migrated and prepared first if need be)."""
    rng = random.Random(seed)
    await upgrade(db)
    await Services.build(db, owner_ids=[owner_telegram_id]).prepare("UTC")

    async with db.write() as session:
        owner_id, manager_ids = await _ensure_staff(session, owner_telegram_id, managers)
        task_manager_id, statuses, types = await _ensure_task_manager(session)
        client_base = await _max_id(session, Client.id)
        miner_base = await _max_id(session, Miner.id)
        taken = set(await session.scalars(select(Client.email)))

    staff = [owner_id, *manager_ids]
    client_rows = _client_rows(rng, clients, client_base, manager_ids or [owner_id], taken)
    client_ids = [row["id"] for row in client_rows]
    await _insert(db, "clients", client_rows)

    power: Counter[int] = Counter()
    owners = _owners(rng, miners, client_ids, big_client)
    miner_count = Counter(o for o in owners if o is not None)
    miner_rows = _miner_rows(rng, owners, miner_base, power)
    await _insert(db, "miners", miner_rows)
    tasks = await _insert(
        db,
        "tasks",
        _task_rows(rng, client_ids, tasks_per_client, task_manager_id, statuses, types, staff),
    )
    bills = await _insert(
        db, "bills", _bill_rows(rng, client_ids, bills_per_client, power, miner_count)
    )
    consumption = await _insert(
        db, "consumption_daily", _consumption_rows(rng, client_ids, days, power)
    )
    energy = 0
    if energy_month is not None:
        first = energy_month.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        energy = await _insert_energy(db, rng, miner_rows, first, (following - first).days)
    if telemetry_hours:
        await add_telemetry(db, rng, miner_base + 1, miner_base + miners, telemetry_hours)
    del miner_rows

    busiest = miner_count.most_common(1)
    return Facility(
        owner_telegram_id=owner_telegram_id,
        managers=len(manager_ids),
        clients=len(client_ids),
        miners=miners,
        assigned_miners=sum(miner_count.values()),
        tasks=tasks,
        bills=bills,
        consumption_rows=consumption,
        energy_rows=energy,
        busiest_client_id=busiest[0][0] if busiest else None,
        busiest_client_miners=busiest[0][1] if busiest else 0,
    )


# --- telemetry: latest readings and the fleet's samples -------------------------------------------

THS = {"Antminer": 110.0, "Whatsminer": 120.0, "Avalon": 90.0}  # a model family's TH/s
POLL_S = 300


async def add_telemetry(
    db: Database, rng: random.Random, first_id: int, last_id: int, hours: int
) -> None:
    """Latest readings (as a poll cycle at NOW writes them) for miners `first_id`…`last_id`
    with a status other than unknown, and one fleet sample per client every 5 minutes for
    `hours` before NOW (total hashrate, miners up, miners polled), with some wobble."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Miner.id, Miner.model, Miner.status, Miner.client_id).where(
                    Miner.id.between(first_id, last_id), Miner.status != "unknown"
                )
            )
        ).all()
    readings = []
    fleets: dict[int, list[float]] = {}
    for miner_id, model, status, client_id in rows:
        expected = THS.get(str(model).split()[0], 100.0) * rng.uniform(0.95, 1.05)
        rate = {"active": 1.0, "lowhash": rng.uniform(0.6, 0.85)}.get(status, 0.0) * expected
        reach = "offline" if status == "offline" else "ok"
        if status == "hanged" and rng.random() < 0.5:
            reach = "hung"
        answered = reach == "ok"
        readings.append(
            {
                "miner_id": miner_id,
                "polled_at": NOW,
                "seen_at": NOW if answered else NOW - timedelta(hours=rng.randint(1, 48)),
                "reach": reach,
                "observed": status,
                "pending": None,
                "status_since": NOW - timedelta(minutes=rng.randint(5, 60 * 24 * 30)),
                "hashrate_ths": round(rate, 2) if answered else None,
                "expected_ths": round(expected, 2),
                "hottest_c": float(rng.randint(55, 82)) if answered else None,
                "watts": None,
                "uptime_s": rng.randint(600, 60 * 86400) if answered and rate else None,
                "fans": [5400, 5300] if answered else [],
                "boards": [],
                "pools": [],
                "errors": [],
                "make": str(model).split()[0],
                "model": model,
                "firmware": None,
                "mac": None,
            }
        )
        if client_id is not None:
            sums = fleets.setdefault(client_id, [0.0, 0, 0])
            sums[0] += rate
            sums[1] += rate > 0
            sums[2] += 1
    await _insert(db, "miner_telemetry", readings)
    end = int(NOW.timestamp())
    samples = []
    for client_id, (rate, up, polled) in sorted(fleets.items()):
        for step in range(hours * 3600 // POLL_S, -1, -1):
            dip = 0.9 if rng.random() < 0.03 else 1.0  # now and then a rack goes down
            share = dip * rng.uniform(0.985, 1.0)
            samples.append(
                {
                    "client_id": client_id,
                    "ts": end - step * POLL_S,
                    "hashrate_mhs": round(rate * share * 1e6),
                    "miners_up": round(up * share) if step else up,
                    "miners": polled,
                }
            )
    await _insert(db, "fleet_samples", samples)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate", description="Fill a SQLite file with a synthetic facility."
    )
    parser.add_argument("--db", required=True, help="SQLite file (created and migrated if need be)")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--miners", type=int, required=True)
    parser.add_argument("--days", type=int, default=0, help="days of consumption_daily per client")
    parser.add_argument(
        "--energy-month", default=None, help="YYYY-MM: per-miner energy rows for every day of it"
    )
    parser.add_argument("--tasks-per-client", type=int, default=3)
    parser.add_argument("--bills-per-client", type=int, default=2)
    parser.add_argument("--managers", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--big-client", type=int, default=0, help="the first client owns exactly this many miners"
    )
    parser.add_argument(
        "--telemetry-hours", type=int, default=0, help="latest readings and fleet samples"
    )
    return parser.parse_args(argv)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    db = Database(sqlite_url(args.db))
    try:
        started = time.perf_counter()
        facility = await generate(
            db,
            clients=args.clients,
            miners=args.miners,
            tasks_per_client=args.tasks_per_client,
            bills_per_client=args.bills_per_client,
            days=args.days,
            energy_month=date.fromisoformat(f"{args.energy_month}-01")
            if args.energy_month
            else None,
            seed=args.seed,
            managers=args.managers,
            big_client=args.big_client,
            telemetry_hours=args.telemetry_hours,
        )
        seconds = time.perf_counter() - started
    finally:
        await db.close()
    return {**facility.counts(), "seconds": round(seconds, 3)}


def main(argv: Sequence[str] | None = None) -> None:
    print(json.dumps(asyncio.run(_run(parse_args(argv)))))


if __name__ == "__main__":
    main()

"""Migration 0009 on a database with bills: SQLite rebuilds the bills table to change its unique
constraint, and the rows that refer to bills (lines, payments, cascading) must all come back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.migrate import downgrade, upgrade

NOW = "2026-11-02 09:00:00.000000+00:00"
ROWS = [
    "INSERT INTO roles (id, code, name, is_system, rank, created_at)"
    f" VALUES (1, 'owner', NULL, 1, 70, '{NOW}')",
    "INSERT INTO staff (id, telegram_id, name, role_id, is_active, created_at)"
    f" VALUES (1, 1001, 'Olga', 1, 1, '{NOW}')",
    "INSERT INTO clients (id, name, name_key, email, manager_id, version, created_at, updated_at)"
    f" VALUES (1, 'Acme', 'acme', 'ops@acme.com', 1, 1, '{NOW}', '{NOW}')",
    f"INSERT INTO client_billing (client_id, language, updated_at) VALUES (1, 'ru', '{NOW}')",
    "INSERT INTO pricing_rates (client_id, name, value, valid_from, created_at)"
    f" VALUES (1, 'price_kwh', 60000, '2026-10-01', '{NOW}')",
    "INSERT INTO bills (id, client_id, period, period_start, period_end, currency, issued_on,"
    " due_on, energy_wh, total_minor, paid_minor, status, overdue_noticed, version, created_at,"
    " updated_at) VALUES (7, 1, '2026-10', '2026-10-01', '2026-10-31', 'USD', '2026-11-01',"
    f" '2026-11-11', 1000, 500, 200, 'partially_paid', 0, 1, '{NOW}', '{NOW}')",
    "INSERT INTO bill_lines (bill_id, position, kind, group_no, quantity, rate, amount_minor)"
    " VALUES (7, 0, 'service', 0, 0, 0, 500)",
    "INSERT INTO payments (bill_id, amount_minor, paid_on, method, created_by, created_at)"
    f" VALUES (7, 200, '2026-11-02', 'bank_transfer', 1, '{NOW}')",
]
TABLES = ("clients", "client_billing", "pricing_rates", "bills", "bill_lines", "payments")


async def _counts(db: Database) -> dict[str, int]:
    async with db.read() as session:
        return {
            t: (await session.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one()
            for t in TABLES
        }


async def test_the_bills_and_everything_that_refers_to_them_survive(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(db, "0005")
    async with db.write() as session:
        for statement in ROWS:
            await session.execute(text(statement))
    before = await _counts(db)
    assert set(before.values()) == {1}

    await upgrade(db, "0009")
    assert await _counts(db) == before
    async with db.read() as session:
        bill = (await session.execute(text("SELECT client_id, usage_client_id FROM bills"))).one()
        assert tuple(bill) == (1, 1)
        fk = (await session.execute(text("PRAGMA foreign_key_check"))).all()
        assert fk == []

    await downgrade(db, "0005")
    assert await _counts(db) == before
    await upgrade(db)
    assert await _counts(db) == before
    await db.close()

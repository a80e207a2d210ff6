"""clients archived and merged, their emails kept as aliases; a bill's usage client

Bills were unique per client and month; a merge gives the merged client's bills to the one it
merges into, so a bill is now unique per the client whose usage it counts (`usage_client_id`,
filled with the bill's client here).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 00:30:00
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")


def _rebuild(table: str, alter: Callable[[Any], None]) -> None:
    """Alter `table` the batch way (SQLite rebuilds it) without losing the rows that refer to it.

    Dropping the old table deletes (or nulls), on SQLite, every row referring to it with ON
    DELETE CASCADE (or SET NULL): those rows are kept aside and put back. A reference without
    such an action would fail the migration at commit (deferred), losing nothing; `bills` has
    none (its lines and payments cascade)."""
    if not _sqlite():
        with op.batch_alter_table(table, schema=None) as batch_op:
            alter(batch_op)
        return
    bind = op.get_bind()
    op.execute("PRAGMA defer_foreign_keys = ON")
    tables = [
        name
        for (name,) in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    children = [
        child
        for child in tables
        if child != table
        and any(
            fk[2] == table and fk[6].upper() != "NO ACTION"
            for fk in bind.exec_driver_sql(f'PRAGMA foreign_key_list("{child}")')
        )
    ]
    for child in children:
        op.execute(f'CREATE TEMP TABLE "_keep_{child}" AS SELECT * FROM "{child}"')
    with op.batch_alter_table(table, schema=None, recreate="always") as batch_op:
        alter(batch_op)
    for child in children:
        op.execute(f'DELETE FROM "{child}"')
        op.execute(f'INSERT INTO "{child}" SELECT * FROM temp."_keep_{child}"')
        op.execute(f'DROP TABLE temp."_keep_{child}"')


def upgrade() -> None:
    op.add_column("clients", sa.Column("archived_at", _TZ, nullable=True))
    if _sqlite():  # in place (a rebuild would copy every row that refers to a client)
        op.execute(
            "ALTER TABLE clients ADD COLUMN merged_into_id INTEGER"
            " CONSTRAINT fk_clients_merged_into_id_clients REFERENCES clients (id)"
        )
    else:
        op.add_column("clients", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_clients_merged_into_id_clients"),
            "clients",
            "clients",
            ["merged_into_id"],
            ["id"],
        )

    op.create_table(
        "client_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("merged_from_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_aliases_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["merged_from_id"],
            ["clients.id"],
            name=op.f("fk_client_aliases_merged_from_id_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_aliases")),
        sa.UniqueConstraint("email", name=op.f("uq_client_aliases_email")),
    )
    with op.batch_alter_table("client_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_aliases_client_id"), ["client_id"])

    op.add_column("bills", sa.Column("usage_client_id", sa.Integer(), nullable=True))
    op.execute("UPDATE bills SET usage_client_id = client_id")

    def bills(batch_op: Any) -> None:
        batch_op.alter_column("usage_client_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_bills_client_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_bills_usage_client_id"), ["usage_client_id", "period"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_bills_usage_client_id_clients"), "clients", ["usage_client_id"], ["id"]
        )

    _rebuild("bills", bills)


def downgrade() -> None:
    # Bills go back to the clients they were made for (one per client and month again).
    op.execute("UPDATE bills SET client_id = usage_client_id")

    def bills(batch_op: Any) -> None:
        batch_op.drop_constraint(batch_op.f("fk_bills_usage_client_id_clients"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_bills_usage_client_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_bills_client_id"), ["client_id", "period"])
        batch_op.drop_column("usage_client_id")

    _rebuild("bills", bills)

    with op.batch_alter_table("client_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_aliases_client_id"))
    op.drop_table("client_aliases")

    if _sqlite():  # in place, as added (SQLite 3.35 and later)
        op.execute("ALTER TABLE clients DROP COLUMN merged_into_id")
    else:
        op.drop_constraint(op.f("fk_clients_merged_into_id_clients"), "clients", type_="foreignkey")
        op.drop_column("clients", "merged_into_id")
    op.drop_column("clients", "archived_at")

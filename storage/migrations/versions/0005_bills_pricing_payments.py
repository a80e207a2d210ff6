"""bills, pricing history, payments, metered energy, miner client and status history

The early draft's client_pricing, bills and payments held nothing real: they are replaced.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def _bills() -> None:
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("overdue_noticed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_bills_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("client_id", "period", name=op.f("uq_bills_client_id")),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bills_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_bills_period", ["period"], unique=False)
        batch_op.create_index("ix_bills_status_due_on", ["status", "due_on"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=True),
        sa.Column("linked_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_payments_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_payments_created_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_bill_id"), ["bill_id"], unique=False)

    op.create_table(
        "bill_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=True),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=256), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("ref_task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_bill_lines_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_bill_lines_task_id_tasks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bill_lines")),
        sa.UniqueConstraint("task_id", name=op.f("uq_bill_lines_task_id")),
    )
    with op.batch_alter_table("bill_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_lines_bill_id"), ["bill_id"], unique=False)


def _old_bills() -> None:
    op.create_table(
        "bills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("consumption_wh", sa.BigInteger(), nullable=False),
        sa.Column("price_per_kwh_e4", sa.BigInteger(), nullable=False),
        sa.Column("markup_bp", sa.Integer(), nullable=False),
        sa.Column("hosting_minor", sa.BigInteger(), nullable=False),
        sa.Column("service_cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_bills_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("client_id", "period", name=op.f("uq_bills_client_id")),
    )
    with op.batch_alter_table("bills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bills_client_id"), ["client_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bill_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["bill_id"], ["bills.id"], name=op.f("fk_payments_bill_id_bills"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_payments_created_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_bill_id"), ["bill_id"], unique=False)
    op.create_table(
        "client_pricing",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("price_per_kwh_e4", sa.BigInteger(), nullable=True),
        sa.Column("hosting_fee_minor", sa.BigInteger(), nullable=True),
        sa.Column("markup_bp", sa.Integer(), nullable=True),
        sa.Column("service_cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_pricing_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_pricing")),
    )


def _drop_bills() -> None:
    for table in ("bill_lines", "payments", "bills"):
        op.drop_table(table)


def upgrade() -> None:
    op.drop_table("payments")
    op.drop_table("bills")
    op.drop_table("client_pricing")
    _bills()
    op.create_table(
        "billing_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=256), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("payment_details", sa.Text(), nullable=True),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_profile")),
    )
    op.create_table(
        "billing_runs",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("started_at", _TZ, nullable=False),
        sa.Column("finished_at", _TZ, nullable=True),
        sa.Column("bills", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_billing_runs")),
    )
    op.create_table(
        "client_billing",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_billing_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_billing")),
    )
    op.create_table(
        "metered_energy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("imported_by", sa.Integer(), nullable=True),
        sa.Column("imported_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_metered_energy_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"], ["staff.id"], name=op.f("fk_metered_energy_imported_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metered_energy")),
    )
    with op.batch_alter_table("metered_energy", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metered_energy_client_day", ["client_id", "first_day"], unique=False
        )
    op.create_table(
        "pricing_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_pricing_rates_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_pricing_rates_created_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pricing_rates")),
    )
    with op.batch_alter_table("pricing_rates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pricing_rates_client_name", ["client_id", "name", "valid_from"], unique=False
        )
    op.create_table(
        "miner_client_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("miner_id", sa.Integer(), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("old_client_id", sa.Integer(), nullable=True),
        sa.Column("new_client_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_miner_client_changes_actor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["miner_id"],
            ["miners.id"],
            name=op.f("fk_miner_client_changes_miner_id_miners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["new_client_id"],
            ["clients.id"],
            name=op.f("fk_miner_client_changes_new_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["old_client_id"],
            ["clients.id"],
            name=op.f("fk_miner_client_changes_old_client_id_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_miner_client_changes")),
    )
    with op.batch_alter_table("miner_client_changes", schema=None) as batch_op:
        batch_op.create_index("ix_miner_client_changes_at", ["at"], unique=False)
        batch_op.create_index("ix_miner_client_changes_miner_at", ["miner_id", "at"], unique=False)
    op.create_table(
        "miner_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("miner_id", sa.Integer(), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=False),
        sa.Column("new_status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["miner_id"],
            ["miners.id"],
            name=op.f("fk_miner_status_changes_miner_id_miners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_miner_status_changes")),
    )
    with op.batch_alter_table("miner_status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_miner_status_changes_at", ["at"], unique=False)
        batch_op.create_index("ix_miner_status_changes_miner_at", ["miner_id", "at"], unique=False)
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", _TZ, nullable=True))
    # Tasks already done were closed when they last changed, as far as anyone can tell.
    op.execute(
        "UPDATE tasks SET closed_at = updated_at WHERE status_id IN "
        "(SELECT id FROM task_statuses WHERE category = 'done')"
    )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    for table in (
        "miner_status_changes",
        "miner_client_changes",
        "pricing_rates",
        "metered_energy",
        "client_billing",
        "billing_runs",
        "billing_profile",
    ):
        op.drop_table(table)
    _drop_bills()
    _old_bills()

"""energy per miner per day

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 22:50:34.439290
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "miner_energy_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("miner_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("up_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_miner_energy_daily_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["miner_id"],
            ["miners.id"],
            name=op.f("fk_miner_energy_daily_miner_id_miners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_miner_energy_daily")),
    )
    with op.batch_alter_table("miner_energy_daily", schema=None) as batch_op:
        batch_op.create_index(
            "ix_miner_energy_daily_client_day", ["client_id", "day"], unique=False
        )
        batch_op.create_index("ix_miner_energy_daily_miner_day", ["miner_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("miner_energy_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_miner_energy_daily_miner_day")
        batch_op.drop_index("ix_miner_energy_daily_client_day")

    op.drop_table("miner_energy_daily")

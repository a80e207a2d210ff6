"""fleet telemetry: latest readings, samples, fleet samples, facility settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 23:01:50.131455
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fleet_samples",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("hashrate_mhs", sa.BigInteger(), nullable=False),
        sa.Column("miners_up", sa.Integer(), nullable=False),
        sa.Column("miners", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_fleet_samples_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", "ts", name=op.f("pk_fleet_samples")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("fleet_samples", schema=None) as batch_op:
        batch_op.create_index("ix_fleet_samples_ts", ["ts"], unique=False)

    op.create_table(
        "miner_samples",
        sa.Column("miner_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("covers_s", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("hashrate_mhs", sa.BigInteger(), nullable=True),
        sa.Column("watts", sa.Integer(), nullable=True),
        sa.Column("source", sa.SmallInteger(), nullable=False),
        sa.Column("hottest_c", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["miner_id"],
            ["miners.id"],
            name=op.f("fk_miner_samples_miner_id_miners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("miner_id", "ts", name=op.f("pk_miner_samples")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("miner_samples", schema=None) as batch_op:
        batch_op.create_index("ix_miner_samples_ts", ["ts"], unique=False)

    op.create_table(
        "miner_telemetry",
        sa.Column("miner_id", sa.Integer(), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reach", sa.String(length=8), nullable=False),
        sa.Column("observed", sa.String(length=16), nullable=False),
        sa.Column("pending", sa.String(length=16), nullable=True),
        sa.Column("status_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hashrate_ths", sa.Float(), nullable=True),
        sa.Column("expected_ths", sa.Float(), nullable=True),
        sa.Column("hottest_c", sa.Float(), nullable=True),
        sa.Column("watts", sa.Integer(), nullable=True),
        sa.Column("uptime_s", sa.Integer(), nullable=True),
        sa.Column("fans", sa.JSON(), nullable=True),
        sa.Column("boards", sa.JSON(), nullable=True),
        sa.Column("pools", sa.JSON(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("make", sa.String(length=32), nullable=True),
        sa.Column("model", sa.String(length=64), nullable=True),
        sa.Column("firmware", sa.String(length=64), nullable=True),
        sa.Column("mac", sa.String(length=17), nullable=True),
        sa.ForeignKeyConstraint(
            ["miner_id"],
            ["miners.id"],
            name=op.f("fk_miner_telemetry_miner_id_miners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("miner_id", name=op.f("pk_miner_telemetry")),
    )
    with op.batch_alter_table("facility_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("telemetry", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("telemetry_interval_s", sa.Integer(), server_default="300", nullable=False)
        )
        batch_op.add_column(
            sa.Column("lowhash_pct", sa.Integer(), server_default="90", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("facility_settings", schema=None) as batch_op:
        batch_op.drop_column("lowhash_pct")
        batch_op.drop_column("telemetry_interval_s")
        batch_op.drop_column("telemetry")

    op.drop_table("miner_telemetry")
    with op.batch_alter_table("miner_samples", schema=None) as batch_op:
        batch_op.drop_index("ix_miner_samples_ts")

    op.drop_table("miner_samples")
    with op.batch_alter_table("fleet_samples", schema=None) as batch_op:
        batch_op.drop_index("ix_fleet_samples_ts")

    op.drop_table("fleet_samples")

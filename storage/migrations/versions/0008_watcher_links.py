"""watcher links: live links with expiry and revocation, viewers in Telegram, opens

The draft `watcher_links` table (one row per client, never written) is replaced.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-08 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

LIVE = sa.text("revoked_at IS NULL")


def upgrade() -> None:
    op.drop_table("watcher_links")
    op.create_table(
        "watcher_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("ttl_days", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("ended", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_watcher_links_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_watcher_links_created_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["staff.id"], name=op.f("fk_watcher_links_revoked_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watcher_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_watcher_links_token_hash")),
    )
    op.create_index(
        "uq_watcher_links_live_client",
        "watcher_links",
        ["client_id"],
        unique=True,
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.create_table(
        "watcher_viewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("alerts", sa.Boolean(), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.Column("daily_sent_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["watcher_links.id"],
            name=op.f("fk_watcher_viewers_link_id_watcher_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watcher_viewers")),
        sa.UniqueConstraint("link_id", "telegram_id", name=op.f("uq_watcher_viewers_link_id")),
    )
    op.create_index(
        op.f("ix_watcher_viewers_telegram_id"), "watcher_viewers", ["telegram_id"], unique=False
    )
    op.create_table(
        "watcher_opens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["watcher_links.id"],
            name=op.f("fk_watcher_opens_link_id_watcher_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watcher_opens")),
    )
    op.create_index("ix_watcher_opens_link_at", "watcher_opens", ["link_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_watcher_opens_link_at", table_name="watcher_opens")
    op.drop_table("watcher_opens")
    op.drop_index(op.f("ix_watcher_viewers_telegram_id"), table_name="watcher_viewers")
    op.drop_table("watcher_viewers")
    op.drop_index(
        "uq_watcher_links_live_client",
        table_name="watcher_links",
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )
    op.drop_table("watcher_links")
    op.create_table(
        "watcher_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_watcher_links_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_watcher_links_created_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watcher_links")),
        sa.UniqueConstraint("client_id", name=op.f("uq_watcher_links_client_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_watcher_links_token_hash")),
    )

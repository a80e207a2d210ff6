"""The schema of the whole product.

Money is stored as integer minor units (cents, kopecks), rates as integers with a fixed scale,
energy in watt-hours: never a float. Every timestamp is UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


MINER_STATUSES = ("active", "lowhash", "hanged", "offline", "unknown")
# `miner_samples.status` and `.source` are small integers: the index into these
SAMPLE_STATUSES = ("active", "lowhash", "hanged", "offline")
SAMPLE_SOURCES = ("none", "measured", "nominal")
TASK_CATEGORIES = ("todo", "in_progress", "done")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- facility, staff, roles -------------------------------------------------------------------


class FacilitySettings(Base):
    """One row: the facility this installation serves."""

    __tablename__ = "facility_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(8))
    plan: Mapped[str] = mapped_column(String(16))
    client_management: Mapped[bool] = mapped_column(Boolean)
    # telemetry: poll the miners (off: statuses stay as imported or set by hand), how often,
    # and below which share of its expected hashrate a miner is Lowhash
    telemetry: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    telemetry_interval_s: Mapped[int] = mapped_column(Integer, default=300, server_default="300")
    lowhash_pct: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RolePermission(Base):
    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(48), primary_key=True)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    locale: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- clients, miners, assets ------------------------------------------------------------------


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    name_key: Mapped[str] = mapped_column(String(128))  # casefolded name: search and sorting
    email: Mapped[str] = mapped_column(String(254), unique=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    messenger: Mapped[str | None] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # archived: out of the overview, search and pickers, its history kept; merged into another
    # client (`merged_into_id`, which now holds everything it had) is archived too
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))

    __table_args__ = (Index("ix_clients_name_key", "name_key"),)


class ClientAlias(Base):
    """An email that names a client besides its own: a merged client's email (and that
    client's own aliases). Imports and the Miners area's "edit client" resolve it to `client_id`;
    no client may take it as its email."""

    __tablename__ = "client_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    merged_from_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Miner(Base):
    __tablename__ = "miners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str | None] = mapped_column(String(64), unique=True)
    mac: Mapped[str | None] = mapped_column(String(17), unique=True)
    ip: Mapped[str | None] = mapped_column(String(45), index=True)
    model: Mapped[str | None] = mapped_column(String(64))
    submodel: Mapped[str | None] = mapped_column(String(64))
    worker: Mapped[str | None] = mapped_column(String(128))
    location: Mapped[str | None] = mapped_column(String(128))
    nominal_power_w: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    status: Mapped[str] = mapped_column(String(16), default="unknown")
    paid: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_miners_client_status", "client_id", "status"),)


class Asset(Base):
    """Equipment of a client that is not a miner: a container, a PDU, a transformer."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(64))
    serial: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- tasks ------------------------------------------------------------------------------------


class TaskManager(Base):
    __tablename__ = "task_managers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskStatus(Base):
    __tablename__ = "task_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("task_managers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))  # todo | in_progress | done
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("manager_id", "name"),)


class TaskType(Base):
    __tablename__ = "task_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("task_managers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("manager_id", "name"),)


class TaskField(Base):
    """An extra form field of a task manager: text, number, date or choice."""

    __tablename__ = "task_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("task_managers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("task_managers.id"))
    type_id: Mapped[int | None] = mapped_column(ForeignKey("task_types.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("task_statuses.id"))
    summary: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    due_date: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # entered a done status
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskMiner(Base):
    __tablename__ = "task_miners"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    miner_id: Mapped[int] = mapped_column(
        ForeignKey("miners.id", ondelete="CASCADE"), primary_key=True
    )


class TaskAsset(Base):
    __tablename__ = "task_assets"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )


class TaskComment(Base):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- billing ----------------------------------------------------------------------------------


def _bill_client(context: Any) -> Any:
    """A bill's usage client unless given: the client it is made for."""
    return context.get_current_parameters()["client_id"]


class PricingRate(Base):
    """One rate from a day on: the facility's default (`client_id` null) or a client's override.

    Rates are kept as history: each day is charged at the rate valid on it. `name` is
    price_kwh (1/10,000 of a minor unit per kWh), markup (basis points), hosting_fee (minor units
    per miner per month) or payment_term (days). A client row with `value` null ends that
    client's override: the facility's rate applies again from `valid_from`.
    """

    __tablename__ = "pricing_rates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(16))
    value: Mapped[int | None] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_pricing_rates_client_name", "client_id", "name", "valid_from"),)


class BillingProfile(Base):
    """One row: the facility's lines printed on every invoice."""

    __tablename__ = "billing_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company: Mapped[str | None] = mapped_column(String(256))
    address: Mapped[str | None] = mapped_column(Text)
    payment_details: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientBilling(Base):
    """A client's billing preferences: the language its invoices are printed in."""

    __tablename__ = "client_billing"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bill(Base):
    """A client's bill for one month (`period` YYYY-MM, local days `period_start`–`period_end`).

    `total_minor` is the sum of its lines, `paid_minor` of its payments (both kept in step by the
    service); `status` is unpaid | partial | paid | overpaid | overdue | cancelled.
    """

    __tablename__ = "bills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    # the client whose usage the bill counts (the one it was made for): `client_id` unless a
    # merge gave the bill to another client; the evidence and the monthly run read this one
    usage_client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), default=_bill_client)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(8))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    energy_wh: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="unpaid")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    overdue_noticed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("usage_client_id", "period"),
        Index("ix_bills_status_due_on", "status", "due_on"),
        Index("ix_bills_period", "period"),
    )


class BillLine(Base):
    """A line of a bill. energy: `quantity` Wh × `rate` (price_kwh); markup: `quantity` (the
    energy amount of its rate period, minor units) × `rate` (basis points); fee: `quantity`
    miner-days × `rate` (per miner-month) / days of the month; task and service: `amount_minor`.
    `group_no` ties a markup line to the energy lines of its rate period. `task_id` is unique: a
    task's cost lands on one bill (cleared when that bill is cancelled, so it lands again)."""

    __tablename__ = "bill_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # energy | markup | fee | task | service
    source: Mapped[str | None] = mapped_column(String(8))  # measured|mixed|nominal|metered
    group_no: Mapped[int] = mapped_column(Integer, default=0)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    rate: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(String(256))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), unique=True)
    ref_task_id: Mapped[int | None] = mapped_column(Integer)  # the task named, kept on cancel


class Payment(Base):
    """Money received for a bill. A credit moved from an overpaid bill is a pair: a negative
    payment on that bill and a positive one on this, each naming the other (`linked_id`)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))  # bank | crypto | card | cash | other | credit
    reference: Mapped[str | None] = mapped_column(String(128))
    linked_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillingRun(Base):
    """The monthly run of one period: started, and finished once every client is billed."""

    __tablename__ = "billing_runs"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bills: Mapped[int] = mapped_column(Integer, default=0)


class MeteredEnergy(Base):
    """Energy a client's meter read for a day or a calendar month (`first_day`–`last_day`),
    imported from a spreadsheet; on a bill it replaces the energy computed for those days."""

    __tablename__ = "metered_energy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(255))
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_metered_energy_client_day", "client_id", "first_day"),)


class MinerClientChange(Base):
    """A miner given to another client (or to none) at `at`: imports, mass edits, merges.

    A miner's client at any moment is the `old_client_id` of its first change after that moment,
    or its current client when there is none (a miner without changes always had its client)."""

    __tablename__ = "miner_client_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    miner_id: Mapped[int] = mapped_column(ForeignKey("miners.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    new_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    source: Mapped[str] = mapped_column(String(16))  # import | mass | ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    __table_args__ = (
        Index("ix_miner_client_changes_miner_at", "miner_id", "at"),
        Index("ix_miner_client_changes_at", "at"),
    )


class MinerStatusChange(Base):
    """A miner's status changed at `at` (read like MinerClientChange): the hours a miner was
    known offline are not charged by a facility without telemetry."""

    __tablename__ = "miner_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    miner_id: Mapped[int] = mapped_column(ForeignKey("miners.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    old_status: Mapped[str] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_miner_status_changes_miner_at", "miner_id", "at"),
        Index("ix_miner_status_changes_at", "at"),
    )


class ConsumptionDaily(Base):
    """Energy a client's miners used on one facility-local day."""

    __tablename__ = "consumption_daily"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    energy_wh: Mapped[int] = mapped_column(BigInteger)


class MinerEnergyDaily(Base):
    """Energy one miner used on one facility-local day while it belonged to one client.

    Written by telemetry from its samples (computing a day again replaces that day's rows, so a
    re-run gives the same rows); read by bills and exports. A miner moved to another client
    during the day has one row per client it belonged to that day (`client_id` null: no client).
    `source` says where the watts came from: measured (reported by the firmware), nominal (the
    miner's nameplate power while it hashed) or mixed, and none when it hashed with neither
    (0 Wh); `up_seconds` is the time it hashed.
    """

    __tablename__ = "miner_energy_daily"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    miner_id: Mapped[int] = mapped_column(ForeignKey("miners.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(8))  # measured | nominal | mixed | none
    up_seconds: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_miner_energy_daily_miner_day", "miner_id", "day"),
        Index("ix_miner_energy_daily_client_day", "client_id", "day"),
    )


# --- telemetry --------------------------------------------------------------------------------


class MinerTelemetry(Base):
    """A miner's latest reading and where its status stands (one row per polled miner).

    `observed` is the status the latest reading says; `pending` a status other than the
    miner's own seen once, taken if the next cycle sees it again; `status_since` when the
    miner's current status was taken. Hashrates in TH/s; `watts` as reported (None: the
    firmware reports none); `hottest_c` the hottest hashboard.
    """

    __tablename__ = "miner_telemetry"

    miner_id: Mapped[int] = mapped_column(
        ForeignKey("miners.id", ondelete="CASCADE"), primary_key=True
    )
    polled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reach: Mapped[str] = mapped_column(String(8))  # ok | hung | offline
    observed: Mapped[str] = mapped_column(String(16))
    pending: Mapped[str | None] = mapped_column(String(16))
    status_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hashrate_ths: Mapped[float | None] = mapped_column(Float)
    expected_ths: Mapped[float | None] = mapped_column(Float)
    hottest_c: Mapped[float | None] = mapped_column(Float)
    watts: Mapped[int | None] = mapped_column(Integer)
    uptime_s: Mapped[int | None] = mapped_column(Integer)
    fans: Mapped[list[int] | None] = mapped_column(JSON)
    boards: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    pools: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    errors: Mapped[list[str] | None] = mapped_column(JSON)
    make: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(String(64))
    firmware: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(17))


class MinerSample(Base):
    """One poll of one miner, kept 35 days: charts, diagnostics and energy.

    Compact on purpose (a 10,000-miner facility keeps ~100 million): `ts` in Unix seconds
    (UTC), `status` and `source` as indexes into SAMPLE_STATUSES / SAMPLE_SOURCES, hashrate in
    MH/s. The sample stands for the `covers_s` seconds before `ts` (since the previous poll, at
    most twice the interval); `watts` are those counted for energy over that time: reported,
    else nominal while hashing, else null. `client_id` is the miner's client at that time.
    """

    __tablename__ = "miner_samples"

    miner_id: Mapped[int] = mapped_column(
        ForeignKey("miners.id", ondelete="CASCADE"), primary_key=True
    )
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    covers_s: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[int] = mapped_column(SmallInteger)
    hashrate_mhs: Mapped[int | None] = mapped_column(BigInteger)
    watts: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[int] = mapped_column(SmallInteger)
    hottest_c: Mapped[int | None] = mapped_column(SmallInteger)

    __table_args__ = (Index("ix_miner_samples_ts", "ts"), {"sqlite_with_rowid": False})


class FleetSample(Base):
    """A client's miners at one poll cycle: their total hashrate (MH/s), how many were up
    (hashing) and how many were polled. One row per client per cycle: 24-hour fleet charts."""

    __tablename__ = "fleet_samples"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hashrate_mhs: Mapped[int] = mapped_column(BigInteger)
    miners_up: Mapped[int] = mapped_column(Integer)
    miners: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_fleet_samples_ts", "ts"), {"sqlite_with_rowid": False})


class WatcherLink(Base):
    """A client's read-only view, opened with a secret token (only its SHA-256 is kept).

    At most one live link per client (and so per client email): `revoked_at` is set when it is
    revoked, replaced by a new token, or its client merged or archived (`ended` says which); an
    expired link is live no more from `expires_at` and is ended when the next one is made.
    `ttl_days` is the chosen lifetime (None: never expires), kept for a replacement."""

    __tablename__ = "watcher_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    ttl_days: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    ended: Mapped[str | None] = mapped_column(String(16))  # revoked|replaced|expired|merged|…

    __table_args__ = (
        Index(
            "uq_watcher_links_live_client",
            "client_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class WatcherViewer(Base):
    """A Telegram user who opened a link in the chat: their buttons work while the link is live
    (the binding is the proof they had the token), with their opt-in to short messages."""

    __tablename__ = "watcher_viewers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("watcher_links.id", ondelete="CASCADE"))
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    name: Mapped[str] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    alerts: Mapped[bool] = mapped_column(Boolean, default=False)  # offline / recovered
    daily: Mapped[bool] = mapped_column(Boolean, default=False)  # the daily summary
    daily_sent_on: Mapped[date | None] = mapped_column(Date)  # facility-local day
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("link_id", "telegram_id"),)


class WatcherOpen(Base):
    """One open of a link: in Telegram (who) or on the web (the visitor's address)."""

    __tablename__ = "watcher_opens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("watcher_links.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    via: Mapped[str] = mapped_column(String(8))  # telegram | web
    telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_watcher_opens_link_at", "link_id", "at"),)


# --- audit, exports, outbox, conversation state ----------------------------------------------


class AuditEntry(Base):
    """Who did what, when, with old → new values (`changes` maps field → [old, new])."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    category: Mapped[str] = mapped_column(String(16))  # general|miner|client|task|admin|security
    action: Mapped[str] = mapped_column(String(48))
    entity_type: Mapped[str | None] = mapped_column(String(24))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_client_at", "client_id", "at"),
        Index("ix_audit_category_at", "category", "at"),
        Index("ix_audit_entity", "entity_type", "entity_id"),
    )


class ExportJob(Base):
    """An export request: queued → running → done | failed; done → expired when its files go.

    `file_path` is the job's folder (relative to the exports folder), `file_size` the bytes of all
    its files; `parts` lists each file (an export over the upload limit is split into several):
    ``[{"name": ..., "size": ..., "file_id": <Telegram file id once sent, or null>}]``.
    """

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_path: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    parts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # builds started (restarts count)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A notification waiting to be delivered; rendered in the recipient's language on sending."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    locale: Mapped[str | None] = mapped_column(String(8))
    text_key: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # alerts: the Telegram message this row put in the chat, once sent; and a row that edits
    # the message another row of the same chat put there (`edit_of`: that row's id)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    edit_of: Mapped[int | None] = mapped_column(Integer)
    # Put the text into this message of the chat (an operation's status message) instead of a
    # new one; a new one when it can no longer be edited.
    edit_message_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_outbox_status_not_before", "status", "not_before"),)


class Operation(Base):
    """A long operation a member started (reading an import, applying it), kept until they have
    been told how it ended: after a restart, each one still running is reported as not done
    (with a button to do it again) and each one done but not yet reported is reported.

    `key` makes an operation happen once (an import is applied once: a second tap finds it
    done); `message_id` is the message showing its progress, edited with the outcome.
    """

    __tablename__ = "operations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str | None] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="running")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("kind", "key"),
        Index("ix_operations_status", "status"),
    )


class FsmRecord(Base):
    """Conversation state of one chat member (a half-filled form), kept across restarts."""

    __tablename__ = "fsm_state"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- alerts -----------------------------------------------------------------------------------


class AlertRules(Base):
    """The facility's alert rules (one row): how long a problem must hold before it pages, the
    hot threshold, the cooldown per miner and kind, and the share of miners going offline
    together that makes a facility incident."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hold_s: Mapped[int] = mapped_column(Integer, default=600)
    hot_c: Mapped[int] = mapped_column(Integer, default=85)
    cooldown_s: Mapped[int] = mapped_column(Integer, default=3600)
    incident_pct: Mapped[int] = mapped_column(Integer, default=20)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertSettings(Base):
    """A member's notification settings (no row: the defaults). `kinds` lists the kinds they
    turned off; `scope` is "mine" (clients they manage or follow) or "all"; quiet hours and
    the digest time are minutes of the facility's local day."""

    __tablename__ = "alert_settings"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    muted: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(8), default="mine")
    unassigned: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_from: Mapped[int | None] = mapped_column(Integer)
    quiet_to: Mapped[int | None] = mapped_column(Integer)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    digest_at: Mapped[int] = mapped_column(Integer, default=540)
    digest_on: Mapped[date | None] = mapped_column(Date)  # the local day last sent
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertSubscription(Base):
    """A member who follows one client's alerts besides its manager. Every subscription names
    its client here, so merging clients moves them in one place. (Watchers opt in on their own
    link: `watcher_viewers.alerts`.)"""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("client_id", "staff_id", name="uq_alert_subscriptions_client_staff"),
        Index("ix_alert_subscriptions_staff", "staff_id"),
    )


class Alert(Base):
    """One message's worth of trouble: a client's miners of one kind in one burst (or the
    miners without a client), or a facility incident (`kind` "incident", no client). An alert
    that is part of an incident names it (`incident_id`)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # offline | hanged | lowhash | hot | incident
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open/acknowledged/resolved
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    miners: Mapped[int] = mapped_column(Integer, default=0)  # miners it ever held
    still: Mapped[int] = mapped_column(Integer, default=0)  # of them not recovered

    __table_args__ = (
        Index("ix_alerts_status_kind", "status", "kind"),
        Index("ix_alerts_client_opened", "client_id", "opened_at"),
    )


class AlertMiner(Base):
    __tablename__ = "alert_miners"

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    miner_id: Mapped[int] = mapped_column(
        ForeignKey("miners.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AlertWatch(Base):
    """A miner's problem of one kind as the alert rules see it: holding `since` (None: not
    now), the alert it was raised into, and when it last paged (the cooldown)."""

    __tablename__ = "alert_watch"

    miner_id: Mapped[int] = mapped_column(
        ForeignKey("miners.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_alert_watch_since", "since"),)


class AlertDelivery(Base):
    """A chat that got an alert's message: `outbox_id` is the outbox row of that message, so
    later changes (more miners, Acknowledge) edit it in every chat."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    locale: Mapped[str | None] = mapped_column(String(8))
    # a watcher's chat (no member): the link it watches through, for its button and the check
    # that it still may hear of the client
    link_id: Mapped[int | None] = mapped_column(ForeignKey("watcher_links.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("alert_id", "chat_id"),)

"""What can page a member, who may be paged about it, and when: kinds, a member's preferences,
quiet hours. Pure functions and values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.permissions import Permission

MINER_KINDS = ("offline", "hanged", "lowhash", "hot")
INCIDENT = "incident"
EVENT_KINDS = ("task_assigned", "task_due", "export_ready", "bill_overdue")
KINDS = (*MINER_KINDS, INCIDENT, *EVENT_KINDS)
# these get through quiet hours; the rest waits for their end
URGENT = frozenset({INCIDENT, "hot"})
# the flag a member needs to hear of each kind (a client's alert also needs clients.view)
NEEDS: dict[str, Permission] = {
    **dict.fromkeys((*MINER_KINDS, INCIDENT), Permission.MINERS_VIEW),
    "task_assigned": Permission.TASKS_VIEW,
    "task_due": Permission.TASKS_VIEW,
    "export_ready": Permission.CLIENTS_EXPORT,
    "bill_overdue": Permission.BILLS_VIEW,
}
SCOPES = ("mine", "all")

BURST = timedelta(minutes=30)  # miners of one client and kind raised within it share a message
INCIDENT_WINDOW = timedelta(minutes=10)  # "go offline within a few minutes"
INCIDENT_MIN_MINERS = 10  # a facility of a few miners has no "incident"
INCIDENT_OVER_PCT = 10  # an incident is over when at most this share of its miners is offline
NAMES_SHOWN = 5  # miners named in a message; the rest counted

# what the facility may choose (Settings → Alerts)
HOLD_CHOICES = (0, 120, 300, 600, 900, 1800, 3600)
HOT_CHOICES = (75, 80, 85, 90, 95)
COOLDOWN_CHOICES = (900, 1800, 3600, 7200, 14400)
INCIDENT_CHOICES = (0, 10, 20, 30, 50)  # 0: no incident rule
QUIET_CHOICES = ((22 * 60, 7 * 60), (23 * 60, 8 * 60), (21 * 60, 9 * 60))
DIGEST_CHOICES = tuple(h * 60 for h in (7, 8, 9, 10, 18))
SNOOZES = ("1h", "4h", "tomorrow")
MORNING = time(9, 0)  # "until tomorrow" means 09:00 facility time


@dataclass(frozen=True, slots=True)
class Prefs:
    """A member's notification settings; the defaults for a member who never changed them."""

    muted: frozenset[str] = field(default_factory=frozenset)
    scope: str = "mine"
    unassigned: bool = False
    quiet_from: int | None = None  # minute of the local day
    quiet_to: int | None = None
    digest: bool = False
    digest_at: int = 9 * 60

    def wants(self, kind: str) -> bool:
        return kind not in self.muted

    def quiet_until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When the member's quiet hours end (UTC), if `now` is inside them; else None."""
        if self.quiet_from is None or self.quiet_to is None or self.quiet_from == self.quiet_to:
            return None
        local = now.astimezone(zone)
        minute = local.hour * 60 + local.minute
        start, end = self.quiet_from, self.quiet_to
        inside = start <= minute < end if start < end else minute >= start or minute < end
        if not inside:
            return None
        day = local.date() if minute < end else local.date() + timedelta(days=1)
        until = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
        return until.astimezone(now.tzinfo)

    def hold_for(self, kind: str, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When a message of `kind` may be sent (None: now)."""
        return None if kind in URGENT else self.quiet_until(now, zone)


def may_hear(flags: frozenset[str] | set[str], kind: str) -> bool:
    need = NEEDS.get(kind)
    return need is None or need.value in flags


def snooze_until(preset: str, now: datetime, zone: ZoneInfo) -> datetime:
    if preset == "1h":
        return now + timedelta(hours=1)
    if preset == "4h":
        return now + timedelta(hours=4)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, MORNING, tzinfo=zone).astimezone(now.tzinfo)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hhmm(text: str) -> int | None:
    """ "22:00", "7", "07.30" → minutes of the day; None if it is not a time."""
    cleaned = text.strip().replace(".", ":")
    if cleaned.isdigit() and len(cleaned) == 4:  # "0700", as buttons carry it
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"
    hours, _, minutes = cleaned.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        return None
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return h * 60 + m

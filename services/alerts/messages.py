"""Who gets an alert, and the messages that tell it: one per chat, edited as the alert changes.

A message is a translation key with arguments (rendered in each chat's language when sent) and
buttons named by what they do (`{"alert": "ack", "id": 7}`); handlers turn those into callback
data. Everything is queued in the outbox in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from services import outbox
from services.alerts.kinds import INCIDENT, NAMES_SHOWN, Prefs, may_hear
from services.miners.naming import miner_name
from services.permissions import Permission
from storage.models import Alert, AlertDelivery, AlertSettings, Staff
from storage.repositories import alerts as repo
from storage.repositories.alerts import Member

ICONS = {
    "offline": "🔴",
    "hanged": "🟠",
    "lowhash": "🟡",
    "hot": "🌡",
    "incident": "🚨",
}


def prefs_of(settings: AlertSettings | None) -> Prefs:
    if settings is None:
        return Prefs()
    return Prefs(
        muted=frozenset(settings.muted or ()),
        scope=settings.scope,
        unassigned=settings.unassigned,
        quiet_from=settings.quiet_from,
        quiet_to=settings.quiet_to,
        digest=settings.digest,
        digest_at=settings.digest_at,
    )


# a watcher's texts have keys of the watchers' area (revoking a link drops what is queued for
# its chats under those keys) and say nothing internal (no alert number)
MESSAGE_KEY = {False: "alert-message", True: "watchers-alert"}
RECOVERED_KEY = {False: "alert-recovered", True: "watchers-alert-back"}
# what a client's watcher who opted in hears of (miners that stopped: offline or hashing
# nothing), and their recovery
WATCHED_KINDS = frozenset({"offline", "hanged"})


@dataclass(frozen=True, slots=True)
class Recipient:
    chat_id: int
    locale: str | None
    staff: Staff | None  # None: a watcher's chat
    flags: frozenset[str]
    prefs: Prefs
    link_id: int | None = None  # a watcher's: the link they watch through

    @property
    def private(self) -> bool:
        """A watcher is no staff member: no addresses, places or staff names."""
        return self.staff is None


def own(member: Member, client_id: int | None, manager_id: int | None) -> bool:
    """The client is the member's: they manage it or follow it."""
    return client_id is not None and (member.staff.id == manager_id or client_id in member.follows)


def may_see(member: Member, alert_kind: str, client_id: int | None) -> bool:
    """The member's role may see this alert at all (permission, not preference)."""
    if not may_hear(member.flags, alert_kind):
        return False
    return client_id is None or Permission.CLIENTS_VIEW.value in member.flags


def member_recipients(
    members: Sequence[Member],
    kind: str,
    client_id: int | None,
    manager_id: int | None,
    *,
    in_incident: bool = False,
) -> list[Recipient]:
    """Members to tell of a miner alert (or, kind "incident", of a facility incident).

    A client's alert: its manager and the members who follow the client, plus those who chose
    all clients; miners without a client: those who chose them. An alert that is part of an
    incident skips those who got the incident message, unless the client is their own."""
    out: list[Recipient] = []
    for m in members:
        prefs = prefs_of(m.settings)
        if not may_see(m, kind, client_id) or not prefs.wants(kind):
            continue
        if kind == INCIDENT:
            wanted = True
        elif client_id is None:
            wanted = prefs.unassigned
        else:
            mine = own(m, client_id, manager_id)
            wanted = mine or prefs.scope == "all"
            if in_incident and not mine and gets_incident(m):
                wanted = False
        if wanted:
            out.append(Recipient(m.staff.telegram_id, m.staff.locale, m.staff, m.flags, prefs))
    return out


def gets_incident(member: Member) -> bool:
    return may_see(member, INCIDENT, None) and prefs_of(member.settings).wants(INCIDENT)


@dataclass(frozen=True, slots=True)
class Shown:
    """What a message shows of an alert besides the alert itself."""

    client: str | None
    labels: list[tuple[int, str | None, str | None, str | None, str | None, bool]]
    acknowledged_by: str | None = None
    snoozed_by: str | None = None


def _local(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M") if at is not None else "—"


def _title(alert: Alert, client: str | None) -> Any:
    if alert.kind == INCIDENT:
        return {"t": "alert-facility"}
    return client if client is not None else {"t": "alert-no-client"}


def message_args(
    alert: Alert, shown: Shown, zone: ZoneInfo, *, private: bool = False
) -> dict[str, Any]:
    """The arguments of `alert-message`: what, whose, which miners, since when, its state.
    `private` (a watcher's): miners by serial or MAC only, and who took it or snoozed it left
    out."""
    still = [row for row in shown.labels if not row[5]]
    listed = still or shown.labels
    names = [
        miner_name(serial, mac, None, i) if private else location or miner_name(serial, mac, ip, i)
        for i, location, serial, mac, ip, _ in listed
    ]
    count = len(still) if alert.status != "resolved" else alert.miners
    args: dict[str, Any] = {
        "icon": "✅" if alert.status == "resolved" else ICONS.get(alert.kind, "⚠️"),
        "title": _title(alert, shown.client),
        "what": {"t": f"alert-what-{alert.kind}", "a": {"count": count}},
        "names": ", ".join(names[:NAMES_SHOWN]),
        "more": (
            {"t": "alert-more", "a": {"count": len(names) - NAMES_SHOWN}}
            if len(names) > NAMES_SHOWN
            else ""
        ),
        "since": _local(alert.opened_at, zone),
        "id": str(alert.id),
        "state": "",
    }
    back = alert.miners - len(still)
    if alert.status == "resolved":
        args["state"] = {"t": "alert-state-resolved", "a": {"at": _local(alert.resolved_at, zone)}}
    elif private:
        args["state"] = {"t": "alert-state-back", "a": {"count": back}} if back > 0 else ""
    elif alert.status == "acknowledged":
        args["state"] = {
            "t": "alert-state-acknowledged",
            "a": {"name": shown.acknowledged_by or "—", "at": _local(alert.acknowledged_at, zone)},
        }
    elif alert.snoozed_until is not None:
        args["state"] = {
            "t": "alert-state-snoozed",
            "a": {"name": shown.snoozed_by or "—", "until": _local(alert.snoozed_until, zone)},
        }
    elif back > 0:
        args["state"] = {"t": "alert-state-back", "a": {"count": back}}
    return args


def buttons_for(alert: Alert, recipient: Recipient) -> list[Any] | None:
    """The actions this recipient may take on the alert in its state (a watcher: open the
    view)."""
    if recipient.staff is None:
        return [[{"open": "watch", "id": recipient.link_id}]] if recipient.link_id else None
    ref = {"id": alert.id}
    rows: list[Any] = []
    if alert.status == "open":
        rows.append([{"alert": "ack", **ref}])
        if alert.kind != INCIDENT:
            rows.append([{"alert": "sz", "v": v, **ref} for v in ("1h", "4h", "tomorrow")])
    last: list[Any] = []
    if (
        alert.status != "resolved"
        and alert.client_id is not None
        and Permission.TASKS_CREATE.value in recipient.flags
    ):
        last.append({"alert": "task", **ref})
    last.append({"alert": "miners", **ref})
    rows.append(last)
    return rows


def recipients_of_deliveries(
    found: Sequence[AlertDelivery],
    members: Sequence[Member],
    watchers: Collection[tuple[int, int]] = (),
) -> list[tuple[AlertDelivery, Recipient]]:
    """The chats that got these messages, as they are now: members still active; watchers'
    chats only while still opted in on a live link (`watchers`: chat and link pairs)."""
    by_staff = {m.staff.id: m for m in members}
    out = []
    for d in found:
        member = by_staff.get(d.staff_id) if d.staff_id is not None else None
        if d.staff_id is not None and member is None:
            continue  # deactivated since
        if d.staff_id is None and (d.chat_id, d.link_id) not in watchers:
            continue  # a watcher who stopped listening, or whose link ended
        if member is not None:
            out.append(
                (
                    d,
                    Recipient(
                        d.chat_id,
                        member.staff.locale,
                        member.staff,
                        member.flags,
                        prefs_of(member.settings),
                    ),
                )
            )
        else:
            out.append((d, Recipient(d.chat_id, d.locale, None, frozenset(), Prefs(), d.link_id)))
    return out


class Messenger:
    """Queues the messages of alerts in the caller's transaction."""

    def __init__(self, session: AsyncSession, zone: ZoneInfo, now: datetime) -> None:
        self.session = session
        self.zone = zone
        self.now = now
        self.queued = 0

    async def shown(self, alerts: Collection[Alert]) -> dict[int, Shown]:
        ids = [a.id for a in alerts]
        labels = await repo.miner_labels(self.session, ids)
        clients = await repo.client_names(
            self.session, {a.client_id for a in alerts if a.client_id is not None}
        )
        staff_ids = {i for a in alerts for i in (a.acknowledged_by, a.snoozed_by) if i is not None}
        names = await repo.staff_names(self.session, staff_ids)
        return {
            a.id: Shown(
                clients[a.client_id][0] if a.client_id in clients else None,
                labels.get(a.id, []),
                names.get(a.acknowledged_by) if a.acknowledged_by else None,
                names.get(a.snoozed_by) if a.snoozed_by else None,
            )
            for a in alerts
        }

    def _args(self, alert: Alert, shown: Shown) -> dict[bool, dict[str, Any]]:
        """The message's arguments for members (False) and for watchers (True)."""
        return {
            private: message_args(alert, shown, self.zone, private=private)
            for private in (False, True)
        }

    def _first(self, alert: Alert, r: Recipient, args: dict[str, Any], dedup: str | None) -> Any:
        """A new message of the alert in the recipient's chat (held through quiet hours)."""
        return outbox.queue(
            self.session,
            r.chat_id,
            r.locale,
            MESSAGE_KEY[r.private],
            args=args,
            buttons=buttons_for(alert, r),
            dedup_key=dedup,
            not_before=r.prefs.hold_for(alert.kind, self.now, self.zone),
        )

    async def announce(self, alert: Alert, shown: Shown, recipients: Sequence[Recipient]) -> None:
        """The first message of an alert to each recipient."""
        await self.announce_all([(alert, shown, recipients)])

    async def announce_all(self, batch: Sequence[tuple[Alert, Shown, Sequence[Recipient]]]) -> None:
        """The first messages of several alerts: the outbox rows, one flush, the deliveries."""
        queued: list[tuple[Alert, Recipient, Any]] = []
        for alert, shown, recipients in batch:
            args = self._args(alert, shown)
            queued += [
                (alert, r, self._first(alert, r, args[r.private], f"alert-{alert.id}-{r.chat_id}"))
                for r in recipients
            ]
        await self.session.flush()  # the rows' ids, for the deliveries
        self.session.add_all(
            [
                AlertDelivery(
                    alert_id=alert.id,
                    chat_id=r.chat_id,
                    staff_id=r.staff.id if r.staff else None,
                    outbox_id=row.id,
                    locale=r.locale,
                    link_id=r.link_id,
                )
                for alert, r, row in queued
            ]
        )
        self.queued += len(queued)

    async def update(
        self, alert: Alert, shown: Shown, delivered: Sequence[tuple[AlertDelivery, Recipient]]
    ) -> None:
        """Put the alert as it is now into every message that told it."""
        args = self._args(alert, shown)
        for d, r in delivered:
            if d.outbox_id is None:
                continue
            await outbox.edit(
                self.session,
                d.outbox_id,
                d.chat_id,
                r.locale,
                MESSAGE_KEY[r.private],
                args=args[r.private],
                buttons=buttons_for(alert, r),
            )
            self.queued += 1

    async def remind(
        self, alert: Alert, shown: Shown, delivered: Sequence[tuple[AlertDelivery, Recipient]]
    ) -> None:
        """A snooze is over and the alert still open: a new message in each chat (later changes
        edit that one)."""
        args = self._args(alert, shown)
        for d, r in delivered:
            row = self._first(alert, r, args[r.private], None)
            await self.session.flush()
            d.outbox_id = row.id
            self.queued += 1

    def recovered(
        self, alert: Alert, shown: Shown, delivered: Sequence[tuple[AlertDelivery, Recipient]]
    ) -> None:
        """One recovery message in each chat that got the alert."""
        minutes = int((self.now - alert.opened_at).total_seconds() // 60)
        args = {
            "title": _title(alert, shown.client),
            "what": {"t": f"alert-back-{alert.kind}", "a": {"count": alert.miners}},
            "id": str(alert.id),
            "duration": {
                "t": "alert-duration",
                "a": {"hours": minutes // 60, "minutes": minutes % 60},
            },
        }
        for d, r in delivered:
            outbox.queue(
                self.session,
                d.chat_id,
                r.locale,
                RECOVERED_KEY[r.private],
                args=args,
                buttons=(
                    [[{"alert": "miners", "id": alert.id}]] if r.staff else buttons_for(alert, r)
                ),
                dedup_key=f"alert-{alert.id}-{d.chat_id}-recovered",
                not_before=r.prefs.hold_for(alert.kind, self.now, self.zone),
            )
            self.queued += 1

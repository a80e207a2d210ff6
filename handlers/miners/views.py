"""Texts of the Miners area: the list, filters, selections, mass actions and the import preview."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.clients.views import PAID_ICONS, STATUS_ICONS, miner_line, short
from locales import Html, Localizer
from services.clients.service import MinerLine
from services.miners.fields import COLUMNS
from services.miners.import_plan import FILE_PROBLEMS, REJECT_REASONS, Reject
from services.miners.imports import ImportPreview, ImportResult
from services.miners.service import ClientRef, ClientShare, MinerFilter, MovePreview, PaymentPreview
from services.miners.template import HELP_COLUMNS
from services.pagination import Page

REJECTS_SHOWN = 10
SHARES_SHOWN = 10


def client_label(t: Localizer, client: ClientRef | None) -> str:
    """#5 Acme (ops@acme.com), or "no client"; escaped, ready for a message."""
    if client is None:
        return t("miners-no-client")
    if client.name.casefold() == client.email.casefold():  # added from an email, not renamed yet
        return t("miners-client-label-email", id=str(client.id), email=client.email)
    return t(
        "miners-client-label", id=str(client.id), name=short(client.name, 40), email=client.email
    )


def filter_lines(t: Localizer, f: MinerFilter, client: ClientRef | None) -> list[str]:
    lines = []
    if f.client_id is not None:
        lines.append(t("miners-filter-client", client=Html(client_label(t, client))))
    if f.status is not None:
        lines.append(
            t("miners-filter-status", icon=STATUS_ICONS[f.status], status=t(f"status-{f.status}"))
        )
    if f.paid is not None:
        lines.append(t("miners-filter-paid") if f.paid else t("miners-filter-unpaid"))
    if f.search:
        lines.append(t("miners-filter-search", query=f.search))
    if f.alert is not None:
        lines.append(t("alert-miners-filter", id=str(f.alert)))
    return lines


def list_text(
    t: Localizer,
    result: Page[MinerLine],
    f: MinerFilter,
    client: ClientRef | None,
    selected: int,
    note: str | None = None,
    hint: str | None = None,
) -> str:
    """The list; `hint` says what the numbered buttons do (open a card, or tick)."""
    parts = [t("miners-title", count=result.total)]
    parts += filter_lines(t, f, client)
    if result.items:
        with_client = f.client_id is None
        parts.append(t("miners-legend") if with_client else t("client-miners-legend"))
        first = result.page * result.per_page
        parts += [
            miner_line(m, number=first + i, with_client=with_client)
            for i, m in enumerate(result.items, 1)
        ]
    else:
        parts.append(t("miners-none-found") if f.active else t("miners-empty"))
    parts.append("")
    parts.append(t("miners-selected", count=selected))
    if result.items and hint:
        parts.append(hint)
    parts.append(t("miners-search-hint"))
    if note:
        parts.insert(0, note + "\n")
    return "\n".join(parts)


def shares_lines(t: Localizer, shares: Sequence[ClientShare], *, with_paid: bool) -> list[str]:
    lines = []
    for share in shares[:SHARES_SHOWN]:
        who = Html(client_label(t, share.client))
        if with_paid:
            lines.append(
                t(
                    "miners-share-paid",
                    client=who,
                    count=share.miners,
                    paid=share.paid,
                    unpaid=share.miners - share.paid,
                )
            )
        else:
            lines.append(t("miners-share", client=who, count=share.miners))
    if len(shares) > SHARES_SHOWN:
        rest = sum(s.miners for s in shares[SHARES_SHOWN:])
        lines.append(t("miners-share-more", clients=len(shares) - SHARES_SHOWN, count=rest))
    return lines


def selection_text(t: Localizer, total: int, shares: Sequence[ClientShare]) -> str:
    lines = [t("miners-actions-title", count=total)]
    if shares:
        lines.append(t("miners-by-client"))
        lines += shares_lines(t, shares, with_paid=True)
    return "\n".join(lines)


def move_text(t: Localizer, p: MovePreview) -> str:
    target = Html(client_label(t, p.target))
    moving = sum(s.miners for s in p.moving)
    if moving == 0:
        if p.target is None:
            return t("miners-unassign-nothing", count=p.total)
        return t("miners-move-nothing", count=p.total, client=target)
    if p.target is None:
        lines = [t("miners-unassign-confirm", count=moving), t("miners-move-from")]
    else:
        lines = [t("miners-move-confirm", count=moving, client=target), t("miners-move-from")]
    lines += shares_lines(t, p.moving, with_paid=False)
    if p.staying and p.target is None:
        lines.append(t("miners-unassign-staying", count=p.staying))
    elif p.staying:
        lines.append(t("miners-move-staying", count=p.staying, client=target))
    return "\n".join(lines)


def payment_text(t: Localizer, p: PaymentPreview) -> str:
    status = t("miners-paid-word") if p.paid else t("miners-unpaid-word")
    icon = PAID_ICONS[p.paid]
    if p.changing == 0:
        return t("miners-pay-nothing", count=p.total, icon=icon, status=status)
    lines = [t("miners-pay-confirm", count=p.changing, icon=icon, status=status)]
    if p.total > p.changing:
        lines.append(t("miners-already", count=p.total - p.changing, icon=icon, status=status))
    lines.append(t("miners-by-client"))
    lines += shares_lines(t, p.by_client, with_paid=True)
    return "\n".join(lines)


# --- import -----------------------------------------------------------------------------------


def reject_line(t: Localizer, r: Reject) -> str:
    column = t(f"miners-column-{r.field}") if r.field else ""
    return t(
        f"miners-reject-{r.reason}",
        row=r.row,
        column=column,
        value=r.value or "",
        other=r.other or 0,
    )


def preview_text(t: Localizer, p: ImportPreview, email_page: int, per_page: int) -> str:
    lines = [
        t("miners-import-preview-title", file=short(p.file_name, 60)),
        (
            t("miners-import-sheet-rows", sheet=short(p.sheet, 40), count=p.data_rows)
            if p.sheet
            else t("miners-import-rows", count=p.data_rows)
        ),
        t("miners-import-new", count=p.new),
        t("miners-import-updated", count=p.updated),
    ]
    if p.moved:
        lines.append(t("miners-import-moved", count=p.moved))
    lines.append(t("miners-import-unchanged", count=p.unchanged))
    if p.rejected_rows:
        lines.append(t("miners-import-rejected", count=p.rejected_rows))
    if p.without_client:
        lines.append(t("miners-import-without-client", count=p.without_client))
    if p.first_rejects:
        lines += ["", t("miners-import-rejects-title")]
        lines += [reject_line(t, r) for r in p.first_rejects[:REJECTS_SHOWN]]
        if p.rejected_rows > REJECTS_SHOWN:
            lines.append(t("miners-import-rejects-more"))
    if p.unknown_emails:
        lines += ["", t("miners-import-emails-title", count=len(p.unknown_emails))]
        chunk = p.unknown_emails[email_page * per_page : (email_page + 1) * per_page]
        lines += [t("miners-import-email", email=short(e, 60), count=n) for e, n in chunk]
        lines.append(
            t("miners-import-emails-hint")
            if p.can_add_clients
            else t("miners-import-emails-cannot-add")
        )
    lines += ["", t("miners-import-apply-hint") if p.can_apply else t("miners-import-nothing")]
    return "\n".join(lines)


def result_text(t: Localizer, r: ImportResult) -> str:
    lines = [
        t("miners-import-done", file=short(r.file_name, 60)),
        t("miners-import-done-new", count=r.new),
        t("miners-import-done-updated", count=r.updated),
        t("miners-import-unchanged", count=r.unchanged),
    ]
    if r.rejected_rows:
        lines.append(t("miners-import-skipped", count=r.rejected_rows))
    if r.without_client:
        lines.append(t("miners-import-done-without-client", count=r.without_client))
    return "\n".join(lines)


def _generated_keys() -> frozenset[str]:
    """Translation keys this area builds at run time (checked by tests/test_locales.py)."""
    keys = {f"miners-column-{c}" for c in COLUMNS}
    keys |= {f"miners-reject-{r}" for r in REJECT_REASONS}
    keys |= {f"miners-template-about-{c}" for c in HELP_COLUMNS}
    keys |= {f"invalid-file-{p}" for p in FILE_PROBLEMS}
    keys |= {"invalid-list-empty", "invalid-list-too-long", "invalid-selection-empty"}
    keys |= {"invalid-status-unknown"}
    keys |= {"conflict-too-many-picked", "conflict-import-clashed"}
    actions: tuple[str, ...] = ("miners.imported", "miners.client_changed", "miners.payment_status")
    actions += ("miner.client_changed", "miner.payment_status", "miner.status_changed")
    keys |= {"log-" + a.replace(".", "-").replace("_", "-") for a in actions}
    changes = ("miners", "miners_paid", "miners_unpaid", "client_email", "paid", "status")
    keys |= {"field-" + c.replace("_", "-") for c in changes}
    return frozenset(keys)


GENERATED_KEYS = _generated_keys()

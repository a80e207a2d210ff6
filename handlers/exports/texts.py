"""Texts of the exports: who and what an export covers, its caption, its line in the list."""

from __future__ import annotations

import html
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from handlers.clients.views import short
from handlers.labels import local_time
from locales import Html, Localizer
from services.exports.periods import PRESETS, Period
from services.exports.service import FAILURES, STATUSES, ExportView
from services.exports.sheets import KINDS, text_keys

CAPTION_LIMIT = 1024  # characters Telegram allows in a document's caption

GENERATED_KEYS = (
    text_keys()
    | {f"export-period-{p.replace('_', '-')}" for p in PRESETS}
    | {f"export-kind-{k}" for k in KINDS}
    | {f"export-status-{s}" for s in STATUSES}
    | {f"export-error-{r}" for r in FAILURES}
)


def kind_label(t: Localizer, kind: str) -> str:
    return t(f"export-kind-{kind}")


def contents(t: Localizer, kinds: Sequence[str]) -> Html:
    return Html(", ".join(kind_label(t, k) for k in KINDS if k in kinds))


def period_text(t: Localizer, period: Period, preset: str | None) -> Html:
    start, end = period.start.isoformat(), period.end.isoformat()
    if preset in PRESETS:
        name = t(f"export-period-{preset.replace('_', '-')}")
        return Html(t("export-period-named", name=Html(name), **{"from": start, "to": end}))
    return Html(t("export-period-range", **{"from": start, "to": end}))


def clients_text(
    t: Localizer,
    *,
    everyone: bool,
    count: int,
    names: Sequence[tuple[int, str]],
    limit: int = 10,
    width: int = 32,
) -> Html:
    """ "all clients (N)", or "#1 Acme, #2 Beta and 3 more" (names escaped, cut to `width`)."""
    if everyone:
        return Html(t("export-clients-all", count=count))
    if limit <= 0 or not names:
        return Html(t("export-clients-count", count=count))
    shown = [f"#{i} {html.escape(short(name, width), quote=False)}" for i, name in names[:limit]]
    text = ", ".join(shown)
    if count > len(shown):
        text += " " + t("export-clients-more", count=count - len(shown))
    return Html(text)


def view_clients(t: Localizer, view: ExportView, limit: int = 10, width: int = 32) -> Html:
    return clients_text(
        t,
        everyone=view.clients is None,
        count=view.client_count,
        names=view.client_names,
        limit=limit,
        width=width,
    )


def caption(t: Localizer, view: ExportView, part: int, parts: int, *, again: bool = False) -> str:
    """The caption of file `part` (1-based) of `parts`: clients, period, data; ≤ 1024 chars.
    `again`: a restart cut off its first sending, which may have reached the member."""
    text = ""
    for limit in (10, 5, 2, 0):
        lines = [
            t(
                "export-caption",
                id=str(view.id),
                clients=view_clients(t, view, limit),
                period=period_text(t, view.period, view.preset),
                contents=contents(t, view.kinds),
            )
        ]
        if parts > 1:
            lines.append(t("export-caption-part", part=part, parts=parts))
            if part == 1:
                lines.append(t("export-caption-split", parts=parts))
        if again:
            lines.append(t("reliability-export-sent-again"))
        text = "\n".join(lines)
        if len(text) <= CAPTION_LIMIT:
            return text
    return text  # without names it is a few hundred characters


def size_mb(size: int) -> float:
    return round(size / 1_000_000, 1) or 0.1


def entry(t: Localizer, view: ExportView, zone: ZoneInfo) -> str:
    """An export in the member's list: number, status, date; clients, period; data; size."""
    lines = [
        t(
            "exports-entry",
            id=str(view.id),
            status=t(f"export-status-{view.status}"),
            when=local_time(view.created_at, zone),
            clients=view_clients(t, view, limit=3, width=24),
            period=period_text(t, view.period, view.preset),
            contents=contents(t, view.kinds),
        )
    ]
    if view.status == "done" and view.size:
        if len(view.parts) > 1:
            lines.append(t("exports-entry-files", size=size_mb(view.size), count=len(view.parts)))
        else:
            lines.append(t("exports-entry-size", size=size_mb(view.size)))
    if view.status == "failed" and view.error:
        key = f"export-error-{view.error}"
        lines.append(t("exports-entry-reason", reason=Html(t(key) if t.has(key) else view.error)))
    return "\n".join(lines)

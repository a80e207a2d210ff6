"""The watcher's web page: server-rendered HTML for a phone, no script at all, the chart inline.

The same figures as the chat's view, in the link's language. The page reloads itself (a meta
refresh, marked `auto=1` so that it does not count as an open) at the facility's poll interval.
Nothing of the staff side appears: no menu, no names of members, no product name.
"""

from __future__ import annotations

import base64
import html
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from handlers.labels import local_time
from handlers.miners.card_views import uptime
from locales import Localizer
from services.telemetry.charts import rate
from services.watchers.service import VIEW_STATUSES, WatchedMiner, WatcherView

MIN_REFRESH_S = 60

STYLE = """
:root{color-scheme:light;--fg:#1b1f24;--muted:#5f6b76;--line:#e3e7eb;--bg:#f6f7f9;--card:#fff;
--accent:#1f6fd1}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:16px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:960px;margin:0 auto;padding:12px}
h1{font-size:1.35rem;margin:4px 0 0;overflow-wrap:anywhere}
.sub,.muted{color:var(--muted);font-size:.9rem;margin:2px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px;
margin:12px 0}
.figures{display:flex;flex-wrap:wrap;gap:8px 20px;margin:6px 0}
.figures b{font-size:1.15rem}
figure{margin:0}
figure img{display:block;width:100%;height:auto;border-radius:8px}
nav{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
nav a,nav>span{padding:6px 10px;border:1px solid var(--line);border-radius:16px;
text-decoration:none;color:var(--fg);background:var(--card);font-size:.9rem}
nav .on{border-color:var(--accent);color:var(--accent);font-weight:600}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:7px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num{text-align:right;white-space:nowrap}
.model{color:var(--muted);font-size:.85rem}
.name{overflow-wrap:anywhere}
.dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.3em;
vertical-align:baseline;background:#9aa4ad}
.dot.active{background:#2e9d4f}.dot.lowhash{background:#f2c94c}.dot.hanged{background:#f08c2b}
.dot.offline{background:#e5484d}.dot.unknown{background:#c3cad1}
@media (max-width:600px){
 thead{display:none}
 table,tbody,tr,td{display:block}
 tr{display:grid;grid-template-columns:2.6em 1fr auto;column-gap:6px;padding:8px 2px;
 border-bottom:1px solid var(--line)}
 td{border:0;padding:0}
 td.pos{grid-row:1/3;color:var(--muted)}
 td.name{grid-column:2/3}
 td.status{grid-column:3/4;text-align:right}
 td.num{grid-column:2/4;display:inline;text-align:left}
 td.figures-row{grid-column:2/4;color:var(--fg)}
}
"""


def _document(lang: str, title: str, body: str, refresh: str = "") -> str:
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        '<meta name="referrer" content="no-referrer">'
        f"{refresh}<title>{title}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def _query(page: int, status: str | None, **extra: str) -> str:
    params = {"page": str(page + 1)} if page else {}
    if status:
        params["status"] = status
    params.update(extra)
    return "?" + urlencode(params) if params else "?"


def _attribute(text: str) -> str:
    """Text already escaped for HTML content (the translations escape &, <, >), made safe inside
    a double-quoted attribute too."""
    return text.replace('"', "&quot;")


def _dot(status: str) -> str:
    """A status's colour as a dot drawn by CSS (no emoji font needed on the visitor's side)."""
    return f'<span class="dot {html.escape(status)}"></span>'


def _counts(view: WatcherView) -> str:
    return " ".join(f"{_dot(s)}{view.counts[s]}" for s in VIEW_STATUSES if view.counts.get(s))


def _row(t: Localizer, m: WatchedMiner) -> str:
    status = f"{_dot(m.status)}{t(f'status-{m.status}')}"
    model = f'<div class="model">{html.escape(m.model)}</div>' if m.model else ""
    if m.answered:
        figures = [rate(m.hashrate_ths)]
        if m.hottest_c is not None:
            figures.append(f"{m.hottest_c:.0f} °C")
        if m.uptime_s is not None:
            figures.append(t("watchers-miner-up", uptime=uptime(t, m.uptime_s)))
    else:
        figures = [t("watchers-miner-no-reading")]
    return (
        f'<tr><td class="pos">{m.position}</td>'
        f'<td class="name">{html.escape(m.name)}{model}</td>'
        f'<td class="status">{status}</td>'
        f'<td class="figures-row">{" · ".join(figures)}</td></tr>'
    )


def render(t: Localizer, view: WatcherView, png: bytes) -> str:
    """The whole page for one link: summary, chart, the miners list (a page of it)."""
    refresh_s = max(MIN_REFRESH_S, view.refresh_s)
    page = view.miners
    auto = html.escape(_query(page.page, view.status, auto="1"))
    refresh = f'<meta http-equiv="refresh" content="{refresh_s};url={auto}">'
    title = f"{html.escape(view.client_name)} · {html.escape(view.facility_name)}"
    if view.polled_at is not None:
        updated = t(
            "watchers-web-updated",
            at=local_time(view.polled_at, ZoneInfo(view.timezone)),
            zone=view.timezone,
            minutes=max(1, refresh_s // 60),
        )
    else:
        updated = t("watchers-view-not-polled")
    chart = base64.b64encode(png).decode()
    alt = _attribute(t("watchers-web-chart-alt", client=view.client_name))
    everything = "on" if not view.status else ""
    filters = [f'<a class="{everything}" href="?">{t("watchers-web-all")} {view.total}</a>']
    for s in VIEW_STATUSES:
        if view.counts.get(s):
            on = "on" if s == view.status else ""
            filters.append(
                f'<a class="{on}" href="{html.escape(_query(0, s))}">'
                f"{_dot(s)}{t(f'status-{s}')} {view.counts[s]}</a>"
            )
    rows = "".join(_row(t, m) for m in page.items)
    pages = []
    if page.pages > 1:
        if page.page > 0:
            pages.append(f'<a href="{html.escape(_query(page.page - 1, view.status))}">‹</a>')
        pages.append(f"<span>{t('watchers-web-page', page=page.page + 1, pages=page.pages)}</span>")
        if page.page < page.pages - 1:
            pages.append(f'<a href="{html.escape(_query(page.page + 1, view.status))}">›</a>')
    table = (
        f"<table><thead><tr><th>#</th><th>{t('watchers-web-miner')}</th>"
        f"<th>{t('watchers-web-status')}</th><th>{t('watchers-web-figures')}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else f"<p>{t('watchers-view-none')}</p>"
    )
    body = (
        f"<header><h1>{html.escape(view.client_name)}</h1>"
        f'<p class="sub">{html.escape(view.facility_name)}</p></header>'
        '<section class="card">'
        f"<div>{t('watchers-web-miners', count=view.total)} · {_counts(view)}</div>"
        '<div class="figures">'
        f"<span>{t('watchers-web-now')} <b>{rate(view.hashrate_ths)}</b></span>"
        f"<span>{t('watchers-web-avg')} <b>{rate(view.avg24_ths)}</b></span></div>"
        f'<p class="muted">{updated}</p></section>'
        '<section class="card"><figure>'
        f'<img src="data:image/png;base64,{chart}" width="1200" height="750" '
        f'alt="{alt}"></figure></section>'
        f'<section class="card"><nav class="filters">{"".join(filters)}</nav>{table}'
        f'<nav class="pages">{"".join(pages)}</nav></section>'
    )
    return _document(view.language, title, body, refresh)


def not_valid(t: Localizer) -> str:
    """The one answer for an unknown, revoked or expired link."""
    body = f'<section class="card"><h1>{t("watchers-web-not-valid-title")}</h1>' + (
        f"<p>{t('watchers-web-not-valid')}</p></section>"
    )
    return _document(t.locale, t("watchers-web-not-valid-title"), body)


def too_many(t: Localizer) -> str:
    body = f'<section class="card"><p>{t("watchers-web-too-many")}</p></section>'
    return _document(t.locale, t("watchers-web-too-many"), body)

"""The watcher web page's HTML: what a client or miner is called never becomes markup."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from handlers.watchers import page
from locales import Translations
from services.pagination import Page
from services.watchers.service import WatchedMiner, WatcherView

NAME = 'Acme "Mining" <script>alert(1)</script> & Co'


def view(miners: list[WatchedMiner]) -> WatcherView:
    return WatcherView(
        link_id=1,
        language="en",
        client_name=NAME,
        facility_name="Farm <b>",
        timezone="Europe/Moscow",
        counts={"active": 1, "offline": 1},
        hashrate_ths=99.5,
        avg24_ths=None,
        polled_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        telemetry_on=True,
        refresh_s=300,
        status=None,
        miners=Page(miners, 0, 100, len(miners)),
    )


def test_names_are_text_and_the_page_has_no_script() -> None:
    t = Translations().get("en")
    miners = [
        WatchedMiner(1, 10, '<img src=x onerror="x">', None, "S19 <i>", "active", True, 99, 66, 90),
        WatchedMiner(2, 11, None, None, None, "offline", False, None, None, None),
    ]
    html = page.render(t, view(miners), b"\x89PNG")
    assert "<script" not in html and "<img src=x" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "Farm &lt;b&gt;" in html and "&amp; Co" in html
    [alt] = re.findall(r'alt="([^"]*)"', html)
    assert alt.startswith("Hashrate of Acme &quot;Mining&quot; &lt;script&gt;")
    assert "<title>Acme &quot;Mining&quot; &lt;script&gt;" in html
    assert "#2" in html and "no answer at the latest reading" in html
    assert '<meta http-equiv="refresh" content="300;url=?auto=1">' in html


def test_the_not_valid_page_names_nothing() -> None:
    for locale in ("en", "ru"):
        text = page.not_valid(Translations().get(locale))
        assert "<script" not in text and ("not valid" in text or "недействительна" in text)

"""The watcher's web page, served by the bot's own process when WEB_BASE_URL is set: requests
over HTTP (everywhere), and the page in a real headless Chromium at a phone's width."""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.web import RateLimiter
from handlers.callbacks import WatcherCb
from tests.browser import Browser
from tests.e2e.conftest import RunningBot
from tests.e2e.test_telemetry import png_size
from tests.e2e.test_watchers import cycles, make_link, two_clients
from tests.fakebotapi import FakeBotAPI, TelegramUser
from tests.fakefleet import FakeFleet

BASE = "https://farm.example.com"
REVOKE_ACME = WatcherCb(action="revoke_ok", id=1).pack()
WEB_RE = re.compile(re.escape(BASE) + r"/w/([A-Za-z0-9_-]+)")


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"web_base_url": BASE, "web_port": 0, "web_trusted_proxies": ["127.0.0.2/32"]}
    )


@pytest.fixture
async def web_bot(web_settings: Settings, fake: FakeBotAPI) -> AsyncIterator[RunningBot]:
    running = RunningBot(web_settings, fake)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def fleet() -> AsyncIterator[FakeFleet]:
    async with FakeFleet() as f:
        yield f


def url_of(bot: RunningBot, token: str, query: str = "") -> str:
    assert bot.app.web is not None
    return f"http://127.0.0.1:{bot.app.web.port}/w/{token}{query}"


async def web_link(bot: RunningBot, owner: TelegramUser, fleet: FakeFleet) -> str:
    """Acme and Globex with miners, two poll cycles, Acme's link made; its web token."""
    await two_clients(bot, owner, fleet)
    await cycles(bot)
    _, shown = await make_link(owner, "#1 Acme")
    found = WEB_RE.search(shown.plain)
    assert found, shown.describe()
    assert [b["text"] for b in shown.inline_buttons()] == [
        "📋 Copy Telegram link",
        "📋 Copy web link",
    ]
    return found.group(1)


async def test_the_page_shows_the_clients_miners_and_the_chart(
    web_bot: RunningBot, owner: TelegramUser, fleet: FakeFleet
) -> None:
    token = await web_link(web_bot, owner, fleet)
    async with aiohttp.ClientSession() as http, http.get(url_of(web_bot, token)) as r:
        assert r.status == 200 and r.content_type == "text/html"
        page = await r.text()
        headers = r.headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    assert "<title>Acme · Hosting facility</title>" in page
    for n in range(1, 6):
        assert f"ACME-{n}" in page
    assert "GLOBEX" not in page and "Globex" not in page and "FarmDesk" not in page
    assert "127." not in page  # no address of the facility's network
    assert '<meta http-equiv="refresh" content="300;url=?auto=1">' in page
    chart = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert chart and png_size(base64.b64decode(chart.group(1))) == (1200, 750)

    offline_url = url_of(web_bot, token, "?status=offline")
    async with aiohttp.ClientSession() as http, http.get(offline_url) as r:
        offline = await r.text()
    assert "ACME-3" in offline and "ACME-1" not in offline

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("👁 Watcher link")
    assert "web page: 127.0.0.1" in owner.last.plain  # the open, with the visitor's address


async def test_unknown_revoked_and_expired_tokens_get_one_page(
    web_bot: RunningBot, owner: TelegramUser, fleet: FakeFleet
) -> None:
    token = await web_link(web_bot, owner, fleet)
    pages = []
    async with aiohttp.ClientSession() as http:
        async with http.get(url_of(web_bot, "A" * 32)) as r:
            pages.append((r.status, await r.text()))
        await owner.tap_data(REVOKE_ACME)
        async with http.get(url_of(web_bot, token)) as r:
            pages.append((r.status, await r.text()))
        _, shown = await make_link(owner, "#1 Acme", lifetime="7 days")
        expiring = WEB_RE.search(shown.plain)
        assert expiring
        watchers = web_bot.app.services.watchers
        start = watchers.clock()
        watchers.clock = lambda: start + timedelta(days=8)
        async with http.get(url_of(web_bot, expiring.group(1))) as r:
            pages.append((r.status, await r.text()))
        async with http.get(f"http://127.0.0.1:{web_bot.app.web.port}/") as r:  # type: ignore[union-attr]
            assert r.status == 404 and "Acme" not in await r.text()
    assert len(set(pages)) == 1
    status, text = pages[0]
    assert status == 404 and "This link is not valid." in text and "Acme" not in text


async def test_requests_per_address_are_limited(
    web_bot: RunningBot, owner: TelegramUser, fleet: FakeFleet
) -> None:
    token = await web_link(web_bot, owner, fleet)
    url = url_of(web_bot, token, "?auto=1")
    assert web_bot.app.web is not None
    now = [0.0]  # the limiter's clock stands still unless the test moves it
    web_bot.app.web.limiter = RateLimiter(clock=lambda: now[0])
    async with aiohttp.ClientSession() as http:
        statuses = []
        for _ in range(16):
            async with http.get(url) as r:
                statuses.append(r.status)
                retry = r.headers.get("Retry-After")
        assert statuses == [200] * 15 + [429] and retry == "2"  # 30 a minute: one every 2 s
        # an untrusted peer's X-Forwarded-For is ignored: it is still 127.0.0.1
        async with http.get(url, headers={"X-Forwarded-For": "198.51.100.1"}) as r:
            assert r.status == 429
        now[0] += 2.0
        async with http.get(url) as r:
            assert r.status == 200
        async with http.get(url) as r:
            assert r.status == 429
    # the reverse proxy (127.0.0.2, trusted) forwards another visitor: not held back, and the
    # open is logged with the visitor's address
    proxy = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
    async with aiohttp.ClientSession(connector=proxy) as http:
        forwarded = {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
        async with http.get(url.replace("?auto=1", ""), headers=forwarded) as r:
            assert r.status == 200
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("👁 Watcher link")
    assert "web page: 203.0.113.9" in owner.last.plain


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    reason = Browser.available()
    if reason:
        pytest.skip(reason)
    started = await Browser.start(tmp_path / "chromium-profile")
    yield started
    await started.close()


async def test_the_page_in_a_headless_browser_at_a_phones_width(
    web_bot: RunningBot, owner: TelegramUser, fleet: FakeFleet, browser: Browser, tmp_path: Path
) -> None:
    token = await web_link(web_bot, owner, fleet)
    await browser.get(url_of(web_bot, token))
    seen = await browser.run(
        """
        const img = document.querySelector('figure img');
        const body = getComputedStyle(document.querySelector('table'));
        return {
          title: document.title,
          text: document.body.innerText,
          width: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth,
          scripts: document.scripts.length,
          image: [img.complete, img.naturalWidth, img.naturalHeight,
                  img.getBoundingClientRect().width],
          rows: document.querySelectorAll('tbody tr').length,
          fontSize: parseFloat(body.fontSize),
        };
        """
    )
    assert seen["title"] == "Acme · Hosting facility"
    assert seen["width"] == 390 and seen["scrollWidth"] <= 390  # nothing wider than the phone
    assert seen["scripts"] == 0 and seen["rows"] == 5
    loaded, natural_w, natural_h, shown_w = seen["image"]
    assert loaded and (natural_w, natural_h) == (1200, 750) and 300 <= shown_w <= 390
    assert seen["fontSize"] >= 14
    for n in range(1, 6):
        assert f"ACME-{n}" in seen["text"]
    assert "Globex" not in seen["text"] and "GLOBEX" not in seen["text"]
    shot = await browser.screenshot()
    (tmp_path / "watcher-phone.png").write_bytes(shot)
    if os.environ.get("WATCHER_SCREENSHOT"):  # to look at it: WATCHER_SCREENSHOT=/tmp/page.png
        shutil.copy(tmp_path / "watcher-phone.png", os.environ["WATCHER_SCREENSHOT"])
    assert png_size(shot)[0] == 780  # 390 CSS pixels at a pixel ratio of 2

    await owner.tap_data(REVOKE_ACME)
    await browser.get(url_of(web_bot, token))
    text = await browser.run("return document.body.innerText;")
    assert "This link is not valid." in text and "Acme" not in text

"""One aiohttp application in the bot's process: watcher pages and Telegram's webhook.

- `GET /w/<token>` (when WEB_BASE_URL is set): a client's read-only page. Requests are limited
  per address (a token bucket); an unknown, revoked or expired token gets one and the same "not
  valid" page. No access log: the token is in the path.
- `POST <path of WEBHOOK_URL>` (when it is set): aiogram's `SimpleRequestHandler`, which refuses a
  request without Telegram's secret header, feeds the same Dispatcher as long polling.

Behind a reverse proxy (HTTPS), list its address in WEB_TRUSTED_PROXIES: the visitor's address
is then read from X-Forwarded-For (the right-most one that is not a trusted proxy).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from handlers.miners.card_views import chart_texts
from handlers.watchers import page
from locales import Localizer, Translations
from services.container import Services
from services.telemetry import charts
from services.telemetry.service import FleetSeries
from services.watchers.service import WEB_PER_PAGE, LinkNotValid

log = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `per_minute`."""

    def __init__(
        self,
        per_minute: float = 30,
        burst: float = 15,
        keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.keys = keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> float:
        """0 when the request may go on, else the seconds until it may."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1 if not wait else tokens, now)
        while len(self._buckets) > self.keys:  # the longest-idle address goes first
            self._buckets.popitem(last=False)
        return wait


def client_address(request: web.Request, trusted: Iterable[Network]) -> str:
    """The visitor's address: the peer's, or behind a trusted proxy X-Forwarded-For's."""
    trusted = list(trusted)
    peer = request.remote or ""

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in n for n in trusted)

    if not is_trusted(peer):
        return peer
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not is_trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer
    return peer


class WebServer:
    def __init__(
        self,
        services: Services,
        translations: Translations,
        *,
        host: str,
        port: int,
        pages: bool,
        default_locale: str = "en",
        trusted_proxies: Iterable[str] = (),
        limiter: RateLimiter | None = None,
    ) -> None:
        self.services = services
        self.translations = translations
        self.host = host
        self.port = port
        self.default_locale = default_locale
        self.trusted = [ipaddress.ip_network(n, strict=False) for n in trusted_proxies]
        self.limiter = limiter or RateLimiter()
        self.app = web.Application(middlewares=[_headers])
        if pages:
            self.app.router.add_get("/w/{token}", self.watch_page)
        self._runner: web.AppRunner | None = None

    def add_webhook(self, dispatcher: Dispatcher, bot: Bot, path: str, secret: str) -> None:
        """Receive Telegram's updates at `path` (checked against `secret`) for `dispatcher`,
        whose startup and shutdown then follow the application's."""
        setup_application(self.app, dispatcher, bot=bot)
        handler = SimpleRequestHandler(dispatcher=dispatcher, bot=bot, secret_token=secret)
        handler.register(self.app, path=path)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port the OS gave, when asked for 0
        log.info("web server listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    def _visitor_locale(self, request: web.Request) -> Localizer:
        """The language for a page that knows no link: the browser's first of ours."""
        for part in request.headers.get("Accept-Language", "").split(","):
            code = part.split(";")[0].strip().split("-")[0].lower()
            if code in self.translations.locales:
                return self.translations.get(code)
        return self.translations.get(self.default_locale)

    async def watch_page(self, request: web.Request) -> web.Response:
        address = client_address(request, self.trusted)
        wait = self.limiter.allow(address)
        if wait:
            return _html(
                page.too_many(self._visitor_locale(request)),
                status=429,
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        watchers = self.services.watchers
        try:
            watch = await watchers.open_on_web(
                request.match_info["token"], address, counts=request.query.get("auto") != "1"
            )
        except LinkNotValid:
            return _html(page.not_valid(self._visitor_locale(request)), status=404)
        try:
            number = int(request.query.get("page", "1")) - 1
        except ValueError:
            number = 0
        view = await watchers.view(
            watch, page=number, status=request.query.get("status"), per_page=WEB_PER_PAGE
        )
        t = self.translations.get(watch.language)
        zone = (await self.services.facility.get()).zone

        def draw(series: FleetSeries) -> bytes:
            return charts.fleet_chart(series, zone, chart_texts(t, watch.client_name, zone))

        png = await watchers.chart(watch, f"{t.locale}:{zone}", draw)
        return _html(page.render(t, view, png))


def _html(text: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", charset="utf-8", headers=headers
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer: no scripts, no framing, no referrer (the token is in the address), no cache."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # an unknown path or method: a bare answer
        response = web.Response(status=exc.status, text=f"{exc.status} {exc.reason}")
    response.headers.update(HEADERS)
    return response

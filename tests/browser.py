"""A real headless browser for tests: Debian's Chromium driven by its chromedriver (W3C WebDriver
over HTTP, spoken here with aiohttp so the bot under test keeps running in the same event loop).

Started by the test itself on 127.0.0.1 with a fresh profile, no background networking, and a
host resolver that maps every host but 127.0.0.1 to "not found": it reaches the bot's own web
server and nothing else. `Browser.available()` says why it cannot run (the test skips with that).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import shutil
from pathlib import Path
from typing import Any

import aiohttp

BINARIES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
INSTALL = "apt-get install -y chromium chromium-driver"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2.0}
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # 127.0.0.1 and nothing else
)


def _chromium() -> str | None:
    return next((b for b in BINARIES if Path(b).is_file()), None) or shutil.which("chromium")


class Browser:
    """One Chromium session, emulating a phone (390 × 844 CSS pixels)."""

    def __init__(self, driver: asyncio.subprocess.Process, base: str, session: str) -> None:
        self._driver = driver
        self._base = base
        self._session = session
        self._http = aiohttp.ClientSession()

    @staticmethod
    def available() -> str | None:
        """None when a browser can be started, else why not."""
        if _chromium() is None:
            return f"Chromium is not installed ({INSTALL})"
        if shutil.which("chromedriver") is None:
            return f"chromedriver is not installed ({INSTALL})"
        return None

    @classmethod
    async def start(cls, profile: Path) -> Browser:
        driver = await asyncio.create_subprocess_exec(
            "chromedriver",
            "--port=0",
            "--allowed-ips=127.0.0.1",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert driver.stdout is not None
        port = None
        for _ in range(20):
            line = (await asyncio.wait_for(driver.stdout.readline(), 20)).decode()
            found = re.search(r"started successfully on port (\d+)", line)
            if found:
                port = int(found.group(1))
                break
        if port is None:
            driver.kill()
            raise RuntimeError("chromedriver did not start")
        # keep reading its output so that it never blocks on a full pipe
        asyncio.get_running_loop().create_task(driver.stdout.read())
        base = f"http://127.0.0.1:{port}"
        options = {
            "binary": _chromium(),
            "args": [*ARGS, f"--user-data-dir={profile}"],
            "mobileEmulation": {"deviceMetrics": PHONE, "userAgent": PHONE_AGENT},
        }
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
        body = {"capabilities": capabilities}
        async with aiohttp.ClientSession() as http, http.post(f"{base}/session", json=body) as r:
            answer = await r.json()
        if "sessionId" not in answer.get("value", {}):
            driver.kill()
            await driver.wait()
            raise RuntimeError(f"chromedriver refused the session: {answer}")
        return cls(driver, base, answer["value"]["sessionId"])

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self._base}/session/{self._session}{path}"
        async with self._http.request(method, url, json=body if body is not None else {}) as r:
            answer = await r.json()
        if r.status != 200:
            raise RuntimeError(f"WebDriver {method} {path}: {answer}")
        return answer.get("value")

    async def get(self, url: str) -> None:
        await self._call("POST", "/url", {"url": url})

    async def run(self, script: str, *args: Any) -> Any:
        """Run `script` (a function body; `arguments` holds `args`) in the page."""
        return await self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    async def screenshot(self, *, full_page: bool = True) -> bytes:
        """The page as a PNG, the whole of it (beyond the screen) by default."""
        if not full_page:
            return base64.b64decode(await self._call("GET", "/screenshot"))
        shot = await self._call(
            "POST",
            "/goog/cdp/execute",
            {
                "cmd": "Page.captureScreenshot",
                "params": {"format": "png", "captureBeyondViewport": True},
            },
        )
        return base64.b64decode(shot["data"])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._call("DELETE", "")
        await self._http.close()
        if self._driver.returncode is None:
            self._driver.terminate()
            try:
                await asyncio.wait_for(self._driver.wait(), 10)
            except TimeoutError:
                self._driver.kill()
                await self._driver.wait()

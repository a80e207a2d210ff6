"""`python -m bot` as a real process that a test can kill -9 at a chosen moment and start again.

The moment is a Bot API call: :meth:`BotProcess.kill_on` asks the fake to SIGKILL the process
when a matching call arrives, before answering it. With ``performed=True`` the call takes
effect first (Telegram did it, the bot never heard back); without, it is lost. Then
:meth:`BotProcess.start` runs the same installation (database, data folder) again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.conftest import OWNER_ID, TOKEN
from tests.fakebotapi import Call, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # importing aiogram and migrating a fresh database on a busy machine


class BotProcess:
    """One installation of FarmDesk (a folder with its database) run as `python -m bot`."""

    def __init__(self, fake: FakeBotAPI, folder: Path, **settings: str) -> None:
        self.fake = fake
        self.folder = folder
        self.database = folder / "data" / "farmdesk.db"
        self.settings = settings
        self.process: asyncio.subprocess.Process | None = None
        self.outputs: list[str] = []  # what each run printed, once it ended
        self.returncodes: list[int] = []  # how each run ended (-9: killed)
        self._log: Path | None = None
        self._killed: asyncio.Event | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database}"

    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "OWNER_", "REDIS_", "DATA_"))
        }
        env.update(
            PYTHONPATH=str(ROOT),
            BOT_TOKEN=TOKEN,
            BOT_API_URL=self.fake.base_url,
            OWNER_IDS=str(OWNER_ID),
            DATABASE_URL=self.database_url,
            DATA_DIR=str(self.folder / "data"),
            TIMEZONE="Europe/Moscow",
        )
        env.update(self.settings)
        return env

    async def start(self) -> None:
        """Start the process and return once it polls the fake for updates."""
        assert self.process is None, "already running"
        polls = len(self.fake.calls_of("getUpdates"))
        self._log = self.folder / f"run-{len(self.outputs) + 1}.log"
        with self._log.open("wb") as log:  # a file, not a pipe: nobody has to keep reading it
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.folder,
                env=self._env(),
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while len(self.fake.calls_of("getUpdates")) <= polls:
            if self.process.returncode is not None:
                output = await self._collect()
                raise RuntimeError(f"the bot exited on start:\n{output}")
            if loop.time() > deadline:
                raise TimeoutError("the bot did not start polling")
            await asyncio.sleep(0.05)

    def kill_on(
        self,
        method: str,
        match: Callable[[dict[str, Any]], bool] | None = None,
        *,
        performed: bool = False,
    ) -> None:
        """kill -9 the process when the next matching call of `method` reaches the fake."""
        self._killed = asyncio.Event()
        killed = self._killed

        def kill(call: Call) -> None:
            if self.process is not None and self.process.returncode is None:
                self.process.send_signal(signal.SIGKILL)
            killed.set()

        self.fake.on_call(method, kill, match=match, perform=performed)

    async def killed(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the kill registered with :meth:`kill_on` has happened and the process is
        gone."""
        assert self._killed is not None, "kill_on() first"
        await asyncio.wait_for(self._killed.wait(), timeout)
        assert self.process is not None
        await asyncio.wait_for(self.process.wait(), timeout)
        assert self.process.returncode == -signal.SIGKILL, self.process.returncode
        await self._collect()

    async def stop(self) -> str:
        """SIGTERM, as a supervisor stops it; returns what the last run printed."""
        if self.process is None:
            return self.outputs[-1] if self.outputs else ""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), 30)
        return await self._collect()

    async def _collect(self) -> str:
        assert self.process is not None and self._log is not None
        output = self._log.read_text(errors="replace")
        self.outputs.append(output)
        assert self.process.returncode is not None, "collected before the process ended"
        self.returncodes.append(self.process.returncode)
        self.process = None
        return output

"""`python -m bot` as a real process: it serves an Owner against BOT_API_URL and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.conftest import OWNER_ID, TOKEN
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]


async def test_the_bot_process_serves_an_owner_and_stops_on_sigterm(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "OWNER_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake.base_url,
        OWNER_IDS=str(OWNER_ID),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'data' / 'farmdesk.db'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        owner = fake.user(OWNER_ID, "Olga")
        await owner.send("/start", wait=False)
        menu = await owner.wait_for(lambda m: "Choose an area" in m.plain, timeout=60)
        assert "⚙️ Settings" in [label for label, _ in menu.buttons()]
        assert (tmp_path / "data" / "farmdesk.db").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output

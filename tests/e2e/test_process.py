"""`python -m bot` as a real process: it serves an Owner against BOT_API_URL and stops cleanly."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import OWNER_ID
from tests.e2e.process import BotProcess
from tests.fakebotapi import FakeBotAPI


async def test_the_bot_process_serves_an_owner_and_stops_on_sigterm(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    process = BotProcess(fake, tmp_path)
    await process.start()
    try:
        owner = fake.user(OWNER_ID, "Olga")
        await owner.send("/start", wait=False)
        menu = await owner.wait_for(lambda m: "Choose an area" in m.plain, timeout=60)
        assert "⚙️ Settings" in [label for label, _ in menu.buttons()]
        assert process.database.exists()
    finally:
        output = await process.stop()
    assert process.returncodes[-1] == 0, output
    assert "Traceback" not in output

"""kill -9 of the real `python -m bot` at the worst moments (issue 10): after the restart every
member hears how what they started ended, and the database holds all of it or none of it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import OWNER_ID
from tests.e2e.process import BotProcess
from tests.e2e.test_miners import FLEET, XLSX
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser
from tests.miner_files import xlsx

WAIT = 60.0  # a restart on a busy machine: start, migrate, poll, deliver


@pytest.fixture
async def farm(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(fake, tmp_path)
    await process.start()
    yield process
    output = await process.stop()
    assert "Traceback" not in "".join(process.outputs), output


def query(process: BotProcess, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(process.database) as db:
        return db.execute(sql).fetchall()


def integrity(process: BotProcess) -> None:
    assert query(process, "PRAGMA integrity_check") == [("ok",)]


def text_of(params: dict[str, Any]) -> str:
    return str(params.get("text") or "")


async def shows(user: TelegramUser, message: BotMessage, words: str) -> BotMessage:
    return await user.wait_for(lambda m: m is message and words in m.plain, WAIT)


async def test_a_kill_while_an_import_is_applied_or_read_ends_with_a_message(
    farm: BotProcess, fake: FakeBotAPI
) -> None:
    owner = fake.user(OWNER_ID, "Olga", last_name="Owner")
    await owner.send_document(xlsx(FLEET), "fleet.xlsx", XLSX, wait=False)
    status = await owner.wait_for(lambda m: "Import preview · fleet.xlsx" in m.plain, WAIT)

    # killed as the member is told it is being applied: nothing written, "apply it again"
    farm.kill_on("editMessageText", lambda p: "Applying" in text_of(p), performed=True)
    await owner.tap("Apply", message=status, wait=False)
    await farm.killed()
    assert status.plain == "⏳ Applying the import…"
    integrity(farm)
    assert query(farm, "SELECT count(*) FROM miners") == [(0,)]
    await farm.start()
    await shows(owner, status, "restarted before the import of fleet.xlsx was applied")
    assert "Nothing was changed" in status.plain

    # killed once the import is stored, before the member sees it: the result after the restart
    farm.kill_on("editMessageText", lambda p: "Imported" in text_of(p))
    await owner.tap("Apply again", message=status, wait=False)
    await farm.killed()
    assert status.plain == "⏳ Applying the import…"
    integrity(farm)
    assert query(farm, "SELECT count(*) FROM miners") == [(3,)]
    await farm.start()
    await shows(owner, status, "Imported · fleet.xlsx")
    assert "Added: 3" in status.plain and "Miners" in " ".join(t for t, _ in status.buttons())
    assert query(farm, "SELECT count(*) FROM audit_log WHERE category = 'general'") == [(1,)]

    # killed while reading a file (downloading it): "not done", and a button to read it again
    farm.kill_on("getFile")
    await owner.send_document(xlsx(FLEET), "again.xlsx", XLSX, wait=False)
    await farm.killed()
    reading = owner.last
    assert reading.plain == "⏳ Reading again.xlsx…"
    await farm.start()
    await shows(owner, reading, "restarted while reading again.xlsx")
    assert "Nothing was saved" in reading.plain
    await owner.tap("Read the file again", message=reading, wait=False)
    await shows(owner, reading, "Import preview · again.xlsx")
    assert not [m for m in owner.messages() if "went wrong" in m.plain]

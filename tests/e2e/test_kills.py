"""kill -9 of the real `python -m bot` at the worst moments (issue 10): after the restart every
member hears how what they started ended, and the database holds all of it or none of it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from services.container import Services
from storage.db import Database
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


async def test_a_kill_as_telegram_takes_an_export_file_sends_it_again_saying_so(
    farm: BotProcess, fake: FakeBotAPI
) -> None:
    owner = fake.user(OWNER_ID, "Olga", last_name="Owner")
    await owner.send("/start", wait=False)  # the owner is a member once the bot has seen them
    await owner.wait_for(lambda m: "Choose an area" in m.plain, WAIT)
    services = Services.build(Database(farm.database_url), owner_ids=[OWNER_ID])
    try:
        actor = await services.staff.resolve(OWNER_ID, "Olga Owner", None, "en")
        assert actor is not None
        await services.clients.add(
            actor, name="Acme", email="ops@acme.io", manager_id=actor.staff_id
        )
        # Telegram takes the file, and the bot dies before it hears so
        farm.kill_on("sendDocument", performed=True)
        job = await services.exports.request(
            actor, clients=None, kinds=["profile"], preset="last_7"
        )
    finally:
        await services.db.close()
    await farm.killed()
    first = owner.last
    assert first.document is not None and f"Export #{job.id}" in first.plain
    await farm.start()

    again = await owner.wait_for(lambda m: m.document is not None and m is not first, WAIT)
    assert f"Export #{job.id}" in again.plain and "Sent again" in again.plain
    assert again.document is not None and again.document["file_name"] == first.document["file_name"]
    await fake.idle(quiet=1.0, timeout=WAIT)  # nothing more: no "not ready, it will follow"
    after = owner.messages()[owner.messages().index(first) + 1 :]
    assert after == [again], [m.describe() for m in after]
    assert query(farm, f"SELECT status FROM export_jobs WHERE id = {job.id}") == [("done",)]

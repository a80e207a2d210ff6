"""Merging and archiving clients through the real stack: the bot's Dispatcher and routers, the
fake Bot API, a real database file and real spreadsheet files."""

from __future__ import annotations

import re
from typing import Any

from handlers.callbacks import ClientCb
from tests.e2e.conftest import RunningBot, add_client, invite, join, labels
from tests.e2e.test_miners import import_file
from tests.e2e.test_watchers import make_link
from tests.fakebotapi import FakeBotAPI, TelegramUser
from tests.miner_files import HEADER, xlsx


async def open_client(user: TelegramUser, label: str) -> str:
    await user.send("/menu")
    await user.tap("Clients")
    await user.tap(label)
    return user.last.plain


async def create_task(user: TelegramUser, summary: str) -> None:
    """From the open client card: a Maintenance inspection assigned to oneself."""
    await user.tap("Create task")
    await user.tap("Maintenance")
    await user.tap("Continue")
    await user.tap("Inspection")
    await user.send(summary)
    await user.tap("Medium")
    await user.tap("1 week")
    await user.tap("Assign to me")
    await user.tap("Skip")
    await user.tap("Skip")  # the Maintenance board's Cost
    await user.tap("Save")


def count(text: str, label: str) -> int:
    found = re.search(rf"{label}: (\d+)", text)
    assert found, (label, text)
    return int(found.group(1))


async def test_merge_a_client_made_by_an_import_into_the_one_that_existed(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "ops@acme.com")  # #1
    rows: list[list[Any]] = [
        HEADER,
        ["10.0.0.1", None, "S1", "S19", "billing@acme.com", None, None],
        ["10.0.0.2", None, "S2", "S19", "billing@acme.com", None, None],
        ["10.0.0.3", None, "S3", "S19", "ops@acme.com", None, None],
    ]
    preview = await import_file(owner, xlsx(rows), "fleet.xlsx")
    await owner.tap("Add client billing@acme.com", message=preview)  # #2, the duplicate
    await owner.tap("Apply")

    await open_client(owner, "#2 billing@acme.com")
    await create_task(owner, "Check the seals")
    payload, _ = await make_link(owner, "#2 billing@acme.com")
    vera = fake.user(7001, "Vera")
    await vera.send(f"/start {payload}")
    assert vera.last.plain.startswith("👁 billing@acme.com")
    card = await open_client(owner, "#2 billing@acme.com")
    assert "Miners: 2" in card
    await owner.tap("Merge into")
    assert "Send the name, email or #ID" in owner.last.plain
    await owner.send("acme")
    assert "#2 billing" not in " ".join(labels(owner.last))  # not into itself
    await owner.tap("#1 Acme")
    confirm = owner.last.plain
    assert "Merge #2 billing@acme.com into #1 Acme?" in confirm
    shown = {k: count(confirm, k) for k in ("Miners", "Tasks", "Assets", "Bills")}
    assert shown == {"Miners": 2, "Tasks": 1, "Assets": 0, "Bills": 0}
    assert "#1 keeps its own prices" in confirm
    assert "billing@acme.com will name #1" in confirm
    assert "#2's watcher link stops working at once" in confirm
    assert "merged into #1" in confirm

    await owner.tap("Merge")
    done = [m.plain for m in owner.messages() if "merged into #1 Acme" in m.plain][-1]
    assert "Moved: ⛏ miners 2 · 📋 tasks 1 · 🗄 assets 0 · 🧾 bills 0" in done
    card = owner.last.plain
    assert card.startswith("#1 Acme") and "Miners: 3" in card  # 1 of its own + what moved
    assert "📋 Tasks (1)" in labels(owner.last)
    await owner.tap("View logs")
    logs = owner.last.plain
    assert "Another client merged into this one · #2 billing@acme.com" in logs
    assert "Miners: 1 → 3" in logs and "Tasks: 0 → 1" in logs
    assert "Merged into another client · #1 Acme" in logs  # #2's history, read from #1
    assert "Miners: 2 → 0" in logs
    assert "Watcher link revoked" in logs
    await vera.send(f"/start {payload}")
    assert vera.last.plain == "This link is not valid."

    # an import with the old email lands on #1, with no "Add client" prompt
    again: list[list[Any]] = [
        HEADER,
        ["10.0.0.4", None, "S4", "S21", "Billing@Acme.com", None, None],
    ]
    preview = await import_file(owner, xlsx(again), "more.xlsx")
    assert "Emails with no client" not in preview.plain
    assert not [b for b in labels(preview) if "Add client" in b]
    await owner.tap("Apply", message=preview)
    card = await open_client(owner, "#1 Acme")
    assert "Miners: 4" in card

    # the overview and its search no longer know #2; the Archived list does
    await owner.send("/menu")
    await owner.tap("Clients")
    assert "Clients (1)" in owner.last.plain and "#2" not in owner.last.plain
    await owner.send("billing")
    assert "Nothing found" in owner.last.plain
    await owner.tap("Clear search")
    await owner.tap("Archived")
    assert "Archived clients (1)" in owner.last.plain
    await owner.tap("#2 billing")
    archived = owner.last.plain
    assert archived.startswith("🔀 Merged into client #1")
    assert "Restore" not in " ".join(labels(owner.last))
    await owner.tap("Open client #1")
    assert owner.last.plain.startswith("#1 Acme")

    # a merge's search finds a client by an email a merge left it
    await add_client(owner, "Gamma", "g@gamma.io")
    await owner.tap("Merge into")
    await owner.send("billing@acme.com")
    assert "#1 Acme · ops@acme.com" in labels(owner.last)


async def test_archive_is_refused_with_miners_then_allowed_and_restored(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "ops@acme.com")
    await add_client(owner, "Left Us", "left@gone.io")
    rows: list[list[Any]] = [HEADER, ["10.0.0.1", None, "S1", "S19", "left@gone.io", None, None]]
    preview = await import_file(owner, xlsx(rows), "fleet.xlsx")
    await owner.tap("Apply", message=preview)

    await open_client(owner, "#2 Left Us")
    await owner.tap("Archive")
    text = owner.last.plain
    assert "It still has one miner. Move it to another client first" in text
    assert "🗄 Archive" not in labels(owner.last)  # no way to archive it yet
    await owner.tap("Move its miners to another client")
    assert "Send the email of the client" in owner.last.plain
    await owner.send("ops@acme.com")
    await owner.tap("Confirm")
    assert "moved to #1 Acme" in owner.last.plain

    await open_client(owner, "#2 Left Us")
    await owner.tap("Archive")
    text = owner.last.plain
    assert "leaves the overview, the search and the pickers" in text
    await owner.tap("🗄 Archive")
    assert owner.last_answer()["text"] == "Archived"
    assert owner.last.plain.startswith("🗄 Archived on ")

    await owner.send("/menu")
    await owner.tap("Clients")
    assert "Clients (1)" in owner.last.plain and "Left Us" not in owner.last.plain
    await owner.send("left")
    assert "Nothing found" in owner.last.plain
    await owner.tap("Clear search")
    await owner.tap("Archived")
    assert "#2 Left Us" in owner.last.plain
    await owner.tap("#2 Left Us")
    await owner.tap("Restore")
    assert owner.last_answer()["text"] == "Restored"
    assert owner.last.plain.startswith("#2 Left Us")
    await owner.tap("View logs")
    logs = owner.last.plain
    assert logs.index("Client restored") < logs.index("Client archived")

    # the Miners area's client filter and the task form's picker no longer offer an archived one
    await owner.tap("Back")
    await owner.tap("Archive")
    await owner.tap("🗄 Archive")
    await owner.send("/menu")
    await owner.tap("Tasks")
    await owner.tap("Create task")
    await owner.tap("Maintenance")
    await owner.send("left")
    assert "#2 Left Us" not in " ".join(labels(owner.last))


async def test_a_client_added_by_mistake_is_deleted(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme typo", "ops@acme.con")
    await owner.tap("Archive")
    assert "it can be deleted instead" in owner.last.plain
    await owner.tap("Delete for good")
    assert "Delete client #1 Acme typo for good?" in owner.last.plain
    await owner.tap("🗑 Delete")
    assert owner.last_answer()["text"] == "Client #1 Acme typo deleted"
    assert "No clients yet" in owner.last.plain
    await owner.send("/menu")
    await owner.tap("Logs")
    assert "Client deleted · #1 Acme typo" in owner.last.plain


async def test_the_screens_in_russian(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Альфа", "a@alpha.ru")
    await add_client(owner, "Бета", "b@beta.ru")
    token = await invite(owner, "Manager")
    ivan = fake.user(4004, "Иван", language_code="ru")
    await ivan.send(f"/start {token}")
    await owner.wait_for(lambda m: "Иван accepted your invite" in m.plain)
    await ivan.send("/menu")
    await ivan.tap("Клиенты")
    await ivan.tap("#1 Альфа")
    await ivan.tap("Объединить с")
    assert "Пришлите имя, email или #ID" in ivan.last.plain
    await ivan.send("бета")
    await ivan.tap("#2 Бета")
    text = ivan.last.plain
    assert "Влить #1 Альфа в #2 Бета?" in text and "Майнеры: 0" in text
    await ivan.tap("Отмена")
    await ivan.tap("В архив")
    assert "В архиве клиент пропадает из обзора" in ivan.last.plain
    await ivan.tap("🗄 В архив")
    assert ivan.last.plain.startswith("🗄 В архиве с ")
    await ivan.tap("К списку")
    await ivan.tap("🗄 Архив")
    assert "Архив клиентов (1)" in ivan.last.plain


async def test_forged_buttons_are_refused_without_clients_edit(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "ops@acme.com")
    await add_client(owner, "Beta", "b@beta.io")
    june = await join(fake, owner, "Senior technician", 7007, "June")
    await june.tap("Clients")
    await june.tap("#1 Acme")
    assert not [b for b in labels(june.last) if "Merge" in b or "Archive" in b]
    for data in (
        ClientCb(action="mg", id=1),
        ClientCb(action="mgt", id=1, page=2),
        ClientCb(action="mgok", id=1, page=2),
        ClientCb(action="ar", id=1),
        ClientCb(action="arok", id=1),
        ClientCb(action="del", id=1),
        ClientCb(action="delok", id=1),
        ClientCb(action="rs", id=1),
    ):
        await june.tap_data(data.pack())
        assert june.last_answer()["text"].startswith("Your role does not allow this"), data
    await owner.send("/menu")
    await owner.tap("Clients")
    assert "Clients (2)" in owner.last.plain

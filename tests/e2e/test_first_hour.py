"""What a new user ran into in Clients, Miners, Tasks and Exports (issue 9), through the chat."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import insert

from handlers.callbacks import TaskCb
from services.tasks.service import TaskDraft
from storage.models import AuditEntry
from tests.e2e.conftest import OWNER_ID, RunningBot, add_client, join, labels
from tests.e2e.test_miners import import_file, miners_list
from tests.fakebotapi import BotMessage, FakeBotAPI, TelegramUser
from tests.miner_files import HEADER, xlsx

PHONE_LINE = 42  # characters a phone shows on one line of a message, about

FLEET: list[list[Any]] = [
    HEADER,
    ["10.0.0.1", "AA:BB:CC:00:00:01", "JYZZ0001", "Antminer S19", "a@acme.com", 3250, "yes"],
    ["10.0.0.2", "AA:BB:CC:00:00:02", None, "Antminer S21", "a@acme.com", 3500, "no"],
    ["10.0.0.3", None, None, "Whatsminer M50", None, None, None],
]


async def fleet(owner: TelegramUser) -> None:
    """Client #1 Acme and three miners: named by serial, by MAC only, by IP only."""
    await add_client(owner, "Acme", "a@acme.com")
    preview = await import_file(owner, xlsx(FLEET), "fleet.xlsx")
    await owner.tap("Apply", message=preview)


async def select_by_list(owner: TelegramUser, text: str) -> None:
    await miners_list(owner)
    await owner.tap("Actions")
    await owner.tap("Select by list")
    await owner.send(text)


async def owner_files_task(bot: RunningBot, **draft: Any) -> None:
    """Task #n "Replace fans" on the Maintenance board, created by the Owner (set-up)."""
    services = bot.app.services
    olga = await services.staff.resolve(OWNER_ID, "Olga Owner", "olga", "en")
    assert olga is not None
    board = (await services.task_managers.list(olga))[0]
    kind = board.types[0].id
    await services.tasks.create(
        olga, TaskDraft(manager_id=board.id, type_id=kind, summary="Replace fans", **draft)
    )


async def test_every_miner_entry_in_the_logs_names_its_miner(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await fleet(owner)
    await add_client(owner, "Beta", "b@beta.io")
    await select_by_list(owner, "JYZZ0001 aa:bb:cc:00:00:02 10.0.0.3")
    await owner.tap("Set payment status")
    await owner.tap("🔴 unpaid")  # the second miner is unpaid already: two entries
    await owner.tap("Confirm")
    await owner.tap("Actions (3)")
    await owner.tap("Edit client")
    await owner.send("b@beta.io")
    await owner.tap("Confirm")
    # an entry written before miners were named in their entries is named when read
    async with bot.app.db.write() as session:
        await session.execute(
            insert(AuditEntry).values(
                category="miner",
                action="miner.status_changed",
                entity_type="miner",
                entity_id=2,
                changes={"status": ["hanged", "active"]},
            )
        )

    await owner.send("/menu")
    await owner.tap("Logs")
    await owner.tap("Miners")
    logs = owner.last.plain
    for name in ("JYZZ0001", "10.0.0.3"):  # a serial; an IP when there is no serial or MAC
        assert f"Miner's payment status changed · {name}\nPaid: 🟢 paid → 🔴 unpaid" in logs
    for name in ("JYZZ0001", "aa:bb:cc:00:00:02"):  # a MAC when there is no serial
        assert f"Miner's client changed · {name}\nClient email: a@acme.com → b@beta.io" in logs
    assert "Miner's client changed · 10.0.0.3\nClient email: — → b@beta.io" in logs
    assert "Miner's status changed · aa:bb:cc:00:00:02\nStatus: Hanged → Active" in logs
    # in the Logs area, an entry about a client says which client it is
    await owner.tap("Clients")
    logs = owner.last.plain
    assert "Miners' payment status changed · #1 Acme\n🟢 Paid miners: 1 → 0" in logs
    assert "Miners moved between clients · #2 Beta\nMiners: 0 → 3" in logs
    assert "Miners imported from a file · #1 Acme\nMiners: 0 → 2" in logs


async def test_the_miners_list_shows_what_identifies_a_miner_and_whose_it_is(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme Mining Holdings International", "a@acme.com")
    rows: list[list[Any]] = [
        HEADER,
        ["10.0.0.1", None, "JYZZ0001", "Antminer S19", "a@acme.com", None, "yes"],
        ["10.120.200.250", None, "YNAHF4BBBJABC0123", "Antminer S19j Pro Hydro", "a@acme.com"],
        ["10.0.0.3", "aa-bb-cc-00-00-03", None, "Whatsminer M50", None, None, "no"],
    ]
    preview = await import_file(owner, xlsx(rows), "fleet.xlsx")
    await owner.tap("Apply", message=preview)
    await miners_list(owner)
    await owner.send("jyzz0001")  # a search by serial finds the row, and the row says so
    listing = owner.last.plain
    assert "Miners (1)" in listing
    assert "1. ⚪️ JYZZ0001 · Antminer S19\n   10.0.0.1 · 👤 #1 Acme Minin… 💳🟢" in listing

    await owner.tap("Clear filters")
    listing = owner.last.plain
    assert "2. ⚪️ YNAHF4BBBJABC0123 · Antminer S19j …\n   10.120.200.250 · 👤 #1 Acme Minin…" in (
        listing
    )
    assert "3. ⚪️ aa:bb:cc:00:00:03 · Whatsminer M50\n   10.0.0.3 · 👤 — 💳🔴" in listing
    entries = listing.split("\n")[2:8]
    assert all(len(line) <= PHONE_LINE for line in entries), entries

    # Filtered by client (or on the client's card), the client is not repeated on every line.
    await owner.tap("Client")
    await owner.send("#1")
    assert "1. ⚪️ JYZZ0001 · Antminer S19\n   10.0.0.1 💳🟢" in owner.last.plain


async def test_a_mass_action_keeps_its_miners_selected_and_an_old_button_says_what_changed(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await fleet(owner)
    await miners_list(owner)
    await owner.tap("Paid: all")
    await owner.tap("Paid 🟢")  # unpaid only: the one miner marked "no"
    await owner.tap("Actions")
    await owner.tap("Select all (1)")
    await owner.tap("Set payment status")
    await owner.tap("🟢 paid")
    await owner.tap("Confirm")
    listing = owner.last
    text = listing.plain
    assert "One miner marked 🟢 paid." in text
    assert "The miner stays selected until you clear the selection under 🛠 Actions." in text
    assert "Selected: 1" in text and "🛠 Actions (1)" in labels(listing)
    await owner.tap("Actions (1)")  # the selection is still there to act on
    assert "Selected miners: 1" in owner.last.plain
    assert "💳 Set payment status" in labels(owner.last)

    await owner.tap("Back to the list")
    old = owner.last
    await owner.send("/menu")  # leaving the area ends the selection
    await owner.tap("Actions (1)", message=old)
    assert owner.last_answer()["show_alert"] is True
    assert owner.last_answer()["text"].startswith("⚠️ The selection has changed since that message")
    assert "no miner is selected now" in old.plain and "Selected: 0" in old.plain
    assert "🛠 Actions (1)" not in labels(old) and "🛠 Actions" in labels(old)


async def test_the_miners_list_fits_a_phone_screen(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    rows: list[list[Any]] = [["Serial number", "IP"]]
    rows += [[f"S{n:03d}", f"10.0.1.{n}"] for n in range(1, 26)]
    preview = await import_file(owner, xlsx(rows), "many.xlsx")
    await owner.tap("Apply", message=preview)
    await miners_list(owner)
    await owner.send("S0")  # a search: filters active
    listing = owner.last
    keyboard = listing.reply_markup["inline_keyboard"] if listing.reply_markup else []
    # 🔎 n (2 rows), pager, filters, Clear filters, Actions + Menu: 6 rows (9 before)
    assert [len(row) for row in keyboard] == [5, 5, 2, 3, 1, 2], listing.describe()
    assert labels(listing)[:2] == ["🔎 1", "🔎 2"] and "🔎 n opens a miner's card" in listing.plain
    # the same numbers tick instead, once switched on the Actions screen
    await owner.tap("🛠 Actions")
    await owner.tap("☑️ Tick miners in the list")
    await owner.tap("⬜ 1")
    listing = owner.last
    keyboard = listing.reply_markup["inline_keyboard"] if listing.reply_markup else []
    assert [len(row) for row in keyboard] == [5, 5, 2, 3, 1, 2], listing.describe()
    assert labels(listing)[-2:] == ["🛠 Actions (1)", "🏠 Menu"]
    # the rest is one tap behind Actions
    await owner.tap("Actions (1)")
    actions = labels(owner.last)
    for label in ("👤 Edit client", "💳 Set payment status", "☑️ Select all (25)", "📥 Import"):
        assert label in actions, actions
    assert "📋 Select by list" in actions and "✖️ Clear selection" in actions
    await owner.tap("🔎 Open miners from the list")
    assert labels(owner.last)[0] == "🔎 1"
    # a member who cannot act on miners opens cards but has no ticks and no Actions at all
    nick = await join(fake, owner, "Newbie", 8008, "Nick")
    await nick.tap("Miners")
    assert nick.last.reply_markup is not None
    assert [len(row) for row in nick.last.reply_markup["inline_keyboard"]] == [5, 5, 2, 3, 1]
    await nick.tap("🔎 1")
    assert "S001" in nick.last.plain and "Reboot" not in str(labels(nick.last))


async def test_a_junior_technician_assignee_moves_and_comments_the_task_and_others_are_told(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    june = await join(fake, owner, "Junior technician", 7007, "June")
    sam = await join(fake, owner, "Senior technician", 3003, "Sam")
    june_actor = await bot.app.services.staff.resolve(7007, "June", None, "en")
    sam_actor = await bot.app.services.staff.resolve(3003, "Sam", None, "en")
    assert june_actor is not None and sam_actor is not None
    await owner_files_task(bot, assignee_id=june_actor.staff_id)
    note = await june.wait_for(lambda m: "assigned you task #1" in m.plain)
    await june.tap("Open task", message=note)
    card = june.last
    assert "Status: ⚪️ To do" in card.plain and "(to do)" not in card.plain
    assert labels(card)[:2] == ["🚦 Status", "💬 Comment"]  # not Assignee, Priority, Due date
    await june.tap("Comment")
    await june.send("Fans ordered")
    assert june.last.plain.startswith("💬 Comment added.")
    await june.tap("Status")
    assert labels(june.last)[:3] == ["▶️ ⚪️ To do", "🔵 In progress", "✅ Done"]
    await june.tap("Done")
    assert "Status: ✅ Done" in june.last.plain

    done = await owner.wait_for(lambda m: "it is done" in m.plain)
    assert done.plain == "✅ June moved task #1 Replace fans to “Done”: it is done."
    assert labels(done) == ["Open task"]

    # Anything else stays checked: a forged reassignment by June is refused.
    await june.tap_data(TaskCb(action="asg", id=1, arg=str(sam_actor.staff_id)).pack())
    assert june.last_answer()["text"].startswith("Your role does not allow this")

    await owner.tap("Open task", message=done)
    await owner.tap("Assignee")
    await owner.tap("Sam")
    gone = await june.wait_for(lambda m: "gave task #1" in m.plain)
    assert gone.plain == "🙋 Olga Owner gave task #1 Replace fans to Sam; it is no longer yours."
    await sam.wait_for(lambda m: "assigned you task #1" in m.plain)
    # no longer the assignee: June sees the card without the buttons, and cannot move it
    await june.tap("Open task", message=gone)
    assert "🚦 Status" not in labels(june.last)


async def export_file(user: TelegramUser, fake: FakeBotAPI, labels_: dict[str, str]) -> Any:
    """Clients → Export client data → all clients → this month → Download; the workbook."""
    before = {m.message_id for m in user.messages() if m.document is not None}
    await user.send("/menu")
    await user.tap(labels_["clients"])
    await user.tap(labels_["export"])
    await user.tap(labels_["all"])
    await user.tap(labels_["month"])
    await user.tap(labels_["download"])
    sent: BotMessage = await user.wait_for(
        lambda m: m.document is not None and m.message_id not in before, 15.0
    )
    assert sent.document is not None
    return load_workbook(io.BytesIO(fake.document_bytes(sent.document["file_id"])))


def sheet(book: Any, name: str) -> list[dict[str, Any]]:
    """A sheet's rows as {header: value}."""
    values = list(book[name].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


async def test_an_export_reads_in_words_not_codes_in_both_languages(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await fleet(owner)
    await owner_files_task(bot, priority="high", client_id=1)
    english = await export_file(
        owner,
        fake,
        {
            "clients": "Clients",
            "export": "Export client data",
            "all": "All clients",
            "month": "This month",
            "download": "Download",
        },
    )
    tasks = sheet(english, "Tasks")
    assert [t["Priority"] for t in tasks] == ["High"]
    assert sorted(m["Paid"] for m in sheet(english, "Miners")) == ["paid", "unpaid"]
    logs = sheet(english, "Logs")
    assert {e["Category"] for e in logs} == {"Clients", "Tasks"}
    assert "Client" in {e["Object"] for e in logs}
    assert "Task · #1 Replace fans" in {e["Object"] for e in logs}
    created = next(e for e in logs if e["Action"] == "Client created")
    assert created["Details"] == "Name: Acme; Email: a@acme.com; Manager: Olga Owner"
    task = next(e for e in logs if e["Action"] == "Task created")
    assert "Priority: High" in task["Details"] and "Task manager: Maintenance" in task["Details"]
    imported = next(e for e in logs if e["Action"] == "⛏ Miners imported from a file")
    assert imported["Changes"] == "Miners: 0 → 2"
    assert imported["Details"] == "Miners gained: 2; File: fleet.xlsx"
    for entry in logs:  # no JSON, no internal ids, no codes
        text = f"{entry['Object']} {entry['Changes']} {entry['Details']}"
        assert "{" not in text and '"' not in text and "_" not in text, entry

    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Language")
    await owner.tap("Русский")
    russian = await export_file(
        owner,
        fake,
        {
            "clients": "Клиенты",
            "export": "Выгрузить данные клиентов",
            "all": "Все клиенты",
            "month": "Этот месяц",
            "download": "Скачать",
        },
    )
    assert [t["Приоритет"] for t in sheet(russian, "Задачи")] == ["Высокий"]
    assert sorted(m["Оплачен"] for m in sheet(russian, "Майнеры")) == ["не оплачен", "оплачен"]
    logs = sheet(russian, "Журнал")
    assert {e["Категория"] for e in logs} == {"Клиенты", "Задачи"}
    assert "Задача · #1 Replace fans" in {e["Объект"] for e in logs}
    created = next(e for e in logs if e["Действие"] == "Клиент создан")
    assert created["Подробности"] == "Имя: Acme; Email: a@acme.com; Менеджер: Olga Owner"
    task = next(e for e in logs if e["Действие"] == "Задача создана")
    assert "Приоритет: Высокий" in task["Подробности"]
    imported = next(e for e in logs if e["Действие"] == "⛏ Майнеры импортированы из файла")
    assert imported["Подробности"] == "Майнеров пришло: 2; Файл: fleet.xlsx"


async def test_wording_a_new_user_tripped_over(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    # Editing the phone offers what it says: send a new one, or remove it.
    await add_client(owner, "Acme", "a@acme.com")
    await owner.tap("Edit")
    await owner.tap("Phone")
    assert owner.last.plain == "Send the phone number in international form, e.g. +7 900 123-45-67."
    assert labels(owner.last) == ["✖️ Cancel"]
    await owner.send("+7 900 123-45-67")
    await owner.tap("Apply")
    await owner.tap("Edit")
    await owner.tap("Phone")
    assert "or remove the number" in owner.last.plain and "skip" not in owner.last.plain
    assert labels(owner.last) == ["🗑 Remove", "✖️ Cancel"]

    # One miner is one miner, and a step that changes nothing leads back.
    preview = await import_file(owner, xlsx(FLEET), "fleet.xlsx")
    await owner.tap("Apply", message=preview)
    await select_by_list(owner, "JYZZ0001")
    await owner.tap("Set payment status")
    await owner.tap("🟢 paid")
    assert owner.last.plain == "The selected miner is already 🟢 paid. Nothing to change."
    assert labels(owner.last) == ["⬅️ Back", "🛠 Actions"]
    await owner.tap("Back")
    assert "🔴 unpaid" in labels(owner.last)
    await owner.tap("🔴 unpaid")
    assert labels(owner.last) == ["✅ Confirm", "⬅️ Back", "🛠 Actions"]
    await owner.tap("Actions")
    assert "Selected miners: 1" in owner.last.plain

    # A client added from an import's email is named once, not "email (email)".
    rows: list[list[Any]] = [HEADER, ["10.0.0.9", None, "NEW1", "S19", "gamma@corp.example"]]
    preview = await import_file(owner, xlsx(rows), "gamma.xlsx")
    await owner.tap("Add client gamma@corp.example", message=preview)
    await owner.tap("Apply")
    await owner.tap("Miners")
    await owner.tap("Client")
    await owner.send("gamma@corp.example")
    assert "Client: #2 gamma@corp.example\n" in owner.last.plain
    await owner.send("/menu")
    await owner.tap("Clients")
    assert "#2 gamma@corp.example\n" in owner.last.plain
    assert "gamma@corp.example · gamma@corp.example" not in owner.last.plain

    # Russian: one miner, a few, many.
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Language")
    await owner.tap("Русский")
    await owner.send("/menu")
    await owner.tap("Майнеры")
    await owner.tap("Действия")
    await owner.tap("Выбрать по списку")
    await owner.send("JYZZ0001")
    assert "Найден 1 майнер по 1 идентификатору." in owner.last.plain
    await owner.tap("Сменить клиента")
    await owner.send("a@acme.com")
    assert owner.last.plain == "Выбранный майнер уже у клиента #1 Acme (a@acme.com). Менять нечего."

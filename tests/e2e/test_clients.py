"""The Clients area through the real stack."""

from __future__ import annotations

from handlers.callbacks import ClientCb
from tests.e2e.conftest import RunningBot, add_client, join, labels
from tests.fakebotapi import FakeBotAPI, TelegramUser


async def test_add_find_open_edit_and_see_the_logs(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    assert "No clients yet" in owner.last.plain

    await owner.tap("Add client")
    assert "step 1 of 5" in owner.last.plain
    await owner.send("   ")
    assert "must have 1–128 characters" in owner.last.plain
    await owner.send("Acme <Mining>")
    await owner.send("acme at example")
    assert owner.last.plain.startswith("This is not a valid email address.")
    await owner.send(" Ops@Acme.COM ")
    assert "Choose the manager" in owner.last.plain
    await owner.tap("Back")
    assert "Send the client's email" in owner.last.plain
    await owner.send("ops@acme.com")
    await owner.tap("Me")
    await owner.send("12345")
    assert "not a valid phone number" in owner.last.plain
    await owner.send("+7 900 123-45-67")
    await owner.send("@a")
    assert "A Telegram name is @" in owner.last.plain
    await owner.send("@acme_ops")
    summary = owner.last.plain
    assert "Name: Acme <Mining>" in summary and "Phone: +79001234567" in summary
    await owner.tap("Apply")
    card = owner.last.plain
    assert card.startswith("#1 Acme <Mining>") and "Email: ops@acme.com" in card

    # a second client, and the duplicate email is refused with a way to the existing client
    await owner.tap("Back to the list")
    await owner.tap("Add client")
    await owner.send("Beta Hosting")
    await owner.send("OPS@acme.com")
    assert "already exists: #1 Acme <Mining>" in owner.last.plain
    assert "Open client #1" in labels(owner.last)
    await owner.send("beta@hosting.io")
    await owner.tap("Me")
    await owner.tap("Skip")
    await owner.tap("Skip")
    await owner.tap("Apply")

    # search by typing while in the list
    await owner.tap("Back to the list")
    assert "Clients (2)" in owner.last.plain
    await owner.send("beta")
    assert "Clients (1)" in owner.last.plain and "#2 Beta Hosting" in owner.last.plain
    await owner.send("nothing-like-this")
    assert "Nothing found" in owner.last.plain
    await owner.tap("Clear search")
    await owner.send("ACME")
    await owner.tap("#1 Acme")

    await owner.tap("Edit")
    await owner.tap("Name:")
    await owner.send("Acme Mining Ltd")
    assert "Name: Acme <Mining> → Acme Mining Ltd" in owner.last.plain
    await owner.tap("Apply")
    assert owner.last.plain.startswith("#1 Acme Mining Ltd")
    await owner.tap("Edit")
    await owner.tap("Phone:")
    await owner.tap("Remove")
    await owner.tap("Apply")
    assert "Phone: —" in owner.last.plain

    await owner.tap("View logs")
    logs = owner.last.plain
    assert "Name: Acme <Mining> → Acme Mining Ltd" in logs
    assert "Phone: +79001234567 → —" in logs
    assert logs.index("Phone:") < logs.index("Name: Acme") < logs.index("Client created")
    assert "Olga Owner" in logs


async def test_two_members_editing_at_once_do_not_overwrite_each_other(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "a@acme.com")
    mark = await join(fake, owner, "Manager", 5005, "Mark")
    await mark.tap("Clients")
    await mark.tap("#1 Acme")
    await mark.tap("Edit")
    await mark.tap("Name:")

    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("#1 Acme")
    await owner.tap("Edit")
    await owner.tap("Name:")
    await owner.send("Acme Owner's")
    await owner.tap("Apply")

    await mark.send("Acme Mark's")
    await mark.tap("Apply")
    assert "Someone else changed this client" in mark.last.plain
    assert "Name: Acme Owner's → Acme Mark's" in mark.last.plain
    await mark.tap("Apply")
    assert mark.last.plain.startswith("#1 Acme Mark's")


async def test_a_new_manager_is_told(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    mila = await join(fake, owner, "Manager", 6006, "Mila")
    await add_client(owner, "Gamma", "g@gamma.io")
    await owner.tap("Edit")
    await owner.tap("Manager:")
    await owner.tap("Mila")
    assert "Manager: Olga Owner → Mila" in owner.last.plain
    await owner.tap("Apply")
    note = await mila.wait_for(lambda m: "made you the manager" in m.plain)
    assert note.plain == "Olga Owner made you the manager of client #1 Gamma."
    await mila.tap("Open client", message=note)
    assert mila.last.plain.startswith("#1 Gamma")


async def test_without_clients_add_no_button_and_a_forged_callback_is_refused(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    june = await join(fake, owner, "Junior technician", 7007, "June")
    await june.tap("Clients")
    assert "Add client" not in " ".join(labels(june.last))
    await june.tap_data(ClientCb(action="add").pack())
    assert june.last_answer()["text"].startswith("Your role does not allow this")
    assert "step 1 of 5" not in june.last.plain


async def test_without_clients_view_a_forged_card_is_refused(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Secret Corp", "s@secret.io")
    await owner.send("/menu")
    await owner.tap("Roles")
    await owner.tap("New role")
    await owner.tap("Newbie")
    await owner.send("Guest")
    await owner.tap("✅ View clients")
    guest = await join(fake, owner, "Guest", 8008, "Gus")
    assert "👥 Clients" not in labels(guest.last)
    await guest.tap_data(ClientCb(action="card", id=1).pack())
    answer = guest.last_answer()
    assert "Secret Corp" not in str(answer)
    assert all("Secret Corp" not in m.plain for m in guest.messages())
    assert "not available" in (answer.get("text") or "") or any(
        "not available" in m.plain for m in guest.messages()
    )

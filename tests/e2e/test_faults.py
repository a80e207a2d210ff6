"""Faults, floods and hostile input through the real stack (issue 10): long pages, flood control,
double taps, hostile text in fields, forged callback values."""

from __future__ import annotations

import asyncio
import logging

import pytest

from handlers.callbacks import AssetCb, ClientCb, LogCb, MinerCb
from services.outbox import notify
from storage.models import AuditEntry, Staff
from tests.e2e.conftest import OWNER_ID, RunningBot, add_client, labels, owner_actor
from tests.e2e.test_miners import FLEET, import_file, miners_list
from tests.fakebotapi import FakeBotAPI, TelegramUser
from tests.miner_files import xlsx

ESCAPED = "<&>" * 42  # 126 characters that are 546 in HTML


async def test_a_log_page_longer_in_html_than_telegram_allows_opens_and_pages(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, ESCAPED, "evil@example.com")
    assert bot.app is not None
    clients, actor = bot.app.services.clients, await owner_actor(bot)
    for n in range(12):  # each entry: the name old → new, 80 characters each side
        card = await clients.card(actor, 1)
        await clients.edit(actor, 1, "name", f"{n}{ESCAPED}", expected_version=card.version)

    await owner.send("/menu")
    await owner.tap("Logs")
    page = owner.last
    assert len(page.text or "") > 4096  # the HTML is longer than a message may be …
    assert page.plain.startswith("Logs · All · 14")  # … yet the page is shown
    assert "went wrong" not in page.plain
    assert page.plain.count("Name: ") == 8
    assert "▶️" in labels(page)
    await owner.tap("▶️")
    assert owner.last.plain.count("Name: ") == 5  # 4 changes and the created entry
    assert "Client created" in owner.last.plain


async def test_a_page_over_the_visible_limit_is_cut_between_entries(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "ops@acme.io")
    assert bot.app is not None
    actor = await owner_actor(bot)
    async with bot.app.db.write() as session:
        for _ in range(8):  # entries of about 1,500 characters once parsed (emoji count twice)
            session.add(
                AuditEntry(
                    actor_id=actor.staff_id,
                    category="client",
                    action="client.updated",
                    entity_type="client",
                    entity_id=1,
                    client_id=1,
                    changes={f"f{k}": ["😀" * 79, "<b>" * 26] for k in range(6)},
                )
            )
    await owner.send("/menu")
    await owner.tap("Logs")
    page = owner.last
    assert page.plain.startswith("Logs · All · 10") and "went wrong" not in page.plain
    assert page.plain.endswith("\n…")
    # whole entries only: the last one shown ends with its last change
    assert (
        (page.text or "")
        .removesuffix("\n…")
        .endswith("f5: " + "😀" * 79 + " → " + "&lt;b&gt;" * 26)
    )
    assert page.plain.count("f0: ") == 2
    assert "▶️" in labels(page)
    await owner.tap("▶️")
    assert "Client created" in owner.last.plain


async def test_any_text_as_a_time_zone_is_not_a_time_zone_and_the_common_ones_are_offered(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Time zone")
    for hostile in ["Europe/" + "x" * 300, "a" * 5000, "../../etc/passwd", "Europe/", "<b>"]:
        await owner.send(hostile)
        answer = owner.last
        assert "not a time zone" in answer.plain, answer.plain
        assert "Europe/Moscow" in labels(answer) and "✖️ Cancel" in labels(answer)
    assert not any("went wrong" in m.plain for m in owner.messages())
    await owner.send("  europe/berlin ")
    assert "Time zone: Europe/Berlin" in owner.last.plain
    await owner.tap("Time zone")
    await owner.tap("Asia/Almaty")
    assert "Time zone: Asia/Almaty" in owner.last.plain


INVISIBLE = ["\u200b\u200c\u200d", "\u3164\u3164", "\u2800", "\ufeff \u2060", "\u202e\u200f"]


async def test_names_of_invisible_characters_only_are_refused_and_ends_are_stripped(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("Add client")
    for name in INVISIBLE:
        await owner.send(name)
        assert "use at least one visible letter" in owner.last.plain, owner.last.plain
        assert "name" in owner.last.plain.lower()  # and the question again
    await owner.send("\u200b\u3164 Acme\u200b Mining \u2060")
    await owner.send("ops@acme.io")
    await owner.tap("Me")
    await owner.tap("Skip")
    await owner.tap("Skip")
    await owner.tap("Apply")
    assert owner.last.plain.startswith("#1 Acme\u200b Mining\n"), owner.last.plain

    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("✏️ Name")
    await owner.send("\u3164")
    assert "use at least one visible letter" in owner.last.plain
    assert bot.app is not None
    assert (await bot.app.services.facility.get()).name == "Hosting facility"


async def test_forged_values_in_callback_data_are_outdated_buttons(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser, caplog: pytest.LogCaptureFixture
) -> None:
    await add_client(owner, "Acme", "ops@acme.io")
    card = owner.last
    forged = [
        ClientCb(action="ef", id=1, arg="nosuchfield"),
        ClientCb(action="ef", id=1, arg="version"),
        LogCb(cat="nosuch"),
        MinerCb(action="fss", arg="melting"),
        AssetCb(action="ef", id=1, arg="owner"),
    ]
    caplog.set_level(logging.ERROR)
    for data in forged:
        before = card.text
        await owner.tap_data(data.pack(), message=card)
        assert "button is outdated" in (owner.last_answer() or {}).get("text", ""), data
        assert card.text == before and owner.last is card, data
    assert not [r for r in caplog.records if "translation" in r.getMessage()]


async def test_three_429s_in_a_row_delay_the_reply_but_never_drop_it(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    fake.fail_next("sendMessage", retry_after=1, times=3, chat_id=OWNER_ID)
    await owner.send("/menu")
    assert "Choose an area" in owner.last.plain
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 429, 429, 200]


async def test_a_long_flood_wait_puts_the_answer_into_the_tapped_message(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Clients")
    await owner.tap("Add client")
    await owner.send("Acme")
    await owner.send("ops@acme.io")
    await owner.tap("Me")
    await owner.tap("Skip")
    await owner.tap("Skip")
    confirm = owner.last
    fake.fail_next("sendMessage", retry_after=31, chat_id=OWNER_ID)  # the card is a new message
    await owner.tap("Apply")
    assert owner.last is confirm and confirm.plain.startswith("#1 Acme"), owner.last.plain
    assert "Edit" in " ".join(labels(confirm))
    assert not any("went wrong" in m.plain for m in owner.messages())


async def test_one_chat_under_flood_control_does_not_hold_up_the_others(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    assert bot.app is not None
    fake.fail_next("sendMessage", retry_after=2, times=2, chat_id=OWNER_ID)
    others = [fake.user(7001, "Bea"), fake.user(7002, "Cid")]
    loop = asyncio.get_running_loop()
    async with bot.app.db.write() as session:
        for chat in (OWNER_ID, 7001, 7002):  # the owner's notice first: it is the one refused
            notify(
                session,
                Staff(telegram_id=chat, locale="en", is_active=True),
                "notify-role-changed",
                args={"role": {"t": "role-manager"}},
            )
    queued = loop.time()
    for person in others:
        await person.wait_for(lambda m: m.plain == "Your role is now Manager.", timeout=10)
        assert loop.time() - queued < 1.5  # not behind the owner's chat's 2 × 2 s
    owner = fake.user(OWNER_ID)
    await owner.wait_for(lambda m: m.plain == "Your role is now Manager.", timeout=15)
    assert loop.time() - queued >= 4  # the owner's chat waited as long as Telegram said
    refused = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == OWNER_ID]
    assert [c.status for c in refused] == [429, 429, 200]


async def test_a_second_tap_on_apply_leaves_the_result_on_screen(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "a@acme.com")
    preview = await import_file(owner, xlsx(FLEET), "fleet.xlsx")
    await owner.tap("Apply", message=preview, wait=False)
    await owner.tap("Apply", message=preview)  # a double tap: both reach the bot
    await fake.idle()
    assert "Imported · fleet.xlsx" in preview.plain and "Added: 3" in preview.plain
    answer = owner.last_answer() or {}
    assert answer.get("text") == "✅ This import was applied already."
    assert not answer.get("show_alert")  # a toast
    assert "Miners (3)" in await miners_list(owner)


async def test_a_second_tap_on_a_mass_edits_confirm_leaves_the_result_on_screen(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await add_client(owner, "Acme", "a@acme.com")
    preview = await import_file(owner, xlsx(FLEET), "fleet.xlsx")
    await owner.tap("Apply", message=preview)
    await miners_list(owner)
    await owner.tap("Actions")
    await owner.tap("Select all (3)")
    await owner.tap("Back to the list")
    await owner.tap("Actions (3)")
    await owner.tap("Set payment status")
    await owner.tap("🔴 unpaid")
    confirm = owner.last
    await owner.tap("Confirm", message=confirm, wait=False)
    await owner.tap("Confirm", message=confirm)
    await fake.idle()
    assert "3 miners marked 🔴 unpaid." in confirm.plain, confirm.plain
    answer = owner.last_answer() or {}
    assert answer.get("text") == "✅ Already done." and not answer.get("show_alert")

    # a Confirm of a form left with /menu is still "this step is over", as before
    await owner.tap("Actions (3)", message=confirm)
    await owner.tap("Set payment status")
    await owner.tap("🟢 paid")
    stale = owner.last
    await owner.send("/menu")
    await owner.tap("Confirm", message=stale)
    assert "This step is over" in stale.plain


async def test_a_buttons_alert_refused_by_flood_control_arrives_as_a_message(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    fake.fail_next("answerCallbackQuery", retry_after=5)
    await owner.tap_data(LogCb(cat="nosuch").pack())  # an outdated button: an alert
    assert owner.last.plain == "This button is outdated. Open the menu again with /menu."

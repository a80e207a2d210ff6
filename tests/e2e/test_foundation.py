"""The foundation through the real stack: HTTP to a fake Bot API, real database, real routers."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers.callbacks import SettingsCb, StaffCb
from storage.models import AuditEntry
from tests.e2e.conftest import RunningBot, invite, join, labels
from tests.fakebotapi import FakeBotAPI, TelegramUser


async def test_owner_start_shows_the_menu_and_commands_are_set_per_language(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/start")
    menu = owner.last
    assert "Hosting facility" in menu.plain and "Olga Owner · Owner" in menu.plain
    assert labels(menu) == [
        "👥 Clients",
        "⛏ Miners",
        "📋 Tasks",
        "🧾 Billing",
        "📤 Exports",
        "🧑‍🔧 Staff",
        "🛡 Roles",
        "📜 Logs",
        "🚨 Alerts",
        "⚙️ Settings",
    ]
    english = fake.commands[(json.dumps({"type": "default"}, sort_keys=True), "")]
    russian = fake.commands[(json.dumps({"type": "default"}, sort_keys=True), "ru")]
    assert [c["command"] for c in english] == ["menu", "cancel"]
    assert russian[0]["description"] == "Главное меню"


async def test_a_stranger_is_refused_politely_sees_nothing_and_is_logged(
    bot: RunningBot, fake: FakeBotAPI
) -> None:
    stranger = fake.user(666, "Eve", username="eve", language_code="ru")
    await stranger.send("/start")
    assert stranger.last.plain.startswith("Извините, этот бот работает только для сотрудников")
    assert stranger.last.reply_markup is None
    await stranger.tap_data(StaffCb(action="list").pack())
    answer = stranger.last_answer()
    assert answer is not None and answer["show_alert"] in (True, "true")
    assert len(stranger.messages()) == 1
    async with bot.app.db.read() as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "access.refused")
        )
    assert entry is not None and entry.entity_id == 666


async def test_invite_flow_second_member_sees_only_what_the_role_allows(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    token = await invite(owner, "Junior technician")
    assert "https://t.me/farmdesk_test_bot?start=" in owner.last.plain

    ivan = fake.user(2002, "Ivan", username="ivan", language_code="en")
    await ivan.send(f"/start {token}")
    assert "Welcome! You joined as Junior technician." in [m.plain for m in ivan.messages()]
    assert labels(ivan.last) == ["👥 Clients", "⛏ Miners", "📋 Tasks", "🚨 Alerts", "⚙️ Settings"]

    note = await owner.wait_for(lambda m: "accepted your invite" in m.plain)
    assert note.plain == "Ivan accepted your invite and joined as Junior technician."
    assert labels(note) == ["Open member"]

    # the link works once
    petr = fake.user(2003, "Petr")
    await petr.send(f"/start {token}")
    assert "already used" in petr.last.plain
    await petr.send("/menu")
    assert petr.last.plain.startswith("Sorry, this bot serves the staff")

    # a forged button of an area the role does not have is refused by the service
    await ivan.tap_data(StaffCb(action="list").pack())
    assert (
        ivan.last_answer()["text"]
        == "Your role does not allow this. Ask an administrator if you need it."
    )


async def test_role_change_and_deactivation_take_effect_at_once(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    token = await invite(owner, "Newbie")
    nina = fake.user(3003, "Nina")
    await nina.send(f"/start {token}")
    assert "🧑‍🔧 Staff" not in labels(nina.last)
    await owner.wait_for(lambda m: "Nina accepted your invite" in m.plain)

    await owner.send("/menu")
    await owner.tap("Staff")
    await owner.tap("Nina")
    await owner.tap("Change role")
    await owner.tap("Administrator")
    assert "Role: Administrator" in owner.last.plain
    await nina.wait_for(lambda m: m.plain == "Your role is now Administrator.")
    await nina.send("/menu")
    assert "🧑‍🔧 Staff" in labels(nina.last)

    await owner.tap("Deactivate")
    assert "Status: deactivated" in owner.last.plain
    await nina.send("/menu")
    assert nina.last.plain.startswith("Sorry, this bot serves the staff")


async def test_a_half_filled_form_survives_a_restart(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Name")
    assert owner.last.plain.startswith("Send the facility's name")
    await bot.restart()
    await owner.send("North   Farm")
    assert owner.messages()[-2].plain == "Saved."
    assert "Name: North Farm" in owner.last.plain


async def test_wrong_answers_are_explained_and_asked_again(
    bot: RunningBot, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Time zone")
    await owner.send("Moon/Base")
    assert owner.last.plain.startswith("This is not a time zone name.")
    await owner.send("Asia/Almaty")
    assert "Time zone: Asia/Almaty" in owner.last.plain
    await owner.tap("Currency")
    await owner.send("dollars")
    assert "3–5 Latin letters" in owner.last.plain
    await owner.send("/cancel")
    assert "Cancelled. Nothing was saved." in [m.plain for m in owner.messages()]


async def test_language_switch(bot: RunningBot, owner: TelegramUser) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Language")
    await owner.tap("Русский")
    assert owner.last.plain.startswith("Настройки")
    await owner.send("/menu")
    assert labels(owner.last) == [
        "👥 Клиенты",
        "⛏ Майнеры",
        "📋 Задачи",
        "🧾 Счета",
        "📤 Выгрузки",
        "🧑‍🔧 Сотрудники",
        "🛡 Роли",
        "📜 Журнал",
        "🚨 Оповещения",
        "⚙️ Настройки",
    ]


async def test_flood_control_429_is_retried(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    fake.fail_next("sendMessage", error_code=429, retry_after=1)
    await owner.send("/menu")
    assert "Choose an area" in owner.last.plain
    statuses = [c.status for c in fake.calls_of("sendMessage")]
    assert statuses[-2:] == [429, 200]


async def test_a_button_answer_is_not_retried_and_not_modified_is_no_error(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    settings_screen = owner.last
    fake.fail_next("answerCallbackQuery", error_code=429, retry_after=1)
    await owner.tap_data(SettingsCb(action="show").pack(), message=settings_screen)  # same screen
    assert len(fake.calls_of("answerCallbackQuery")) >= 2
    assert [c.status for c in fake.calls_of("answerCallbackQuery")][-1] == 429
    assert not any("went wrong" in m.plain for m in owner.messages())


async def test_custom_role_made_from_a_template(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await owner.send("/menu")
    await owner.tap("Roles")
    await owner.tap("New role")
    await owner.tap("Manager")
    await owner.send("x")
    assert "2–32 letters" in owner.last.plain
    await owner.send("Night shift")
    assert "Role <b>Night shift</b> created" in (owner.messages()[-2].text or "")
    await owner.tap("✅ Add clients")
    assert "▫️ Add clients" in labels(owner.last)

    token = await invite(owner, "Night shift")
    worker = fake.user(4004, "Nick")
    await worker.send(f"/start {token}")
    assert "Night shift" in worker.messages()[0].plain


async def test_clients_area_explains_what_to_check(bot: RunningBot, owner: TelegramUser) -> None:
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Plan")
    await owner.tap("Basic")
    await owner.tap("Turn client management off")
    await owner.send("/menu")
    await owner.tap("Clients")
    text = owner.last.plain
    assert text.startswith("The Clients area is not available.")
    assert "plan is Basic" in text and "Client management is off" in text


async def test_the_logs_area_shows_who_changed_what(
    bot: RunningBot, fake: FakeBotAPI, owner: TelegramUser
) -> None:
    await join(fake, owner, "Newbie", 9009, "Nina")
    await owner.send("/menu")
    await owner.tap("Staff")
    await owner.tap("Nina")
    await owner.tap("Change role")
    await owner.tap("Accountant")
    await owner.send("/menu")
    await owner.tap("Settings")
    await owner.tap("Plan")
    await owner.tap("Scale")
    await owner.send("/menu")
    await owner.tap("Logs")
    text = owner.last.plain
    assert text.startswith("Logs · All")
    assert "Role changed · Nina\nRole: Newbie → Accountant" in text
    assert "Facility settings changed\nPlan: Core → Scale" in text
    assert "Olga Owner" in text
    await owner.tap("Security")
    assert "Nothing has been logged here yet." in owner.last.plain
    stranger = fake.user(31337, "Mallory")
    await stranger.send("hello")
    await owner.tap("Security")
    assert "A stranger was refused · Mallory" in owner.last.plain


async def test_a_job_running_at_stop_ends_before_the_database_closes(
    bot: RunningBot, owner: TelegramUser, caplog: pytest.LogCaptureFixture
) -> None:
    """A scheduled job caught mid-transaction by SIGTERM is given its grace, then cancelled, and
    has rolled back before the database is closed (it used to unwind afterwards, on a closed
    engine, or be cancelled in mid-rollback)."""
    app = bot.app
    app.jobs.grace = 1.0
    inside, ended = asyncio.Event(), asyncio.Event()

    async def long_job() -> None:
        try:
            async with app.db.write() as session:
                session.add(AuditEntry(category="general", action="job.half_done"))
                await session.flush()
                inside.set()
                await asyncio.sleep(30)
        finally:
            ended.set()

    finished: list[str] = []

    async def short_job() -> None:  # ends within the grace: it is not cut off
        await inside.wait()
        await asyncio.sleep(0.3)
        finished.append("short")

    app.scheduler.add_job(long_job, id="long-job", next_run_time=datetime.now(UTC))
    app.scheduler.add_job(short_job, id="short-job", next_run_time=datetime.now(UTC))
    await asyncio.wait_for(inside.wait(), 5)
    closing = app.close
    seen_at_close: list[bool] = []

    async def close() -> None:
        seen_at_close.append(ended.is_set())
        await closing()

    app.close = close  # type: ignore[method-assign]
    await bot.stop()
    assert seen_at_close == [True]
    assert finished == ["short"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    await bot.start()
    async with bot.app.db.read() as session:
        half = await session.scalar(select(AuditEntry).where(AuditEntry.action == "job.half_done"))
    assert half is None  # rolled back

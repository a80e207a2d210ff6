"""Merging, archiving, restoring and deleting clients through the services, on a real database
(SQLite here; tests/backends re-runs them on PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from locales import Translations
from services.actor import Actor
from services.clients.merge import Holdings
from services.clients.service import ClientQuery
from services.container import Services
from services.errors import Conflict, PermissionDenied
from services.exports.service import ExportService
from services.miners.service import Selection
from services.tasks.service import TaskDraft
from services.watchers.service import LinkNotValid
from storage.models import (
    Alert,
    AlertSubscription,
    Asset,
    AuditEntry,
    Bill,
    BillingRun,
    Client,
    ClientAlias,
    ConsumptionDaily,
    ExportJob,
    Miner,
    MinerClientChange,
    Task,
    WatcherLink,
)
from storage.repositories import clients as clients_repo
from tests import bills_data as data
from tests.conftest import Clock, join
from tests.miner_files import csv_bytes
from tests.test_bills_service import october, services_query
from tests.test_exports_service import built, exports, sheet_rows

__all__ = ["exports", "october"]  # fixtures of the bills' and exports' tests, here too


async def _client(services: Services, owner: Actor, name: str, email: str) -> int:
    card = await services.clients.add(owner, name=name, email=email, manager_id=owner.staff_id)
    return card.id


async def _miners(services: Services, client_id: int, *serials: str) -> list[int]:
    async with services.db.write() as session:
        miners = [Miner(serial=s, client_id=client_id, status="active") for s in serials]
        session.add_all(miners)
        await session.flush()
        return [m.id for m in miners]


async def _task(services: Services, owner: Actor, client_id: int, summary: str) -> int:
    board = next(m for m in await services.task_managers.list(owner) if m.is_builtin)
    draft = TaskDraft(
        manager_id=board.id, type_id=board.types[0].id, summary=summary, client_id=client_id
    )
    card = await services.tasks.create(owner, draft)
    return card.id


async def test_a_merge_moves_everything_in_one_go_and_archives_the_source(
    services: Services, owner: Actor, clock: Clock
) -> None:
    a = await _client(services, owner, "Acme billing", "billing@acme.com")
    b = await _client(services, owner, "Acme", "ops@acme.com")
    await _miners(services, a, "A-1", "A-2")
    await _miners(services, b, "B-1")
    task = await _task(services, owner, a, "Replace fans")
    await services.assets.add(owner, a, name="Container 7", type="container")
    await services.bills.set_rate(owner, a, "price_kwh", "0.07", date(2026, 11, 1))

    preview = await services.client_merge.preview(owner, a, b)
    assert preview.moves == Holdings(miners=2, tasks=1, assets=1, bills=0, payments=0)
    assert preview.aliases == ["billing@acme.com"]
    assert [(r.name, r.today) for r in preview.own_rates] == [("price_kwh", 70_000)]

    clock.advance(minutes=5)
    result = await services.client_merge.merge(owner, a, b, expected=preview.moves)
    assert result.moved == preview.moves  # what the confirmation said is what moved

    async with services.db.read() as session:
        source = await session.get(Client, a)
        assert source is not None
        assert source.archived_at == clock.now and source.merged_into_id == b
        miners = (await session.execute(select(Miner.serial, Miner.client_id))).all()
        assert sorted(miners) == [("A-1", b), ("A-2", b), ("B-1", b)]
        moves = (await session.scalars(select(MinerClientChange))).all()
        assert {(m.old_client_id, m.new_client_id, m.source, m.at) for m in moves} == {
            (a, b, "merge", clock.now)
        }
        assert len(moves) == 2
        assert (await session.get(Task, task)).client_id == b  # type: ignore[union-attr]
        assert await session.scalar(select(Asset.client_id)) == b
        alias = await session.scalar(select(ClientAlias))
        assert (alias.email, alias.client_id, alias.merged_from_id) == ("billing@acme.com", b, a)  # type: ignore[union-attr]
        merged = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action.in_(("client.merged_into", "client.merged"))
                )
            )
        ).all()
    by_client = {e.client_id: e for e in merged}
    assert by_client[a].changes == {
        "miners": [2, 0],
        "client_tasks": [1, 0],
        "client_assets": [1, 0],
    }
    assert by_client[b].changes == {
        "miners": [1, 3],
        "client_tasks": [0, 1],
        "client_assets": [0, 1],
    }
    assert by_client[b].details == {"name": f"#{a} Acme billing", "alias": "billing@acme.com"}

    # gone from the overview, the search and every picker; in the Archived list
    assert [c.id for c in (await services.clients.overview(owner)).items] == [b]
    assert (await services.clients.overview(owner, ClientQuery(search="billing"))).total == 0
    archived = await services.clients.overview(owner, ClientQuery(archived=True))
    assert [(c.id, c.merged_into_id) for c in archived.items] == [(a, b)]
    assert [i for i, _ in (await services.tasks.pick_clients(owner, "acme")).items] == [b]
    assert [c.id for c in await services.miners.find_clients(owner, "acme")] == [b]
    assert [c.id for c in await services.miners.find_clients(owner, "billing@acme.com")] == [b]
    assert (await services.clients.find_by_email(owner, "billing@acme.com")).id == b  # type: ignore[union-attr]
    choices = (await services.exports.choices(owner, "acme")).items  # exports still can
    assert {(c.id, c.archived) for c in choices} == {(a, True), (b, False)}

    # A's history reads from B's logs, named; A's own log has the merge too
    logs = (await services.clients.logs(owner, b, per_page=50)).items
    actions = [e.action for e in logs]
    assert actions[0] == "client.merged" and "client.merged_into" in actions
    assert "asset.created" in actions and actions.count("client.created") == 2
    a_created = next(e for e in logs if e.action == "client.created" and e.entity_id == a)
    assert a_created.details["name"] == "Acme billing"
    assert (await services.clients.logs(owner, a)).items[0].action == "client.merged_into"

    # an archived client cannot be edited, merged again, given a task or an asset
    with pytest.raises(Conflict) as merged_edit:
        await services.clients.start_edit(owner, a)
    assert merged_edit.value.reason == "client-merged" and merged_edit.value.details["into"] == b
    with pytest.raises(Conflict):
        await services.clients.edit(owner, a, "name", "X", expected_version=1)
    with pytest.raises(Conflict):
        await services.client_merge.merge(owner, a, b)
    with pytest.raises(Conflict):
        await _task(services, owner, a, "Late task")
    with pytest.raises(Conflict):
        await services.assets.add(owner, a, name="PDU", type="pdu")
    with pytest.raises(Conflict) as restore:
        await services.client_archive.restore(owner, a)
    assert restore.value.reason == "client-merged"


async def test_a_merge_moves_the_alerts_and_their_followers(
    services: Services, owner: Actor, clock: Clock
) -> None:
    a = await _client(services, owner, "Acme billing", "billing@acme.com")
    b = await _client(services, owner, "Acme", "ops@acme.com")
    tech = await join(services, owner, "manager", 5001, "Tom Tech")
    await services.alerts.follow(owner, a, True)
    await services.alerts.follow(owner, b, True)  # follows both: once on B afterwards
    await services.alerts.follow(tech, a, True)
    async with services.db.write() as session:
        session.add(Alert(kind="offline", client_id=a, opened_at=clock.now, changed_at=clock.now))

    preview = await services.client_merge.preview(owner, a, b)
    assert (preview.moves.alerts, preview.moves.followers) == (1, 1)
    result = await services.client_merge.merge(owner, a, b, expected=preview.moves)
    assert result.moved == preview.moves

    async with services.db.read() as session:
        assert list(await session.scalars(select(Alert.client_id))) == [b]
        follows = await session.execute(
            select(AlertSubscription.client_id, AlertSubscription.staff_id)
        )
        assert sorted(follows.all()) == sorted([(b, owner.staff_id), (b, tech.staff_id)])
        logged = await session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "client.merged", AuditEntry.client_id == b
            )
        )
    assert logged is not None and logged.changes is not None
    assert logged.changes["client_followers"] == [1, 2]
    assert logged.changes["client_alerts"] == [0, 1]
    assert await services.alerts.following(tech, b)


async def test_merges_that_are_refused_say_why_and_change_nothing(
    services: Services, owner: Actor, clock: Clock
) -> None:
    a = await _client(services, owner, "A", "a@x.io")
    b = await _client(services, owner, "B", "b@x.io")
    c = await _client(services, owner, "C", "c@x.io")
    await _miners(services, a, "A-1")

    async def reason(source: int, target: int, **kw: object) -> str:
        with pytest.raises(Conflict) as refused:
            await services.client_merge.merge(owner, source, target, **kw)  # type: ignore[arg-type]
        return refused.value.reason

    assert await reason(a, a) == "merge-self"
    await services.client_archive.archive(owner, c)
    assert await reason(a, c) == "merge-into-archived"
    assert await reason(c, a) == "client-archived"

    # an export naming either (or every client) in progress, then finished
    job = await services.exports.request(owner, clients=[b], kinds=["miners"], preset="this_month")
    assert await reason(a, b) == "merge-export"
    async with services.db.write() as session:
        (await session.get(ExportJob, job.id)).status = "running"  # type: ignore[union-attr]
    assert await reason(b, a) == "merge-export"
    async with services.db.write() as session:
        (await session.get(ExportJob, job.id)).status = "done"  # type: ignore[union-attr]
    every = await services.exports.request(
        owner, clients=None, kinds=["miners"], preset="this_month"
    )
    assert await reason(a, b) == "merge-export"
    async with services.db.write() as session:
        (await session.get(ExportJob, every.id)).status = "failed"  # type: ignore[union-attr]

    # a bill run that started and has not finished
    async with services.db.write() as session:
        session.add(BillingRun(period="2026-10", started_at=clock.now, bills=0))
    assert await reason(a, b) == "merge-bill-run"
    async with services.db.write() as session:
        (await session.get(BillingRun, "2026-10")).finished_at = clock.now  # type: ignore[union-attr]

    # the confirmation's counts are checked: a miner added since, and the merge asks again
    preview = await services.client_merge.preview(owner, a, b)
    await _miners(services, a, "A-2")
    assert await reason(a, b, expected=preview.moves) == "merge-changed"
    # only members who edit clients
    newbie = await join(services, owner, "senior_technician", 3003, "Sam")
    with pytest.raises(PermissionDenied):
        await services.client_merge.preview(newbie, a, b)
    with pytest.raises(PermissionDenied):
        await services.client_merge.merge(newbie, a, b)
    with pytest.raises(PermissionDenied):
        await services.client_archive.archive(newbie, b)

    async with services.db.read() as session:
        assert await session.scalar(select(func.count(Miner.id)).where(Miner.client_id == a)) == 2
        assert await session.scalar(select(func.count(ClientAlias.id))) == 0
    result = await services.client_merge.merge(owner, a, b, expected=Holdings(miners=2))
    assert result.moved.miners == 2


async def test_the_merged_email_is_an_alias_for_imports_and_mass_edits(
    services: Services, owner: Actor
) -> None:
    a = await _client(services, owner, "Billing", "billing@acme.com")
    b = await _client(services, owner, "Ops", "ops@acme.com")
    gone = await _client(services, owner, "Gone", "gone@old.io")
    await services.client_archive.archive(owner, gone)
    await services.client_merge.merge(owner, a, b)

    rows = [
        ["Serial", "IP", "Client email"],
        ["SN-1", "10.0.0.1", "Billing@Acme.com"],
        ["SN-2", "10.0.0.2", "gone@old.io"],
        ["SN-3", "10.0.0.3", "new@client.io"],
    ]
    preview = await services.imports.read(owner, csv_bytes(rows), "fleet.csv")
    assert preview.unknown_emails == [("new@client.io", 1)]  # no "add client" for the alias
    assert [(r.reason, r.value) for r in preview.first_rejects] == [
        ("client-archived", "gone@old.io")
    ]
    result = await services.imports.apply(owner, preview.id)
    assert (result.new, result.rejected_rows) == (2, 1)
    async with services.db.read() as session:
        placed = dict((await session.execute(select(Miner.serial, Miner.client_id))).all())
    assert placed == {"SN-1": b, "SN-3": None}

    # the Miners area's "edit client" by email
    target = await services.miners.target_client(owner, "billing@acme.com")
    assert target is not None and target.id == b
    with pytest.raises(Conflict) as archived:
        await services.miners.target_client(owner, "gone@old.io")
    assert archived.value.reason == "client-archived"
    with pytest.raises(Conflict):
        await services.miners.set_client(owner, Selection(ids=frozenset({1})), gone)
    with pytest.raises(Conflict):  # "add client" for the alias adds nothing
        await services.miners.add_client(owner, "gone@old.io")
    assert (await services.miners.add_client(owner, "billing@acme.com")).id == b

    # no client may take the alias (or an archived client's email) as its own
    with pytest.raises(Conflict) as alias:
        await services.clients.add(
            owner, name="Again", email="billing@acme.com", manager_id=owner.staff_id
        )
    assert (alias.value.reason, alias.value.details["client_id"]) == ("email-alias", b)
    with pytest.raises(Conflict) as taken:
        await services.clients.check_field(owner, "email", "gone@old.io")
    assert taken.value.reason == "email-taken-archived"
    other = await _client(services, owner, "Other", "other@x.io")
    card = await services.clients.card(owner, other)
    with pytest.raises(Conflict) as edit:
        await services.clients.edit(
            owner, other, "email", "billing@acme.com", expected_version=card.version
        )
    assert edit.value.reason == "email-alias"

    # merged again: the alias follows to the new survivor, with B's own email
    await services.client_merge.merge(owner, b, other)
    async with services.db.read() as session:
        aliases = dict(
            (await session.execute(select(ClientAlias.email, ClientAlias.client_id))).all()
        )
        assert await clients_repo.merged_into(session, other) == sorted([a, b])
        assert await clients_repo.survivors(session, [a, b, other]) == {
            a: other,
            b: other,
            other: other,
        }
    assert aliases == {"billing@acme.com": other, "ops@acme.com": other}


async def test_archive_needs_no_miners_and_no_unpaid_bills_then_restore(
    services: Services, owner: Actor, clock: Clock, october: tuple[int, int, int]
) -> None:
    a, b, _ = october
    check = await services.client_archive.check(owner, a)
    assert check.miners == 2 and not check.allowed and not check.deletable
    with pytest.raises(Conflict) as blocked:
        await services.client_archive.archive(owner, a)
    assert blocked.value.reason == "archive-blocked"

    await services.miners.set_client(
        owner, Selection(ids=frozenset(await data.miner_ids(services.db))), b
    )
    await services.billing.due()  # October is billed: A owes its bill
    check = await services.client_archive.check(owner, a)
    assert check.miners == 0 and [u.period for u in check.unpaid] == ["2026-10"]
    assert check.unpaid[0].owed == data.A_TOTAL
    with pytest.raises(Conflict):
        await services.client_archive.archive(owner, a)

    bill = check.unpaid[0].id
    await services.bills.add_payment(
        owner, bill, amount="302.04", paid_on=date(2026, 11, 2), method="bank_transfer"
    )
    assert (await services.client_archive.check(owner, a)).allowed
    await services.client_archive.archive(owner, a)
    assert a not in [c.id for c in (await services.clients.overview(owner)).items]
    assert [
        c.id for c in (await services.clients.overview(owner, ClientQuery(archived=True))).items
    ] == [a]
    # its bills and data stay; an export may still name it
    assert (await services.bills.browse(owner, services_query(client_id=a))).page.total == 1
    await services.exports.request(owner, clients=[a], kinds=["billing"], preset="this_month")

    clock.advance(minutes=1)
    await services.client_archive.restore(owner, a)
    assert a in [c.id for c in (await services.clients.overview(owner)).items]
    logs = [e.action for e in (await services.clients.logs(owner, a, per_page=50)).items]
    assert logs.index("client.restored") < logs.index("client.archived")  # newest first
    with pytest.raises(Conflict):
        await services.client_archive.restore(owner, a)


async def test_only_a_client_with_nothing_but_its_creation_is_deleted(
    services: Services, owner: Actor
) -> None:
    typo = await _client(services, owner, "Acme typo", "acme@typo.io")
    kept = await _client(services, owner, "Kept", "kept@x.io")
    card = await services.clients.card(owner, kept)
    await services.clients.edit(owner, kept, "name", "Kept Ltd", expected_version=card.version)

    assert (await services.client_archive.check(owner, typo)).deletable
    assert not (await services.client_archive.check(owner, kept)).deletable
    with pytest.raises(Conflict) as history:
        await services.client_archive.delete(owner, kept)
    assert history.value.reason == "client-has-history"

    assert await services.client_archive.delete(owner, typo) == "Acme typo"
    async with services.db.read() as session:
        assert await session.get(Client, typo) is None
        entries = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.category, AuditEntry.client_id).where(
                    AuditEntry.entity_id == typo, AuditEntry.entity_type == "client"
                )
            )
        ).all()
    assert sorted(entries) == [
        ("client.created", "client", None),
        ("client.deleted", "general", None),
    ]


async def test_the_bills_add_up_for_both_clients_past_and_merge_months(
    services: Services, owner: Actor, clock: Clock, october: tuple[int, int, int]
) -> None:
    """October is billed before the merge; A merges into B on November 2nd at 12:00; November
    is billed after. Each bill keeps counting the usage of the client it was made for."""
    a, b, _ = october
    await services.billing.due()
    october_bills = (await services.bills.browse(owner, services_query(period="2026-10"))).page
    by_client = {s.client_id: s for s in october_bills.items}
    assert set(by_client) == {a, b}

    clock.now = data.local(date(2026, 11, 2), 12)
    await services.client_merge.merge(owner, a, b)
    moved = (await services.bills.browse(owner, services_query(client_id=b))).page
    assert {s.id for s in moved.items} == {by_client[a].id, by_client[b].id}  # both B's now

    # the evidence of each October bill still adds up to its energy
    translations = Translations()
    for client, expected in (
        (a, data.A_MEASURED_1 + data.A_MEASURED_2 + data.A_NOMINAL),
        (b, data.B_NOMINAL),
    ):
        card = await services.bills.card(owner, by_client[client].id)
        assert card.summary.client_id == b and card.energy_wh == expected
        docs = await services.bills.documents(owner, card.id, translations.get)
        rows = list(load_workbook(io.BytesIO(docs.xlsx), read_only=True).worksheets[0].values)
        assert rows[-1][5] == expected / 1000

    # November: no telemetry, so each miner's nominal power for the hours each client held it
    clock.now = data.local(date(2026, 11, 20), 12)  # B's card: both of its November bills so far
    estimate = await services.bills.estimate(owner, b)
    assert estimate is not None and estimate.energy_wh == (3250 * 2 + 3000) * (19 * 24 + 12)
    clock.now = data.local(date(2026, 12, 1), 7)
    result = await services.billing.due()
    assert (result.period, result.bills) == ("2026-11", 2)
    async with services.db.read() as session:
        november = (await session.scalars(select(Bill).where(Bill.period == "2026-11"))).all()
    usage = {bill.usage_client_id: bill for bill in november}
    assert {bill.client_id for bill in november} == {b}
    a_hours = 36  # November 1st 00:00 to the merge on the 2nd at 12:00
    assert usage[a].energy_wh == (3250 + 3250) * a_hours
    assert usage[b].energy_wh == 3000 * 30 * 24 + (3250 + 3250) * (30 * 24 - a_hours)
    assert usage[a].energy_wh + usage[b].energy_wh == (3250 * 2 + 3000) * 30 * 24
    assert (await services.billing.due()).bills == 0  # billed once


async def test_an_export_of_the_survivor_holds_the_merged_clients_history(
    services: Services, owner: Actor, exports: ExportService
) -> None:
    a = await _client(services, owner, "Billing", "billing@acme.com")
    b = await _client(services, owner, "Ops", "ops@acme.com")
    async with services.db.write() as session:
        session.add(ConsumptionDaily(client_id=a, day=date(2026, 11, 1), energy_wh=5_000))
    await services.client_merge.merge(owner, a, b)

    job = await exports.request(
        owner, clients=[b], kinds=["consumption", "logs"], preset="this_month"
    )
    view = await built(exports, job.id)
    assert [r[:2] for r in sheet_rows(exports, view, "Consumption")] == [(a, "Billing")]
    logged = {(r[1], r[5]) for r in sheet_rows(exports, view, "Logs")}
    assert {(a, "Client created"), (a, "Merged into another client")} <= logged
    assert (b, "Another client merged into this one") in logged


async def test_the_merged_clients_watcher_link_ends_the_others_is_kept_archive_ends_it(
    services: Services, owner: Actor
) -> None:
    a = await _client(services, owner, "Billing", "billing@acme.com")
    b = await _client(services, owner, "Ops", "ops@acme.com")
    c = await _client(services, owner, "Left", "left@gone.io")
    link_a = await services.watchers.create(owner, a, "en", None)
    link_b = await services.watchers.create(owner, b, "ru", 30)
    link_c = await services.watchers.create(owner, c, "en", None)
    await services.watchers.open_in_chat(link_a.token, 5001, "Vera", None)

    preview = await services.client_merge.preview(owner, a, b)
    assert (preview.source_link, preview.target_link) == (True, True)
    result = await services.client_merge.merge(owner, a, b)
    assert result.link_revoked
    with pytest.raises(LinkNotValid):  # at once, for the chat that had opened it too
        await services.watchers.open_in_chat(link_a.token, 5001, "Vera", None)
    assert (await services.watchers.open_in_chat(link_b.token, 5002, "Ivan", None)).client_id == b
    with pytest.raises(Conflict) as again:
        await services.watchers.create(owner, a, "en", None)
    assert again.value.reason == "client-merged"

    await services.client_archive.archive(owner, c)
    with pytest.raises(LinkNotValid):
        await services.watchers.open_in_chat(link_c.token, 5003, "Olaf", None)
    async with services.db.read() as session:
        ended = dict(
            (await session.execute(select(WatcherLink.client_id, WatcherLink.ended))).all()
        )
        revoked = (
            await session.execute(
                select(AuditEntry.client_id, AuditEntry.details).where(
                    AuditEntry.action == "watcher.revoked"
                )
            )
        ).all()
    assert ended == {a: "merged", b: None, c: "archived"}
    assert sorted((i, d["reason"]) for i, d in revoked) == [(a, "merged"), (c, "archived")]
    await services.client_archive.restore(owner, c)  # a restored client gets a new link if wanted
    assert (await services.watchers.create(owner, c, "en", None)).token != link_c.token

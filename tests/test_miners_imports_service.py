"""Importing miners through the service, against a real database and real files on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from services.container import Services
from services.errors import AreaClosed, NotFound, PermissionDenied
from services.miners import imports as imports_module
from services.miners.template import HELP_COLUMNS
from storage.models import AuditEntry, Client, Miner
from storage.repositories import miners as miners_repo
from tests.conftest import Clock, join
from tests.miner_files import xlsx

HEAD = ["Serial number", "MAC", "IP", "Model", "Client email", "Paid", "Status"]


def use_tmp(services: Services, tmp_path: Path) -> None:
    """Keep this test's imports in its own folder (the service is built with data/)."""
    services.imports.store.directory = tmp_path / "imports"


async def client(services: Services, owner, name: str, email: str) -> int:
    added = await services.clients.add(owner, name=name, email=email, manager_id=owner.staff_id)
    return added.id


async def miners(db) -> dict[str, tuple]:
    async with db.read() as session:
        rows = await session.execute(
            select(Miner.serial, Miner.model, Miner.client_id, Miner.paid, Miner.status)
        )
        return {r[0]: tuple(r[1:]) for r in rows}


async def audit(db, action: str) -> list[AuditEntry]:
    async with db.read() as session:
        rows = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return list(rows.all())


async def test_preview_then_apply_writes_all_rows_and_logs_the_import(
    services: Services, owner, db, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    acme = await client(services, owner, "Acme", "a@acme.com")
    data = xlsx(
        [
            HEAD,
            ["S1", "aa:bb:cc:00:00:01", "10.0.0.1", "S19", "A@acme.com", "yes", "active"],
            ["S2", None, "10.0.0.2", "S19", "a@acme.com", "no", None],
            ["S3", None, "10.0.0.3", "S21", "new@owner.io", None, "offline"],
            ["S4", None, "10.0.0.999", "S21", None, None, None],
        ]
    )
    preview = await services.imports.read(owner, data, "miners.xlsx")
    assert (preview.new, preview.updated, preview.unchanged, preview.rejected_rows) == (3, 0, 0, 1)
    assert preview.unknown_emails == [("new@owner.io", 1)] and preview.without_client == 1
    assert preview.can_add_clients and preview.can_apply
    assert [(r.row, r.reason) for r in preview.first_rejects] == [(5, "ip")]
    assert await miners(db) == {}  # nothing is written before Apply

    result = await services.imports.apply(owner, preview.id)
    assert (result.new, result.updated, result.rejected_rows, result.without_client) == (3, 0, 1, 1)
    assert await miners(db) == {
        "S1": ("S19", acme, True, "active"),
        "S2": ("S19", acme, False, "unknown"),
        "S3": ("S21", None, True, "offline"),
    }
    entries = await audit(db, "miners.imported")
    general = [e for e in entries if e.category == "general"]
    per_client = [e for e in entries if e.category == "client"]
    assert len(general) == 1 and general[0].details == {
        "file": "miners.xlsx",
        "rows": 4,
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "without_client": 1,
        "moved": 0,
        "clients": 1,
    }
    assert [(e.client_id, e.changes, (e.details or {})["gained"]) for e in per_client] == [
        (acme, {"miners": [0, 2]}, 2)
    ]
    logs = await services.clients.logs(owner, acme)
    assert logs.items[0].action == "miners.imported"
    with pytest.raises(NotFound):  # applied once; the stored import is gone
        await services.imports.apply(owner, preview.id)
    assert list((tmp_path / "imports").iterdir()) == []


async def test_a_second_import_updates_keeps_blanks_and_logs_both_clients(
    services: Services, owner, db, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    acme = await client(services, owner, "Acme", "a@acme.com")
    beta = await client(services, owner, "Beta", "b@beta.io")
    first = xlsx(
        [
            HEAD,
            ["S1", None, "10.0.0.1", "S19", "a@acme.com", "yes", "active"],
            ["S2", None, "10.0.0.2", "S19", "a@acme.com", "yes", "active"],
        ]
    )
    await services.imports.apply(owner, (await services.imports.read(owner, first, "1.xlsx")).id)
    second = xlsx(
        [
            HEAD,
            ["s1", None, None, "S19 Pro", "b@beta.io", None, None],  # model and client change
            ["S2", None, "10.0.0.2", None, "a@acme.com", "yes", None],  # as stored: unchanged
            ["S3", "aa:bb:cc:00:00:03", None, "S21", "b@beta.io", None, None],
        ]
    )
    preview = await services.imports.read(owner, second, "2.xlsx")
    assert (preview.new, preview.updated, preview.unchanged, preview.moved) == (1, 1, 1, 1)
    await services.imports.apply(owner, preview.id)
    assert await miners(db) == {
        "S1": ("S19 Pro", beta, True, "active"),  # blank cells kept IP, paid and status
        "S2": ("S19", acme, True, "active"),
        "S3": ("S21", beta, True, "unknown"),
    }
    per_client = [e for e in await audit(db, "miners.imported") if e.category == "client"]
    assert [
        (
            e.client_id,
            (e.changes or {})["miners"],
            (e.details or {})["gained"],
            (e.details or {})["lost"],
        )
        for e in per_client
    ] == [
        (acme, [0, 2], 2, 0),
        (acme, [2, 1], 0, 1),
        (beta, [0, 2], 2, 0),
    ]


async def test_unknown_emails_become_clients_one_by_one_or_all_at_once(
    services: Services, owner, db, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    data = xlsx(
        [
            HEAD,
            ["S1", None, None, "S19", "c@c.io", None, None],
            ["S2", None, None, "S19", "b@b.io", None, None],
            ["S3", None, None, "S19", "a@a.io", None, None],
            ["S4", None, None, "S19", "b@b.io", None, None],
        ]
    )
    preview = await services.imports.read(owner, data, "m.xlsx")
    assert preview.unknown_emails == [("a@a.io", 1), ("b@b.io", 2), ("c@c.io", 1)]
    added, preview = await services.imports.add_clients(owner, preview.id, 1)
    assert added == 1 and [e for e, _ in preview.unknown_emails] == ["a@a.io", "c@c.io"]
    assert preview.without_client == 2
    added, preview = await services.imports.add_clients(owner, preview.id)
    assert added == 2 and preview.unknown_emails == []
    await services.imports.apply(owner, preview.id)
    async with db.read() as session:
        clients = {c.email: c for c in (await session.scalars(select(Client))).all()}
    assert set(clients) == {"a@a.io", "b@b.io", "c@c.io"}
    assert all(c.name == c.email and c.manager_id == owner.staff_id for c in clients.values())
    assert {s: c for s, (_, c, _, _) in (await miners(db)).items()} == {
        "S1": clients["c@c.io"].id,
        "S2": clients["b@b.io"].id,
        "S3": clients["a@a.io"].id,
        "S4": clients["b@b.io"].id,
    }
    created = await audit(db, "client.created")
    assert [(e.details or {})["source"] for e in created] == ["import"] * 3


async def test_who_may_add_clients_from_an_import(
    services: Services, owner, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    senior = await join(services, owner, "senior_technician", 5001, "Sam")
    data = xlsx([HEAD, ["S1", None, None, None, "new@x.io", None, None]])
    preview = await services.imports.read(senior, data, "m.xlsx")
    assert not preview.can_add_clients  # miners.import, but not clients.add
    with pytest.raises(PermissionDenied):
        await services.imports.add_clients(senior, preview.id)
    mine = await services.imports.read(owner, data, "m.xlsx")
    await services.facility.update(owner, "plan", "free")
    assert not (await services.imports.preview(owner, mine.id)).can_add_clients
    with pytest.raises(AreaClosed):
        await services.imports.add_clients(owner, mine.id)


async def test_only_the_uploader_sees_an_import_and_a_newbie_cannot_import(
    services: Services, owner, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    mark = await join(services, owner, "manager", 5002, "Mark")
    newbie = await join(services, owner, "newbie", 5003, "Nick")
    data = xlsx([HEAD, ["S1", None, None, None, None, None, None]])
    with pytest.raises(PermissionDenied):
        await services.imports.read(newbie, data, "m.xlsx")
    preview = await services.imports.read(owner, data, "m.xlsx")
    with pytest.raises(NotFound):
        await services.imports.apply(mark, preview.id)
    await services.imports.cancel(mark, preview.id)  # not theirs: nothing happens
    assert (await services.imports.preview(owner, preview.id)).new == 1
    with pytest.raises(NotFound):
        await services.imports.preview(owner, "../../etc/pass")
    await services.imports.cancel(owner, preview.id)
    with pytest.raises(NotFound):
        await services.imports.preview(owner, preview.id)


async def test_an_import_applies_after_a_restart(
    services: Services, owner, db, clock: Clock, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    data = xlsx([HEAD, ["S1", None, "10.0.0.1", "S19", None, None, None]])
    preview = await services.imports.read(owner, data, "m.xlsx")
    restarted = Services.build(db, owner_ids=[owner.telegram_id], clock=clock, data_dir=tmp_path)
    result = await restarted.imports.apply(owner, preview.id)
    assert result.new == 1 and set(await miners(db)) == {"S1"}


async def test_an_import_is_all_rows_or_none(
    services: Services, owner, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_tmp(services, tmp_path)
    async with db.write() as session:
        await session.execute(insert(Miner), [{"serial": "S1", "model": "old"}])
    data = xlsx(
        [
            HEAD,
            ["S1", None, None, "new", None, None, None],
            ["S2", None, None, "x", None, None, None],
        ]
    )
    preview = await services.imports.read(owner, data, "m.xlsx")
    assert (preview.new, preview.updated) == (1, 1)

    async def disk_full(*_args, **_kwargs) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(miners_repo, "insert_miners", disk_full)  # fails after the updates ran
    with pytest.raises(OSError):
        await services.imports.apply(owner, preview.id)
    assert await miners(db) == {"S1": ("old", None, True, "unknown")}
    assert await audit(db, "miners.imported") == []
    monkeypatch.undo()
    result = await services.imports.apply(owner, preview.id)  # the import was kept: try again
    assert (result.new, result.updated) == (1, 1)


async def test_large_files_plan_the_same_with_a_full_scan(
    services: Services, owner, db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_tmp(services, tmp_path)
    async with db.write() as session:
        await session.execute(
            insert(Miner),
            [
                {"serial": "S1", "model": "a"},
                {"mac": "aa:bb:cc:00:00:02"},
                {"ip": "10.0.0.3"},
                {"ip": "10.0.0.4"},
                {"ip": "10.0.0.4"},
            ],
        )
    data = xlsx(
        [
            HEAD,
            ["S1", None, None, "a", None, None, None],
            [None, "AA:BB:CC:00:00:02", None, "b", None, None, None],
            [None, None, "10.0.0.3", "c", None, None, None],
            [None, None, "10.0.0.4", "d", None, None, None],
            ["S5", None, None, "e", None, None, None],
        ]
    )
    looked_up = await services.imports.read(owner, data, "m.xlsx")
    monkeypatch.setattr(imports_module, "FULL_SCAN_ROWS", 0)
    scanned = await services.imports.read(owner, data, "m.xlsx")
    for p in (looked_up, scanned):
        assert (p.new, p.updated, p.unchanged, p.rejected_rows) == (1, 2, 1, 1)
        assert [(r.row, r.reason) for r in p.first_rejects] == [(5, "ip-ambiguous")]


async def test_abandoned_imports_are_purged(
    services: Services, owner, clock: Clock, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    preview = await services.imports.read(owner, xlsx([HEAD, ["S1"]]), "m.xlsx")
    assert await services.imports.purge() == 0
    clock.advance(days=2)
    assert await services.imports.purge() == 1
    with pytest.raises(NotFound):
        await services.imports.preview(owner, preview.id)


async def test_a_new_upload_replaces_the_previous_unapplied_one(
    services: Services, owner, tmp_path: Path
) -> None:
    use_tmp(services, tmp_path)
    first = await services.imports.read(owner, xlsx([HEAD, ["S1"]]), "1.xlsx")
    second = await services.imports.read(owner, xlsx([HEAD, ["S2"]]), "2.xlsx", replaces=first.id)
    with pytest.raises(NotFound):
        await services.imports.preview(owner, first.id)
    assert (await services.imports.preview(owner, second.id)).file_name == "2.xlsx"


async def test_the_template_lists_every_column_in_the_members_language(
    services: Services, owner
) -> None:
    content = await services.imports.template(
        owner,
        "ru",
        sheet_title="Майнеры",
        help_title="Колонки",
        help_header=["a", "b", "c", "d"],
        descriptions={c: f"about {c}" for c in HELP_COLUMNS},
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    head = next(book["Майнеры"].iter_rows(values_only=True))
    assert head[:3] == ("IP-адрес", "MAC-адрес", "Серийный номер")
    help_rows = list(book["Колонки"].iter_rows(values_only=True))
    assert len(help_rows) == 1 + len(HELP_COLUMNS)
    assert help_rows[3][0] == "Серийный номер" and "S/N" in str(help_rows[3][1])
    book.close()

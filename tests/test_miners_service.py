"""The Miners list, selections and mass actions against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from services.container import Services
from services.errors import Conflict, Invalid, NotFound, PermissionDenied
from services.miners.service import MinerFilter, Selection
from storage.models import AuditEntry, Miner
from tests.conftest import join
from tests.miner_files import csv_bytes, xlsx


async def setup(services: Services, owner, db) -> tuple[int, int, dict[str, int]]:
    """Acme has S1–S3, Beta has S4, S5 has no client; returns the ids."""
    acme = (await services.clients.add(owner, name="Acme", email="a@acme.com", manager_id=1)).id
    beta = (await services.clients.add(owner, name="Beta", email="b@beta.io", manager_id=1)).id
    rows = [
        ("S1", "aa:bb:cc:00:00:01", "10.0.0.1", "acme.w1", acme, "active", True),
        ("S2", "aa:bb:cc:00:00:02", "10.0.0.2", "acme.w2", acme, "offline", False),
        ("S3", None, "10.0.1.3", "ACME.w3", acme, "active", True),
        ("S4", None, "10.0.1.3", "beta.w1", beta, "hanged", True),
        ("S5", None, "10.0.2.5", None, None, "unknown", True),
    ]
    keys = ("serial", "mac", "ip", "worker", "client_id", "status", "paid")
    async with db.write() as session:
        await session.execute(insert(Miner), [dict(zip(keys, r, strict=True)) for r in rows])
        ids = dict((await session.execute(select(Miner.serial, Miner.id))).all())
    return acme, beta, ids


async def serials(services: Services, owner, f: MinerFilter) -> list[str]:
    page = await services.miners.page(owner, f, 0, 50)
    return [m.serial or "" for m in page.items]


async def test_list_filters_and_search(services: Services, owner, db) -> None:
    acme, beta, _ = await setup(services, owner, db)
    assert await serials(services, owner, MinerFilter()) == ["S1", "S2", "S3", "S4", "S5"]
    assert await serials(services, owner, MinerFilter(client_id=acme)) == ["S1", "S2", "S3"]
    assert await serials(services, owner, MinerFilter(client_id=0)) == ["S5"]
    assert await serials(services, owner, MinerFilter(status="active")) == ["S1", "S3"]
    assert await serials(services, owner, MinerFilter(paid=False)) == ["S2"]
    assert await serials(services, owner, MinerFilter(client_id=acme, paid=True)) == ["S1", "S3"]
    for search, found in [
        ("10.0.1.", ["S3", "S4"]),
        ("s4", ["S4"]),
        ("AA-BB-CC-00-00-02", ["S2"]),
        ("acme.w", ["S1", "S2", "S3"]),
        ("100%", []),
    ]:
        assert await serials(services, owner, MinerFilter(search=search)) == found, search
    page = await services.miners.page(owner, MinerFilter(), page=9, per_page=2)
    assert page.page == 2 and page.total == 5  # a page past the end shows the last one
    restored = MinerFilter.from_dict(MinerFilter(beta, "hanged", True, "w").as_dict())
    assert restored == MinerFilter(beta, "hanged", True, "w")


async def test_selection_by_filter_ticks_and_unticks(services: Services, owner, db) -> None:
    acme, _, ids = await setup(services, owner, db)
    selection = Selection(matching=MinerFilter(client_id=acme))
    assert await services.miners.count_selected(owner, selection) == 3
    selection = await services.miners.toggle(owner, selection, ids["S2"])  # out of the filter's set
    selection = await services.miners.toggle(owner, selection, ids["S5"])  # ticked on top
    assert selection.excluded == {ids["S2"]} and selection.ids == {ids["S5"]}
    assert await services.miners.count_selected(owner, selection) == 3
    among = await services.miners.selected_among(owner, selection, list(ids.values()))
    assert among == {ids["S1"], ids["S3"], ids["S5"]}
    selection = await services.miners.toggle(owner, selection, ids["S2"])
    selection = await services.miners.toggle(owner, selection, ids["S5"])
    assert await services.miners.count_selected(owner, selection) == 3
    assert Selection.from_dict(selection.as_dict()) == selection
    with pytest.raises(NotFound):
        await services.miners.toggle(owner, selection, 999_999)


async def test_a_pasted_list_or_file_selects_miners(services: Services, owner, db) -> None:
    _, _, ids = await setup(services, owner, db)
    found = await services.miners.resolve_text(
        owner, "s1, AA-BB-CC-00-00-02\n10.0.1.3; nope 10.9.9.9 s1"
    )
    assert found.ids == {ids["S1"], ids["S2"], ids["S3"], ids["S4"]}  # one IP, two miners
    assert found.tokens == 5 and found.missing == ["nope", "10.9.9.9"]
    sheet = xlsx([["Notes", "Serial number"], ["x", "S5"], ["y", "S4 "]])
    assert (await services.miners.resolve_file(owner, sheet, "l.xlsx")).ids == {
        ids["S4"],
        ids["S5"],
    }
    plain = csv_bytes([["s1"], ["10.0.2.5"]])
    assert (await services.miners.resolve_file(owner, plain, "list.txt")).ids == {
        ids["S1"],
        ids["S5"],
    }
    with pytest.raises(Invalid):
        await services.miners.resolve_text(owner, " ,; ")


async def test_edit_client_moves_miners_in_one_go_logged_per_miner_and_client(
    services: Services, owner, db
) -> None:
    acme, beta, ids = await setup(services, owner, db)
    selection = Selection(ids=frozenset({ids["S1"], ids["S2"], ids["S4"], ids["S5"]}))
    preview = await services.miners.move_preview(owner, selection, beta)
    assert (
        preview.total == 4
        and preview.staying == 1
        and preview.target is not None
        and preview.target.name == "Beta"
    )
    assert [(s.client.name if s.client else None, s.miners) for s in preview.moving] == [
        ("Acme", 2),
        (None, 1),
    ]
    result = await services.miners.set_client(owner, selection, beta)
    assert (result.changed, result.clients) == (3, 2)
    page = await services.miners.page(owner, MinerFilter(client_id=beta))
    assert [m.serial for m in page.items] == ["S1", "S2", "S4", "S5"]
    async with db.read() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    per_miner = [e for e in entries if e.action == "miner.client_changed"]
    assert {(e.entity_id, tuple(e.changes["client_email"])) for e in per_miner} == {
        (ids["S1"], ("a@acme.com", "b@beta.io")),
        (ids["S2"], ("a@acme.com", "b@beta.io")),
        (ids["S5"], (None, "b@beta.io")),
    }
    assert all(e.category == "miner" and e.client_id is None for e in per_miner)
    per_client = [e for e in entries if e.action == "miners.client_changed"]
    assert [(e.client_id, e.changes, e.details) for e in per_client] == [
        (acme, {"miners": [3, 1]}, {"lost": 2, "to": "b@beta.io"}),
        (beta, {"miners": [1, 4]}, {"gained": 3}),
    ]
    assert (await services.clients.logs(owner, acme)).items[0].action == "miners.client_changed"
    # to no client; nothing to change the second time
    result = await services.miners.set_client(owner, selection, None)
    assert result.changed == 4
    assert (await services.miners.set_client(owner, selection, None)).changed == 0


async def test_an_unknown_email_can_become_the_client_first(services: Services, owner, db) -> None:
    await setup(services, owner, db)
    assert await services.miners.target_client(owner, "NEW@gamma.io") is None
    beta = await services.miners.target_client(owner, " B@Beta.io ")
    assert beta is not None and beta.name == "Beta"
    with pytest.raises(Invalid):
        await services.miners.target_client(owner, "not an email")
    added = await services.miners.add_client(owner, "New@Gamma.io")
    assert (added.name, added.email) == ("new@gamma.io", "new@gamma.io")
    senior = await join(services, owner, "senior_technician", 6001, "Sam")
    with pytest.raises(PermissionDenied):
        await services.miners.add_client(senior, "other@x.io")


async def test_payment_status_to_unpaid_and_back(services: Services, owner, db) -> None:
    acme, _, ids = await setup(services, owner, db)
    selection = Selection(matching=MinerFilter(client_id=acme))
    preview = await services.miners.payment_preview(owner, selection, False)
    assert (preview.total, preview.changing) == (3, 2)
    assert [(s.miners, s.paid) for s in preview.by_client] == [(3, 2)]
    assert (await services.miners.set_paid(owner, selection, False)).changed == 2
    assert await serials(services, owner, MinerFilter(paid=False)) == ["S1", "S2", "S3"]
    assert (await services.miners.set_paid(owner, selection, True)).changed == 3
    async with db.read() as session:
        entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    per_miner = [
        (e.entity_id, e.changes["paid"]) for e in entries if e.action == "miner.payment_status"
    ]
    assert per_miner == [
        (ids["S1"], [True, False]),
        (ids["S3"], [True, False]),
        (ids["S1"], [False, True]),
        (ids["S2"], [False, True]),
        (ids["S3"], [False, True]),
    ]
    per_client = [e.changes for e in entries if e.action == "miners.payment_status"]
    assert per_client == [
        {"miners_paid": [2, 0], "miners_unpaid": [1, 3]},
        {"miners_paid": [0, 3], "miners_unpaid": [3, 0]},
    ]


async def test_mass_actions_need_their_own_permission(services: Services, owner, db) -> None:
    acme, _, ids = await setup(services, owner, db)
    selection = Selection(ids=frozenset({ids["S1"]}))
    accountant = await join(services, owner, "accountant", 6002, "Ann")
    senior = await join(services, owner, "senior_technician", 6003, "Sam")
    newbie = await join(services, owner, "newbie", 6004, "Nick")
    with pytest.raises(PermissionDenied):
        await services.miners.set_client(accountant, selection, acme)
    with pytest.raises(PermissionDenied):
        await services.miners.set_paid(senior, selection, False)
    assert (await services.miners.set_paid(accountant, selection, False)).changed == 1
    assert (await services.miners.set_client(senior, selection, None)).changed == 1
    for call in (
        services.miners.move_preview(newbie, selection, acme),
        services.miners.payment_preview(newbie, selection, True),
    ):
        with pytest.raises(PermissionDenied):
            await call
    assert (await services.miners.page(newbie, MinerFilter())).total == 5
    with pytest.raises(Invalid):
        await services.miners.set_paid(owner, Selection(), True)
    with pytest.raises(NotFound):
        await services.miners.set_client(owner, selection, 999)


async def test_too_many_ticked_miners_are_refused(
    services: Services, owner, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, ids = await setup(services, owner, db)
    monkeypatch.setattr("services.miners.service.MAX_PICKED", 1)
    selection = await services.miners.toggle(owner, Selection(), ids["S1"])
    with pytest.raises(Conflict):
        await services.miners.toggle(owner, selection, ids["S2"])


async def test_status_is_set_by_hand_and_logged_per_miner(services: Services, owner, db) -> None:
    acme, _, ids = await setup(services, owner, db)
    selection = Selection(matching=MinerFilter(client_id=acme))
    assert await services.miners.status_preview(owner, selection, "offline") == (3, 2)
    assert (await services.miners.set_status(owner, selection, "offline")).changed == 2
    assert await serials(services, owner, MinerFilter(status="offline")) == ["S1", "S2", "S3"]
    async with db.read() as session:
        entries = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "miner.status_changed")
            )
        ).all()
    assert sorted((e.entity_id, tuple(e.changes["status"])) for e in entries) == [
        (ids["S1"], ("active", "offline")),
        (ids["S3"], ("active", "offline")),
    ]
    with pytest.raises(Invalid):
        await services.miners.set_status(owner, selection, "exploded")
    accountant = await join(services, owner, "accountant", 6005, "Ann")
    with pytest.raises(PermissionDenied):
        await services.miners.set_status(accountant, selection, "active")


async def test_a_mass_action_keeps_the_miners_it_was_taken_on(
    services: Services, owner, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, ids = await setup(services, owner, db)
    unpaid = Selection(matching=MinerFilter(paid=False))  # S2 only: the action empties the filter
    result = await services.miners.set_paid(owner, unpaid, True)
    assert result.changed == 1 and result.selection == Selection(ids=frozenset({ids["S2"]}))
    assert await services.miners.count_selected(owner, unpaid) == 0
    assert await services.miners.count_selected(owner, result.selection) == 1
    # ids already: kept as they are; more than can be kept as ids: the filter stays the filter
    assert (await services.miners.set_status(owner, result.selection, "offline")).selection == (
        result.selection
    )
    monkeypatch.setattr("services.miners.service.MAX_PICKED", 2)
    everything = Selection(matching=MinerFilter())
    assert (await services.miners.set_paid(owner, everything, False)).selection == everything


async def test_entries_about_a_miner_name_it_by_serial_mac_or_ip(
    services: Services, owner, db
) -> None:
    _, beta, _ = await setup(services, owner, db)
    async with db.write() as session:  # a miner known by its MAC alone
        await session.execute(insert(Miner).values(mac="aa:bb:cc:00:00:09", ip="10.0.9.9"))
    picked = Selection(matching=MinerFilter(search="10.0."))
    await services.miners.set_client(owner, picked, beta)
    async with db.read() as session:
        entries = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "miner.client_changed")
            )
        ).all()
    assert sorted(e.details["name"] for e in entries) == [
        "S1",
        "S2",
        "S3",
        "S5",
        "aa:bb:cc:00:00:09",
    ]

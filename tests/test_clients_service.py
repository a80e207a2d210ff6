"""Clients service against a real SQLite database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, insert, select, update

from services.clients.service import ClientQuery
from services.container import Services
from services.errors import AreaClosed, Conflict, Invalid, PermissionDenied
from storage.models import (
    Bill,
    Client,
    Miner,
    OutboxMessage,
    Task,
    TaskManager,
    TaskStatus,
    utcnow,
)
from tests.conftest import join


async def add(services: Services, actor, name: str, email: str, **kw):
    return await services.clients.add(
        actor, name=name, email=email, manager_id=actor.staff_id, **kw
    )


async def test_add_normalises_and_validates(services: Services, owner) -> None:
    client = await add(
        services,
        owner,
        "  Acme   Mining ",
        " Ops@Acme.COM ",
        phone="+7 900 123-45-67",
        messenger="@acme_ops",
    )
    assert (client.name, client.email, client.phone) == (
        "Acme Mining",
        "ops@acme.com",
        "+79001234567",
    )
    assert client.messenger == "@acme_ops"
    with pytest.raises(Invalid):  # a domestic number: which country is not known
        await add(services, owner, "X", "x@y.com", phone="8 (900) 123-45-67")
    with pytest.raises(Invalid) as bad:
        await add(services, owner, "X", "not-an-email")
    assert (bad.value.field, bad.value.reason) == ("email", "format")
    with pytest.raises(Invalid):
        await add(services, owner, "X", "x@y.com", phone="12")
    with pytest.raises(Invalid):
        await add(services, owner, "X", "x@y.com", messenger="@a")
    with pytest.raises(Conflict) as taken:
        await add(services, owner, "Other", "OPS@acme.com")
    assert taken.value.reason == "email-taken" and taken.value.details["client_id"] == client.id


async def test_overview_counts_search_mine_sort(services: Services, owner, db) -> None:
    manager = await join(services, owner, "manager", 2001, "Mark")
    acme = await add(services, owner, "Acme", "a@acme.com")
    zeta = await services.clients.add(
        owner, name="Zeta Хостинг", email="z@zeta.io", manager_id=manager.staff_id
    )
    async with db.write() as session:
        await session.execute(
            insert(Miner),
            [
                {"serial": f"S{i}", "client_id": acme.id, "status": s}
                for i, s in enumerate(["active", "active", "offline", "hanged", "unknown"])
            ],
        )
        tm = TaskManager(name="Installations")  # "Maintenance" is made on start
        session.add(tm)
        await session.flush()
        todo = TaskStatus(manager_id=tm.id, name="To do", category="todo")
        done = TaskStatus(manager_id=tm.id, name="Done", category="done")
        session.add_all([todo, done])
        await session.flush()
        session.add_all(
            [
                Task(
                    manager_id=tm.id,
                    status_id=todo.id,
                    summary="a",
                    reporter_id=owner.staff_id,
                    client_id=acme.id,
                ),
                Task(
                    manager_id=tm.id,
                    status_id=done.id,
                    summary="b",
                    reporter_id=owner.staff_id,
                    client_id=acme.id,
                ),
                Bill(
                    client_id=acme.id,
                    period="2026-10",
                    period_start=date(2026, 10, 1),
                    period_end=date(2026, 10, 31),
                    issued_on=date(2026, 11, 1),
                    due_on=date(2026, 11, 11),
                    currency="USD",
                ),
            ]
        )
    page = await services.clients.overview(owner)
    assert [c.name for c in page.items] == ["Acme", "Zeta Хостинг"]
    first = page.items[0]
    assert first.miners == {"active": 2, "offline": 1, "hanged": 1, "unknown": 1}
    assert first.tasks == {"todo": 1, "done": 1} and first.bills == 1

    assert [
        c.id for c in (await services.clients.overview(owner, ClientQuery(search="хост"))).items
    ] == [zeta.id]
    assert [
        c.id
        for c in (await services.clients.overview(owner, ClientQuery(search=f"#{acme.id}"))).items
    ] == [acme.id]
    assert (await services.clients.overview(owner, ClientQuery(search="100%_"))).total == 0
    mine = await services.clients.overview(manager, ClientQuery(mine=True))
    assert [c.id for c in mine.items] == [zeta.id]
    by_id = await services.clients.overview(owner, ClientQuery(sort="id"), page=99)
    assert by_id.page == 0 and [c.id for c in by_id.items] == [acme.id, zeta.id]


async def test_the_list_size_is_counted_again_only_when_clients_change(
    services: Services, owner, db
) -> None:
    counted: list[bool] = []

    @event.listens_for(db.read_engine.sync_engine, "before_cursor_execute")
    def _seen(_conn, _cursor, statement: str, *_args) -> None:
        if "page.id" in statement:  # a page of the overview
            counted.append("AS total" in statement)

    for n in range(3):
        await add(services, owner, f"Client {n}", f"c{n}@x.io")
    first = await services.clients.overview(owner, per_page=2)
    second = await services.clients.overview(owner, page=1, per_page=2)
    assert (first.total, second.total, [c.name for c in second.items]) == (3, 3, ["Client 2"])
    assert counted == [True, False]  # the second page knew the size

    await add(services, owner, "Client 3", "c3@x.io")  # through the service
    assert (await services.clients.overview(owner, per_page=2)).total == 4
    async with db.write() as session:  # any write to the table, by any code in this process
        await session.execute(
            update(Client).where(Client.name == "Client 0").values(archived_at=utcnow())
        )
    assert (await services.clients.overview(owner, per_page=2)).total == 3
    archived = await services.clients.overview(owner, ClientQuery(archived=True), per_page=2)
    assert archived.total == 1
    assert (await services.clients.overview(owner, per_page=2)).total == 3
    assert counted == [True, False, True, True, True, False]


async def test_edit_logs_old_and_new_and_refuses_a_stale_save(
    services: Services, owner, db
) -> None:
    manager = await join(services, owner, "manager", 3001, "Mila")
    client = await add(services, owner, "Acme", "a@acme.com")
    async with db.write() as session:
        await session.execute(insert(Miner), [{"serial": "S1", "client_id": client.id}])
    edited = await services.clients.edit(
        owner, client.id, "email", "B@acme.com", expected_version=client.version
    )
    assert edited.email == "b@acme.com" and edited.miners_total == 1  # miners stay with the client
    with pytest.raises(Conflict) as stale:
        await services.clients.edit(
            owner, client.id, "name", "Old view", expected_version=client.version
        )
    assert stale.value.reason == "stale"
    edited = await services.clients.edit(
        owner, client.id, "manager", manager.staff_id, expected_version=edited.version
    )
    assert edited.manager_name == "Mila"
    logs = await services.clients.logs(owner, client.id)
    assert [e.action for e in logs.items] == [
        "client.manager_changed",
        "client.updated",
        "client.created",
    ]
    assert logs.items[1].changes == {"email": ["a@acme.com", "b@acme.com"]}
    assert logs.items[0].changes == {"manager": ["Olga Owner", "Mila"]}
    async with db.read() as session:
        note = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.text_key == "notify-client-manager")
        )
    assert (
        note is not None
        and note.chat_id == 3001
        and note.buttons == [{"open": "client", "id": client.id}]
    )


async def test_permissions_and_the_area_gate(services: Services, owner) -> None:
    newbie = await join(services, owner, "newbie", 4001, "Nick")
    client = await add(services, owner, "Acme", "a@acme.com")
    assert (await services.clients.overview(newbie)).total == 1
    with pytest.raises(PermissionDenied):
        await add(services, newbie, "X", "x@x.com")
    with pytest.raises(PermissionDenied):
        await services.clients.edit(newbie, client.id, "name", "Y", expected_version=1)
    with pytest.raises(PermissionDenied):
        await services.clients.logs(newbie, client.id)
    await services.facility.update(owner, "plan", "free")
    with pytest.raises(AreaClosed) as closed:
        await services.clients.card(owner, client.id)
    assert closed.value.problems == ["plan"]

"""Facility settings and the Clients area gate."""

from __future__ import annotations

import pytest

from services.container import Services
from services.errors import Invalid, PermissionDenied
from tests.conftest import join


async def test_defaults_follow_the_timezone_setting(services: Services) -> None:
    facility = await services.facility.get()
    assert facility.timezone == "Europe/Moscow"
    assert facility.plan == "core" and facility.client_management


async def test_update_validates_and_audits_old_and_new(services: Services, owner) -> None:
    await services.facility.update(owner, "name", "  North   Farm ")
    await services.facility.update(owner, "currency", "usdt")
    await services.facility.update(owner, "timezone", "Asia/Almaty")
    facility = await services.facility.get()
    assert (facility.name, facility.currency, facility.timezone) == (
        "North Farm",
        "USDT",
        "Asia/Almaty",
    )
    for field, value in [
        ("timezone", "Mars/Base"),
        ("currency", "dollars"),
        ("name", ""),
        ("plan", "gold"),
    ]:
        with pytest.raises(Invalid):
            await services.facility.update(owner, field, value)
    log = await services.audit.page(owner, category="admin", per_page=50)
    changes = [e.changes for e in log.items if e.action == "settings.changed"]
    assert {"name": ["Hosting facility", "North Farm"]} in changes
    assert {"timezone": ["Europe/Moscow", "Asia/Almaty"]} in changes


async def test_clients_gate_lists_what_is_wrong(services: Services, owner) -> None:
    assert await services.facility.clients_problems(owner) == []
    await services.facility.update(owner, "plan", "basic")
    await services.facility.update(owner, "client_management", False)
    assert await services.facility.clients_problems(owner) == ["plan", "switch"]


async def test_only_settings_managers_change_settings(services: Services, owner) -> None:
    manager = await join(services, owner, "manager", 9001, "Mila")
    with pytest.raises(PermissionDenied):
        await services.facility.update(manager, "plan", "free")

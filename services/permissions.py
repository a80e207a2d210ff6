"""Permission flags and the default roles."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    CLIENTS_VIEW = "clients.view"
    CLIENTS_ADD = "clients.add"
    CLIENTS_EDIT = "clients.edit"
    CLIENTS_EXPORT = "clients.export"
    BILLS_VIEW = "bills.view"
    BILLS_EDIT = "bills.edit"
    WATCHERS_MANAGE = "watchers.manage"
    MINERS_VIEW = "miners.view"
    MINERS_IMPORT = "miners.import"
    MINERS_EDIT_CLIENT = "miners.edit_client"
    MINERS_PAYMENT_STATUS = "miners.payment_status"
    TASKS_VIEW = "tasks.view"
    TASKS_CREATE = "tasks.create"
    TASKS_EDIT = "tasks.edit"
    STAFF_MANAGE = "staff.manage"
    ROLES_MANAGE = "roles.manage"
    SETTINGS_MANAGE = "settings.manage"
    LOGS_VIEW = "logs.view"
    MINERS_CONTROL = "miners.control"  # reboot a miner through its API

    @property
    def group(self) -> str:
        return self.value.split(".", 1)[0]


P = Permission

GROUPS: dict[str, tuple[Permission, ...]] = {}
for _flag in Permission:
    GROUPS.setdefault(_flag.group, ())
    GROUPS[_flag.group] += (_flag,)

ALL = frozenset(Permission)

_NEWBIE = {P.CLIENTS_VIEW, P.MINERS_VIEW, P.TASKS_VIEW}
_JUNIOR = _NEWBIE | {P.TASKS_CREATE}
_SENIOR = _JUNIOR | {P.TASKS_EDIT, P.MINERS_IMPORT, P.MINERS_EDIT_CLIENT, P.LOGS_VIEW}
_SENIOR |= {P.MINERS_CONTROL}
_ACCOUNTANT = _NEWBIE | {
    P.CLIENTS_EXPORT,
    P.BILLS_VIEW,
    P.BILLS_EDIT,
    P.MINERS_PAYMENT_STATUS,
    P.LOGS_VIEW,
}
_MANAGER = _SENIOR | _ACCOUNTANT | {P.CLIENTS_ADD, P.CLIENTS_EDIT, P.WATCHERS_MANAGE}
_ADMIN = set(ALL)

# code → (rank, flags); least to most. Ranks leave room for custom roles in between.
DEFAULT_ROLES: dict[str, tuple[int, frozenset[Permission]]] = {
    "newbie": (10, frozenset(_NEWBIE)),
    "junior_technician": (20, frozenset(_JUNIOR)),
    "senior_technician": (30, frozenset(_SENIOR)),
    "accountant": (40, frozenset(_ACCOUNTANT)),
    "manager": (50, frozenset(_MANAGER)),
    "administrator": (60, frozenset(_ADMIN)),
    "owner": (70, frozenset(ALL)),
}
OWNER = "owner"
ADMINISTRATOR = "administrator"

"""The Actor: the staff member on whose behalf a service is called."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.errors import PermissionDenied
from services.permissions import Permission


@dataclass(frozen=True, slots=True)
class Actor:
    staff_id: int
    telegram_id: int
    name: str
    role_id: int
    role_code: str
    role_name: str | None
    rank: int
    locale: str
    permissions: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: Permission) -> bool:
        return permission.value in self.permissions

    def require(self, *permissions: Permission) -> None:
        """Raise PermissionDenied unless the actor holds every one of `permissions`."""
        for permission in permissions:
            if permission.value not in self.permissions:
                raise PermissionDenied(permission.value)

    @property
    def is_owner(self) -> bool:
        return self.role_code == "owner"

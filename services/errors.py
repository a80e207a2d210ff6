"""Domain errors. Handlers turn each into a message in the member's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, *args: Any, **details: Any) -> None:
        super().__init__(*args)
        self.details = details


class PermissionDenied(DomainError):
    code = "permission-denied"

    def __init__(self, permission: str) -> None:
        super().__init__(permission, permission=permission)
        self.permission = permission


class NotFound(DomainError):
    code = "not-found"

    def __init__(self, entity: str, key: object = None) -> None:
        super().__init__(entity, key, entity=entity)
        self.entity = entity
        self.key = key


class Invalid(DomainError):
    """A value that cannot be accepted; `reason` is a translation key suffix."""

    code = "invalid"

    def __init__(self, field: str, reason: str, **details: Any) -> None:
        super().__init__(field, reason, **details)
        self.field = field
        self.reason = reason


class AreaClosed(DomainError):
    """An area of the product is closed for the facility or the member; `problems` say why."""

    code = "area-closed"

    def __init__(self, area: str, problems: list[str], plan: str) -> None:
        super().__init__(area, problems, plan=plan)
        self.area = area
        self.problems = problems
        self.plan = plan


class Conflict(DomainError):
    """The change clashes with what is stored (a duplicate, or a concurrent edit)."""

    code = "conflict"

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason, **details)
        self.reason = reason


class AlreadyDone(DomainError):
    """A one-off action (applying an import) that was done already: the member is told with a
    short toast, and the result already on screen stays."""

    code = "already-done"

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what

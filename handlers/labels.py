"""Text pieces shared by several screens."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from locales import Localizer
from services.actor import Actor
from services.errors import (
    AlreadyDone,
    AreaClosed,
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    PermissionDenied,
)
from services.staff import RoleInfo


def role_label(t: Localizer, role: RoleInfo | Actor) -> str:
    """A default role in the member's language; a custom role by its own name."""
    code, name = (
        (role.role_code, role.role_name) if isinstance(role, Actor) else (role.code, role.name)
    )
    return name or t(f"role-{code.replace('_', '-')}")


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def error_text(t: Localizer, error: DomainError) -> str:
    """A domain error as one sentence the member can act on."""
    if isinstance(error, PermissionDenied):
        return t("error-permission")
    if isinstance(error, NotFound):
        return t("error-not-found")
    if isinstance(error, Invalid):
        key = f"invalid-{error.field.replace('_', '-')}-{error.reason}"
        if not t.has(key):  # a reason any field can have ("invisible"), else in general
            key = f"invalid-{error.reason}" if t.has(f"invalid-{error.reason}") else "error-invalid"
        return t(key, **error.details)
    if isinstance(error, AreaClosed):
        lines = [t(f"{error.area}-closed")]
        lines += [
            t(f"{error.area}-closed-{p}", plan=t(f"plan-{error.plan}")) for p in error.problems
        ]
        return "\n".join(lines)
    if isinstance(error, AlreadyDone):
        key = f"already-done-{error.what.replace('.', '-').replace('_', '-')}"
        return t(key) if t.has(key) else t("already-done")
    if isinstance(error, Conflict):
        key = f"conflict-{error.reason}"
        return t(key, **error.details) if t.has(key) else t("error-conflict")
    return t("error-generic")

"""A page of a list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    page: int  # 0-based
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def clamp_page(page: int, total: int, per_page: int) -> int:
    """Keep `page` inside the list (a list can shrink between two taps)."""
    last = max(0, -(-total // per_page) - 1)
    return min(max(page, 0), last)


def paginate(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    """One page of a list already in memory (a few dozen staff, a preview's emails)."""
    page = clamp_page(page, len(items), per_page)
    return Page(items[page * per_page : (page + 1) * per_page], page, per_page, len(items))

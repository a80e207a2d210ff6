"""How services get words: a translate function handed in by the caller (a `Localizer` is one).

Services never write chat text, but a file they build (an export) is read by people and needs
words in the member's language: the caller passes its translator as a `Texts`.
"""

from __future__ import annotations

from typing import Any, Protocol


class Texts(Protocol):
    """A Localizer, as far as services need one."""

    def __call__(self, key: str, **args: Any) -> str: ...

    def has(self, key: str) -> bool: ...


class CachedTexts:
    """A `Texts` that formats each message without arguments once: a file of 100,000 rows says
    the same few words over and over."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self._said: dict[str, str] = {}
        self._known: dict[str, bool] = {}

    def __call__(self, key: str, **args: Any) -> str:
        if args:
            return self.texts(key, **args)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = self.texts(key)
        return said

    def has(self, key: str) -> bool:
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = self.texts.has(key)
        return known

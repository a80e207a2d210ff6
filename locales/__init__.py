"""Translations: Fluent files in ``locales/<lang>/*.ftl`` and a small loader around them."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).parent
SUPPORTED = ("en", "ru")


class Html(str):
    """Text that is already HTML and must not be escaped again when put into a message."""

    __slots__ = ()


def _bundle(locale: str, directory: Path) -> FluentBundle:
    bundle = FluentBundle([locale], use_isolating=False)
    for path in sorted((directory / locale).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


CACHE_SIZE = 4096  # formatted messages kept per language


class Localizer:
    """Messages of one language. Calling it formats one message; string args are HTML-escaped.

    A screen formats dozens of messages, mostly the same ones with the same values (button
    labels, a page of the same clients for every member), so what was formatted is kept, by key
    and arguments with their types (`Html` text and plain text differ), the oldest going first."""

    def __init__(self, locale: str, bundle: FluentBundle) -> None:
        self.locale = locale
        self._bundle = bundle
        self._formatted: dict[tuple[Any, ...], str] = {}

    def __call__(self, key: str, **args: Any) -> str:
        try:
            cache_key = (key, *((name, type(v), v) for name, v in sorted(args.items())))
            return self._formatted[cache_key]
        except KeyError:
            text, cacheable = self._format(key, args)
        except TypeError:  # an argument that cannot be a key: formatted every time
            return self._format(key, args)[0]
        if cacheable:
            if len(self._formatted) >= CACHE_SIZE:
                del self._formatted[next(iter(self._formatted))]
            self._formatted[cache_key] = text
        return text

    def _format(self, key: str, args: dict[str, Any]) -> tuple[str, bool]:
        """The message and whether it came out without errors (errors are logged each time)."""
        if not self._bundle.has_message(key):
            log.error("missing translation %r in %s", key, self.locale)
            return key, False
        message = self._bundle.get_message(key)
        if message.value is None:
            log.error("translation %r in %s has no value", key, self.locale)
            return key, False
        text, errors = self._bundle.format_pattern(message.value, _prepare(args))
        for error in errors:
            log.error("translation %r in %s: %s", key, self.locale, error)
        return str(text), not errors

    def has(self, key: str) -> bool:
        return self._bundle.has_message(key)


def _prepare(args: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in args.items():
        if isinstance(value, Html):
            out[name] = str(value)
        elif isinstance(value, str):
            out[name] = html.escape(value, quote=False)
        elif isinstance(value, bool):
            out[name] = "yes" if value else "no"
        elif isinstance(value, (datetime, date)):
            out[name] = value.isoformat()
        elif value is None:
            out[name] = ""
        else:
            out[name] = value
    return out


class Translations:
    """Every supported language, loaded once."""

    def __init__(self, directory: Path = LOCALES_DIR, locales: Iterable[str] = SUPPORTED) -> None:
        self.locales = tuple(locales)
        self._localizers = {
            locale: Localizer(locale, _bundle(locale, directory)) for locale in self.locales
        }

    def get(self, locale: str | None) -> Localizer:
        return self._localizers.get(locale or "", self._localizers[self.locales[0]])

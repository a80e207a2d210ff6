"""Names and short texts typed by members: tidied, and never made of invisible characters only.

A name of zero-width spaces, a Hangul filler or a braille blank looks like nothing in every list
it appears in. So: control characters become spaces, runs of spaces become one, bidirectional
overrides go (they would turn the rest of a line around), invisible characters at either end
go, and what is left must hold at least one visible character. Invisible characters inside a
name stay (a zero-width joiner binds an emoji sequence).
"""

from __future__ import annotations

import re
import unicodedata

from services.errors import Invalid

# Characters of visible categories (letters, symbols) that nonetheless show as blank space.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


def is_visible(char: str) -> bool:
    """A character that shows as something: a letter, digit, punctuation or symbol."""
    return unicodedata.category(char)[0] in _VISIBLE_CATEGORIES and char not in _BLANKS


def _invisible(char: str) -> bool:
    return char.isspace() or not (is_visible(char) or unicodedata.category(char)[0] == "M")


def tidy(value: str) -> str:
    """Controls → spaces, overrides gone, spaces folded, invisible characters off both ends."""
    text = " ".join(_BIDI.sub("", _CONTROL.sub(" ", value)).split())
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def has_visible(text: str) -> bool:
    return any(is_visible(char) for char in text)


def clean_name(field: str, value: str, *, max_len: int, min_len: int = 1) -> str:
    """`value` tidied; Invalid(field, "invisible") when something was typed but nothing of it
    shows, Invalid(field, "length") outside min_len–max_len characters."""
    text = tidy(value)
    if value.strip() and not has_visible(text):
        raise Invalid(field, "invisible")
    if not min_len <= len(text) <= max_len:
        raise Invalid(field, "length", min=min_len, max=max_len)
    return text

"""Fitting HTML into Telegram's limits the way Telegram counts them.

Telegram checks a message's length (4096) and a caption's (1024) on the text *after* the HTML is
parsed, in UTF-16 code units: tags cost nothing, `&amp;` costs one, an emoji outside the BMP two.
A text over the limit is cut between blocks (a blank line at the top level: one entry of a list),
else between lines, else inside a line — never inside a tag or an entity, and any tag left open
is closed, so the result always parses. A last line "…" says something was left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_TEXT = 4096
MAX_CAPTION = 1024
MORE = "\n…"

# A tag, an entity, or a run of text without either (our HTML is escaped: no bare "<" or "&").
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|&[#\w]+;|[^<&]+|[<&]")


def units(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    """Length of HTML once Telegram has parsed it (surrounding whitespace is trimmed)."""
    return units(plain_text(text).strip())


def plain_text(text: str) -> str:
    """HTML as the member reads it: tags dropped, entities decoded (for button alerts, which
    Telegram shows without parsing)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


@dataclass(slots=True)
class _Cut:
    end: int  # index in the HTML
    shown: int  # visible units before it
    open_tags: tuple[str, ...]


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """`text` unchanged when it fits, else cut as described above, with "…" at the end."""
    if units(text) <= limit or visible_length(text) <= limit:  # markup only ever shrinks
        return text
    budget = limit - units(MORE)
    shown = 0
    stack: list[str] = []
    blocks: list[_Cut] = []  # ends of top-level blocks ("\n\n" outside any tag)
    lines: list[_Cut] = []  # ends of lines outside any tag
    hard: _Cut | None = None
    for token in _TOKEN.finditer(text):
        piece = token.group(0)
        if token.group(2):  # a tag
            name = token.group(2).lower()
            if token.group(1):
                if name in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(name) :]
            else:
                stack.append(name)
            continue
        value = html.unescape(piece) if piece.startswith("&") and len(piece) > 1 else piece
        if shown + units(value) > budget:
            hard = _Cut(token.start(), shown, tuple(stack))
            if not piece.startswith("&"):  # a run of text: keep what fits of it
                keep = _prefix_within(value, budget - shown)
                hard = _Cut(token.start() + len(keep), shown + units(keep), tuple(stack))
            break
        if not stack and "\n" in piece:
            for n, char in enumerate(piece):
                if char == "\n":
                    at = token.start() + n
                    cut = _Cut(at, shown + units(piece[:n]), ())
                    lines.append(cut)
                    if text[at - 1 : at] == "\n":
                        blocks.append(cut)
        shown += units(value)
    assert hard is not None
    # Prefer the end of a whole entry, unless that would throw most of the page away.
    for cuts in (blocks, lines):
        usable = [c for c in cuts if c.shown >= budget // 2]
        if usable:
            return text[: usable[-1].end].rstrip() + MORE
    closing = "".join(f"</{name}>" for name in reversed(hard.open_tags))
    return text[: hard.end].rstrip() + closing + MORE


def _prefix_within(text: str, budget: int) -> str:
    """The longest start of `text` of at most `budget` UTF-16 units."""
    used = 0
    for n, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            return text[:n]
    return text

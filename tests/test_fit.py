"""handlers/fit.py: texts cut on the length Telegram counts, always valid HTML (the fake Bot
API's parser is the judge)."""

from __future__ import annotations

import random

from handlers.fit import fit, plain_text, visible_length
from tests.fakebotapi import _utf16_len, parse_html


def shown(text: str) -> str:
    plain, _ = parse_html(text)  # raises like Telegram on invalid HTML
    return plain.strip()


def test_length_is_what_telegram_counts() -> None:
    assert visible_length("<b>&lt;&amp;&gt;</b>") == 3
    assert visible_length("😀 <i>x</i>\n") == 4
    assert plain_text('<a href="https://x.io/?a=1&amp;b=2">a &lt; b</a>') == "a < b"
    text = "<b>&amp;</b>" * 4096  # 45,056 characters of HTML, 4,096 shown
    assert fit(text) == text


def test_cut_between_entries_and_else_inside_a_line_with_tags_closed() -> None:
    entries = [f"<b>#{n}</b> · " + "&lt;x&gt;" * 100 for n in range(30)]
    text = "<b>Title</b>\n\n" + "\n\n".join(entries)
    out = fit(text)
    assert out.endswith("&lt;x&gt;\n…")  # whole entries, then "…"
    assert _utf16_len(shown(out)) <= 4096
    blocks = shown(out).removesuffix("\n…").split("\n\n")[1:]
    assert len(blocks) == 13 and all(b.endswith("<x>" * 100) for b in blocks)

    one_line = "<b><i>" + "😀" * 3000 + "</i></b>"
    out = fit(one_line, 1024)
    assert out.endswith("</i></b>\n…") and _utf16_len(shown(out)) <= 1024


def test_any_mix_of_markup_fits_and_parses() -> None:
    pieces = [
        "<b>x</b>",
        "<i>ab\ncd</i>",
        "&lt;",
        "&amp;",
        "😀",
        "\n",
        "\n\n",
        "word ",
        '<a href="https://x.io/?a=1&amp;b=2">link</a>',
        "<b><i>n\n\n</i></b>",
        "é",
    ]
    rnd = random.Random(10)
    for _ in range(150):
        text = "".join(rnd.choice(pieces) * rnd.randint(1, 30) for _ in range(rnd.randint(1, 400)))
        limit = rnd.choice([100, 1024, 4096])
        out = fit(text, limit)
        assert _utf16_len(shown(out)) <= limit
        if visible_length(text) <= limit:
            assert out == text

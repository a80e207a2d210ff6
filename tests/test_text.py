"""services/text.py and the name fields that use it: something visible, ends stripped."""

from __future__ import annotations

import pytest

from services.errors import Invalid
from services.facility import clean_value
from services.tasks.managers import clean_manager_name, clean_names
from services.tasks.service import clean_comment, clean_summary
from services.text import clean_name, has_visible, tidy

BLANK = ["\u200b", "\u3164", "\u2800", "\u115f\u1160", "\ufeff", "\u034f", "\u00ad", "\u180e"]


def test_tidy_keeps_what_shows() -> None:
    assert tidy("\u200b  Acme \u200d ") == "Acme"
    assert tidy("\u202eevil\u202c name\x00x") == "evil name x"  # overrides go, controls: space
    assert tidy("👨\u200d👩\u200d👧 farm") == "👨\u200d👩\u200d👧 farm"  # a joiner inside stays
    assert tidy("e\u0301") == "e\u0301"
    assert not has_visible("".join(BLANK)) and has_visible("\u3164x")


@pytest.mark.parametrize("blank", BLANK)
def test_every_name_field_refuses_invisible_text(blank: str) -> None:
    value = blank * 3
    for check in (
        lambda: clean_name("name", value, max_len=128),
        lambda: clean_value("name", value),
        lambda: clean_manager_name(value),
        lambda: clean_names("task_types", [value, "Repair"], most=5),
        lambda: clean_summary(value),
        lambda: clean_comment(value),
    ):
        with pytest.raises(Invalid) as info:
            check()
        assert info.value.reason == "invisible"
    with pytest.raises(Invalid) as info:
        clean_summary("   ")
    assert info.value.reason == "empty"

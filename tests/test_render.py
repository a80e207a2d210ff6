"""`handlers.render`: the buttons and keyboards every screen is made of."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from handlers.callbacks import ClientCb
from handlers.render import button, markup


def test_a_button_is_built_once_and_cannot_be_changed() -> None:
    """`button` keeps what it built: the same text and data give the same object, which no
    screen can change under another, and which goes to Telegram as a plain button."""
    first = button("#12 Acme", ClientCb(action="card", id=12).pack())
    assert button("#12 Acme", ClientCb(action="card", id=12).pack()) is first
    assert button("#12 Acme Mining", first.callback_data or "") is not first
    with pytest.raises(ValidationError):
        first.text = "#13 Other"
    keyboard = markup([[first]])
    assert keyboard.model_dump(exclude_none=True) == {
        "inline_keyboard": [[{"text": "#12 Acme", "callback_data": "cl:card:12:0:"}]]
    }

"""Every button's callback data fits Telegram's 64 bytes, even with the largest ids."""

from __future__ import annotations

import inspect
import typing

import pytest
from aiogram.filters.callback_data import CallbackData

import handlers.callbacks as callbacks
from services.clients.service import EDITABLE
from services.permissions import Permission

BIG_ID = 9_999_999  # ten million clients, miners or tasks: far above any one facility
LONGEST_FLAG = max((p.value for p in Permission), key=len)
LONGEST_ARG = max([*EDITABLE, "in_progress"], key=len)

CLASSES = [
    cls
    for _, cls in inspect.getmembers(callbacks, inspect.isclass)
    if issubclass(cls, CallbackData) and cls is not CallbackData
]


def _largest(cls: type[CallbackData]) -> CallbackData:
    values: dict[str, object] = {}
    for name, field in cls.model_fields.items():
        kind = typing.get_origin(field.annotation) or field.annotation
        args = typing.get_args(field.annotation)
        if kind is int or int in args:
            values[name] = BIG_ID
        elif kind is bool:
            values[name] = True
        else:
            values[name] = {"flag": LONGEST_FLAG, "arg": LONGEST_ARG}.get(name, "x" * 8)
    return cls(**values)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_callback_data_fits_64_bytes(cls: type[CallbackData]) -> None:
    packed = _largest(cls).pack()
    assert len(packed.encode()) <= 64, packed
    assert cls.unpack(packed) == _largest(cls)

"""Validation and normalisation of client contact data: email, phone, messenger."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from services.errors import Invalid
from services.text import clean_name

_TELEGRAM_HANDLE = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")


def clean_text(field: str, value: str, *, max_len: int, min_len: int = 1) -> str:
    return clean_name(field, value, max_len=max_len, min_len=min_len)


def normalize_email(value: str) -> str:
    """The client's key: trimmed, lower-cased, syntactically valid (no DNS look-up)."""
    text = value.strip()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid("email", "format") from exc
    return result.normalized.lower()


def normalize_phone(value: str) -> str:
    """An international number in E.164 form (+79001234567)."""
    text = value.strip()
    if not text.startswith("+"):
        text = "+" + text.lstrip("0") if text[:1].isdigit() and len(text) > 10 else text
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as exc:
        raise Invalid("phone", "format") from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise Invalid("phone", "format")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_messenger(value: str) -> str:
    """A Telegram @handle is checked; any other messenger contact is kept as written."""
    text = clean_text("messenger", value, max_len=128)
    if text.startswith("@") and " " not in text and not _TELEGRAM_HANDLE.match(text):
        raise Invalid("messenger", "handle")
    if text.lower().startswith("https://t.me/"):
        handle = "@" + text.split("/", 3)[3].strip("/")
        if _TELEGRAM_HANDLE.match(handle):
            return handle
    return text

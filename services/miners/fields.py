"""Miner fields as they come from spreadsheets and pasted lists: column names and cell values.

Header names are matched case-insensitively after folding punctuation to spaces, so
"Nominal power (W)", "nominal power, w" and "NOMINAL POWER W" are one column. Each value
cleaner returns the stored form or raises :class:`BadValue` with a reason code.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from services.clients.contacts import normalize_email
from services.errors import Invalid

# Columns of the import file, in template order. "location" may instead be given as
# container / rack / place, which are joined with "/".
IDENTIFYING = ("serial", "mac", "ip")
COLUMNS = (
    "ip",
    "mac",
    "serial",
    "model",
    "submodel",
    "worker",
    "location",
    "container",
    "rack",
    "place",
    "email",
    "power",
    "paid",
    "status",
)
TEMPLATE_COLUMNS = (
    "ip",
    "mac",
    "serial",
    "model",
    "submodel",
    "worker",
    "location",
    "email",
    "power",
    "paid",
    "status",
)

# Accepted header names per column (compared after `header_key`). The first English and the
# first Russian name are the ones the template uses.
ALIASES: dict[str, tuple[str, ...]] = {
    "ip": ("IP", "IP-адрес", "IP address", "IP addr", "IPv4", "адрес IP", "айпи"),
    "mac": ("MAC", "MAC-адрес", "MAC address", "MAC addr", "мак", "мак-адрес"),
    "serial": (
        "Serial number",
        "Серийный номер",
        "Serial",
        "Serial No",
        "Serial num",
        "SN",
        "S/N",
        "Серийный",
        "Серийник",
        "Заводской номер",
        "С/Н",
    ),
    "model": ("Model", "Модель", "Miner model", "Модель майнера"),
    "submodel": ("Submodel", "Подмодель", "Sub model", "Sub-model", "Модификация"),
    "worker": ("Worker", "Воркер", "Worker name", "Имя воркера"),
    "location": ("Location", "Расположение", "Местоположение", "Место установки", "Локация"),
    "container": ("Container", "Контейнер"),
    "rack": ("Rack", "Стойка", "Стеллаж"),
    "place": ("Place", "Место", "Slot", "Position", "Ячейка", "Слот", "Позиция"),
    "email": (
        "Client email",
        "Email клиента",
        "Client e-mail",
        "Email",
        "E-mail",
        "E-mail клиента",
        "Почта клиента",
        "Почта",
        "Электронная почта",
    ),
    "power": (
        "Nominal power (W)",
        "Номинальная мощность (Вт)",
        "Nominal power",
        "Power (W)",
        "Power",
        "Watts",
        "Номинальная мощность",
        "Мощность (Вт)",
        "Мощность",
    ),
    "paid": ("Paid", "Оплачен", "Payment status", "Paid status", "Оплата", "Оплачено"),
    "status": ("Status", "Статус", "Miner status", "State", "Состояние", "Статус майнера"),
}

MAX_LENGTH = {"serial": 64, "model": 64, "submodel": 64, "worker": 128, "location": 128}
MAX_POWER_W = 100_000
ERROR_VALUES = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)

_NOT_WORD = re.compile(r"[\W_]+")
_MAC = re.compile(
    r"[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}"
)
_CANONICAL_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")
_NO_MAC = frozenset({"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"})
_MAC_SEPARATORS = str.maketrans("", "", ":-.")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INJECTION_GUARD = re.compile(r"^'(?=[=+\-@])")  # the apostrophe exporters put before "=…"
_CYRILLIC = re.compile("[а-яА-ЯёЁ]")
_POWER_UNIT = re.compile(r"(?:w|вт|watts?)$")

_TRUE = ("yes", "y", "true", "1", "paid", "да", "д", "оплачен", "оплачено", "оплачена", "+")
_FALSE = ("no", "n", "false", "0", "unpaid", "not paid", "нет", "н", "не оплачен", "не оплачено")
_STATUS_WORDS = {
    "active": ("active", "ok", "online", "активен", "активный", "работает", "в работе"),
    "lowhash": ("lowhash", "low hash", "low hashrate", "низкий хешрейт", "низкий хэшрейт"),
    "hanged": ("hanged", "hang", "hung", "hanging", "завис", "зависший", "висит"),
    "offline": ("offline", "off", "офлайн", "оффлайн", "не в сети", "отключен"),
    "unknown": ("unknown", "never seen", "неизвестно", "неизвестен", "нет данных"),
}


def header_key(text: str) -> str:
    """Case-, punctuation- and ё-insensitive form of a header or a word value."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold().replace("ё", "е")).split())


_HEADER_TO_FIELD = {header_key(a): f for f, names in ALIASES.items() for a in names}
_PAID = {**{header_key(w): True for w in _TRUE}, **{header_key(w): False for w in _FALSE}}
_PAID.update({"+": True, "-": False, "✓": True, "✔": True, "✗": False, "✘": False})
_STATUS = {header_key(w): s for s, words in _STATUS_WORDS.items() for w in words}


def display_name(column: str, lang: str) -> str:
    """A column's name in the template: its first English, or first Russian, alias."""
    names = ALIASES[column]
    if lang == "ru":
        return next((n for n in names if _CYRILLIC.search(n)), names[0])
    return names[0]


def template_headers(lang: str) -> list[str]:
    return [display_name(c, lang) for c in TEMPLATE_COLUMNS]


def field_of_header(value: Any) -> str | None:
    """The column a header cell names, or None for a column we do not know (ignored)."""
    if not isinstance(value, str):
        return None
    return _HEADER_TO_FIELD.get(header_key(value))


def match_header(cells: Sequence[Any]) -> dict[str, int]:
    """field → column index for a candidate header row (the first of duplicate columns wins)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = field_of_header(cell)
        if field is not None and field not in found:
            found[field] = index
    return found


class BadValue(Exception):
    """A cell that cannot be accepted; `reason` is a translation key suffix."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text, None when blank. Whole floats lose their ".0" (Excel stores
    long serial numbers as numbers); an error value such as #N/A is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        if "\xa0" in value or "\u202f" in value:
            value = value.replace("\xa0", " ").replace("\u202f", " ")
        text = value.strip()
        if not text:
            return None
        if text in ERROR_VALUES:
            raise BadValue("error-value")
        if text[0] == "'":
            text = _INJECTION_GUARD.sub("", text)
        return text
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


# A dotted quad as it should be written (the common case, checked without ipaddress).
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PLAIN_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def clean_ip(text: str) -> str:
    if _PLAIN_IPV4.fullmatch(text):
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise BadValue("ip") from None


def clean_mac(text: str) -> str:
    lowered = text.lower()
    if _CANONICAL_MAC.fullmatch(lowered) and lowered not in _NO_MAC:
        return lowered
    if not _MAC.fullmatch(lowered):
        raise BadValue("mac")
    digits = lowered.translate(_MAC_SEPARATORS)
    if digits in ("000000000000", "ffffffffffff"):
        raise BadValue("mac")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def clean_serial(text: str) -> str:
    serial = _SPACES.sub(" ", text).upper()
    if len(serial) > MAX_LENGTH["serial"]:
        raise BadValue("too-long", max=MAX_LENGTH["serial"])
    return serial


def clean_text(field: str, text: str) -> str:
    """Control characters (a NUL from a broken CSV) become spaces; runs of spaces one."""
    if not text.isprintable() or "  " in text:
        text = " ".join(_CONTROL.sub(" ", text).split())
    cleaned = text
    if len(cleaned) > MAX_LENGTH[field]:
        raise BadValue("too-long", max=MAX_LENGTH[field])
    return cleaned


def clean_power(value: Any, text: str) -> int:
    """Watts as a whole positive number: 3250, "3250", "3 250", "3250 W", "3250,0"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        compact = _POWER_UNIT.sub("", text.casefold().replace(" ", "")).replace(",", ".")
        try:
            number = float(compact)
        except ValueError:
            raise BadValue("power") from None
    if not number.is_integer() or not 0 < number <= MAX_POWER_W:
        raise BadValue("power", max=MAX_POWER_W)
    return int(number)


def clean_paid(value: Any, text: str) -> bool:
    if isinstance(value, bool):
        return value
    found = _PAID.get(text if text in _PAID else header_key(text))
    if found is None:
        raise BadValue("paid")
    return found


def clean_status(text: str) -> str:
    found = _STATUS.get(header_key(text))
    if found is None:
        raise BadValue("status")
    return found


class EmailCleaner:
    """Email normalisation with a cache: a file repeats a few thousand emails 100,000 times."""

    def __init__(self) -> None:
        self._seen: dict[str, str | None] = {}

    def __call__(self, text: str) -> str:
        if text not in self._seen:
            try:
                self._seen[text] = normalize_email(text)
            except Invalid:
                self._seen[text] = None
        cleaned = self._seen[text]
        if cleaned is None:
            raise BadValue("email")
        return cleaned


class Identifier(NamedTuple):
    kind: str  # serial | mac | ip
    value: str


def classify_identifier(token: str) -> Identifier:
    """What a pasted token is: a MAC, an IP, otherwise a serial number."""
    try:
        return Identifier("mac", clean_mac(token))
    except BadValue:
        pass
    try:
        return Identifier("ip", clean_ip(token))
    except BadValue:
        return Identifier("serial", _SPACES.sub(" ", token).upper())

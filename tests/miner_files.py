"""Real import files for tests: .xlsx written by openpyxl (optionally with cached formula values,
as Excel and LibreOffice write them), .xlsb written record by record (no free tool writes
.xlsb: LibreOffice only reads it), .csv in a given encoding and delimiter, and the twin fleet
whose .ods and .xls copies LibreOffice made (tests/fixtures/README.md)."""

from __future__ import annotations

import csv
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = ["IP", "MAC", "Serial number", "Model", "Client email", "Nominal power (W)", "Paid"]
FIXTURES = Path(__file__).parent / "fixtures"
ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"})

# The twin fleet: the same rows as .xlsx (openpyxl, with the cached values Excel would store),
# .ods and .xls (LibreOffice's conversions of that .xlsx, committed) and .xlsb (xlsb() below).
# A title above the header, headers in both languages, a formula per kind of value, a number
# stored as text, a serial stored as a number, a boolean, dates, blank rows, a bad IP.
TWIN_TITLE = "Container 7 fleet"
TWIN_HEADER = [
    "IP-адрес",
    "MAC",
    "Серийный номер",
    "Model",
    "Email клиента",
    "Nominal power (W)",
    "Оплачен",
    "Статус",
    "Commissioned",
]
TWIN_DATA: list[list[Any]] = [
    [
        "10.0.0.1",
        "AA:BB:CC:00:00:01",
        "JYZZ0001",
        "Antminer S19",
        "a@acme.com",
        3250,
        "да",
        "active",
        date(2024, 3, 1),
    ],
    [
        "10.0.0.2",
        "aa-bb-cc-00-00-02",
        123456789012,
        '="S"&"21"',
        "B@Beta.io",
        "3500",
        "no",
        None,
        datetime(2024, 3, 2, 14, 30),
    ],
    [],
    [None, None, None, None, None, None, None, None, date(2024, 5, 1)],
    ["10.0.0.4", None, " jyzz 4 ", "Whatsminer M50", None, "=3000+250", True, "Офлайн", None],
    ["10.0.0.300", None, "BAD1", "Avalon", None, None, None, None, None],
]
TWIN_CACHED: dict[str, str | int] = {"D5": "S21", "F8": 3250}  # the formulas' results
TWIN_ROWS: list[list[Any]] = [[TWIN_TITLE], [], TWIN_HEADER, *TWIN_DATA]


def xlsx(rows: Sequence[Sequence[Any]], *, title: str = "Miners") -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def with_cached_values(data: bytes, values: dict[str, str | int]) -> bytes:
    """Give formula cells the cached result a spreadsheet program stores next to the formula
    (openpyxl writes formulas without one): {"B2": "S19", "C2": 3250, "D2": "#N/A"}; an error
    is stored as Excel stores it (t="e")."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in values.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    if value in ERRORS:
                        kind = ' t="e"'
                    xml, count = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                        rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>',
                        xml,
                    )
                    assert count == 1, f"no formula cell {ref}"
                content = xml.encode()
            target.writestr(item, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A small .xlsx-looking zip whose sheet unpacks a thousand times larger than it is packed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("xl/workbook.xml", "<workbook/>")
        target.writestr("xl/worksheets/sheet1.xml", b"<" + b"0" * (8 * 1024 * 1024))
    return out.getvalue()


def twin_xlsx() -> bytes:
    return with_cached_values(xlsx(TWIN_ROWS, title="Fleet"), TWIN_CACHED)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- .xlsb, record by record ([MS-XLSB]) ------------------------------------------------------


def _record(typ: int, body: bytes = b"") -> bytes:
    head = bytes([typ]) if typ < 0x80 else bytes([(typ & 0x7F) | 0x80, typ >> 7])
    size, length = len(body), bytearray()
    while True:
        byte = size & 0x7F
        size >>= 7
        length.append(byte | (0x80 if size else 0))
        if not size:
            break
    return head + bytes(length) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE_STYLE = 1  # the second cell format: built-in number format 14 (a date)


def _xlsb_cell(col: int, value: Any) -> bytes:
    """A cell record; a string starting with "=" is a formula whose cached result is in
    `cached` (see _xlsb_sheet), stored as Excel stores one (BrtFmlaString / BrtFmlaNum)."""
    if isinstance(value, bool):
        return _record(0x04, struct.pack("<IIB", col, 0, value))
    if isinstance(value, (datetime, date)):
        moment = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        serial = (moment - _EXCEL_EPOCH).total_seconds() / 86400
        return _record(0x05, struct.pack("<IId", col, _DATE_STYLE, serial))
    if isinstance(value, (int, float)):
        return _record(0x05, struct.pack("<IId", col, 0, float(value)))
    if isinstance(value, str) and value in ERRORS:
        return _record(0x03, struct.pack("<IIB", col, 0, 0x2A))
    return _record(0x06, struct.pack("<II", col, 0) + _wide(str(value)))


def _xlsb_formula(col: int, cached: str | int) -> bytes:
    no_formula = struct.pack("<HII", 0, 0, 0)  # grbitFlags, cce = 0, cb = 0
    if isinstance(cached, str):
        return _record(0x08, struct.pack("<II", col, 0) + _wide(cached) + no_formula)
    return _record(0x09, struct.pack("<IId", col, 0, float(cached)) + no_formula)


def _column_letters(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsb_sheet(rows: Sequence[Sequence[Any]], cached: dict[str, str | int]) -> bytes:
    last_row = max(len(rows) - 1, 0)
    last_col = max((len(r) for r in rows), default=1) - 1
    parts = [
        _record(0x81),
        _record(0x94, struct.pack("<IIII", 0, last_row, 0, max(last_col, 0))),
        _record(0x91),
    ]
    for r, row in enumerate(rows):
        parts.append(_record(0x00, struct.pack("<IIHHBBI", r, 0, 300, 0, 0, 0, 0)))
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{_column_letters(c)}{r + 1}"
            if isinstance(value, str) and value.startswith("="):
                if ref in cached:
                    parts.append(_xlsb_formula(c, cached[ref]))
                continue
            parts.append(_xlsb_cell(c, value))
    parts += [_record(0x92), _record(0x82)]
    return b"".join(parts)


_XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsb(
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    cached: dict[str, str | int] | None = None,
    hidden: Sequence[str] = (),
) -> bytes:
    """An .xlsb workbook with these sheets (name → rows), as Excel's binary format lays it out:
    workbook.bin names the sheets, styles.bin gives cell format 1 a date format, each sheet is
    its cell records. `cached` holds formula results of the first sheet ("D5": "S21")."""
    book = [_record(0x83), _record(0x8F)]
    rels = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = []
        for n, (name, rows) in enumerate(sheets.items(), 1):
            state = 1 if name in hidden else 0
            book.append(
                _record(0x9C, struct.pack("<II", state, n) + _wide(f"rId{n}") + _wide(name))
            )
            rels.append(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{n}.bin"/>'
            )
            sheet = _xlsb_sheet(rows, (cached or {}) if n == 1 else {})
            archive.writestr(f"xl/worksheets/sheet{n}.bin", sheet)
            overrides.append(
                f'<Override PartName="/xl/worksheets/sheet{n}.bin" '
                'ContentType="application/vnd.ms-excel.worksheet"/>'
            )
        book += [_record(0x90), _record(0x84)]
        xf = struct.pack("<HH", 0, 0) + bytes(12)
        date_xf = struct.pack("<HH", 0, 14) + bytes(12)
        styles = _record(0x269, struct.pack("<I", 2)) + _record(0x2F, xf) + _record(0x2F, date_xf)
        styles += _record(0x26A)
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/xl/workbook.bin" ContentType="{_XLSB_MAIN}"/>'
            + "".join(overrides)
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.bin"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr("xl/styles.bin", styles)
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
    return out.getvalue()

"""Every spreadsheet format a facility has, read through one path, and every bad file refused.

The twin fleet (tests/miner_files.py) exists as .xlsx (openpyxl), .xlsm, .xlsb (written record
by record), and .ods and .xls (LibreOffice's conversions, committed under tests/fixtures/); each
must give exactly the rows, rejects and sheet of the .xlsx.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from services.errors import Invalid
from services.miners import file_kind, sheet_limits
from services.miners.fields import cell_text
from services.miners.import_plan import ParsedFile, header_score, parse_file
from services.miners.spreadsheet import read_table
from tests.fixtures.make_fixtures import TWO_SHEETS_DATA, two_sheets_xlsx
from tests.miner_files import (
    TWIN_CACHED,
    TWIN_ROWS,
    fixture,
    twin_xlsx,
    with_cached_values,
    xlsb,
    xlsx,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02"


def as_xlsm(data: bytes) -> bytes:
    """The same workbook saved as macro-enabled (only its content type differs)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
                )
            target.writestr(item, content)
    return out.getvalue()


TWINS: dict[str, Callable[[], bytes]] = {
    "xlsm": lambda: as_xlsm(twin_xlsx()),
    "xlsb": lambda: xlsb({"Fleet": TWIN_ROWS}, cached=TWIN_CACHED),
    "ods": lambda: fixture("fleet.ods"),
    "xls": lambda: fixture("fleet.xls"),
}


def refused(data: bytes, name: str) -> Invalid:
    with pytest.raises(Invalid) as error:
        parse_file(data, name)
    assert error.value.field == "file"
    return error.value


def summary(parsed: ParsedFile) -> tuple[Any, ...]:
    return (parsed.sheet, parsed.columns, parsed.data_rows, parsed.rows, parsed.rejects)


def test_the_xlsx_twin_reads_as_the_member_wrote_it() -> None:
    parsed = parse_file(twin_xlsx(), "fleet.xlsx")
    assert parsed.kind == "xlsx" and parsed.sheet == "Fleet" and parsed.data_rows == 4
    none3 = (None, None, None)  # submodel, worker, location: not in the file
    ACME, BETA = ("a@acme.com", 3250, True, "active"), ("b@beta.io", 3500, False, None)
    assert [tuple(r) for r in parsed.rows] == [
        (4, "JYZZ0001", "aa:bb:cc:00:00:01", "10.0.0.1", "Antminer S19", *none3, *ACME),
        # a serial stored as a number, a text formula, a power stored as text
        (5, "123456789012", "aa:bb:cc:00:00:02", "10.0.0.2", "S21", *none3, *BETA),
        # a number formula, a boolean, a status in Russian
        (8, "JYZZ 4", None, "10.0.0.4", "Whatsminer M50", *none3, None, 3250, True, "offline"),
    ]
    assert [(r.row, r.reason) for r in parsed.rejects] == [(9, "ip")]


@pytest.mark.parametrize("kind", list(TWINS))
def test_each_format_imports_the_same_miners_as_its_xlsx_twin(kind: str) -> None:
    parsed = parse_file(TWINS[kind](), f"fleet.{kind}")
    assert parsed.kind == kind
    assert summary(parsed) == summary(parse_file(twin_xlsx(), "fleet.xlsx"))


@pytest.mark.parametrize("kind", ["xlsx", *TWINS])
def test_dates_are_read_as_dates_in_each_format(kind: str) -> None:
    data = twin_xlsx() if kind == "xlsx" else TWINS[kind]()
    with read_table(data, f"fleet.{kind}", header_score) as table:
        commissioned = [cells[8] for _, cells in table.rows if len(cells) > 8 and cells[8]]
    assert commissioned == [date(2024, 3, 1), datetime(2024, 3, 2, 14, 30), date(2024, 5, 1)]
    assert cell_text(commissioned[0]) == "2024-03-01"


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("xlsx", two_sheets_xlsx),
        ("xlsb", lambda: xlsb({"Notes": [], "Miners": TWO_SHEETS_DATA})),
        ("ods", lambda: fixture("two-sheets.ods")),
        ("xls", lambda: fixture("two-sheets.xls")),
    ],
)
def test_the_first_sheet_with_a_header_row_is_read(kind: str, make: Callable[[], bytes]) -> None:
    parsed = parse_file(make(), f"two-sheets.{kind}")
    assert parsed.sheet == "Miners"
    assert [(r.row, r.serial) for r in parsed.rows] == [(2, "JYZZ1001"), (3, "JYZZ1002")]


def test_visible_sheets_come_before_hidden_ones_and_charts_are_skipped() -> None:
    lookup: list[list[Any]] = [["Serial", "Model"], ["OLD1", "S9"]]
    data = xlsb({"Lookup": lookup, "Miners": TWO_SHEETS_DATA}, hidden=["Lookup"])
    assert parse_file(data, "book.xlsb").sheet == "Miners"
    only_hidden = xlsb({"Lookup": lookup}, hidden=["Lookup"])
    assert parse_file(only_hidden, "book.xlsb").sheet == "Lookup"


def test_a_formula_error_reads_as_an_empty_cell() -> None:
    """python-calamine passes no error values (calamine's error cells become empty ones), so a
    cached #N/A reads as a blank cell and the row is judged by its other cells."""
    data = xlsx([["Serial", "Client email", "Model"], ["A1", "=NA()", "S19"]])
    parsed = parse_file(with_cached_values(data, {"B2": "#N/A"}), "e.xlsx")
    assert [(r.serial, r.email, r.model) for r in parsed.rows] == [("A1", None, "S19")]
    assert parsed.rejects == []


@pytest.mark.parametrize("kind", ["xlsx", "xlsb", "xls", "ods"])
def test_password_protected_workbooks_are_told_so(kind: str) -> None:
    assert refused(fixture(f"password.{kind}"), f"secret.{kind}").reason == "password"


def _zip(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PNG, "photo.xlsx"),
        (PNG, "photo.ods"),
        (PNG, "photo.xls"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "scan.xlsx"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "camera.xlsb"),
        (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "letter.xlsx"),
        (
            _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"}),
            "t.ods",
        ),
        (_zip({"notes.txt": "hello"}), "archive.xlsx"),
        (b"this is not an xlsx", "fake.xlsx"),
    ],
)
def test_files_that_are_not_spreadsheets_are_told_so(data: bytes, name: str) -> None:
    assert refused(data, name).reason == "not-spreadsheet"


def test_a_csv_saved_under_a_spreadsheet_name_is_read() -> None:
    parsed = parse_file(b"IP;Serial\r\n10.0.0.1;A1\r\n", "export.xls")
    assert parsed.kind == "csv" and [r.serial for r in parsed.rows] == ["A1"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (twin_xlsx()[:3000], "cut.xlsx"),
        (fixture("fleet.ods")[:5000], "cut.ods"),
        (fixture("fleet.xls")[:3000], "cut.xls"),
        (xlsb({"Fleet": TWIN_ROWS})[:600], "cut.xlsb"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls"),
    ],
)
def test_damaged_workbooks_are_called_damaged(data: bytes, name: str) -> None:
    assert refused(data, name).reason == "corrupt"


# --- the span guard: checked before calamine allocates a sheet ---------------------------------


def _far_xlsx(ref: str) -> bytes:
    book = xlsx([["IP"], ["10.0.0.1"]])
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cell = f'<row r="9"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
                content = content.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
            target.writestr(item, content)
    return out.getvalue()


def _ods(rows: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        f'<office:spreadsheet><table:table table:name="S">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    return _zip(
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": content}
    )


def _ods_cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeated}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def _patched_xls(typ: int, patch: Callable[[bytearray, int], None]) -> bytes:
    """fleet.xls with the first record of `typ` changed in place (the OLE container has no
    checksum), as a hostile tool could write it."""
    data = bytearray(fixture("fleet.xls"))
    at = data.find(struct.pack("<H", typ) + struct.pack("<H", {0x0200: 14, 0x027E: 10}[typ]))
    assert at > 0
    patch(data, at + 4)
    return bytes(data)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: _far_xlsx("XFD1048576"), "far.xlsx"),
        (lambda: _far_xlsx("Z400000"), "long.xlsx"),
        (
            lambda: _ods(
                f"<table:table-row>{_ods_cell('IP')}</table:table-row>"
                f'<table:table-row table:number-rows-repeated="1000000">{_ods_cell("x", 100)}'
                "</table:table-row>"
            ),
            "repeated.ods",
        ),
        (
            lambda: _patched_xls(
                0x0200, lambda d, at: d.__setitem__(slice(at + 4, at + 8), struct.pack("<I", 10**9))
            ),
            "dimension.xls",
        ),
        (
            lambda: _patched_xls(
                0x027E,
                lambda d, at: d.__setitem__(slice(at, at + 4), struct.pack("<HH", 65535, 255)),
            ),
            "far.xls",
        ),
    ],
)
def test_a_sheet_spanning_too_many_cells_is_refused_before_it_is_read(
    make: Callable[[], bytes], name: str
) -> None:
    error = refused(make(), name)
    assert error.reason == "too-many-cells" and error.details == {"max": file_kind.MAX_CELLS}


def test_an_xlsb_cell_far_away_is_refused() -> None:
    data = xlsb({"S": [["IP"], ["10.0.0.1"]]})
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.bin":
                row = struct.pack("<IIHHBBI", 1_048_575, 0, 300, 0, 0, 0, 0)
                cell = struct.pack("<IId", 16_383, 0, 1.0)
                far = bytes([0x00, len(row)]) + row + bytes([0x05, len(cell)]) + cell
                end = content.rindex(bytes([0x92, 0x01, 0x00]))
                content = content[:end] + far + content[end:]
            target.writestr(item, content)
    assert refused(out.getvalue(), "far.xlsb").reason == "too-many-cells"


def test_the_quick_span_check_and_the_exact_walk_agree() -> None:
    plain = zipfile.ZipFile(io.BytesIO(xlsx([["IP", "Serial"], ["10.0.0.1", "A"]]))).read(
        "xl/worksheets/sheet1.xml"
    )
    assert sheet_limits.xml_sheet_cells(plain) == sheet_limits.QUICK_BOX[0] * 26
    assert sheet_limits._exact_xml_extent(plain) == (2, 2)
    # cells without references are placed after the previous one, as calamine places them
    bare = (
        b'<worksheet><sheetData><row r="5"><c><v>1</v></c><c><v>2</v></c><c r="D5"><v>3</v></c>'
        b"<c><v>4</v></c></row><row><x:c><v>5</v></x:c></row></sheetData></worksheet>"
    )
    assert sheet_limits.xml_sheet_cells(bare) == 6 * 5
    assert sheet_limits.xml_sheet_cells(b"<styleSheet/>") == 0


def test_ods_span_counts_only_rows_and_columns_up_to_the_last_value() -> None:
    trailing = (
        f"<table:table-row>{_ods_cell('IP')}{_ods_cell('10.0.0.1')}"
        '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    content = zipfile.ZipFile(io.BytesIO(_ods(trailing))).read("content.xml")
    assert sheet_limits.ods_cells(content) == 1 * 2 + 2

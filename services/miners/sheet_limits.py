"""How many cells calamine would allocate for a workbook's sheets, found before it reads them.

calamine (python-calamine) reads a whole sheet into one rectangular array of cells spanning the
sheet's used area; it cannot stream. A file of a few kilobytes with one value in A1 and one in
XFD1048576 asks it for 17 billion cells, and the allocation failure aborts the process (a Rust
abort, not an exception). `.xls` and `.ods` are worse: every sheet is built when the workbook is
opened. So each format's cell positions are scanned here first, the way calamine will read them,
and the largest span is compared with a ceiling. Each function returns an upper bound of the
cells calamine would allocate for the worst sheet (xlsx, xlsb: read one at a time) or for all
sheets together (xls, ods: read at once).

The scans are deliberately conservative: where the file does something unusual (cells without a
reference, odd attribute quoting, namespace prefixes) the slower exact walk runs, never a guess.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

# --- xlsx / xlsm: sheet XML ------------------------------------------------------------------

_SHEET_DATA = (b"<sheetData", b"</sheetData>")
# A reference outside the quick box: two letters or more (column AA+), or a row of 200,000+.
_OUTSIDE_QUICK_BOX = re.compile(rb' r="(?:[A-Za-z]{2}|[A-Za-z]?(?:\d{7}|[2-9]\d{5}"))')
QUICK_BOX = (199_999, 26)  # rows, columns: what the quick check proves
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?r\s*=\s*["']([A-Za-z]*)(\d*)["']""")


def column_number(letters: bytes) -> int:
    """1-based column of "A", "Z", "AA" …"""
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def _quick_xml_bound(xml: bytes) -> int | None:
    """QUICK_BOX's cell count when the sheet is plainly written (every cell names itself with
    ` r="…"`, every reference inside the box); None when the exact walk is needed. Three passes
    of C over the bytes: about a tenth of what calamine then spends on the same sheet."""
    start = xml.find(_SHEET_DATA[0])
    if start < 0:
        return 0
    end = xml.find(_SHEET_DATA[1], start)
    end = len(xml) if end < 0 else end
    # Every cell tag starts with its reference (`<c r="B7"`), and no tag has a namespace
    # prefix (`<x:c>`, placed by counting). Otherwise: the exact walk.
    cells = xml.count(b"<c", start, end)
    if cells != xml.count(b'<c r="', start, end) or xml.find(b":c", start, end) >= 0:
        return None
    if _OUTSIDE_QUICK_BOX.search(xml, start, end):
        return None
    return QUICK_BOX[0] * QUICK_BOX[1] if cells else 0


def _exact_xml_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the farthest cell, placing cells without a reference the way
    calamine does (after the previous cell; a row without one after the previous row)."""
    row = col = 0  # 1-based position of the last row / cell seen
    max_row = max_col = 0
    for match in _TAG.finditer(xml):
        closing, name, attrs = match.groups()
        if closing:
            continue
        ref = _R_ATTR.search(attrs)
        if name == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
        else:
            if ref and ref.group(1):
                col = column_number(ref.group(1))
                if ref.group(2):
                    row = int(ref.group(2))
            else:
                col += 1
            max_row, max_col = max(max_row, row), max(max_col, col)
    return max_row, max_col


def xml_sheet_cells(xml: bytes) -> int:
    """Upper bound of the cells calamine allocates for one worksheet XML part (0 for a part
    that holds no cells: any other part of the package)."""
    quick = _quick_xml_bound(xml)
    if quick is not None:
        return quick
    rows, columns = _exact_xml_extent(xml)
    return rows * columns


# --- xlsb: BIFF12 records --------------------------------------------------------------------

_XLSB_ROW = 0x0000
_XLSB_VALUE_CELLS = frozenset(range(0x0002, 0x000C))  # Rk … FmlaError (0x0001 is a blank)
_XLSB_WS_DIM, _XLSB_BEGIN_DATA = 0x0094, 0x0091
XLSB_MAX_ROW = 0x0010_0000  # calamine ends a sheet at a row beyond this
_U16, _U32 = struct.Struct("<H"), struct.Struct("<I")


def _xlsb_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(type, start, end) of each record: a 1–2 byte type and a 1–4 byte length, 7 bits each."""
    pos, size = 0, len(data)
    while pos < size:
        typ = data[pos]
        pos += 1
        if typ & 0x80:
            if pos >= size:
                return
            typ = (typ & 0x7F) | ((data[pos] & 0x7F) << 7)
            pos += 1
        length = 0
        for shift in (0, 7, 14, 21):
            if pos >= size:
                return
            byte = data[pos]
            pos += 1
            length |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        yield typ, pos, pos + length
        pos += length


def xlsb_sheet_cells(data: bytes) -> int:
    """Upper bound of the cells calamine allocates for one part read as an xlsb worksheet: the
    cell records after its first dimension and sheet-data records (0 for any other part). The
    walk goes on to the part's end (calamine may skip blocks and start later, never earlier)."""
    seen_dimension = in_data = False
    row = max_row = max_col = 0
    for typ, start, end in _xlsb_records(data):
        if not in_data:
            if typ == _XLSB_WS_DIM:
                seen_dimension = True
            elif typ == _XLSB_BEGIN_DATA and seen_dimension:
                in_data = True
            continue
        if end - start < 4:
            continue
        if typ == _XLSB_ROW:
            row = min(_U32.unpack_from(data, start)[0], XLSB_MAX_ROW)
        elif typ in _XLSB_VALUE_CELLS:
            max_row = max(max_row, row + 1)
            max_col = max(max_col, _U32.unpack_from(data, start)[0] + 1)
    return max_row * max_col


# --- ods: content.xml ------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated\s*=\s*["\'](\d+)')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated\s*=\s*["\'](\d+)')
ODS_MAX_ROWS, ODS_MAX_COLUMNS = 1_048_576, 16_384  # calamine caps repeats at these


def _repeats(pattern: re.Pattern[bytes], attrs: bytes, cap: int) -> int:
    found = pattern.search(attrs)
    return min(int(found.group(1)), cap) if found else 1


def ods_cells(content: bytes) -> int:
    """Upper bound of the cells calamine allocates for all sheets of an .ods (it builds every
    sheet on opening): per sheet, the rows up to the last one holding a value times its widest
    row up to that row's last value, plus the unexpanded row cells it keeps meanwhile."""
    total = 0
    rows = width = kept = 0  # of the current sheet
    row_repeats = row_width = position = 0  # of the current row
    row_has_value = False
    pending_rows = 0  # rows since the last row with a value (counted only if one follows)
    for match in _ODS_TAG.finditer(content):
        closing, name, attrs, empty_tag = match.groups()
        if name == b"table":
            if closing:
                total += rows * width + kept
                rows = width = kept = pending_rows = 0
            continue
        if name == b"table-row":
            if not closing:
                row_repeats = _repeats(_ROWS_REPEATED, attrs, ODS_MAX_ROWS)
                row_width = position = 0
                row_has_value = False
                if empty_tag:
                    pending_rows += row_repeats
                continue
            kept += row_width
            if row_has_value:
                rows += pending_rows + row_repeats
                pending_rows = 0
                width = max(width, row_width)
            else:
                pending_rows += row_repeats
            continue
        if closing:
            continue
        position += _repeats(_COLUMNS_REPEATED, attrs, ODS_MAX_COLUMNS)
        # A cell is empty only when written as <table:table-cell …/> with no value or formula.
        if not empty_tag or b"value-type" in attrs or b"formula" in attrs:
            row_has_value = True
            row_width = position
    return total + rows * width + kept


# --- xls: BIFF8 (and BIFF5) Workbook stream --------------------------------------------------

_BIFF_BOF, _BIFF_EOF, _BIFF_SHEET, _BIFF_FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
_BIFF_DIMENSIONS, _BIFF_MULRK = 0x0200, 0x00BD
_BIFF_CELLS = frozenset({0x0006, 0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD})
MAX_XLS_SHEETS = 256


class XlsProblem(Exception):
    """The xls stream is password-protected ("password") or cannot be walked ("corrupt")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(type, data start, data end) of each record from `pos` to the end of the stream."""
    size = len(stream)
    while pos + 4 <= size:
        typ, length = _U16.unpack_from(stream, pos)[0], _U16.unpack_from(stream, pos + 2)[0]
        start = pos + 4
        pos = start + length
        yield typ, start, min(pos, size)


def _dimension_cells(data: bytes) -> int:
    """The cells calamine reserves for a DIMENSIONS record (rows and columns as it reads them);
    a record it would misread as a huge or negative size counts as infinitely many."""
    if len(data) == 14:
        first_row, last_row = _U32.unpack_from(data, 0)[0], _U32.unpack_from(data, 4)[0]
        first_col, last_col = _U16.unpack_from(data, 8)[0], _U16.unpack_from(data, 10)[0]
    elif len(data) == 10:
        first_row, last_row = _U16.unpack_from(data, 0)[0], _U16.unpack_from(data, 2)[0]
        first_col, last_col = _U16.unpack_from(data, 4)[0], _U16.unpack_from(data, 6)[0]
    else:
        return 0  # calamine refuses the file
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1
    if last_row - 1 < first_row or last_col - 1 < first_col:
        return 1 << 62
    return (last_row - first_row) * (last_col - first_col)


def _xls_sheet_cells(stream: bytes, pos: int) -> int:
    """Reserved plus placed cells of the sheet whose BOF record is at `pos`, read as calamine
    reads it: to its EOF, skipping nested substreams (charts)."""
    reserved = max_row = max_col = 0
    depth = 0
    seen_bof = False
    for typ, start, end in _biff_records(stream, pos):
        if depth:
            depth += (typ == _BIFF_BOF) - (typ == _BIFF_EOF)
            continue
        if typ == _BIFF_BOF:
            depth, seen_bof = (1, True) if seen_bof else (0, True)
        elif typ == _BIFF_EOF:
            break
        elif typ == _BIFF_DIMENSIONS:
            reserved += _dimension_cells(stream[start:end])
        elif typ in _BIFF_CELLS and end - start >= 4:
            max_row = max(max_row, _U16.unpack_from(stream, start)[0] + 1)
            max_col = max(max_col, _U16.unpack_from(stream, start + 2)[0] + 1)
        elif typ == _BIFF_MULRK and end - start >= 6:
            first = _U16.unpack_from(stream, start + 2)[0]
            last = max(_U16.unpack_from(stream, end - 2)[0], first + (end - start - 6) // 6)
            max_row = max(max_row, _U16.unpack_from(stream, start)[0] + 1)
            max_col = max(max_col, last + 1)
    return reserved + max_row * max_col


def xls_cells(stream: bytes) -> int:
    """Upper bound of the cells calamine allocates for all sheets of an .xls Workbook stream
    (it builds every sheet on opening). Raises XlsProblem for a password-protected workbook."""
    sheets: list[int] = []
    for typ, start, end in _biff_records(stream, 0):
        if typ == _BIFF_FILEPASS:
            raise XlsProblem("password")
        if typ == _BIFF_SHEET and end - start >= 4:
            sheets.append(_U32.unpack_from(stream, start)[0])
        elif typ == _BIFF_EOF:
            break
    if len(sheets) > MAX_XLS_SHEETS:
        raise XlsProblem("corrupt")
    return sum(_xls_sheet_cells(stream, pos) for pos in sheets)

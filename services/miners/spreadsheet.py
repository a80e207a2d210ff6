"""Rows of an uploaded spreadsheet, read with the care a file from a phone needs.

- Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) are read by python-calamine, one path for
  all of them. What the bytes are is decided from the bytes, not the name (services/miners/
  file_kind.py): a zip's directory is checked first (entry count, unpacked size, compression
  ratio: zip bombs), an OLE container is told apart as `.xls`, a password-protected workbook or
  something else, and an image or PDF under any name is "not a spreadsheet". Then every sheet's
  span is measured before calamine builds it (services/miners/sheet_limits.py: calamine holds a
  whole sheet in memory and aborts the process when an allocation fails). The first sheet with a
  header row is read, visible sheets before hidden ones.
- `.csv`: UTF-8 with or without BOM, UTF-16 with BOM, otherwise cp1251; comma, semicolon or
  tab, chosen by which one yields the best header row (Excel's `sep=;` first line is obeyed). A
  text file saved under a spreadsheet's name (web exports often are) is read as CSV.

Everything here is synchronous and CPU-bound: callers run it in a worker thread.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import PurePosixPath
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from services.miners.file_kind import (
    MAX_CELLS,
    MAX_FILE_BYTES,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_ENTRIES,
    WORKBOOK_KINDS,
    bad,
    sniff,
)

__all__ = [
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_ENTRIES",
    "SHEET_PROBLEMS",
    "Table",
    "read_table",
]

HEADER_SCAN_ROWS = 30
TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ""})
SPREADSHEET_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
DELIMITERS = (",", ";", "\t")

# Why a file is not a usable spreadsheet: Invalid("file", reason).
SHEET_PROBLEMS = (
    "empty",
    "too-big",
    "password",
    "corrupt",
    "not-spreadsheet",
    "zip-bomb",
    "too-many-cells",
    "no-header",
)

Row = Sequence[Any]
Scorer = Callable[[Row], int]  # how much a row looks like our header row (0: not at all)


class Table:
    """The data rows of one sheet, numbered as the member sees them, after its header row."""

    def __init__(
        self,
        kind: str,
        header: Row | None,
        header_row: int,
        rows: Iterator[tuple[int, Row]],
        close: Callable[[], None] = lambda: None,
        sheet: str | None = None,
    ) -> None:
        self.kind = kind  # xlsx | xlsm | xlsb | xls | ods | csv
        self.sheet = sheet  # the sheet read (None for CSV)
        self.header = header
        self.header_row = header_row  # 1-based; 0 when no header row was found
        self.rows = rows
        self._close = close

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_table(data: bytes, file_name: str | None, score: Scorer) -> Table:
    """Open `data` and find the header row (the first row `score` likes within the first rows
    of a sheet). Raise Invalid("file", reason) for a file that is not a usable spreadsheet."""
    kind = sniff(data)
    if kind in WORKBOOK_KINDS:
        return _read_workbook(data, kind, score)
    suffix = PurePosixPath((file_name or "").lower()).suffix
    if suffix not in TEXT_EXTENSIONS | SPREADSHEET_EXTENSIONS:
        raise bad("not-spreadsheet")
    table = _read_csv(_decode(data), score)
    if table.header is None and suffix in SPREADSHEET_EXTENSIONS:
        raise bad("not-spreadsheet")  # neither a workbook nor a table in text
    return table


# --- workbooks ------------------------------------------------------------------------------


def _numbered(rows: Iterator[Row], start: int) -> Iterator[tuple[int, Row]]:
    return zip(range(start, 1 << 62), rows, strict=False)


def _pick_header(head: Sequence[Row], score: Scorer) -> tuple[int, int]:
    """(index, score) of the first row that looks like a header; (-1, 0) when none does."""
    for index, row in enumerate(head):
        found = score(row)
        if found > 0:
            return index, found
    return -1, 0


@contextmanager
def _damaged_if_it_fails() -> Iterator[None]:
    """calamine's errors, and its Rust panics (pyo3's PanicException, a BaseException), as a
    damaged file."""
    try:
        yield
    except Exception as exc:
        raise bad("corrupt") from exc
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":
            raise bad("corrupt") from exc
        raise


def _open(data: bytes) -> CalamineWorkbook:
    with _damaged_if_it_fails():
        return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _sheet_rows(book: CalamineWorkbook, name: str) -> Iterator[Row]:
    """The sheet's rows from row 1 (calamine yields empty rows above its first used one)."""
    with _damaged_if_it_fails():
        sheet = book.get_sheet_by_name(name)
        return iter(sheet.iter_rows()) if sheet.height else iter(())


def _reading_order(book: CalamineWorkbook) -> list[str]:
    """Worksheets (not charts or macros), the visible ones first, each in workbook order."""
    sheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in sheets if m.visible == SheetVisibleEnum.Visible]
    return visible + [m.name for m in sheets if m.visible != SheetVisibleEnum.Visible]


def _read_workbook(data: bytes, kind: str, score: Scorer) -> Table:
    book = _open(data)
    try:
        names = _reading_order(book)
        for name in names:
            rows = _sheet_rows(book, name)
            head = list(islice(rows, HEADER_SCAN_ROWS))
            index, _ = _pick_header(head, score)
            if index >= 0:
                rest = chain(head[index + 1 :], rows)
                numbered = _numbered(rest, index + 2)
                return Table(kind, head[index], index + 1, numbered, book.close, name)
        first = names[0] if names else None
        rows = _sheet_rows(book, first) if first is not None else iter(())
        return Table(kind, None, 0, _numbered(rows, 1), book.close, first)
    except BaseException:
        book.close()
        raise


# --- csv --------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1251", errors="replace")
    if "\x00" in text:
        raise bad("not-spreadsheet")
    return text


def _records(text: str, delimiter: str, skip: int) -> Iterator[tuple[int, list[str]]]:
    """CSV records numbered by the line they end on (the line an editor shows)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for _ in range(skip):
            next(reader, None)
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:
        raise bad("corrupt") from exc


def _read_csv(text: str, score: Scorer) -> Table:
    first_line = text.split("\n", 1)[0].strip().strip('"')
    skip = 0
    candidates: tuple[str, ...] = DELIMITERS
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        candidates, skip = (first_line[4],), 1
    best: tuple[int, int, str, int] | None = None  # score, columns, delimiter, header index
    for delimiter in candidates:
        head = [r for _, r in islice(_records(text, delimiter, skip), HEADER_SCAN_ROWS)]
        index, found = _pick_header(head, score)
        columns = len(head[index]) if index >= 0 else 0
        key = (found, columns, delimiter, index)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    found, _, delimiter, index = best
    if found == 0:  # no header: the delimiter most used on the first line
        delimiter = max(candidates, key=first_line.count)
        return Table("csv", None, 0, _records(text, delimiter, skip))
    records = _records(text, delimiter, skip)
    header: Row = ()
    header_row = 0
    for _ in range(index + 1):
        header_row, header = next(records)
    return Table("csv", header, header_row, records)

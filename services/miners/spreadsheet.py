"""Rows of an uploaded spreadsheet, `.xlsx` or `.csv`, read with the care a file from a phone needs.

- `.xlsx`: the zip directory is checked first (entry count, unpacked size, compression ratio)
  so a zip bomb is refused before openpyxl sees it; openpyxl then reads it in read-only mode
  with cached formula values (`data_only`), and parses its XML through defusedxml.
- `.csv`: UTF-8 with or without BOM, UTF-16 with BOM, otherwise cp1251; comma, semicolon or
  tab, chosen by which one yields the best header row (Excel's `sep=;` first line is obeyed).

Everything here is synchronous and CPU-bound: callers run it in a worker thread.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice
from pathlib import PurePosixPath
from typing import Any

import openpyxl
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from services.errors import Invalid

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
MAX_ENTRY_RATIO = 200  # a sheet's XML packs 5–50×; a zip bomb thousands of times
HEADER_SCAN_ROWS = 30
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
TEXT_EXTENSIONS = frozenset({".csv", ".txt", ".tsv", ""})
DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx

# Why a file is not a usable spreadsheet: Invalid("file", reason).
SHEET_PROBLEMS = ("empty", "too-big", "xls", "corrupt", "not-spreadsheet", "zip-bomb", "no-header")

Row = Sequence[Any]
Scorer = Callable[[Row], int]  # how much a row looks like our header row (0: not at all)


def _bad(reason: str, **details: Any) -> Invalid:
    return Invalid("file", reason, **details)


class Table:
    """The data rows of one sheet, numbered as the member sees them, after its header row."""

    def __init__(
        self,
        kind: str,
        header: Row | None,
        header_row: int,
        rows: Iterator[tuple[int, Row]],
        close: Callable[[], None] = lambda: None,
    ) -> None:
        self.kind = kind  # xlsx | csv
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
    if not data:
        raise _bad("empty")
    if len(data) > MAX_FILE_BYTES:
        raise _bad("too-big", mb=MAX_FILE_BYTES // (1024 * 1024))
    suffix = PurePosixPath((file_name or "").lower()).suffix
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, score)
    if data.startswith(_OLE_MAGIC):
        raise _bad("xls")
    if suffix in XLSX_EXTENSIONS:
        raise _bad("corrupt")
    if suffix not in TEXT_EXTENSIONS:
        raise _bad("not-spreadsheet")
    return _read_csv(_decode(data), score)


# --- xlsx -------------------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuse a zip that is damaged, not an Office file, or unpacks to far more than it weighs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _bad("corrupt") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _bad("zip-bomb")
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _bad("zip-bomb")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_ENTRY_RATIO * max(
            entry.compress_size, 1
        ):
            raise _bad("zip-bomb")
    if "[Content_Types].xml" not in {e.filename for e in entries}:
        raise _bad("not-spreadsheet")


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    """openpyxl's row stream with damage inside the file reported as a corrupt file."""
    try:
        yield from rows
    except Invalid:
        raise
    except Exception as exc:  # XML errors, defusedxml refusals, zlib errors, bad cell data
        raise _bad("corrupt") from exc


def _numbered(rows: Iterator[Row], start: int) -> Iterator[tuple[int, Row]]:
    return zip(range(start, 1 << 62), rows, strict=False)


def _pick_header(head: Sequence[Row], score: Scorer) -> tuple[int, int]:
    """(index, score) of the first row that looks like a header; (-1, 0) when none does."""
    for index, row in enumerate(head):
        found = score(row)
        if found > 0:
            return index, found
    return -1, 0


def _read_xlsx(data: bytes, score: Scorer) -> Table:
    check_zip(data)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:
        raise _bad("corrupt") from exc
    try:
        active = book.active
        ordered = [active, *(s for s in book.worksheets if s is not active)]
        sheets = [s for s in ordered if isinstance(s, ReadOnlyWorksheet)]
        if not sheets:
            raise _bad("no-header")
        for sheet in sheets:
            sheet.reset_dimensions()  # other tools write wrong dimensions: read every row
            rows = _guarded(sheet.iter_rows(values_only=True))
            head = list(islice(rows, HEADER_SCAN_ROWS))
            index, _ = _pick_header(head, score)
            if index >= 0:
                rest = chain(head[index + 1 :], rows)
                return Table("xlsx", head[index], index + 1, _numbered(rest, index + 2), book.close)
        first = sheets[0]
        rows = _guarded(first.iter_rows(values_only=True))
        return Table("xlsx", None, 0, _numbered(rows, 1), book.close)
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
        raise _bad("not-spreadsheet")
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
        raise _bad("corrupt") from exc


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

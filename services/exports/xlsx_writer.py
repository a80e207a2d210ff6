"""Streaming .xlsx files that are safe to open, split into parts when they would be too big.

Every value goes through `clean` before it reaches openpyxl: in write-only mode a value that fails
half-way through `append` leaves a broken row in the stream and the saved file cannot be opened,
so nothing may fail there. Text that a spreadsheet would read as a formula (it starts with = + - @,
a tab or a carriage return) or as an error code is written as a text cell with Excel's quote
prefix; characters XML cannot carry are removed; text is cut at Excel's 32,767 characters.

Synchronous and CPU-bound: run it in a worker thread.
"""

from __future__ import annotations

import logging
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

log = logging.getLogger(__name__)

MAX_TEXT = 32_767  # characters Excel keeps in a cell
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ERROR_CODES = frozenset(ERROR_CODES)
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
PART_OVERHEAD = 8 * 1024  # a file's workbook, styles, theme and zip directory, compressed
SHEET_OVERHEAD = 1024  # a sheet's head (views, columns, header row) and filter, compressed

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
KWH_FORMAT = "#,##0.000"
PERCENT_FORMAT = "0.00"


class ForcedText(str):
    """Text to be written as a text cell whatever it looks like (see `clean`)."""

    __slots__ = ()


def clean_text(text: str) -> str | ForcedText:
    """Text without XML-illegal characters, cut to Excel's limit; marked when it must stay text.

    A carriage return becomes a line feed, as any XML reader would turn it (so what is read
    back is what was written).
    """
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    forced = text.startswith(FORMULA_TRIGGERS) or text in _ERROR_CODES
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    return ForcedText(text) if forced else text


def _number(value: float | Decimal) -> Any:
    finite = math.isfinite(value) if isinstance(value, float) else value.is_finite()
    return value if finite else clean_text(str(value))


def _moment(value: datetime, zone: ZoneInfo) -> datetime:
    """Excel has no time zones: an aware moment becomes naive local time of the facility."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def clean(value: object, zone: ZoneInfo) -> Any:
    """A value openpyxl writes without complaint, in the form a spreadsheet reads best."""
    kind = type(value)
    if value is None or kind is int or kind is bool:
        return value
    if kind is str:
        return clean_text(value)  # type: ignore[arg-type]
    if kind is datetime:
        return _moment(value, zone)  # type: ignore[arg-type]
    if kind is Decimal or kind is float:
        return _number(value)  # type: ignore[arg-type]
    if kind is date or kind is timedelta:
        return value
    if isinstance(value, bool | int):
        return int(value) if not isinstance(value, bool) else bool(value)
    if isinstance(value, str):
        return clean_text(str(value))
    if isinstance(value, datetime):
        return _moment(value, zone)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, float | Decimal):
        return _number(value)
    if isinstance(value, bytes):
        return clean_text(value.decode("utf-8", "replace"))
    return clean_text(str(value))


def sheet_title(text: str) -> str:
    """A valid worksheet name: no []:*?/\\, 1–31 characters."""
    title = " ".join(_TITLE_BAD.sub(" ", text).split()).strip("'") or "Sheet"
    return title[:31]


@dataclass(frozen=True, slots=True)
class SheetSpec:
    """One sheet: a stable key (for split plans), its shown title, and per column the header,
    the width and the number format (None for text and plain numbers)."""

    key: str
    title: str
    headers: Sequence[str]
    widths: Sequence[float]
    formats: Sequence[str | None]


@dataclass(frozen=True, slots=True)
class PartFile:
    name: str
    path: Path
    size: int
    rows: dict[str, int]  # sheet key → data rows in this file


@dataclass
class _Part:
    workbook: Workbook
    path: Path
    rows: dict[str, int] = field(default_factory=dict)  # in the order the sheets were created
    data_rows: int = 0
    estimate: float = PART_OVERHEAD  # compressed bytes, by the plan


class XlsxParts:
    """Write sheets row by row into one .xlsx file, or into several when given a plan.

    Without a plan everything goes into ``<stem>.xlsx``. With ``bytes_per_row`` (compressed bytes
    a row of each sheet took in an earlier attempt) and a ``target`` size, a new file is started
    whenever the next row would take the current one past the target; a sheet that continues in
    the next file gets its header again. Files are ``<stem>-part<N>.xlsx``.
    """

    def __init__(
        self,
        directory: Path,
        stem: str,
        zone: ZoneInfo,
        *,
        bytes_per_row: dict[str, float] | None = None,
        target: int | None = None,
    ) -> None:
        self.directory = directory
        self.stem = stem
        self.zone = zone
        self.bytes_per_row = bytes_per_row
        self.target = target
        self.parts: list[PartFile] = []
        self._part: _Part | None = None
        self._spec: SheetSpec | None = None
        self._sheet: WriteOnlyWorksheet | None = None
        self._styled: list[Cell | None] = []
        self._row_cost = 0.0
        directory.mkdir(parents=True, exist_ok=True)

    # --- sheets and rows -------------------------------------------------------------------

    def begin(self, spec: SheetSpec) -> None:
        if self._part is None:
            self._open_part()
        self._spec = spec
        self._row_cost = (self.bytes_per_row or {}).get(spec.key, 0.0)
        self._open_sheet()

    def write(self, rows: Iterable[Sequence[object]]) -> int:
        """Append rows to the current sheet; returns how many were written."""
        assert self._spec is not None and self._part is not None, "begin() a sheet first"
        key, cost, target = self._spec.key, self._row_cost, self.target
        written = 0
        for row in rows:
            part = self._part
            if target is not None and cost:
                if part.data_rows and part.estimate + cost > target:
                    self._next_part()
                    part = self._part
                part.estimate += cost
            self._append(row)
            part.rows[key] += 1
            part.data_rows += 1
            written += 1
        return written

    def end(self) -> None:
        """Finish the current sheet (its auto-filter covers the rows written)."""
        self._close_sheet()
        self._spec = None

    def finish(self) -> list[PartFile]:
        """Save the last file; returns every file written, in order."""
        if self._spec is not None:
            self.end()
        if self._part is not None:
            self._save_part()
        if len(self.parts) == 1 and self.parts[0].name != f"{self.stem}.xlsx":
            only = self.parts[0]
            path = only.path.with_name(f"{self.stem}.xlsx")
            only.path.replace(path)
            self.parts[0] = PartFile(path.name, path, only.size, only.rows)
        return self.parts

    def abort(self) -> None:
        """Give up (an error, or the bot stops): close the open sheets' streams, save nothing.

        A write-only sheet left open is a generator over a temporary file; dropped unclosed, it
        fails noisily when collected."""
        part, self._part, self._sheet, self._spec = self._part, None, None, None
        if part is None:
            return
        for sheet in part.workbook.worksheets:
            if isinstance(sheet, WriteOnlyWorksheet) and not sheet.closed:
                try:
                    sheet.close()
                except Exception:  # giving up anyway; the original error is what matters
                    log.exception("closing an abandoned sheet failed")

    # --- internals --------------------------------------------------------------------------

    def _open_part(self) -> None:
        number = len(self.parts) + 1
        name = f"{self.stem}.xlsx" if self.target is None else f"{self.stem}-part{number}.xlsx"
        self._part = _Part(Workbook(write_only=True), self.directory / name)

    def _next_part(self) -> None:
        self._close_sheet()
        self._save_part()
        self._open_part()
        self._open_sheet()

    def _save_part(self) -> None:
        part = self._part
        assert part is not None
        part.workbook.save(part.path)
        size = part.path.stat().st_size
        self.parts.append(PartFile(part.path.name, part.path, size, dict(part.rows)))
        self._part = None

    def _open_sheet(self) -> None:
        spec, part = self._spec, self._part
        assert spec is not None and part is not None
        sheet: WriteOnlyWorksheet = part.workbook.create_sheet(sheet_title(spec.title))
        sheet.freeze_panes = "A2"
        for index, width in enumerate(spec.widths, 1):
            # the stubs miss what write-only sheets have for widths and filters
            sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]
        bold = Font(bold=True)
        header = []
        for text in spec.headers:
            cell = WriteOnlyCell(sheet, value=None)
            self._set_text(cell, clean_text(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        part.rows.setdefault(spec.key, 0)
        part.estimate += SHEET_OVERHEAD
        self._sheet = sheet
        self._styled = []
        for fmt in spec.formats:
            styled: Cell | None = None
            if fmt is not None:
                styled = WriteOnlyCell(sheet, value=None)
                styled.number_format = fmt
            self._styled.append(styled)

    def _close_sheet(self) -> None:
        sheet, spec, part = self._sheet, self._spec, self._part
        if sheet is None or spec is None or part is None:
            return
        last = get_column_letter(max(1, len(spec.headers)))
        sheet.auto_filter.ref = f"A1:{last}{part.rows[spec.key] + 1}"  # type: ignore[attr-defined]
        self._sheet = None

    @staticmethod
    def _set_text(cell: Cell, text: str) -> None:
        cell.value = text
        if isinstance(text, ForcedText):
            cell.value = str(text)
            cell.data_type = "s"  # never a formula or an error code
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited

    def _append(self, row: Sequence[object]) -> None:
        sheet, zone = self._sheet, self.zone
        assert sheet is not None
        values: list[Any] = []
        for value, styled in zip(row, self._styled, strict=False):
            value = clean(value, zone)
            if value is None:
                values.append(None)
            elif type(value) is ForcedText:
                cell = WriteOnlyCell(sheet, value=None)
                self._set_text(cell, value)
                values.append(cell)
            elif styled is not None:
                styled.value = value
                values.append(styled)
            else:
                values.append(value)
        sheet.append(values)


def compressed_bytes_per_row(part: PartFile) -> dict[str, float]:
    """Compressed bytes per data row of each sheet of a one-file export, read from the zip.

    openpyxl stores the n-th sheet created as ``xl/worksheets/sheet<n>.xml`` (`part.rows` is in
    creation order); a sheet's own overhead is not counted in its rows. Falls back to the file's
    average when the names differ or a sheet had no rows.
    """
    with zipfile.ZipFile(part.path) as archive:
        sizes = {info.filename: info.compress_size for info in archive.infolist()}
    average = part.size / max(1, sum(part.rows.values()))
    result: dict[str, float] = {}
    for index, key in enumerate(part.rows, 1):
        size = sizes.get(f"xl/worksheets/sheet{index}.xml")
        rows = part.rows.get(key, 0)
        result[key] = max(size - SHEET_OVERHEAD, 0) / rows if size is not None and rows else average
    return result

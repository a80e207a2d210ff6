"""What an uploaded file is, told from its bytes, and whether a workbook is safe to open.

A name says little (a PNG renamed to .xlsx, a CSV saved as .xls by a web export), so the bytes
decide: a zip is an Office Open XML or OpenDocument workbook, an OLE container an `.xls` (or a
password-protected workbook of any kind: Office encrypts into an OLE container), anything with a
known image/PDF/archive signature or binary content is not a spreadsheet, and other text is left
to the CSV reader. A workbook is only handed to calamine once its container (zip bombs) and the
span of each sheet (services/miners/sheet_limits.py) are within bounds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import olefile  # type: ignore[import-untyped]

from services.errors import Invalid
from services.miners.sheet_limits import (
    XlsProblem,
    ods_cells,
    xls_cells,
    xlsb_sheet_cells,
    xml_sheet_cells,
)

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
MAX_ENTRY_RATIO = 200  # a sheet's XML packs 5–50×; a zip bomb thousands of times
# Cells calamine may allocate for a sheet (rows × columns of its used area, blanks included):
# 200,000 rows of 30 columns. About 32 bytes each plus the text, so a few hundred MB at most.
MAX_CELLS = 6_000_000
WORKBOOK_KINDS = frozenset({"xlsx", "xlsm", "xlsb", "ods", "xls"})

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people send instead of a spreadsheet: images, PDF, archives, audio and video.
_NOT_SHEETS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",  # WebP, WAV, AVI
    b"BM",  # BMP (followed by binary: checked with the NUL test too)
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
    b"OggS",
    b"ID3",
    b"{\\rtf",
)
_ODS_TYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_MACRO_TYPES = (b"sheet.macroEnabled.main+xml", b"template.macroEnabled.main+xml")


def bad(reason: str, **details: Any) -> Invalid:
    return Invalid("file", reason, **details)


def sniff(data: bytes) -> str:
    """The kind of workbook ("xlsx", "xlsm", "xlsb", "ods", "xls"), checked safe to open, or
    "text" for anything that may be CSV. Raise Invalid("file", reason) otherwise."""
    if not data:
        raise bad("empty")
    if len(data) > MAX_FILE_BYTES:
        raise bad("too-big", mb=MAX_FILE_BYTES // (1024 * 1024))
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if data.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(_NOT_SHEETS) or _is_binary(data):
        raise bad("not-spreadsheet")
    return "text"


def _is_binary(data: bytes) -> bool:
    """NUL bytes near the start, unless it is UTF-16 text (which has them between letters)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in head


def _too_many(cells: int) -> None:
    if cells > MAX_CELLS:
        raise bad("too-many-cells", max=MAX_CELLS)


# --- zip: xlsx, xlsm, xlsb, ods ---------------------------------------------------------------


def check_zip(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries, refused when they unpack to far more than a spreadsheet should."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise bad("zip-bomb")
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise bad("zip-bomb")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_ENTRY_RATIO * max(
            entry.compress_size, 1
        ):
            raise bad("zip-bomb")
    return entries


def _unpacked(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> Iterator[bytes]:
    for entry in entries:
        if not entry.is_dir():
            yield archive.read(entry)


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = check_zip(archive)
            names = {e.filename.lower().replace("\\", "/").lstrip("/"): e for e in entries}
            kind = _package_kind(archive, names)
            # Measure every part each calamine reader present could take as a sheet.
            if "xl/workbook.xml" in names:
                for part in _unpacked(archive, entries):
                    _too_many(xml_sheet_cells(part))
            if "xl/workbook.bin" in names:
                for part in _unpacked(archive, entries):
                    _too_many(xlsb_sheet_cells(part))
            if "content.xml" in names:
                _too_many(ods_cells(archive.read(names["content.xml"])))
            return kind
    except Invalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise bad("corrupt") from exc
    except Exception as exc:  # zlib errors, bad CRC, truncated entries
        raise bad("corrupt") from exc


def _package_kind(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> str:
    if "mimetype" in names or "content.xml" in names:
        mimetype = archive.read(names["mimetype"])[:200] if "mimetype" in names else b""
        if mimetype and not mimetype.strip().startswith(_ODS_TYPES):
            raise bad("not-spreadsheet")  # a text document, a presentation, an e-book …
        manifest = names.get("meta-inf/manifest.xml")
        if manifest is not None and b"encryption-data" in archive.read(manifest):
            raise bad("password")
        if "content.xml" not in names:
            raise bad("corrupt")
        return "ods"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        types = names.get("[content_types].xml")
        if types is not None and any(t in archive.read(types) for t in _MACRO_TYPES):
            return "xlsm"
        return "xlsx"
    raise bad("not-spreadsheet")  # a Word or PowerPoint file, or a plain zip


# --- OLE: xls, or a password-protected workbook -----------------------------------------------


def _ole_kind(data: bytes) -> str:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:
        raise bad("corrupt") from exc
    try:
        streams: list[list[str]] = ole.listdir(streams=True, storages=False)
        top = {path[0].lower() for path in streams if len(path) == 1}
        if {"encryptioninfo", "encryptedpackage"} & top:
            raise bad("password")  # an encrypted .xlsx/.xlsb/.xlsm
        books = [p for p in streams if p[-1].lower() in ("workbook", "book")]
        if not books:
            raise bad("not-spreadsheet")  # a Word or PowerPoint 97 file, an Outlook message
        for path in books:
            _too_many(xls_cells(ole.openstream(path).read()))
        return "xls"
    except Invalid:
        raise
    except XlsProblem as problem:
        raise bad(problem.reason) from problem
    except Exception as exc:
        raise bad("corrupt") from exc
    finally:
        ole.close()

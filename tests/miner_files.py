"""Real import files for tests: .xlsx written by openpyxl (optionally with cached formula values,
as Excel and LibreOffice write them) and .csv in a given encoding and delimiter."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

HEADER = ["IP", "MAC", "Serial number", "Model", "Client email", "Nominal power (W)", "Paid"]


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
    (openpyxl writes formulas without one): {"B2": "S19", "C2": 3250}."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in values.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
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

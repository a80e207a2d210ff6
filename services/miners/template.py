"""The import template: an .xlsx with the header row, and a sheet that explains each column."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from services.miners.fields import ALIASES, TEMPLATE_COLUMNS, display_name, template_headers

EXAMPLES = {
    "ip": "10.0.12.34",
    "mac": "a4:5e:60:c1:22:0f",
    "serial": "JYZZB4A2B3C40012",
    "model": "Antminer S19j Pro",
    "submodel": "104Th",
    "worker": "acme.001",
    "location": "C01/R03/P12",
    "container": "C01",
    "rack": "R03",
    "place": "P12",
    "email": "ops@client.com",
    "power": "3250",
    "paid": "yes",
    "status": "active",
}
HELP_COLUMNS = (*TEMPLATE_COLUMNS[:7], "container", "rack", "place", *TEMPLATE_COLUMNS[7:])


def _text_cell(sheet: object, value: str, *, bold: bool = False) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    cell.data_type = "s"  # never a formula, whatever the text
    if bold:
        cell.font = Font(bold=True)
    cell.alignment = Alignment(vertical="top", wrap_text=not bold)
    return cell


def build_template(
    lang: str,
    *,
    sheet_title: str,
    help_title: str,
    help_header: Sequence[str],
    descriptions: dict[str, str],
) -> bytes:
    """The template in the member's language; every accepted alias is listed on the help sheet.

    `descriptions` maps each column (see HELP_COLUMNS) to what to put in it.
    """
    book = Workbook(write_only=True)
    miners = book.create_sheet(sheet_title[:31])
    headers = template_headers(lang)
    for index, header in enumerate(headers, 1):
        miners.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    miners.freeze_panes = "A2"
    miners.append([_text_cell(miners, h, bold=True) for h in headers])

    help_sheet = book.create_sheet(help_title[:31])
    for index, width in enumerate((26, 44, 60, 22), 1):
        help_sheet.column_dimensions[get_column_letter(index)].width = width
    help_sheet.append([_text_cell(help_sheet, h, bold=True) for h in help_header])
    for column in HELP_COLUMNS:
        shown = display_name(column, lang)
        others = ", ".join(a for a in ALIASES[column] if a != shown)
        help_sheet.append(
            [
                _text_cell(help_sheet, shown, bold=True),
                _text_cell(help_sheet, others),
                _text_cell(help_sheet, descriptions[column]),
                _text_cell(help_sheet, EXAMPLES[column]),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

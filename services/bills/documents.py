"""What Download sends: the invoice as a PDF in the client's language, and the evidence as an
`.xlsx` (every miner, every day, its kWh, the source, the rate that day, the client).

The caller hands a translate function for the client's language (`Texts`); the PDF prints
with DejaVu Sans, a font committed beside this module (fonts/LICENSE), so Cyrillic prints on
any machine. Both are built in a worker thread.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from services.bills.lines import Line
from services.bills.money import (
    format_kwh,
    format_money,
    format_percent,
    format_price,
    price_decimal,
    to_decimal,
)
from services.bills.usage import EvidenceRow
from services.exports.sheets import Texts
from services.exports.xlsx_writer import ForcedText, clean_text

FONTS = Path(__file__).parent / "fonts"
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class PaymentLine:
    paid_on: date
    method: str
    reference: str | None
    amount: int


@dataclass(frozen=True, slots=True)
class Invoice:
    bill_id: int
    period: str
    period_start: date
    period_end: date
    issued_on: date
    due_on: date
    currency: str
    status: str
    cancel_reason: str | None
    total: int
    paid: int
    company: str | None
    address: str | None
    payment_details: str | None
    facility: str
    client_id: int
    client: str
    client_email: str
    client_phone: str | None
    lines: Sequence[Line]
    payments: Sequence[PaymentLine]


def _plain(texts: Texts, key: str, **args: Any) -> str:
    """A translation as plain text (the translations escape arguments for Telegram's HTML)."""
    return html.unescape(texts(key, **args))


def _day(day: date | None, locale: str) -> str:
    if day is None:
        return ""
    return day.strftime("%d.%m.%Y") if locale == "ru" else day.isoformat()


def status_key(status: str) -> str:
    return "bills-status-" + status.replace("_", "-")


def month_name(texts: Texts, period_start: date) -> str:
    names = _plain(texts, "calendar-months").split()
    return f"{names[period_start.month - 1]} {period_start.year}"


def describe_line(
    texts: Texts, line: Line, currency: str, locale: str, days_in_month: int
) -> tuple[str, str, str, str]:
    """(description, quantity, rate, amount) of one line, as printed and shown in the chat."""
    span = {"start": _day(line.first_day, locale), "end": _day(line.last_day, locale)}
    amount = format_money(line.amount, currency, locale, code=False)
    if line.kind == "energy":
        source = _plain(texts, f"bills-source-{line.source}")
        return (
            _plain(texts, "bills-line-energy", source=source, **span),
            _plain(texts, "bills-kwh", kwh=format_kwh(line.quantity, locale)),
            _plain(
                texts,
                "bills-per-kwh",
                price=format_price(line.rate, currency, locale),
                currency=currency,
            ),
            amount,
        )
    if line.kind == "markup":
        return (
            _plain(texts, "bills-line-markup", **span),
            format_money(line.quantity, currency, locale, code=False),
            format_percent(line.rate, locale),
            amount,
        )
    if line.kind == "fee":
        return (
            _plain(texts, "bills-line-fee", **span),
            _plain(texts, "bills-miner-days", count=line.quantity, days=days_in_month),
            _plain(texts, "bills-per-miner-month", fee=format_money(line.rate, currency, locale)),
            amount,
        )
    if line.kind == "task":
        return (_plain(texts, "bills-line-task", name=line.description or ""), "", "", amount)
    return (line.description or "", "", "", amount)


class _Invoice(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(format="A4")
        self._footer = footer
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(120)
        self.cell(0, 5, f"{self._footer} · {self.page_no()}/{{nb}}", align="C")


def invoice_pdf(invoice: Invoice, texts: Texts, locale: str, days_in_month: int) -> bytes:
    t = invoice
    title = _plain(texts, "bills-pdf-title", id=str(t.bill_id))
    pdf = _Invoice(f"{title} · {t.facility}")
    pdf.alias_nb_pages()
    pdf.set_title(title)
    pdf.set_creator("FarmDesk")
    pdf.add_page()
    width = pdf.epw

    # Seller on the left, the invoice's identity on the right.
    top = pdf.get_y()
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width * 0.55, 6, t.company or t.facility, new_x=XPos.LMARGIN)
    pdf.set_font("DejaVu", "", 9)
    if t.address:
        pdf.multi_cell(width * 0.55, 4.5, t.address, new_x=XPos.LMARGIN)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width * 0.55, top)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(width * 0.45, 8, title, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    facts = [
        (_plain(texts, "bills-pdf-period"), month_name(texts, t.period_start)),
        (_plain(texts, "bills-pdf-issued"), _day(t.issued_on, locale)),
        (_plain(texts, "bills-pdf-due"), _day(t.due_on, locale)),
        (_plain(texts, "bills-pdf-status"), _plain(texts, status_key(t.status))),
    ]
    for label, value in facts:
        pdf.set_x(pdf.l_margin + width * 0.55)
        pdf.cell(width * 0.45, 5, f"{label}: {value}", align="R", new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    # The client.
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, _plain(texts, "bills-pdf-bill-to"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    client = [f"{t.client} (#{t.client_id})", t.client_email]
    if t.client_phone:
        client.append(t.client_phone)
    pdf.multi_cell(0, 5, "\n".join(client), new_x=XPos.LMARGIN)
    pdf.ln(4)

    if t.status == "cancelled":
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_text_color(180, 0, 0)
        reason = _plain(texts, "bills-pdf-cancelled", reason=t.cancel_reason or "")
        pdf.multi_cell(0, 6, reason, new_x=XPos.LMARGIN)
        pdf.set_text_color(0)
        pdf.ln(2)

    # The lines.
    pdf.set_font("DejaVu", "", 9)
    money_head = _plain(texts, "bills-pdf-amount", currency=t.currency)
    headings = (
        _plain(texts, "bills-pdf-description"),
        _plain(texts, "bills-pdf-quantity"),
        _plain(texts, "bills-pdf-rate"),
        money_head,
    )
    with pdf.table(
        col_widths=(46, 20, 20, 14),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=_bold(),
        line_height=5.5,
        padding=1.2,
    ) as table:
        table.row(headings)
        for line in t.lines:
            table.row(describe_line(texts, line, t.currency, locale, days_in_month))
    pdf.ln(3)

    # Totals.
    due = max(t.total - t.paid, 0) if t.status != "cancelled" else 0
    totals = [
        (_plain(texts, "bills-pdf-total"), t.total, True),
        (_plain(texts, "bills-pdf-paid"), t.paid, False),
    ]
    if t.paid > t.total and t.status != "cancelled":
        totals.append((_plain(texts, "bills-pdf-credit"), t.paid - t.total, True))
    else:
        totals.append((_plain(texts, "bills-pdf-due-amount"), due, True))
    for label, amount, strong in totals:
        pdf.set_font("DejaVu", "B" if strong else "", 10)
        pdf.set_x(pdf.l_margin + width * 0.45)
        pdf.cell(width * 0.33, 6, label, align="R")
        pdf.cell(
            width * 0.22,
            6,
            format_money(amount, t.currency, locale),
            align="R",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(3)

    if t.payments:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, _plain(texts, "bills-pdf-payments"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(
            col_widths=(18, 30, 32, 20),
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
            headings_style=_bold(),
            line_height=5.5,
            padding=1.2,
        ) as table:
            table.row(
                (
                    _plain(texts, "bills-pdf-date"),
                    _plain(texts, "bills-pdf-method"),
                    _plain(texts, "bills-pdf-reference"),
                    money_head,
                )
            )
            for p in t.payments:
                table.row(
                    (
                        _day(p.paid_on, locale),
                        _plain(texts, f"bills-method-{p.method.replace('_', '-')}"),
                        p.reference or "",
                        format_money(p.amount, t.currency, locale, code=False),
                    )
                )
        pdf.ln(3)

    if t.payment_details:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(
            0, 6, _plain(texts, "bills-pdf-payment-details"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 4.8, t.payment_details, new_x=XPos.LMARGIN)
    return bytes(pdf.output())


def _bold() -> FontFace:
    return FontFace(emphasis="BOLD", fill_color=(235, 238, 242))


def _text(sheet: Any, value: str | None) -> Any:
    """Text as a cell value that can never become a formula (exports' sanitizer)."""
    if value is None:
        return None
    cleaned = clean_text(value)
    if isinstance(cleaned, ForcedText):
        cell = WriteOnlyCell(sheet, value=str(cleaned))
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return cleaned


def evidence_xlsx(
    invoice: Invoice,
    rows: Sequence[EvidenceRow],
    prices: dict[date, int],
    texts: Texts,
    locale: str,
    zone_name: str,
    made_at: datetime,
) -> bytes:
    """Every miner, every day: kWh, source, billed or not, the price that day, the client."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_plain(texts, "bills-xlsx-sheet")[:31])
    headers = [
        "bills-xlsx-day",
        "bills-xlsx-miner-id",
        "bills-xlsx-serial",
        "bills-xlsx-ip",
        "bills-xlsx-model",
        "bills-xlsx-kwh",
        "bills-xlsx-source",
        "bills-xlsx-billed",
        "bills-xlsx-price",
        "bills-xlsx-client-id",
        "bills-xlsx-client",
    ]
    widths = (12, 10, 22, 15, 18, 12, 12, 9, 16, 10, 28)
    for i, w in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = w
    sheet.append([_plain(texts, key) for key in headers])
    sources = {
        s: _plain(texts, f"bills-source-{s}") for s in ("measured", "mixed", "nominal", "metered")
    }
    yes, no = _plain(texts, "bills-xlsx-yes"), _plain(texts, "bills-xlsx-no")
    for r in rows:
        price = prices.get(r.day)
        sheet.append(
            [
                r.day,
                r.miner_id,
                _text(sheet, r.serial),
                r.ip,
                _text(sheet, r.model),
                Decimal(r.wh).scaleb(-3),
                sources.get(r.source, r.source),
                yes if r.billed else no,
                price_decimal(price, invoice.currency) if price is not None else None,
                invoice.client_id,
                _text(sheet, invoice.client),
            ]
        )
    total = sum(r.wh for r in rows if r.billed)
    sheet.append([])
    sheet.append(
        [_plain(texts, "bills-xlsx-total"), None, None, None, None, Decimal(total).scaleb(-3)]
    )
    summary = book.create_sheet(_plain(texts, "bills-xlsx-lines-sheet")[:31])
    summary.append([_plain(texts, "bills-pdf-title", id=str(invoice.bill_id)), invoice.period])
    summary.append([_plain(texts, "bills-xlsx-made", zone=zone_name), made_at.replace(tzinfo=None)])
    summary.append([])
    summary.append(
        [
            _plain(texts, "bills-pdf-description"),
            _plain(texts, "bills-pdf-quantity"),
            _plain(texts, "bills-pdf-rate"),
            _plain(texts, "bills-pdf-amount", currency=invoice.currency),
        ]
    )
    days = (invoice.period_end - invoice.period_start).days + 1
    for line in invoice.lines:
        text, quantity, rate, _ = describe_line(texts, line, invoice.currency, locale, days)
        summary.append(
            [_text(summary, text), quantity, rate, to_decimal(line.amount, invoice.currency)]
        )
    summary.append(
        [_plain(texts, "bills-pdf-total"), None, None, to_decimal(invoice.total, invoice.currency)]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

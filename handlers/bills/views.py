"""Texts of the Billing area: list entries, the bill card, pricing, the running estimate."""

from __future__ import annotations

import html
from datetime import date

from locales import Html, Localizer
from services.bills.documents import describe_line, month_name, status_key
from services.bills.lines import STATUSES
from services.bills.money import format_kwh, format_money
from services.bills.service import (
    METHODS,
    PROFILE_FIELDS,
    BillCard,
    BillSummary,
    Estimate,
    Pricing,
    describe_rate,
)

STATUS_ICONS = {
    "overdue": "🔴",
    "unpaid": "🟠",
    "partially_paid": "🟡",
    "paid": "🟢",
    "overpaid": "🔵",
    "cancelled": "⚪️",
}
GENERATED_KEYS = (
    {status_key(s) for s in STATUSES}
    | {f"bills-method-{m.replace('_', '-')}" for m in (*METHODS, "credit")}
    | {f"bills-source-{s}" for s in ("measured", "mixed", "nominal", "metered")}
    | {
        f"bills-rate-{r.replace('_', '-')}"
        for r in ("price_kwh", "markup", "hosting_fee", "payment_term")
    }
    | {f"bills-profile-{f.replace('_', '-')}" for f in PROFILE_FIELDS}
    | {
        f"bills-ask-rate-{r.replace('_', '-')}"
        for r in ("price_kwh", "markup", "hosting_fee", "payment_term")
    }
    | {f"bills-ask-profile-{f.replace('_', '-')}" for f in PROFILE_FIELDS}
    | {"bills-filter-all"}
)


def money(t: Localizer, minor: int, currency: str) -> str:
    return format_money(minor, currency, t.locale)


def status(t: Localizer, code: str) -> str:
    return f"{STATUS_ICONS.get(code, '')} {t(status_key(code))}"


def method(t: Localizer, code: str) -> str:
    return t(f"bills-method-{code.replace('_', '-')}")


def day(t: Localizer, value: date) -> str:
    return value.strftime("%d.%m.%Y") if t.locale == "ru" else value.isoformat()


def day_arg(arg: str) -> date | None:
    """A day from a button's YYYYMMDD (None when it is not one)."""
    try:
        return date(int(arg[:4]), int(arg[4:6]), int(arg[6:8]))
    except ValueError:
        return None


def period(t: Localizer, code: str) -> str:
    year, month = (int(p) for p in code.split("-"))
    return month_name(t, date(year, month, 1))


def entry(t: Localizer, s: BillSummary) -> str:
    return t(
        "bills-entry",
        icon=STATUS_ICONS.get(s.status, ""),
        id=str(s.id),
        client=s.client,
        period=period(t, s.period),
        total=money(t, s.total, s.currency),
        due=money(t, s.due, s.currency),
        date=day(t, s.due_on),
        status=t(status_key(s.status)),
    )


def owed(t: Localizer, per_currency: dict[str, int]) -> str:
    parts = [money(t, v, c) for c, v in sorted(per_currency.items()) if v]
    return t("bills-owed", amounts=", ".join(parts) if parts else "0")


def card(t: Localizer, c: BillCard) -> str:
    s = c.summary
    in_month = _days_in_month(c.period_start)
    lines = [
        t(
            "bills-card-title",
            id=str(s.id),
            period=period(t, s.period),
            client=s.client,
            client_id=str(s.client_id),
        ),
        t(
            "bills-card-status",
            status=Html(status(t, s.status)),
            issued=day(t, c.issued_on),
            due=day(t, s.due_on),
        ),
    ]
    if c.cancel_reason:
        lines.append(t("bills-card-cancelled", reason=c.cancel_reason))
    lines.append("")
    for info in c.lines:
        text, quantity, rate, amount = describe_line(t, info.line, s.currency, t.locale, in_month)
        detail = " × ".join(p for p in (quantity, rate) if p)
        lines.append(
            t("bills-card-line", text=text, detail=detail or "—", amount=amount)
            if detail
            else t("bills-card-line-plain", text=text, amount=amount)
        )
    if not c.lines:
        lines.append(t("bills-card-no-lines"))
    lines.append(t("bills-card-total", total=money(t, s.total, s.currency)))
    if c.energy_wh:
        lines.append(t("bills-card-energy", kwh=format_kwh(c.energy_wh, t.locale)))
    lines.append("")
    if c.payments:
        lines.append(t("bills-card-payments"))
        for p in c.payments:
            lines.append(
                t(
                    "bills-card-payment",
                    date=day(t, p.paid_on),
                    amount=money(t, p.amount, s.currency),
                    method=method(t, p.method),
                    reference=p.reference or "",
                )
            )
    lines.append(t("bills-card-paid", paid=money(t, s.paid, s.currency)))
    if s.status != "cancelled" and s.paid > s.total:
        lines.append(t("bills-card-credit", amount=money(t, s.paid - s.total, s.currency)))
    elif s.status != "cancelled":
        lines.append(t("bills-card-due", amount=money(t, s.due, s.currency)))
    if c.credit and s.status != "cancelled":
        lines.append(t("bills-card-credit-available", amount=money(t, c.credit, s.currency)))
    return "\n".join(lines)


def _days_in_month(first: date) -> int:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (following - first.replace(day=1)).days


def pricing(t: Localizer, p: Pricing) -> str:
    head = (
        t("bills-pricing-client", client=p.client or "", id=str(p.client_id))
        if p.client_id is not None
        else t("bills-pricing-facility")
    )
    lines = [head, t("bills-pricing-today", date=day(t, p.today), currency=p.currency), ""]
    for rate in p.rates:
        value = describe_rate(rate.name, rate.value, p.currency, t.locale)
        if rate.value is None:
            value = t("bills-rate-unset")
        key = "bills-pricing-own" if rate.own else "bills-pricing-rate"
        if p.client_id is None:
            key = "bills-pricing-rate"
        name = t(f"bills-rate-{rate.name.replace('_', '-')}")
        lines.append(t(key, name=name, value=Html(html.escape(value))))
        for when, later in rate.upcoming:
            shown = (
                describe_rate(rate.name, later, p.currency, t.locale)
                if later is not None
                else t("bills-rate-facility")
            )
            lines.append(t("bills-pricing-upcoming", date=day(t, when), value=shown))
    if p.client_id is not None:
        lines.append("")
        lines.append(t("bills-pricing-language", language=t(f"language-{p.language}")))
        lines.append(t("bills-pricing-client-hint"))
    else:
        lines.append("")
        for f in PROFILE_FIELDS:
            value = p.profile.get(f) or "—"
            lines.append(
                t(
                    "bills-pricing-profile",
                    name=t(f"bills-profile-{f.replace('_', '-')}"),
                    value=value,
                )
            )
        if p.rates[0].value is None:
            lines.append("")
            lines.append(t("bills-pricing-no-price"))
    return "\n".join(lines)


def estimate(t: Localizer, e: Estimate | None) -> str:
    if e is None:
        return ""
    return t(
        "bills-estimate",
        month=period(t, e.period),
        kwh=format_kwh(e.energy_wh, t.locale),
        total=money(t, e.total, e.currency),
        date=day(t, e.through),
    )

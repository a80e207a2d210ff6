"""Money and rates as integers: amounts in minor units, prices per kWh in 1/10,000 of a minor
unit, markups in basis points. Parsing what a member types, rounding once, formatting.

Rounding rule (one rounding per line): half away from zero, to a whole minor unit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from services.errors import Invalid

# Minor-unit exponents; any other code has two.
EXPONENTS = {"BTC": 8, "ETH": 8, "JPY": 0, "KRW": 0, "USDT": 2, "USDC": 2}
PRICE_SCALE = 4  # price per kWh: 1/10,000 of a minor unit
BP = 10_000  # basis points in 1
WH_PER_KWH = 1_000
MAX_AMOUNT = 10**15
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def div_round(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers only."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def energy_amount(wh: int, price: int) -> int:
    """Wh × price (1/10,000 minor per kWh) → minor units."""
    return div_round(wh * price, WH_PER_KWH * 10**PRICE_SCALE)


def markup_amount(base_minor: int, bp: int) -> int:
    return div_round(base_minor * bp, BP)


def fee_amount(fee_minor: int, miner_days: int, days_in_month: int) -> int:
    return div_round(fee_minor * miner_days, days_in_month)


def _decimal(text: str, field: str) -> Decimal:
    cleaned = _SPACES.sub("", str(text)).replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise Invalid(field, "number") from exc
    if not value.is_finite():
        raise Invalid(field, "number")
    return value


def _scaled(text: str, places: int, field: str, *, negative: bool = False) -> int:
    value = _decimal(text, field)
    if value < 0 and not negative:
        raise Invalid(field, "negative")
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise Invalid(field, "precision", places=places)
    result = int(scaled)
    if abs(result) >= MAX_AMOUNT * 10**PRICE_SCALE:
        raise Invalid(field, "too-large")
    return result


def parse_amount(text: str, currency: str, field: str = "amount", *, negative: bool = False) -> int:
    """ "1 234,50" → 123450 (minor units); more decimals than the currency has is refused."""
    value = _scaled(text, exponent(currency), field, negative=negative)
    if abs(value) >= MAX_AMOUNT:
        raise Invalid(field, "too-large")
    return value


def parse_price(text: str, currency: str) -> int:
    """A price per kWh in the currency ("0.065") → 1/10,000 of a minor unit (65000 for USD)."""
    return _scaled(text, exponent(currency) + PRICE_SCALE, "price_kwh")


def parse_percent(text: str, field: str = "markup") -> int:
    """ "12.5" or "12,5 %" → 1250 basis points (0–1000 %)."""
    value = _scaled(str(text).replace("%", ""), 2, field)
    if value > 100_000:
        raise Invalid(field, "too-large")
    return value


def parse_days(text: str, field: str = "payment_term") -> int:
    cleaned = str(text).strip()
    if not cleaned.isdigit() or not 0 <= int(cleaned) <= 365:
        raise Invalid(field, "days")
    return int(cleaned)


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def price_decimal(price: int, currency: str) -> Decimal:
    return Decimal(price).scaleb(-(exponent(currency) + PRICE_SCALE))


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_decimal(value: Decimal, places: int, locale: str = "en") -> str:
    """1234567.5 → "1,234,567.50" (en) or "1 234 567,50" (ru)."""
    quantized = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if quantized < 0 else ""
    text = f"{abs(quantized):f}"
    whole, _, fraction = text.partition(".")
    thousands, point = ("\u00a0", ",") if locale == "ru" else (",", ".")
    body = _group(whole, thousands)
    return f"{sign}{body}{point}{fraction}" if fraction else f"{sign}{body}"


def format_money(minor: int, currency: str, locale: str = "en", *, code: bool = True) -> str:
    places = exponent(currency)
    text = format_decimal(to_decimal(minor, currency), places, locale)
    return f"{text} {currency}" if code else text


def format_price(price: int, currency: str, locale: str = "en") -> str:
    """A price per kWh with the places it needs (at least the currency's)."""
    value = price_decimal(price, currency).normalize()
    places = max(exponent(currency), -int(value.as_tuple().exponent))
    return format_decimal(value, places, locale)


def format_percent(bp: int, locale: str = "en") -> str:
    value = Decimal(bp).scaleb(-2).normalize()
    places = max(0, -int(value.as_tuple().exponent))
    return format_decimal(value, places, locale) + "\u00a0%"


def format_kwh(wh: int, locale: str = "en") -> str:
    return format_decimal(Decimal(wh).scaleb(-3), 3, locale)

"""Money as integer minor units with an ISO currency, and conversion between currencies."""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from export_mgmt.i18n import CURRENCY_EXPONENT

# Indicative CNY value of one unit of each currency, used only to compare fees with caps.
# Override with EXCHANGE_RATES="KRW=0.0052,JPY=0.047,…"; a dated rate table comes with the reports.
DEFAULT_RATES_TO_CNY = {"CNY": "1", "KRW": "0.0052", "JPY": "0.047", "SGD": "5.4", "USD": "7.1"}
CURRENCIES = tuple(DEFAULT_RATES_TO_CNY)


@cache
def rates_to_cny() -> dict[str, Decimal]:
    rates = {k: Decimal(v) for k, v in DEFAULT_RATES_TO_CNY.items()}
    for item in os.environ.get("EXCHANGE_RATES", "").split(","):
        if "=" in item:
            code, value = item.split("=", 1)
            rates[code.strip().upper()] = Decimal(value.strip())
    return rates


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-CURRENCY_EXPONENT.get(currency, 2))


def to_minor(major: Decimal, currency: str) -> int:
    return int((major.scaleb(CURRENCY_EXPONENT.get(currency, 2))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_amount(raw: str, currency: str) -> int | None:
    """'1,234.50' in a form -> minor units; None when it is not an amount this currency can hold."""
    text = raw.strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    if not value.is_finite() or value < 0:
        return None
    if value != value.quantize(Decimal(1).scaleb(-CURRENCY_EXPONENT.get(currency, 2))):
        return None  # more decimals than the currency has (e.g. KRW 10.5)
    return to_minor(value, currency)


def convert(minor: int, from_currency: str, to_currency: str) -> Decimal:
    """Major units of to_currency."""
    if from_currency == to_currency:
        return to_major(minor, from_currency)
    rates = rates_to_cny()
    return to_major(minor, from_currency) * rates[from_currency] / rates[to_currency]

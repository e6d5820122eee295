"""Locales, per-request language, gettext helpers and Babel formatting of dates, numbers and money."""

from __future__ import annotations

import datetime as dt
import io
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from export_mgmt.clock import BUREAU_TZ

SUPPORTED_LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}
DISPLAY_TZ = BUREAU_TZ

# Minor units per ISO 4217 currency: KRW and JPY have none.
CURRENCY_EXPONENT = {"CNY": 2, "SGD": 2, "USD": 2, "KRW": 0, "JPY": 0}

_current_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def normalize_locale(tag: str | None) -> str | None:
    """Map a browser or user tag (zh, zh-CN, zh-Hans, zh_Hans_CN, en-GB …) to a supported locale."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").lower().split("-")
    if parts[0] == "zh":
        # Traditional-script tags (zh-TW, zh-Hant) are still best served by Simplified here.
        return "zh_CN"
    if parts[0] == "en":
        return "en"
    return None


def negotiate(accept_language: str | None) -> str | None:
    """Pick the best supported locale from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = normalize_locale(tag)
        if locale and quality > 0:
            ranked.append((-quality, index, locale))
    return sorted(ranked)[0][2] if ranked else None


def set_locale(locale: str) -> None:
    _current_locale.set(locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _current_locale.get()


def load_catalog(locales_dir: Path, locale: str) -> NullTranslations:
    """Compile the .po file in memory, so a catalog edit needs no separate build step."""
    po_path = locales_dir / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


@cache
def _translations(locale: str) -> NullTranslations:
    from export_mgmt.settings import get_settings

    return load_catalog(get_settings().locales_dir, locale)


def gettext(message: str, **params: object) -> str:
    text = _translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = _translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **params}


def pgettext(context: str, message: str, **params: object) -> str:
    text = _translations(get_locale()).pgettext(context, message)
    return text % params if params else text


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def _babel_locale(code: str) -> Locale:
    # Babel parses a locale name on every call it is given one (about 30 µs): a list page formats hundreds of
    # numbers and dates, so each locale is parsed once and the object passed instead.
    return Locale.parse(code)


def format_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return babel_dates.format_date(value, format=fmt, locale=_babel_locale(get_locale()))


def format_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    """Stored times are UTC; people read them in the bureau's time zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return babel_dates.format_datetime(value, format=fmt, tzinfo=DISPLAY_TZ, locale=_babel_locale(get_locale()))


def format_number(value: int | float | Decimal | None) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=_babel_locale(get_locale()))


def format_money(minor_units: int | None, currency: str) -> str:
    """Money is stored as integer minor units with its ISO currency code."""
    if minor_units is None:
        return ""
    exponent = CURRENCY_EXPONENT.get(currency, 2)
    amount = Decimal(minor_units).scaleb(-exponent)
    return babel_numbers.format_currency(amount, currency, locale=_babel_locale(get_locale()))

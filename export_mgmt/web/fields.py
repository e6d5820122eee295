"""Reading typed values out of an HTML form: each reader notes a translated message under the field's name."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict

from export_mgmt.i18n import _
from export_mgmt.money import CURRENCIES, parse_amount


def form_text(form: FormMultiDict, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def form_choice(form: FormMultiDict, name: str, errors: dict[str, str]) -> int | None:
    """A record chosen in a select: blank is none, anything but an id is refused."""
    raw = form_text(form, name).strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) < 10:
        return int(raw)
    errors[name] = _("Choose one of the listed values.")
    return None


def form_whole(form: FormMultiDict, name: str, errors: dict[str, str], message: str) -> int:
    """A small whole number (months, percent): blank is 0."""
    raw = form_text(form, name).strip()
    if not raw:
        return 0
    if raw.isdigit() and len(raw) < 6:
        return int(raw)
    errors[name] = message
    return 0


def form_amount(form: FormMultiDict, name: str, currency: str, errors: dict[str, str]) -> int | None:
    """An amount typed in major units (yuan, won …) as integer minor units; None when left blank."""
    raw = form_text(form, name)
    if not raw.strip():
        return None
    minor = parse_amount(raw, currency if currency in CURRENCIES else "CNY")
    if minor is None or minor >= 2**31:
        errors[name] = _("Enter an amount such as 1,234.50, with no more decimals than the currency has.")
        return None
    return minor


def form_version(form: FormMultiDict) -> int:
    raw = form_text(form, "version").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0

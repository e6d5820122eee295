"""Checking one input field: each check notes a translated message under the field's name and returns the
cleaned value, so a form or API body reports every problem at once."""

from __future__ import annotations

import datetime as dt
import re

from export_mgmt.i18n import _

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")

Errors = dict[str, str]


def text(raw: str, limit: int, field_name: str, errors: Errors, required: bool = False) -> str:
    """A one-line value: runs of white space become one space."""
    return long_text(" ".join(raw.split()), limit, field_name, errors, required)


def long_text(raw: str, limit: int, field_name: str, errors: Errors, required: bool = False) -> str:
    """Free text whose line breaks matter (notes, reasons)."""
    value = raw.strip()
    if required and not value:
        errors[field_name] = _("This field is required.")
    elif len(value) > limit:
        errors[field_name] = _("At most %(n)s characters.", n=limit)
    return value


def date(raw: str, field_name: str, errors: Errors, required: bool = False,
         not_after: dt.date | None = None) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        if required:
            errors[field_name] = _("Enter a date as YYYY-MM-DD.")
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors[field_name] = _("Enter a date as YYYY-MM-DD.")
        return None
    if not_after is not None and value > not_after:
        errors[field_name] = _("The date cannot be in the future.")
    return value


def choice(raw: str, choices: dict, field_name: str, errors: Errors) -> str:
    if raw not in choices:
        errors[field_name] = _("Choose one of the listed values.")
    return raw


def phone(raw: str, field_name: str, errors: Errors) -> str:
    value = raw.strip()
    if value and not PHONE.match(value):
        errors[field_name] = _("Enter a phone number of digits, optionally with + and hyphens.")
    return value

"""Checking agency, licence and broker input: every problem at once, each as a translated message."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from export_mgmt.i18n import _

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A licence number appears in a public address (/verify/licence/<number>): no path or query characters.
LICENCE_NUMBER_FORBIDDEN = re.compile(r"[/\\?#%\s]")


def text(raw: str, limit: int, field_name: str, errors: dict[str, str], required: bool = False) -> str:
    value = " ".join(raw.split())
    if required and not value:
        errors[field_name] = _("This field is required.")
    elif len(value) > limit:
        errors[field_name] = _("At most %(n)s characters.", n=limit)
    return value


def long_text(raw: str, limit: int, field_name: str, errors: dict[str, str], required: bool = False) -> str:
    value = raw.strip()
    if required and not value:
        errors[field_name] = _("This field is required.")
    elif len(value) > limit:
        errors[field_name] = _("At most %(n)s characters.", n=limit)
    return value


def date(raw: str, field_name: str, errors: dict[str, str], required: bool = False,
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


def phone(raw: str, field_name: str, errors: dict[str, str]) -> str:
    value = raw.strip()
    if value and not PHONE.match(value):
        errors[field_name] = _("Enter a phone number of digits, optionally with + and hyphens.")
    return value


def email(raw: str, field_name: str, errors: dict[str, str]) -> str:
    value = raw.strip()
    if len(value) > 100:
        errors[field_name] = _("At most %(n)s characters.", n=100)
    elif value and not EMAIL.match(value):
        errors[field_name] = _("Enter an e-mail address such as name@example.com.")
    return value


def credit_code(raw: str, field_name: str, errors: dict[str, str], required: bool) -> str | None:
    """A unified social credit code (GB 32100-2015), in its compact upper-case form."""
    if not raw.strip():
        if required:
            errors[field_name] = _("Enter the unified social credit code.")
        return None
    value = uscc.compact(raw)
    try:
        return uscc.validate(value)
    except InvalidChecksum:
        errors[field_name] = _("The check character does not match: please compare with the business licence.")
    except InvalidLength:
        errors[field_name] = _("A unified social credit code has 18 characters.")
    except (InvalidFormat, InvalidComponent):
        errors[field_name] = _("This is not a valid unified social credit code.")
    return value


def licence_number(raw: str, field_name: str, errors: dict[str, str]) -> str:
    value = raw.strip()
    if not value:
        errors[field_name] = _("This field is required.")
    elif len(value) > 50:
        errors[field_name] = _("At most %(n)s characters.", n=50)
    elif LICENCE_NUMBER_FORBIDDEN.search(value):
        errors[field_name] = _("A licence number cannot contain spaces, slashes or the characters ? # %.")
    return value

"""Checking agency, licence and broker input: every problem at once, each as a translated message."""

from __future__ import annotations

import re

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from export_mgmt.fields import date, long_text, phone, text  # noqa: F401  (the agencies' field checks)
from export_mgmt.i18n import _

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A licence number appears in a public address (/verify/licence/<number>): no path or query characters.
LICENCE_NUMBER_FORBIDDEN = re.compile(r"[/\\?#%\s]")










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

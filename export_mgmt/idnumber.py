"""Parse, validate and build PRC resident identity numbers (GB 11643-1999)."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from operator import mul

from export_mgmt.regions import code_ever_existed

# ISO 7064 MOD 11-2 weights for positions 1..17 (2**(17-i) mod 11) and the remainder -> check table.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_RE_18 = re.compile(r"^[0-9]{17}[0-9X]$")
_RE_15 = re.compile(r"^[0-9]{15}$")
_RE_17 = re.compile(r"^[0-9]{17}$")

# Thresholds of the "4050" priority group (就业困难人员): women 40+, men 50+.
_4050_AGE = {"F": 40, "M": 50}

_MESSAGES = {
    "empty": "identity number is empty",
    "format": "identity number must be 18 characters (17 digits and a digit or X) or 15 digits",
    "date": "identity number contains an impossible birth date",
    "future": "identity number has a birth date in the future",
    "checksum": "identity number check character does not match",
    "region": "identity number address code is not a known county-level code",
}
REASONS = frozenset(_MESSAGES)


class IdNumberError(ValueError):
    """Rejection of an identity number; `reason` is a stable key the UI translates."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        if reason not in _MESSAGES:
            raise ValueError(f"unknown IdNumberError reason: {reason!r}")
        self.reason = reason
        super().__init__(message or _MESSAGES[reason])


@dataclass(frozen=True)
class IdentityNumber:
    number: str  # always the 18-character form with upper-case X
    region_code: str
    birth_date: _dt.date
    sex: str  # "M" or "F"
    was_15_digit: bool

    @property
    def sequence(self) -> str:
        return self.number[14:17]


def check_character(first17: str) -> str:
    """The 18th character for the given 17 digits."""
    if not isinstance(first17, str) or not _RE_17.match(first17):
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(map(mul, map(int, first17), _WEIGHTS))  # map/mul: the Excel import checks 100,000 at a time
    return _CHECK_CHARS[total % 11]


def _normalise_input(raw: object) -> str:
    if raw is None:
        return ""
    # NFKC folds full-width digits and "Ｘ" that Chinese input methods often produce.
    return unicodedata.normalize("NFKC", str(raw)).strip().upper()


def canonical(raw: object) -> str:
    """The text parse() would judge: folded, upper-case, a 15-digit number in its 18-digit form. Equal to
    parse(raw).number whenever parse accepts raw, so it can group numbers before the full checks run."""
    text = raw if isinstance(raw, str) and raw.isascii() and raw == raw.strip().upper() else _normalise_input(raw)
    if _RE_15.match(text):
        # First-generation numbers have a 2-digit year from the 1900s and no check character.
        first17 = text[:6] + "19" + text[6:]
        return first17 + check_character(first17)
    return text


def parse(raw: str, today: _dt.date | None = None) -> IdentityNumber:
    """Validate `raw` and return its parts; 15-digit numbers come back in 18-digit form.

    The address code only has to have existed in some year: it records where the hukou was when the
    card was issued, which may predate or postdate the birth year (e.g. 和平区 210102 dates from 1983).
    """
    typed = _normalise_input(raw)
    if not typed:
        raise IdNumberError("empty")
    was_15 = bool(_RE_15.match(typed))
    text = canonical(typed)
    if not was_15 and not _RE_18.match(text):
        raise IdNumberError("format")

    try:
        birth = _dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError("date") from None
    if birth.year < 1900:
        raise IdNumberError("date")
    if birth > (today or _dt.date.today()):
        raise IdNumberError("future")

    if text[17] != check_character(text[:17]):
        raise IdNumberError("checksum")

    region = text[:6]
    if not code_ever_existed(region):
        raise IdNumberError("region")

    return IdentityNumber(
        number=text,
        region_code=region,
        birth_date=birth,
        sex="M" if int(text[16]) % 2 else "F",
        was_15_digit=was_15,
    )


def make_number(region_code: str, birth_date: _dt.date, sequence: int) -> str:
    """Build a well-formed 18-character number (for demo data; the region is not looked up)."""
    if not re.fullmatch(r"[0-9]{6}", region_code or ""):
        raise ValueError("region_code must be 6 digits")
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0..999 (its last digit's parity sets the sex)")
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    if not _RE_17.match(first17):
        raise ValueError("birth_date must have a 4-digit year")
    return first17 + check_character(first17)


def age_on(birth_date: _dt.date, day: _dt.date) -> int:
    """Completed years on `day` (周岁). A 29 February birthday counts as passed from 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def birth_date_cutoff(years: int, today: _dt.date) -> _dt.date:
    """Latest birth date of someone at least `years` old on `today` (consistent with age_on)."""
    year = today.year - years
    try:
        return today.replace(year=year)
    except ValueError:
        # today is 29 Feb and `year` is not a leap year: a 28 Feb birthday has passed, 1 Mar has not.
        return _dt.date(year, 2, 28)


def is_4050(sex: str, birth_date: _dt.date, today: _dt.date) -> bool:
    """In the "4050" group: women aged 40 or more, men aged 50 or more, on `today`.

    No upper bound here: callers apply retirement-age limits where a policy needs them.
    """
    try:
        threshold = _4050_AGE[sex]
    except KeyError:
        raise ValueError(f"sex must be 'M' or 'F', not {sex!r}") from None
    return age_on(birth_date, today) >= threshold


def mask(number: str) -> str:
    """Show only the first 6 and last 4 characters, e.g. "210102********002X".

    Input too short to hide anything that way (10 characters or fewer) is starred out entirely.
    """
    text = "" if number is None else str(number).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]

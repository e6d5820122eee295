"""The law's rules for complaints as plain functions: transitions, the two-year limit, routing, thresholds.

劳动保障监察条例 (in force 2004-12-01) and its implementing provisions; Liaoning's thresholds for transfer to
the police; the 2022 blacklist rules.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata

from export_mgmt.regions import is_shenyang_county

DECIDE_WORKING_DAYS = 5
INVESTIGATION_WORKING_DAYS = 60
EXTENSION_WORKING_DAYS = 30
WARNING_WORKING_DAYS = 2
MIN_INSPECTORS = 2
LIMITATION_YEARS = 2
COMPENSATION_RANGE = (50, 100)
# Liaoning's thresholds for the crime of refusing to pay wages (CNY fen): guidance for transfer to the police,
# and the amount at which an ignored payment order makes the employer a blacklist candidate.
POLICE_THRESHOLD_ONE = 10_000_00
POLICE_THRESHOLD_MANY = 50_000_00
POLICE_MANY_WORKERS = 10
BLACKLIST_YEARS = 3
BLACKLIST_EARLY_REMOVAL_MONTHS = 6

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("accepted", "rejected", "supplement_requested"),
    # The complainant supplied what was missing: the 5-working-day clock starts again.
    "supplement_requested": ("received",),
    "accepted": ("investigating", "closed"),
    "investigating": ("rectification_ordered", "closed"),
    # An order not obeyed: a payment order with additional compensation, back to investigation, or the police.
    "rectification_ordered": ("payment_ordered", "investigating", "transferred", "closed"),
    "payment_ordered": ("transferred", "closed"),
    "transferred": ("closed",),
    "rejected": (),
    "closed": (),
}
OPEN = ("received", "supplement_requested", "accepted", "investigating", "rectification_ordered",
        "payment_ordered", "transferred")
# Statuses whose statutory clock is running, and which date it runs to.
CLOCKS = {"received": "decide_by", "accepted": "investigate_by", "investigating": "investigate_by",
          "rectification_ordered": "rectify_by", "payment_ordered": "rectify_by"}

ROUTE_CITY = "CITY"
ROUTE_OVERSEAS = "OVERSEAS"

# Crockford's alphabet without I, L, O, U: read over the telephone and typed back without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def too_old(arrears_from: dt.date | None, arrears_to: dt.date | None, received_on: dt.date) -> bool:
    """Two years from the violation, or from its end when it went on; unknown dates are not held against it."""
    end = arrears_to or arrears_from
    if end is None:
        return False
    try:
        limit = end.replace(year=end.year + LIMITATION_YEARS)
    except ValueError:  # 29 February
        limit = end.replace(year=end.year + LIMITATION_YEARS, day=28)
    return received_on > limit


def route_for(work_place: str, placement_country: str | None = None, employer_country: str | None = None) -> str:
    """Domestic work: the county office where the work is done, or the city desk when outside the city;
    work abroad: the city's overseas desk."""
    if placement_country is not None:
        # Domestic placements go to other provinces, so they are the city desk's.
        return ROUTE_OVERSEAS if placement_country != "CN" else ROUTE_CITY
    if work_place == "ABROAD" or (employer_country and employer_country != "CN"):
        return ROUTE_OVERSEAS
    if is_shenyang_county(work_place):
        return work_place
    return ROUTE_CITY


def valid_route(route: str) -> bool:
    return route in (ROUTE_CITY, ROUTE_OVERSEAS) or is_shenyang_county(route)


def police_guidance(outstanding_cny: list[int]) -> bool:
    """Whether the amounts still owed (CNY fen per worker) reach Liaoning's thresholds."""
    if any(amount >= POLICE_THRESHOLD_ONE for amount in outstanding_cny):
        return True
    return len(outstanding_cny) >= POLICE_MANY_WORKERS and sum(outstanding_cny) >= POLICE_THRESHOLD_MANY


def new_tracking_no(year: int) -> str:
    return f"TS{year}" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def new_secret() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def normalise_code(raw: str) -> str:
    """What people type back: any case, spaces and hyphens, O for 0, I and L for 1, and the full-width
    characters of Chinese input methods (ＴＳ２０２６…) as the plain ones."""
    cleaned = "".join(unicodedata.normalize("NFKC", raw).split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))

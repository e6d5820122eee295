"""Agency scorecards and ratings: who may read which, the league table, one agency's card, the public summary.

The city bureau (administrators, supervisors, inspectors) reads every agency; agency staff read their own
agency's card only. County clerks have no access: a rating is the city's judgement of agencies that recruit
across all counties, and a clerk's scope is her county's workers, so she would see figures she cannot check;
the public summary on the verification page is open to her like to anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied, RecordNotFound
from export_mgmt.followups.compliance import Line
from export_mgmt.ratings import scorecard
from export_mgmt.ratings.rules import Figures, Grade, Result, per_hundred, rate, share
from export_mgmt.ratings.scale import load_scale

CITY_READERS = {Role.admin, Role.supervisor, Role.inspector}
FIRST_YEAR = 2004  # the records start with the 2004 targets; nothing older exists
SORTS = ("rank", "name", "placements", "complaints", "followups")


def can_read_all(actor: Actor) -> bool:
    return actor.role in CITY_READERS


def can_read(actor: Actor) -> bool:
    return can_read_all(actor) or (actor.role == Role.agency_staff and actor.agency_id is not None)


def _scope(actor: Actor) -> list[int] | None:
    """The agencies the actor may see: None for all of them."""
    if can_read_all(actor):
        return None
    if actor.role == Role.agency_staff and actor.agency_id is not None:
        return [actor.agency_id]
    raise AccessDenied()


def valid_year(year: int | None) -> bool:
    return year is not None and FIRST_YEAR <= year <= today().year


@dataclass(frozen=True)
class Scorecard:
    """One agency's year.

    Identity: agency_id, agency_name, county_code, agency_active, year.
    Placements: placements (reported in the year), active_placements (not finished today).
    Complaints: complaints (naming the agency, received in the year, not rejected), complaints_per_100 (Decimal,
    None without placements); claimed_cny and recovered_cny (CNY fen), recovery_rate (0-1, None when nothing
    was claimed).
    Follow-ups: followups (the compliance page's Line: due, on_time, late, overdue, waiting, settled),
    followup_rate (0-1, None when none is settled).
    Fees: flagged_placements (placements with a fee over a cap or prohibited, paid in the year),
    flagged_per_100. Sanctions: sanctions (licence suspensions and revocations). cases (inspection cases
    against the agency). Reserve: reserve_required (CNY fen, None when no licence needs one), reserve_held,
    reserve_short, topup_overdue.
    Rating: rated, score (Decimal 0-100, None when not rated), grade (Grade: code, label, min_score; None when not
    rated), lost (indicator -> points lost), rank (1 = best in the city, None when not rated or for agency staff).
    """

    agency_id: int
    agency_name: str
    county_code: str
    agency_active: bool
    year: int
    figures: Figures
    active_placements: int
    followups: Line
    reserve_required: int | None
    reserve_held: int
    result: Result
    rank: int | None = None

    placements = property(lambda self: self.figures.placements)
    complaints = property(lambda self: self.figures.complaints)
    claimed_cny = property(lambda self: self.figures.claimed_cny)
    recovered_cny = property(lambda self: self.figures.recovered_cny)
    flagged_placements = property(lambda self: self.figures.flagged_placements)
    sanctions = property(lambda self: self.figures.sanctions)
    cases = property(lambda self: self.figures.cases)
    reserve_short = property(lambda self: self.figures.reserve_short)
    topup_overdue = property(lambda self: self.figures.topup_overdue)

    @property
    def complaints_per_100(self) -> Decimal | None:
        return per_hundred(self.complaints, self.placements)

    @property
    def flagged_per_100(self) -> Decimal | None:
        return per_hundred(self.flagged_placements, self.placements)

    @property
    def recovery_rate(self) -> Decimal | None:
        return share(self.recovered_cny, self.claimed_cny)

    @property
    def followup_rate(self) -> float | None:
        return self.followups.rate

    @property
    def rated(self) -> bool:
        return self.result.rated

    @property
    def score(self) -> Decimal | None:
        return self.result.score

    @property
    def grade(self) -> Grade | None:
        return self.result.grade

    @property
    def lost(self) -> dict[str, Decimal]:
        return self.result.lost


def _best_first(cards: list[Scorecard]) -> list[Scorecard]:
    """Rated agencies by score, the higher first (ties by name), then those not rated by name; ranks numbered."""
    rated = sorted((c for c in cards if c.rated), key=lambda c: (-(c.score or 0), c.agency_name, c.agency_id))
    unrated = sorted((c for c in cards if not c.rated), key=lambda c: (c.agency_name, c.agency_id))
    ranked = [replace(c, rank=n) for n, c in enumerate(rated, start=1)]
    return ranked + unrated


async def _cards(year: int, agency_ids: list[int] | None) -> list[Scorecard]:
    scale = await load_scale()
    records = await scorecard.records(year, agency_ids)
    return _best_first([Scorecard(
        agency_id=r.agency_id, agency_name=r.name, county_code=r.county_code, agency_active=r.active_agency,
        year=year, figures=r.figures, active_placements=r.active_placements, followups=r.followups,
        reserve_required=r.reserve_required, reserve_held=r.reserve_held, result=rate(r.figures, scale))
        for r in records])


async def league_table(actor: Actor, year: int) -> list[Scorecard]:
    """Every agency's scorecard for the year the actor may see, best first (see Scorecard for the fields).

    City roles get every agency; agency staff their own one; others AccessDenied. Agencies with too few
    placements to rate come last, with rated False, score, grade and rank None; agency staff get no rank.
    """
    scope = _scope(actor)
    cards = await _cards(year, scope)
    # A rank means a place among all agencies: staff, who see one card, get none.
    return cards if scope is None else [replace(c, rank=None) for c in cards]


async def agency_scorecard(actor: Actor, agency_id: int, year: int) -> Scorecard:
    """One agency's scorecard; RecordNotFound outside the actor's scope (another agency's card is not there)."""
    scope = _scope(actor)
    if scope is not None and agency_id not in scope:
        raise RecordNotFound()
    # The city's roles get the agency's place in the whole city's table, so the whole table is worked out.
    cards = await _cards(year, None if scope is None else [agency_id])
    card = next((c for c in cards if c.agency_id == agency_id), None)
    if card is None:
        raise RecordNotFound()
    return card if scope is None else replace(card, rank=None)


# ---- the public summary --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicSummary:
    """What anyone may read beside the licence: no people, no amounts, no identity numbers."""

    year: int
    rated: bool
    grade: Grade | None
    placements: int
    complaints_per_100: Decimal | None
    followup_rate: float | None


def public_year(on: dt.date | None = None) -> int:
    """The last whole year: a running year's rating would change from one day to the next."""
    return (on or today()).year - 1


async def public_summaries(agency_ids: list[int], year: int | None = None) -> dict[int, PublicSummary]:
    if not agency_ids:
        return {}
    year = year or public_year()
    return {c.agency_id: PublicSummary(year=year, rated=c.rated, grade=c.grade, placements=c.placements,
                                       complaints_per_100=c.complaints_per_100, followup_rate=c.followup_rate)
            for c in await _cards(year, list(agency_ids))}


def sort_cards(cards: list[Scorecard], key: str, grade: str = "") -> list[Scorecard]:
    """The league table as the page shows it: filtered by grade code (or "-" for not rated), then sorted."""
    if grade == "-":
        cards = [c for c in cards if not c.rated]
    elif grade:
        cards = [c for c in cards if c.grade and c.grade.code == grade]
    if key == "name":
        return sorted(cards, key=lambda c: (c.agency_name, c.agency_id))
    if key == "placements":
        return sorted(cards, key=lambda c: (-c.placements, c.agency_name))
    if key == "complaints":
        return sorted(cards, key=lambda c: (c.complaints_per_100 is None, c.complaints_per_100 or 0, c.agency_name))
    if key == "followups":
        return sorted(cards, key=lambda c: (c.followup_rate is None, -(c.followup_rate or 0), c.agency_name))
    return cards  # rank: already best first

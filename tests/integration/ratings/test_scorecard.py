"""Scorecards from the records: a hand-computed world, the configured scale, and who sees which card."""

from __future__ import annotations

from decimal import Decimal

import pytest

from export_mgmt.errors import AccessDenied, RecordNotFound
from export_mgmt.ratings import services
from tests.integration.placements.helpers_rules import actor, staff
from tests.integration.ratings.helpers import YEAR, world


@pytest.fixture
async def agencies():
    return await world()


async def test_the_numbers_match_the_hand_computed_fixture(agencies):
    cards = {c.agency_id: c for c in await services.league_table(await actor("supervisor"), YEAR)}
    a = cards[agencies["a"]]
    assert (a.placements, a.active_placements, a.complaints) == (20, 17, 1)
    assert a.complaints_per_100 == Decimal(5)
    assert (a.claimed_cny, a.recovered_cny) == (1_520_000, 600_000)
    assert a.recovery_rate == pytest.approx(Decimal(600_000) / Decimal(1_520_000))
    line = a.followups
    assert (line.due, line.on_time, line.late, line.overdue, line.waiting) == (6, 4, 1, 1, 0)
    assert a.followup_rate == pytest.approx(4 / 6)
    assert (a.flagged_placements, a.sanctions, a.cases) == (1, 1, 1)
    assert (a.reserve_required, a.reserve_held, a.reserve_short, a.topup_overdue) == (300_000_000, 250_000_000,
                                                                                      True, True)
    assert a.lost == {"complaints": Decimal("15.0"), "followups": Decimal("10.0"), "arrears": Decimal("6.1"),
                      "fees": Decimal("15.0"), "sanctions": Decimal("20.0"), "cases": Decimal("5.0"),
                      "reserve": Decimal("20.0")}
    assert a.score == Decimal("8.9") and a.grade.code == "C"

    b = cards[agencies["b"]]
    assert (b.placements, b.complaints, b.followup_rate, b.reserve_required) == (5, 0, 1.0, None)
    assert b.score == Decimal("100.0") and b.grade.code == "AAA"


async def test_best_first_and_too_few_placements_is_not_rated(agencies):
    table = await services.league_table(await actor("inspector"), YEAR)
    assert [c.agency_id for c in table] == [agencies["b"], agencies["a"], agencies["c"]]
    assert [c.rank for c in table] == [1, 2, None]
    c = table[-1]
    assert c.placements == 4 and not c.rated and c.score is None and c.grade is None


async def test_the_year_before_counts_only_its_own_records(agencies):
    cards = {c.agency_id: c for c in await services.league_table(await actor("admin"), YEAR - 1)}
    a = cards[agencies["a"]]
    assert (a.placements, a.complaints, a.sanctions, a.flagged_placements) == (1, 1, 1, 1)
    assert not a.rated  # one placement


async def test_agency_staff_see_their_own_card_only(agencies):
    mine = await staff(agencies["b"])
    assert [c.agency_id for c in await services.league_table(mine, YEAR)] == [agencies["b"]]
    card = await services.agency_scorecard(mine, agencies["b"], YEAR)
    assert card.grade.code == "AAA" and card.rank is None  # a place in a table they cannot see would mislead
    with pytest.raises(RecordNotFound):
        await services.agency_scorecard(mine, agencies["a"], YEAR)


async def test_the_city_sees_every_card_with_its_rank_in_the_city(agencies):
    card = await services.agency_scorecard(await actor("supervisor"), agencies["a"], YEAR)
    assert card.rank == 2


async def test_county_clerks_have_no_access(agencies):
    clerk = await actor("county_clerk", county_code="210115")
    with pytest.raises(AccessDenied):
        await services.league_table(clerk, YEAR)
    with pytest.raises(AccessDenied):
        await services.agency_scorecard(clerk, agencies["a"], YEAR)


async def test_the_public_summary_has_the_grade_and_three_figures(agencies):
    summaries = await services.public_summaries([agencies["a"], agencies["c"]], YEAR)
    a = summaries[agencies["a"]]
    assert (a.year, a.grade.code, a.placements, a.complaints_per_100) == (YEAR, "C", 20, Decimal(5))
    assert a.followup_rate == pytest.approx(4 / 6)
    assert not summaries[agencies["c"]].rated
    assert set(a.__dataclass_fields__) == {"year", "rated", "grade", "placements", "complaints_per_100",
                                           "followup_rate"}

"""The score, the grade and the checks on a new scale, as pure functions."""

from __future__ import annotations

from decimal import Decimal

from export_mgmt.ratings.rules import Figures, Grade, Scale, default_scale, grade_for, parse_scale, rate

SCALE = default_scale()


def test_a_clean_record_scores_full_marks_and_the_top_grade():
    result = rate(Figures(placements=50, followups_settled=10, followups_on_time=10), SCALE)
    assert result.score == Decimal("100.0") and result.grade.code == "AAA"
    assert set(result.lost.values()) == {Decimal(0)}


def test_each_indicator_loses_its_points():
    figures = Figures(placements=40, complaints=2, claimed_cny=1000, recovered_cny=250, followups_settled=8,
                      followups_on_time=6, flagged_placements=1, sanctions=0, cases=1, reserve_short=True)
    result = rate(figures, SCALE)
    # 5 per 100 x 3; (1 - 6/8) x 30; (1 - 1/4) x 10; 2.5 per 100 x 3; one case x 5; short x 10
    assert result.lost == {"complaints": Decimal("15.0"), "followups": Decimal("7.5"), "arrears": Decimal("7.5"),
                           "fees": Decimal("7.5"), "sanctions": Decimal("0.0"), "cases": Decimal("5.0"),
                           "reserve": Decimal("10.0")}
    assert result.score == Decimal("47.5") and result.grade.code == "C"


def test_nothing_to_judge_loses_nothing():
    """No settled follow-up and no claimed arrears are not failures."""
    result = rate(Figures(placements=5), SCALE)
    assert result.lost["followups"] == 0 and result.lost["arrears"] == 0 and result.score == 100


def test_recovered_above_the_claim_counts_as_all_recovered():
    assert rate(Figures(placements=5, claimed_cny=100, recovered_cny=150), SCALE).lost["arrears"] == 0


def test_the_score_never_falls_below_zero():
    result = rate(Figures(placements=10, sanctions=9), SCALE)
    assert result.score == Decimal(0) and result.grade.code == "C"


def test_too_few_placements_are_not_rated():
    result = rate(Figures(placements=4), SCALE)
    assert not result.rated and result.grade is None
    assert rate(Figures(placements=4), Scale(grades=SCALE.grades, parameters={"min_placements": 4})).rated


def test_the_grade_is_the_highest_whose_minimum_is_reached():
    grades = (Grade("AAA", "", 90), Grade("A", "", 70), Grade("C", "", 0))
    assert [grade_for(Decimal(s), grades).code for s in ("90", "89.9", "70", "0")] == ["AAA", "A", "A", "C"]
    assert grade_for(Decimal(10), (Grade("A", "", 50),)) is None


def test_the_weights_come_from_the_scale():
    harsh = Scale(grades=SCALE.grades, parameters={"case_points": 50})
    assert rate(Figures(placements=5, cases=1), harsh).score == Decimal(50)


def _parameters(**changes) -> dict[str, str]:
    return {code: str(value) for code, value in {**SCALE.parameters, **changes}.items()}


def test_a_valid_scale_is_parsed_with_codes_upper_case_and_empty_rows_skipped():
    scale, errors = parse_scale([(" aaa ", " 示范  单位 ", "90"), ("", "", ""), ("b", "", "0")], _parameters())
    assert errors == {}
    assert scale.grades == (Grade("AAA", "示范 单位", 90), Grade("B", "", 0))


def test_a_scale_must_descend_have_unique_codes_and_start_at_zero():
    _, errors = parse_scale([("A", "", "50"), ("A", "", "60"), ("C", "", "x")], _parameters())
    assert set(errors) == {"code_1", "min_1", "min_2"}
    _, errors = parse_scale([("A", "", "50")], _parameters())
    assert set(errors) == {""}
    _, errors = parse_scale([("A", "", "0")], _parameters(min_placements=0, fee_points=101))
    assert set(errors) == {"min_placements", "fee_points"}

"""The complaint rules as plain functions: the two-year limit, routing, the police thresholds, the transition
table and the codes people read over the telephone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from export_mgmt.complaints import labels, rules

D = dt.date


# ---- the two-year limit ----------------------------------------------------------------------------------------

def test_two_years_to_the_day_is_still_in_time_and_the_day_after_is_not():
    assert not rules.too_old(D(2021, 1, 1), D(2022, 3, 4), D(2024, 3, 4))
    assert rules.too_old(D(2021, 1, 1), D(2022, 3, 4), D(2024, 3, 5))


def test_a_continuing_violation_counts_from_its_end_not_its_start():
    # Unpaid since 2019, still unpaid in mid-2023: the limit runs from mid-2023.
    assert not rules.too_old(D(2019, 1, 1), D(2023, 6, 30), D(2024, 3, 4))
    assert rules.too_old(D(2019, 1, 1), D(2023, 6, 30), D(2025, 7, 1))


def test_only_the_start_known_counts_from_the_start():
    assert not rules.too_old(D(2022, 3, 4), None, D(2024, 3, 4))
    assert rules.too_old(D(2022, 3, 4), None, D(2024, 3, 5))


def test_unknown_dates_are_not_held_against_the_complainant():
    assert not rules.too_old(None, None, D(2040, 1, 1))


def test_the_end_known_without_the_start():
    assert rules.too_old(None, D(2020, 1, 1), D(2022, 1, 2))
    assert not rules.too_old(None, D(2020, 1, 1), D(2022, 1, 1))


def test_29_february_ends_the_limit_on_28_february_two_years_on():
    assert not rules.too_old(D(2019, 1, 1), D(2020, 2, 29), D(2022, 2, 28))
    assert rules.too_old(D(2019, 1, 1), D(2020, 2, 29), D(2022, 3, 1))


def test_a_limit_ending_on_29_february_of_a_leap_year():
    assert not rules.too_old(None, D(2022, 2, 28), D(2024, 2, 28))
    assert rules.too_old(None, D(2022, 2, 28), D(2024, 2, 29))


# ---- routing ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("work_place", "placement_country", "employer_country", "route"), [
    ("210115", None, None, "210115"),  # a county of the city: its own office
    ("210102", None, None, "210102"),
    ("OUTSIDE", None, None, "CITY"),  # elsewhere in China: the city desk
    ("ABROAD", None, None, "OVERSEAS"),
    ("210115", None, "KR", "OVERSEAS"),  # a foreign employer, wherever the form says the work was
    ("OUTSIDE", None, "CN", "CITY"),
    ("210115", None, "CN", "210115"),
    ("OUTSIDE", "JP", None, "OVERSEAS"),  # a placement abroad
    ("210115", "CN", None, "CITY"),  # a domestic placement goes to another province
    ("OUTSIDE", "CN", "KR", "CITY"),  # the placement, when there is one, decides
    ("210202", None, None, "CITY"),  # a county of another city (大连市中山区)
])
def test_route_for(work_place, placement_country, employer_country, route):
    assert rules.route_for(work_place, placement_country, employer_country) == route


def test_valid_routes_are_the_desks_and_the_counties_of_the_city():
    assert rules.valid_route("CITY") and rules.valid_route("OVERSEAS") and rules.valid_route("210115")
    assert not rules.valid_route("210202") and not rules.valid_route("ABROAD") and not rules.valid_route("")


# ---- thresholds ------------------------------------------------------------------------------------------------

def test_police_guidance_for_one_worker_from_ten_thousand_yuan():
    assert rules.police_guidance([10_000_00])
    assert not rules.police_guidance([9_999_99])
    assert rules.police_guidance([100, 10_000_00])


def test_police_guidance_for_ten_workers_from_fifty_thousand_yuan():
    assert rules.police_guidance([5_000_00] * 10)
    assert not rules.police_guidance([4_999_99] * 10)  # 49,999.90 in all
    assert not rules.police_guidance([9_000_00] * 9)  # 81,000 but only nine workers
    assert not rules.police_guidance([])


# ---- the transition table --------------------------------------------------------------------------------------

def test_the_table_names_every_status_and_only_statuses():
    assert set(rules.TRANSITIONS) == set(labels.STATUS)
    for targets in rules.TRANSITIONS.values():
        assert set(targets) <= set(labels.STATUS)


def test_rejected_and_closed_are_final_and_everything_else_is_open():
    assert rules.allowed_next("rejected") == () and rules.allowed_next("closed") == ()
    assert set(rules.OPEN) == set(labels.STATUS) - {"rejected", "closed"}
    assert rules.allowed_next("no-such-status") == ()


def test_every_open_complaint_can_still_end():
    """From every open status some path leads to closed or rejected."""
    for status in rules.OPEN:
        seen, todo = set(), [status]
        while todo:
            current = todo.pop()
            seen.add(current)
            todo.extend(t for t in rules.allowed_next(current) if t not in seen)
        assert seen & {"closed", "rejected"}, status


def test_the_clocks_run_to_known_deadlines():
    assert set(rules.CLOCKS.values()) == set(labels.DEADLINE_KINDS)
    assert "supplement_requested" not in rules.CLOCKS  # the complainant's turn: no clock
    assert "transferred" not in rules.CLOCKS


# ---- codes -----------------------------------------------------------------------------------------------------

def test_tracking_numbers_carry_the_year_and_eight_unambiguous_characters():
    numbers = {rules.new_tracking_no(2024) for _ in range(200)}
    assert len(numbers) == 200  # random, not a sequence
    for number in numbers:
        assert re.fullmatch(r"TS2024[0-9A-HJKMNP-TV-Z]{8}", number), number
        assert len(number) <= 16  # the column's length


def test_secrets_avoid_letters_read_as_digits():
    for _ in range(200):
        secret = rules.new_secret()
        assert len(secret) == 8 and not set(secret) & set("ILOU")


def test_what_people_type_back_is_normalised():
    assert rules.normalise_code(" ts2024-ab cd 12o1 ") == "TS2024ABCD1201"
    assert rules.normalise_code("il") == "11"
    assert rules.normalise_code("ＴＳ２０２４ＡＢ－ＣＤ") == "TS2024ABCD"  # full width, as Chinese input methods type
    secret = rules.new_secret()
    assert rules.normalise_code(secret.lower()[:4] + " - " + secret.lower()[4:]) == secret

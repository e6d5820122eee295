"""Generating follow-ups: the rows a sweep makes are exactly what the schedule says, once, however it is run."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.clock import utcnow
from export_mgmt.db import is_unique_violation
from export_mgmt.followups.schedule import load_rules
from export_mgmt.followups.sweeps import cancel_ended, generate_due, mark_overdue
from export_mgmt.followups.tables import FollowUp, FollowUpRule
from export_mgmt.placements.tables import Placement
from tests.integration.followups.helpers_schedule import (
    ON,
    Spec,
    add_followup,
    add_placement,
    default_rules,
    expected,
    generated,
)
from tests.integration.placements.helpers_rules import licensed_agency

D = dt.date

# on = 20 May 2026: follow-ups due from 19 Feb (90 days back) to 27 May (a week ahead) are created.
SPECS = {
    # Departed on the 31st: month 1 is 28 Feb (2026 is not a leap year), month 3 is 30 April.
    "jan31": Spec("kr_eps_e9", "working", departure=D(2026, 1, 31), start=D(2026, 1, 20), end=D(2029, 1, 19)),
    # Arrival check due 24 May, inside the lead time.
    "new": Spec("jp_technical_intern", "departed", departure=D(2026, 5, 10), start=D(2026, 5, 1),
                end=D(2029, 4, 30)),
    # Arrival due exactly on the horizon (27 May) and exactly on the look-back (19 Feb).
    "horizon": Spec("jp_ssw", "departed", departure=D(2026, 5, 13), start=D(2026, 5, 1), end=D(2029, 4, 30)),
    "lookback": Spec("sg_work_permit", "working", departure=D(2026, 2, 5), start=D(2026, 2, 1),
                     end=D(2028, 1, 31)),
    # Two years out: quarterly (month 24 = 10 March); monthly ones are history.
    "old": Spec("kr_eps_h2", "working", departure=D(2024, 3, 10), start=D(2024, 3, 1), end=D(2027, 2, 28)),
    # Contract ending 25 April: months 8-10, month 11 (20 May) is past the end; the before-end check 11 March.
    "ending": Spec("jp_trainee", "employer_changed", departure=D(2025, 6, 20), start=D(2025, 6, 1),
                   end=D(2026, 4, 25)),
    # Reported without a departure date: the contract start is the anchor.
    "no_departure": Spec("domestic", "working", departure=None, start=D(2026, 4, 1), end=D(2027, 3, 31)),
    # Unreachable workers are still followed up: month 12 (28 Feb); month 15 is 28 May, a day past the horizon.
    "unreachable": Spec("kr_eps_e9", "unreachable", departure=D(2025, 2, 28), start=D(2025, 2, 1),
                        end=D(2028, 1, 31)),
    # Reported, not departed: nothing yet.
    "reported": Spec("kr_eps_e9", "reported", departure=None, start=D(2026, 4, 1), end=D(2029, 3, 31)),
    # Finished after working abroad: only the after-return check (25 May), nothing of the running schedule.
    "completed": Spec("kr_eps_e9", "completed", departure=D(2024, 4, 20), start=D(2024, 4, 1), end=D(2026, 4, 20),
                      changed_on=D(2026, 4, 25), events=("reported", "departed", "working", "completed")),
    "returned": Spec("sg_work_permit", "returned", departure=D(2025, 9, 1), start=D(2025, 9, 1), end=D(2027, 8, 31),
                     changed_on=D(2026, 2, 10), events=("reported", "departed", "returned")),
    # Returned so long ago that the after-return check is history.
    "returned_long_ago": Spec("jp_ssw", "completed", departure=D(2023, 1, 1), start=D(2023, 1, 1),
                              end=D(2025, 12, 31), changed_on=D(2026, 1, 1),
                              events=("reported", "departed", "working", "completed")),
    # Terminated before departure: no return, so no follow-up at all.
    "terminated": Spec("kr_eps_e9", "terminated", departure=None, start=D(2026, 3, 1), end=D(2029, 2, 28),
                       changed_on=D(2026, 4, 25), events=("reported", "terminated")),
}


async def _placements(specs: dict[str, Spec] = SPECS) -> tuple[dict[int, Spec], dict[str, int]]:
    agency_id = await licensed_agency()
    ids = {name: await add_placement(spec, agency_id) for name, spec in specs.items()}
    return {ids[name]: spec for name, spec in specs.items()}, ids


def _of(rows, placement_id: int) -> set[tuple[str, int, dt.date]]:
    return {(kind, seq, due) for pid, kind, seq, due, _ in rows if pid == placement_id}


async def test_generation_matches_the_default_schedule():
    placements, ids = await _placements()
    want = expected(placements)

    assert await generate_due(ON) == len(want)
    rows = await generated()
    assert rows == want
    # The schedule spelled out for a few of them, so the expectation itself is checked.
    assert _of(rows, ids["jan31"]) == {("periodic", 1, D(2026, 2, 28)), ("periodic", 2, D(2026, 3, 31)),
                                       ("periodic", 3, D(2026, 4, 30))}
    assert _of(rows, ids["new"]) == {("arrival", 1, D(2026, 5, 24))}
    assert _of(rows, ids["horizon"]) == {("arrival", 1, D(2026, 5, 27))}
    assert ("arrival", 1, D(2026, 2, 19)) in _of(rows, ids["lookback"])
    assert _of(rows, ids["old"]) == {("periodic", 24, D(2026, 3, 10))}
    assert _of(rows, ids["ending"]) == {("periodic", 8, D(2026, 2, 20)), ("periodic", 9, D(2026, 3, 20)),
                                        ("periodic", 10, D(2026, 4, 20)), ("before_end", 1, D(2026, 3, 11))}
    assert _of(rows, ids["no_departure"]) == {("arrival", 1, D(2026, 4, 15)), ("periodic", 1, D(2026, 5, 1))}
    assert _of(rows, ids["unreachable"]) == {("periodic", 12, D(2026, 2, 28))}
    assert _of(rows, ids["completed"]) == {("after_return", 1, D(2026, 5, 25))}
    assert _of(rows, ids["returned"]) == {("after_return", 1, D(2026, 3, 12))}
    for name in ("reported", "returned_long_ago", "terminated"):
        assert _of(rows, ids[name]) == set(), name
    # Grace days from the rules: a week for the arrival check, ten days monthly, two weeks for the rest.
    grace = {(pid, kind, seq): (after - due).days for pid, kind, seq, due, after in rows}
    assert grace[(ids["new"], "arrival", 1)] == 7
    assert grace[(ids["jan31"], "periodic", 1)] == 10
    assert grace[(ids["old"], "periodic", 24)] == 14
    assert grace[(ids["ending"], "before_end", 1)] == 14
    assert grace[(ids["completed"], "after_return", 1)] == 14
    statuses = {r["status"] for r in await FollowUp.select(FollowUp.status)}
    assert statuses == {"pending"}


async def test_a_later_day_adds_what_came_due_and_keeps_the_rest():
    placements, _ = await _placements()
    first = await generate_due(ON)
    later = ON + dt.timedelta(days=45)
    added = await generate_due(later)
    # The earlier rows stay (even those now older than the look-back); the later window is added.
    assert await generated() == expected(placements) | expected(placements, later)
    assert first + added == len(expected(placements) | expected(placements, later))
    assert added > 0


async def test_rerun_adds_nothing():
    placements, _ = await _placements()
    await generate_due(ON)
    before = await FollowUp.select().order_by(FollowUp.id)
    assert await generate_due(ON) == 0
    assert await FollowUp.select().order_by(FollowUp.id) == before
    assert await generated() == expected(placements)


def _rules(**fields) -> dict:
    return dict(offset_days=0, first_month=0, last_month=0, every_months=0, grace_days=7) | fields


async def test_destination_and_programme_rules_replace_the_general_ones():
    await FollowUpRule.insert(
        # Japan: an arrival check a week after departure, nothing else ...
        FollowUpRule(destination="JP", kind="arrival", offset_days=7, grace_days=3),
        # ... except the specified skilled workers: every two months from the first, and before the end.
        FollowUpRule(destination="JP", programme="jp_ssw", kind="periodic", first_month=1, every_months=2,
                     grace_days=5),
        FollowUpRule(destination="JP", programme="jp_ssw", kind="before_end", offset_days=30, grace_days=5),
        # An inactive rule counts for nothing: Singapore keeps the general schedule.
        FollowUpRule(destination="SG", kind="arrival", offset_days=1, grace_days=1, active=False),
    )
    specs = {
        "kr": Spec("kr_eps_e9", "working", departure=D(2026, 1, 31), start=D(2026, 1, 20), end=D(2029, 1, 19)),
        "jp_intern": Spec("jp_technical_intern", "departed", departure=D(2026, 5, 10), start=D(2026, 5, 1),
                          end=D(2029, 4, 30)),
        "jp_trainee": Spec("jp_trainee", "working", departure=D(2026, 3, 1), start=D(2026, 3, 1),
                           end=D(2027, 2, 28)),
        "jp_ssw": Spec("jp_ssw", "working", departure=D(2026, 3, 15), start=D(2026, 3, 1), end=D(2026, 6, 20)),
        "sg": Spec("sg_work_permit", "departed", departure=D(2026, 5, 10), start=D(2026, 5, 1), end=D(2028, 4, 30)),
    }
    placements, ids = await _placements(specs)
    japan = [_rules(kind="arrival", offset_days=7, grace_days=3)]
    ssw = [_rules(kind="periodic", first_month=1, every_months=2, grace_days=5),
           _rules(kind="before_end", offset_days=30, grace_days=5)]

    def rules_for(programme: str) -> list[dict]:
        return {"jp_ssw": ssw, "jp_trainee": japan, "jp_technical_intern": japan}.get(programme, default_rules())

    want = expected(placements, rules_for=rules_for)
    assert await generate_due(ON) == len(want)
    rows = await generated()
    assert rows == want
    assert _of(rows, ids["jp_intern"]) == {("arrival", 1, D(2026, 5, 17))}
    # Japan's rules replaced the general ones: the trainee's monthly follow-ups (1 April, 1 May) are not made.
    assert _of(rows, ids["jp_trainee"]) == {("arrival", 1, D(2026, 3, 8))}
    # The programme's own rules replaced Japan's: no arrival check (22 March), every two months, 30 days before.
    assert _of(rows, ids["jp_ssw"]) == {("periodic", 1, D(2026, 4, 15)), ("before_end", 1, D(2026, 5, 21))}
    assert _of(rows, ids["sg"]) == {("arrival", 1, D(2026, 5, 24))}
    assert ("periodic", 3, D(2026, 4, 30)) in _of(rows, ids["kr"])


async def test_an_inactive_general_rule_generates_nothing():
    await FollowUpRule.update({FollowUpRule.active: False}).where(FollowUpRule.kind.is_in(["before_end", "arrival"]))
    placements, ids = await _placements()
    want = expected(placements, rules_for=lambda programme: [
        r for r in default_rules() if r["kind"] not in ("before_end", "arrival")])
    assert await generate_due(ON) == len(want)
    rows = await generated()
    assert rows == want
    assert {kind for _, kind, _, _, _ in rows} == {"periodic", "after_return"}
    assert _of(rows, ids["ending"]) == {("periodic", 8, D(2026, 2, 20)), ("periodic", 9, D(2026, 3, 20)),
                                        ("periodic", 10, D(2026, 4, 20))}


async def test_the_database_refuses_a_second_copy_of_a_follow_up():
    await _placements({"one": SPECS["new"]})
    await generate_due(ON)
    row = await FollowUp.select().first()
    with pytest.raises(Exception) as caught:
        await FollowUp.insert(FollowUp(placement=row["placement"], kind=row["kind"], seq=row["seq"],
                                       inspection_case=row["inspection_case"], due_date=row["due_date"],
                                       overdue_after=row["overdue_after"]))
    assert is_unique_violation(caught.value)
    assert await FollowUp.count() == 1
    # The same slot for a case's re-check is another follow-up.
    await FollowUp.insert(FollowUp(placement=row["placement"], kind=row["kind"], seq=row["seq"], inspection_case=7,
                                   due_date=row["due_date"], overdue_after=row["overdue_after"]))
    assert await FollowUp.count() == 2


async def test_a_run_cut_short_is_completed_by_the_next_without_gaps_or_copies():
    placements, _ = await _placements()
    want = expected(placements)
    rules = await load_rules(active_only=True)
    assert len(rules) == 5
    # The first run got through two of the rules before it died.
    first = await generate_due(ON, rules=[rules[1], rules[3]])
    partial = await generated()
    assert first == len(partial) and 0 < len(partial) < len(want)
    assert partial <= want
    second = await generate_due(ON)
    assert first + second == len(want)
    assert await generated() == want
    assert await FollowUp.count() == len(want)


async def test_overdue_marking_and_cancelling_when_the_placement_ends():
    agency_id = await licensed_agency()
    working = await add_placement(SPECS["jan31"], agency_id)
    ended = await add_placement(SPECS["jan31"], agency_id)
    on = D(2026, 5, 20)
    late = await add_followup(working, seq=1, due=D(2026, 5, 1), grace=10)  # overdue after 11 May
    last_day = await add_followup(working, seq=2, due=D(2026, 5, 10), grace=10)  # overdue after 20 May: not yet
    done = await add_followup(working, seq=3, due=D(2026, 4, 1), grace=10, status="done")
    missed = await add_followup(ended, seq=1, due=D(2026, 4, 1), grace=10)
    open_ = await add_followup(ended, seq=2, due=D(2026, 5, 15), grace=10)
    arrival = await add_followup(ended, kind="arrival", seq=1, due=D(2026, 5, 18), grace=10)
    back = await add_followup(ended, kind="after_return", seq=1, due=D(2026, 6, 1), grace=14)

    async def statuses() -> dict[int, str]:
        return {r["id"]: r["status"] for r in await FollowUp.select(FollowUp.id, FollowUp.status)}

    assert await mark_overdue(on) == 2
    assert await statuses() == {late: "overdue", last_day: "pending", done: "done", missed: "overdue",
                                open_: "pending", arrival: "pending", back: "pending"}
    assert await mark_overdue(on) == 0

    await Placement.update({Placement.status: "completed", Placement.status_changed_on: on}).where(
        Placement.id == ended)
    assert await cancel_ended() == 2
    # Missed ones stay overdue (they were not done); the after-return check is still to do.
    assert await statuses() == {late: "overdue", last_day: "pending", done: "done", missed: "overdue",
                                open_: "cancelled", arrival: "cancelled", back: "pending"}
    assert await cancel_ended() == 0


# ---- re-runs inside a window already covered (followup_sweep) ----------------------------------------------

async def _written_days_ago(days: int) -> None:
    """Every placement as last written `days` ago: older than the margin a re-run looks back over."""
    await Placement.update({Placement.updated_at: utcnow() - dt.timedelta(days=days)}, force=True)


async def test_a_rerun_of_a_covered_window_recomputes_only_placements_written_since():
    placements, ids = await _placements()
    await _written_days_ago(2)
    await generate_due(ON)
    # A follow-up removed by hand behind the application's back: only a placement written since, or a window not
    # yet covered, is recomputed, so the same day's re-run does not bring it back ...
    gone = await FollowUp.select(FollowUp.id).where(FollowUp.placement == ids["jan31"]).order_by(
        FollowUp.due_date, ascending=False).first()
    await FollowUp.delete().where(FollowUp.id == gone["id"])
    assert await generate_due(ON) == 0
    assert len(await generated()) == len(expected(placements)) - 1
    # ... and a later day, whose window is new, does.
    later = ON + dt.timedelta(days=1)
    await generate_due(later)
    assert await generated() == expected(placements) | expected(placements, later)


async def test_a_rerun_picks_up_placements_changed_or_reported_since_the_last_sweep():
    specs = {name: SPECS[name] for name in ("jan31", "reported", "old")}
    placements, ids = await _placements(specs)
    await _written_days_ago(2)
    await generate_due(ON)
    assert _of(await generated(), ids["reported"]) == set()
    # The reported worker left on 12 May (as placements.services.change_status writes it, stamping updated_at),
    # and a new placement was reported, both after the morning's sweep.
    departed = Spec("kr_eps_e9", "departed", departure=D(2026, 5, 12), start=D(2026, 4, 1), end=D(2029, 3, 31))
    await Placement.update({Placement.status: "departed", Placement.departure_date: D(2026, 5, 12),
                            Placement.updated_at: utcnow()}).where(Placement.id == ids["reported"])
    more, more_ids = await _placements({"new": SPECS["new"]})
    placements[ids["reported"]] = departed
    placements.update(more)

    added = await generate_due(ON)
    assert _of(await generated(), ids["reported"]) == {("arrival", 1, D(2026, 5, 26))}
    assert _of(await generated(), more_ids["new"]) == {("arrival", 1, D(2026, 5, 24))}
    assert await generated() == expected(placements)
    assert added == 2


async def test_an_edited_rule_sweeps_every_placement_again():
    placements, ids = await _placements()
    await _written_days_ago(2)
    await generate_due(ON)
    # Arrival checks a week later than before: a new statement, so nothing counts as covered.
    await FollowUpRule.update({FollowUpRule.offset_days: FollowUpRule.offset_days + 7}).where(
        FollowUpRule.kind == "arrival")
    await FollowUp.delete().where(FollowUp.kind == "arrival")
    await generate_due(ON)
    rules = [r | {"offset_days": r["offset_days"] + 7} if r["kind"] == "arrival" else r for r in default_rules()]
    assert await generated() == expected(placements, rules_for=lambda programme: rules)

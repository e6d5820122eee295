"""The placement lifecycle (export_mgmt.placements.lifecycle): which status may follow which."""

from __future__ import annotations

import pytest

from export_mgmt.placements.lifecycle import ACTIVE, FINISHED, STATUS, TRANSITIONS, worker_status_for

# The lifecycle as the bureau describes it, written out independently of the code's table.
ALLOWED = {
    ("reported", "departed"), ("reported", "working"), ("reported", "terminated"),
    ("departed", "working"), ("departed", "unreachable"), ("departed", "returned"), ("departed", "terminated"),
    ("working", "employer_changed"), ("working", "unreachable"), ("working", "completed"),
    ("working", "returned"), ("working", "terminated"),
    ("employer_changed", "working"), ("employer_changed", "unreachable"), ("employer_changed", "completed"),
    ("employer_changed", "returned"), ("employer_changed", "terminated"),
    # A worker may move on to another employer again without a "working" report in between.
    ("employer_changed", "employer_changed"),
    ("unreachable", "working"), ("unreachable", "completed"), ("unreachable", "returned"),
    ("unreachable", "terminated"),
}
ALL_PAIRS = [(a, b) for a in STATUS for b in STATUS]


def allowed(current: str, new: str) -> bool:
    return new in TRANSITIONS[current]


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_allowed_transition(current, new):
    assert allowed(current, new)


@pytest.mark.parametrize(("current", "new"), [
    ("completed", "working"), ("completed", "returned"), ("returned", "working"), ("returned", "departed"),
    ("terminated", "reported"), ("terminated", "working"), ("reported", "completed"), ("reported", "returned"),
    ("reported", "employer_changed"), ("reported", "unreachable"), ("departed", "reported"),
    ("departed", "completed"), ("working", "reported"), ("working", "departed"), ("unreachable", "departed"),
    ("employer_changed", "departed"),
])
def test_refused_transition(current, new):
    assert not allowed(current, new)


@pytest.mark.parametrize(("current", "new"), ALL_PAIRS)
def test_no_other_transition_than_the_listed_ones(current, new):
    assert allowed(current, new) == ((current, new) in ALLOWED)


@pytest.mark.parametrize("status", [s for s in STATUS if s != "employer_changed"])
def test_no_status_follows_itself(status):
    assert not allowed(status, status)


def test_every_transition_target_is_a_known_status():
    assert set(TRANSITIONS) == set(STATUS)
    assert all(new in STATUS for targets in TRANSITIONS.values() for new in targets)


def test_active_and_finished_statuses():
    assert ACTIVE == {"reported", "departed", "working", "employer_changed", "unreachable"}
    assert FINISHED == {"completed", "returned", "terminated"}


@pytest.mark.parametrize(("status", "domestic", "overseas"), [
    ("reported", "placed", "placed"),
    ("departed", "placed", "abroad"),
    ("working", "placed", "abroad"),
    ("employer_changed", "placed", "abroad"),
    ("unreachable", "placed", "abroad"),
    ("completed", "returned", "returned"),
    ("returned", "returned", "returned"),
    ("terminated", "returned", "returned"),
])
def test_worker_status_for(status, domestic, overseas):
    assert worker_status_for(status, overseas=False) == domestic
    assert worker_status_for(status, overseas=True) == overseas

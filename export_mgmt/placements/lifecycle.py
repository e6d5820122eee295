"""The placement lifecycle: which status may follow which, and what the worker's pool status becomes."""

from __future__ import annotations

from export_mgmt.i18n import N_

STATUS = {
    "reported": N_("Reported"),
    "departed": N_("Departed"),
    "working": N_("Working"),
    "employer_changed": N_("Employer changed"),
    "unreachable": N_("Unreachable"),
    "completed": N_("Completed"),
    "returned": N_("Returned early"),
    "terminated": N_("Terminated early"),
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "reported": ("departed", "working", "terminated"),
    "departed": ("working", "unreachable", "returned", "terminated"),
    "working": ("employer_changed", "unreachable", "completed", "returned", "terminated"),
    "employer_changed": ("working", "employer_changed", "unreachable", "completed", "returned", "terminated"),
    "unreachable": ("working", "completed", "returned", "terminated"),
    "completed": (),
    "returned": (),
    "terminated": (),
}

# A worker is "in an active placement" until it ends one way or another.
ACTIVE = frozenset(s for s, nxt in TRANSITIONS.items() if nxt)
FINISHED = frozenset(STATUS) - ACTIVE


def worker_status_for(placement_status: str, overseas: bool) -> str:
    """The pool status follows the placement."""
    if placement_status in FINISHED:
        return "returned"
    if placement_status == "reported":
        return "placed"
    return "abroad" if overseas else "placed"

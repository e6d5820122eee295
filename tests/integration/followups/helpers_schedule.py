"""Set-up and expectations for the follow-up tests: placements with known dates, and the schedule in Python.

`expected()` is the bureau's schedule written out independently of the SQL in followups/sweeps.py: the tests
compare the rows a sweep made with it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Callable, Iterable

from export_mgmt.followups.schedule import DEFAULT_RULES
from export_mgmt.followups.schemas import FollowUpRecord
from export_mgmt.followups.tables import FollowUp
from export_mgmt.idnumber import make_number
from export_mgmt.placements.tables import Placement, PlacementEvent
from export_mgmt.workers.tables import Worker
from tests.integration.placements.helpers_rules import LIAOZHONG, PROGRAMME_DEFAULTS, add_worker, today

# A fixed day inside 2026, so every expectation is stable whenever the suite runs.
ON = dt.date(2026, 5, 20)
# The sweep's window, as the rules state it: due within a week ahead, and not more than 90 days ago.
LEAD_DAYS = 7
LOOKBACK_DAYS = 90
MAX_MONTHS = 72
# Placement statuses: the worker is away (followed up on the schedule), or the placement has ended.
TRACKED = {"departed", "working", "employer_changed", "unreachable"}
FINISHED = {"completed", "returned", "terminated"}

_seq = itertools.count(1)

# (placement id, kind, seq, due date, overdue after)
Row = tuple[int, str, int, dt.date, dt.date]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's last day: 31 Jan + 1 month = 28 Feb (29 in a leap year)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Spec:
    """A placement as the schedule sees it."""

    programme: str = "kr_eps_e9"
    status: str = "working"
    departure: dt.date | None = None
    start: dt.date = dt.date(2025, 1, 1)
    end: dt.date = dt.date(2028, 12, 31)
    changed_on: dt.date | None = None
    # The statuses the placement went through (its events); by default reported, then the status.
    events: tuple[str, ...] = field(default=())

    @property
    def anchor(self) -> dt.date:
        return self.departure or self.start


def default_rules() -> list[dict]:
    return [dict(rule) for rule in DEFAULT_RULES]


def _due_dates(spec: Spec, rule: dict) -> Iterable[tuple[int, dt.date]]:
    kind = rule["kind"]
    if kind == "after_return":
        history = spec.events or ("reported", spec.status)
        if spec.status in FINISHED and TRACKED & set(history):
            yield 1, spec.changed_on + dt.timedelta(days=rule.get("offset_days", 0))
        return
    if spec.status not in TRACKED:
        return
    if kind == "arrival":
        yield 1, spec.anchor + dt.timedelta(days=rule.get("offset_days", 0))
    elif kind == "before_end":
        due = spec.end - dt.timedelta(days=rule.get("offset_days", 0))
        if due > spec.anchor:
            yield 1, due
    elif kind == "periodic":
        step = max(rule.get("every_months", 0), 1)
        last = rule.get("last_month", 0) or MAX_MONTHS
        for k in range(rule.get("first_month", 0), last + 1, step):
            due = add_months(spec.anchor, k)
            if due < spec.end:
                yield k, due
    else:
        raise ValueError(kind)


def expected(placements: dict[int, Spec], on: dt.date = ON,
             rules_for: Callable[[str], list[dict]] = lambda programme: default_rules()) -> set[Row]:
    """Every follow-up the schedule makes due by `on` + the lead time, and not older than the look-back."""
    horizon, lookback = on + dt.timedelta(days=LEAD_DAYS), on - dt.timedelta(days=LOOKBACK_DAYS)
    rows: set[Row] = set()
    for placement_id, spec in placements.items():
        for rule in rules_for(spec.programme):
            for seq, due in _due_dates(spec, rule):
                if lookback <= due <= horizon:
                    rows.add((placement_id, rule["kind"], seq, due,
                              due + dt.timedelta(days=rule.get("grace_days", 7))))
    return rows


async def generated() -> set[Row]:
    """The schedule's own follow-ups in the database (re-checks and unscheduled ones left out)."""
    rows = await FollowUp.select(FollowUp.placement, FollowUp.kind, FollowUp.seq, FollowUp.due_date,
                                 FollowUp.overdue_after).where(FollowUp.inspection_case == 0)
    return {(r["placement"], r["kind"], r["seq"], r["due_date"], r["overdue_after"]) for r in rows}


def _placement_values(spec: Spec, worker_id: int, agency_id: int, employer_id: int | None) -> dict:
    values = dict(PROGRAMME_DEFAULTS[spec.programme])
    values.pop("months")
    return dict(worker=worker_id, agency=agency_id, employer=employer_id, programme=spec.programme,
                contract_start=spec.start, contract_end=spec.end, departure_date=spec.departure,
                status=spec.status, status_changed_on=spec.changed_on or spec.departure or spec.start,
                accident_insurance=True, **values)


def _events(placement_id: int, spec: Spec) -> list[PlacementEvent]:
    history = spec.events or (("reported", spec.status) if spec.status != "reported" else ("reported",))
    on = spec.changed_on or spec.departure or spec.start
    return [PlacementEvent(placement=placement_id, status=status, on_date=on) for status in history]


async def add_placement(spec: Spec, agency_id: int, worker_id: int | None = None, employer_id: int | None = None,
                        county_code: str = LIAOZHONG) -> int:
    """A placement row exactly as `spec` says (no report rules), with its status history."""
    if worker_id is None:
        worker_id, _ = await add_worker(f"工人{next(_seq)}", county_code=county_code,
                                        status="returned" if spec.status in FINISHED else "abroad")
    rows = await Placement.insert(Placement(**_placement_values(spec, worker_id, agency_id, employer_id))
                                  ).returning(Placement.id)
    placement_id = rows[0]["id"]
    await PlacementEvent.insert(*_events(placement_id, spec))
    return placement_id


async def add_placements(specs: list[Spec], agency_id: int) -> dict[int, Spec]:
    """Many placements in a few statements: one worker each, inserted in bulk."""
    first = next(_seq)
    workers = [Worker(id_number=make_number(LIAOZHONG, dt.date(1990, 1, 1) + dt.timedelta(days=(first + i) // 1000),
                                            (first + i) % 1000),
                      name=f"工人{i}", sex="M", birth_date=dt.date(1990, 1, 1), id_region_code=LIAOZHONG,
                      county_code=LIAOZHONG, status="abroad") for i in range(len(specs))]
    for _ in range(len(specs)):
        next(_seq)
    placements: dict[int, Spec] = {}
    for chunk in range(0, len(specs), 500):
        part = specs[chunk:chunk + 500]
        worker_ids = [r["id"] for r in await Worker.insert(*workers[chunk:chunk + 500]).returning(Worker.id)]
        rows = await Placement.insert(*(Placement(**_placement_values(spec, worker_id, agency_id, None))
                                        for spec, worker_id in zip(part, worker_ids))).returning(Placement.id)
        ids = [r["id"] for r in rows]
        await PlacementEvent.insert(*(event for placement_id, spec in zip(ids, part)
                                      for event in _events(placement_id, spec)))
        placements.update(zip(ids, part))
    return placements


async def add_followup(placement_id: int, kind: str = "periodic", seq: int | None = None,
                       due: dt.date | None = None, status: str = "pending", grace: int = 10,
                       inspection_case: int = 0) -> int:
    due = due or today() - dt.timedelta(days=3)
    rows = await FollowUp.insert(FollowUp(
        placement=placement_id, kind=kind, seq=seq if seq is not None else next(_seq), due_date=due,
        overdue_after=due + dt.timedelta(days=grace), status=status, inspection_case=inspection_case,
    )).returning(FollowUp.id)
    return rows[0]["id"]


async def followup_row(followup_id: int) -> dict:
    return await FollowUp.select().where(FollowUp.id == followup_id).first()


def found(done_on: dt.date | None = None, reached: bool = True, worker_status: str = "working",
          method: str = "phone", **fields) -> FollowUpRecord:
    """What a follow-up found; reached and working normally unless told otherwise."""
    return FollowUpRecord(done_on=(done_on or today()).isoformat(), method=method, reached=reached,
                          worker_status=worker_status if reached else "", **fields)


def unreachable(done_on: dt.date, **fields) -> FollowUpRecord:
    return found(done_on, reached=False, **fields)

"""Follow-up tables: the configurable schedule rules and the follow-ups themselves."""

from enum import Enum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.placements.tables import Placement


class FollowUpRule(Table, tablename="followup_rule"):
    """One line of the schedule. The most specific rules win: a programme's own, else its destination's, else ''."""

    class Kind(str, Enum):
        arrival = "arrival"
        periodic = "periodic"
        before_end = "before_end"
        after_return = "after_return"

    destination = Varchar(length=2, default="", help_text="Country code, or empty for every destination")
    programme = Varchar(length=30, default="", help_text="Programme code, or empty for the whole destination")
    kind = Varchar(length=20, choices=Kind)
    offset_days = Integer(default=0, help_text="arrival: days after departure; before_end: days before the "
                                               "contract ends; after_return: days after the return")
    first_month = Integer(default=0, help_text="periodic: first month after departure")
    last_month = Integer(default=0, help_text="periodic: last month (0 = until the contract ends)")
    every_months = Integer(default=0, help_text="periodic: months between follow-ups")
    grace_days = Integer(default=7, help_text="Days after the due date before a follow-up is overdue")
    active = Boolean(default=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = Varchar(length=100, default="")
    version = Integer(default=1)


class FollowUp(Table, tablename="followup"):
    class Kind(str, Enum):
        arrival = "arrival"
        periodic = "periodic"
        before_end = "before_end"
        after_return = "after_return"
        recheck = "recheck"
        adhoc = "adhoc"

    class Status(str, Enum):
        pending = "pending"
        overdue = "overdue"
        done = "done"
        cancelled = "cancelled"

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=Kind)
    seq = Integer(help_text="periodic: month after departure; recheck: order number; adhoc: running number")
    inspection_case = Integer(default=0, help_text="The case a re-check belongs to; 0 for the schedule's own")
    due_date = Date(index=True)
    overdue_after = Date(index=True, help_text="Due date plus the rule's grace days")
    status = Varchar(length=12, choices=Status, default=Status.pending, index=True)
    # What the follow-up found, once recorded.
    done_on = Date(null=True, default=None)
    method = Varchar(length=20, default="")
    reached = Boolean(null=True, default=None)
    worker_status = Varchar(length=20, default="")
    wages_paid_to = Date(null=True, default=None, help_text="Wages paid up to this date")
    unpaid_months = Integer(default=0)
    unpaid_amount = Integer(default=0, help_text="Minor units of unpaid_currency")
    unpaid_currency = Varchar(length=3, default="")
    notes = Text(default="")
    recorded_by = Varchar(length=100, default="")
    recorded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)

    # UNIQUE (placement, kind, seq, inspection_case) is a unique index made by the migration (SQLite cannot add
    # a table constraint later): the scheduler may run twice, or in two processes at once, and the database
    # refuses a second copy.


class FollowUpDocument(Table, tablename="followup_document"):
    followup = ForeignKey(references=FollowUp, on_delete=OnDelete.cascade, index=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    stored_name = Varchar(length=100, help_text="File name under DATA_DIR/uploads, outside the web root")
    uploaded_at = Timestamptz(default=TimestamptzNow())
    uploaded_by = Varchar(length=100, default="")


class FollowUpSweep(Table, tablename="followup_sweep"):
    """What the last generation sweep of one statement covered (sweeps.generate_due): an immediate re-run then
    need look only at the placements written since, not recompute every placement's schedule."""

    statement = Varchar(length=64, unique=True, help_text="SHA-256 of the rule's INSERT … SELECT")
    lookback = Date(help_text="Due dates from here …")
    horizon = Date(help_text="… to here were generated for every placement")
    swept_at = Timestamptz(default=TimestamptzNow(), help_text="When that sweep started")

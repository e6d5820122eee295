"""Placement tables: the placement, its dated status events, fee ledger and documents."""

from enum import Enum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.agencies.tables import Agency, Broker
from export_mgmt.employers.tables import Employer
from export_mgmt.workers.tables import Worker


class Placement(Table, tablename="placement"):
    class Status(str, Enum):
        reported = "reported"
        departed = "departed"
        working = "working"
        employer_changed = "employer_changed"
        unreachable = "unreachable"
        completed = "completed"
        returned = "returned"
        terminated = "terminated"

    worker = ForeignKey(references=Worker, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(references=Agency, on_delete=OnDelete.restrict, index=True)
    broker = ForeignKey(references=Broker, null=True, default=None, on_delete=OnDelete.restrict)
    employer = ForeignKey(references=Employer, null=True, default=None, on_delete=OnDelete.restrict)
    destination_country = Varchar(length=2, index=True, help_text="CN for domestic placements")
    destination_city = Varchar(length=100, default="", help_text="City abroad or province at home")
    destination_group = Varchar(length=10, default="", help_text="Domestic reporting group: YRD, PRD, WEST, OTHER")
    programme = Varchar(length=30, index=True)
    job_title = Varchar(length=100, default="")
    sector = Varchar(length=30, default="")
    contract_start = Date()
    contract_end = Date()
    wage_currency = Varchar(length=3)
    basic_wage = Integer(help_text="Monthly, in minor units of wage_currency")
    gross_wage = Integer(help_text="Monthly, in minor units of wage_currency")
    departure_date = Date(null=True, default=None)
    accident_insurance = Boolean(default=False)
    insurance_policy_no = Varchar(length=50, default="")
    status = Varchar(length=20, choices=Status, default=Status.reported, index=True)
    status_changed_on = Date()
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=100, default="")
    version = Integer(default=1)


class PlacementEvent(Table, tablename="placement_event"):
    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=20)
    on_date = Date()
    note = Text(default="")
    actor_name = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class FeeEntry(Table, tablename="fee_entry"):
    class Payee(str, Enum):
        agency = "agency"
        broker = "broker"
        foreign_agency = "foreign_agency"
        other = "other"

    class Flag(str, Enum):
        ok = "ok"
        over_cap = "over_cap"
        prohibited = "prohibited"

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    payee = Varchar(length=20, choices=Payee)
    payee_name = Varchar(length=100, default="")
    amount = Integer(help_text="Minor units of currency")
    currency = Varchar(length=3)
    paid_on = Date()
    purpose = Varchar(length=20)
    receipt_no = Varchar(length=50, default="")
    flag = Varchar(length=12, choices=Flag, default=Flag.ok, index=True)
    flag_reason = Varchar(length=40, default="", help_text="Code of the rule that flagged it")
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=100, default="")


class PlacementDocument(Table, tablename="placement_document"):
    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    stored_name = Varchar(length=100, help_text="File name under DATA_DIR/uploads, outside the web root")
    uploaded_at = Timestamptz(default=TimestamptzNow())
    uploaded_by = Varchar(length=100, default="")

"""Inspection-case tables: the case, its assigned inspectors and its referrals with their replies."""

from enum import Enum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Agency
from export_mgmt.employers.tables import Employer
from export_mgmt.followups.tables import FollowUp
from export_mgmt.placements.tables import Placement
from export_mgmt.workers.tables import Worker


class InspectionCase(Table, tablename="inspection_case"):
    class Source(str, Enum):
        follow_up = "follow_up"
        complaint = "complaint"
        report = "report"
        routine = "routine"
        campaign = "campaign"

    class Status(str, Enum):
        opened = "opened"
        investigating = "investigating"
        rectification_ordered = "rectification_ordered"
        closed = "closed"
        referred = "referred"
        cancelled = "cancelled"

    class Respondent(str, Enum):
        employer = "employer"
        agency = "agency"

    source = Varchar(length=20, choices=Source)
    status = Varchar(length=24, choices=Status, default=Status.opened, index=True)
    # unique: one follow-up opens at most one case, however often the button is pressed or the sweep runs.
    followup = ForeignKey(references=FollowUp, null=True, default=None, unique=True, on_delete=OnDelete.restrict)
    placement = ForeignKey(references=Placement, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    worker = ForeignKey(references=Worker, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    employer = ForeignKey(references=Employer, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(references=Agency, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    respondent_type = Varchar(length=10, choices=Respondent)
    respondent_name = Varchar(length=200, default="")
    jurisdiction = Varchar(length=10, help_text="County code of the inspection office, CITY, OUTSIDE or ABROAD")
    abroad = Boolean(default=False, help_text="Employer abroad: a referral to the sending agency and commerce")
    finding = Varchar(length=20)
    facts = Text(default="")
    unpaid_months = Integer(default=0)
    currency = Varchar(length=3, default="CNY")
    amount_owed = Integer(default=0, help_text="Minor units of currency")
    amount_ordered = Integer(default=0, help_text="Minor units of currency")
    amount_recovered = Integer(default=0, help_text="Minor units of currency")
    compensation_percent = Integer(default=0, help_text="Additional compensation ordered, 50-100 %")
    penalty = Integer(default=0, help_text="Administrative penalty, CNY minor units")
    opened_on = Date()
    investigate_by = Date(null=True, default=None, index=True,
                          help_text="Statutory: 60 working days after filing (+30 when extended); empty while the "
                                    "working-day calendar does not cover the dates")
    extended = Boolean(default=False)
    rectify_by = Date(null=True, default=None, index=True)
    orders = Integer(default=0, help_text="Rectification orders issued so far")
    closed_on = Date(null=True, default=None)
    outcome = Text(default="")
    created_by = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class CaseInspector(Table, tablename="case_inspector"):
    inspection_case = ForeignKey(references=InspectionCase, on_delete=OnDelete.cascade, index=True)
    inspector = ForeignKey(references=AppUser, on_delete=OnDelete.restrict, index=True)
    assigned_on = Date()
    assigned_by = Varchar(length=100, default="")

    # UNIQUE (inspection_case, inspector): a unique index made by the migration.


class CaseReferral(Table, tablename="case_referral"):
    class Target(str, Enum):
        sending_agency = "sending_agency"
        commerce = "commerce"
        embassy = "embassy"
        police = "police"
        other_office = "other_office"

    inspection_case = ForeignKey(references=InspectionCase, on_delete=OnDelete.cascade, index=True)
    target = Varchar(length=20, choices=Target)
    sent_on = Date()
    reference = Varchar(length=100, default="", help_text="Letter or file number")
    note = Text(default="")
    reply = Text(default="")
    replied_on = Date(null=True, default=None)
    created_by = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())

"""Complaint tables: the complaint or report, the workers it is for, its inspectors, its evidence.

Money is in integer minor units of the worker's currency; recovered amounts also in CNY at a dated rate.
"""

from enum import Enum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Agency
from export_mgmt.employers.tables import Employer
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.placements.tables import Placement
from export_mgmt.workers.tables import Worker


class Complaint(Table, tablename="complaint"):
    class Kind(str, Enum):
        complaint = "complaint"  # 投诉: by or for the affected worker
        report = "report"  # 举报: by anyone, may be anonymous, the reporter kept confidential

    class Channel(str, Enum):
        online = "online"
        walk_in = "walk_in"
        phone = "phone"
        letter = "letter"

    class Status(str, Enum):
        received = "received"
        supplement_requested = "supplement_requested"
        rejected = "rejected"
        accepted = "accepted"
        investigating = "investigating"
        rectification_ordered = "rectification_ordered"
        payment_ordered = "payment_ordered"
        transferred = "transferred"
        closed = "closed"

    tracking_no = Varchar(length=16, unique=True, help_text="Given to the complainant; random, not a sequence")
    secret_hash = Varchar(length=255, help_text="argon2 hash of the secret given at filing (second factor)")
    kind = Varchar(length=10, choices=Kind)
    channel = Varchar(length=10, choices=Channel)
    anonymous = Boolean(default=False)
    complainant_name = Varchar(length=100, default="")
    complainant_id_number = Varchar(length=18, default="")
    complainant_phone = Varchar(length=30, default="")
    complainant_address = Varchar(length=200, default="")
    relationship = Varchar(length=20, default="self")
    oral_confirmed = Boolean(default=False, help_text="An oral complaint was read back and confirmed")
    respondent_name = Varchar(length=200, default="")
    respondent_address = Varchar(length=200, default="")
    respondent_legal_rep = Varchar(length=100, default="")
    employer = ForeignKey(references=Employer, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    agency = ForeignKey(references=Agency, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    placement = ForeignKey(references=Placement, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    work_place = Varchar(length=10, default="OUTSIDE", help_text="A county code of the city, OUTSIDE or ABROAD")
    work_country = Varchar(length=2, default="CN")
    work_location = Varchar(length=200, default="")
    arrears_from = Date(null=True, default=None)
    arrears_to = Date(null=True, default=None)
    payout_account = Varchar(length=100, default="")
    facts = Text(default="")
    request = Text(default="")
    route = Varchar(length=10, index=True, help_text="Handling desk: a county code, CITY or OVERSEAS")
    status = Varchar(length=24, choices=Status, default=Status.received, index=True)
    received_on = Date(help_text="Receipt, or the resubmission after a request to supplement")
    first_received_on = Date(null=True, default=None,
                             help_text="The first receipt: the two-year limit counts to it, whatever resubmissions")
    decide_by = Date(null=True, default=None, index=True, help_text="5 working days after receipt")
    decided_on = Date(null=True, default=None)
    reject_reason = Varchar(length=20, default="")
    decision_note = Text(default="", help_text="Shown to the complainant: where to go, or what to supplement")
    investigate_by = Date(null=True, default=None, index=True, help_text="60 working days after filing (+30)")
    extended = Boolean(default=False)
    rectify_by = Date(null=True, default=None, index=True)
    orders = Integer(default=0)
    compensation_percent = Integer(default=0)
    penalty = Integer(default=0, help_text="CNY minor units")
    transferred_on = Date(null=True, default=None)
    outcome = Varchar(length=20, default="")
    outcome_note = Text(default="")
    closed_on = Date(null=True, default=None)
    serious_incident = Boolean(default=False, help_text="The arrears caused a serious incident (blacklist rule)")
    inspection_case = ForeignKey(references=InspectionCase, null=True, default=None, on_delete=OnDelete.set_null,
                                 index=True)
    created_by = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class ComplaintWorker(Table, tablename="complaint_worker"):
    complaint = ForeignKey(references=Complaint, on_delete=OnDelete.cascade, index=True)
    worker = ForeignKey(references=Worker, null=True, default=None, on_delete=OnDelete.restrict, index=True,
                        help_text="Linked when the identity number is in the pool")
    name = Varchar(length=100)
    id_number = Varchar(length=18, default="", index=True)
    representative = Boolean(default=False, help_text="An elected representative of a collective complaint")
    months_owed = Integer(default=0)
    currency = Varchar(length=3, default="CNY")
    amount_owed = Integer(default=0)
    amount_ordered = Integer(default=0)
    amount_recovered = Integer(default=0)
    recovered_cny = Integer(default=0, help_text="amount_recovered in CNY fen at fx_rate")
    fx_rate = Varchar(length=20, default="", help_text="CNY per unit of currency on fx_date")
    fx_date = Date(null=True, default=None)


class ComplaintInspector(Table, tablename="complaint_inspector"):
    complaint = ForeignKey(references=Complaint, on_delete=OnDelete.cascade, index=True)
    inspector = ForeignKey(references=AppUser, on_delete=OnDelete.restrict, index=True)
    assigned_on = Date()
    assigned_by = Varchar(length=100, default="")
    # UNIQUE (complaint, inspector): an index made by the migration.


class ComplaintDocument(Table, tablename="complaint_document"):
    complaint = ForeignKey(references=Complaint, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, default="other")
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    stored_name = Varchar(length=100, help_text="File name under DATA_DIR/uploads, outside the web root")
    uploaded_at = Timestamptz(default=TimestamptzNow())
    uploaded_by = Varchar(length=100, default="")


class PublicAttempt(Table, tablename="public_attempt"):
    """Rate limiting of the public pages (tracking look-ups, filings), shared by every app instance."""

    action = Varchar(length=10)
    client_address = Varchar(length=64, index=True)
    succeeded = Boolean(default=False)
    attempted_at = Timestamptz(default=TimestamptzNow(), index=True)

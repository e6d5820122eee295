"""Follow-up schemas shared by the pages and the JSON API (money in integer minor units)."""

from __future__ import annotations

import datetime as dt

import msgspec


class FollowUpRecord(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """What a follow-up found. Dates arrive as text so a bad value returns to the form as typed."""

    done_on: str
    method: str
    reached: bool
    worker_status: str = ""
    wages_paid_to: str = ""
    unpaid_months: int = 0
    unpaid_amount: int = 0
    unpaid_currency: str = ""
    notes: str = ""


class FollowUpSummary(msgspec.Struct, kw_only=True):
    id: int
    placement_id: int
    worker_name: str
    agency_id: int
    agency_name: str
    county_code: str
    destination_country: str
    kind: str
    seq: int
    due_date: dt.date
    overdue_after: dt.date
    status: str
    done_on: dt.date | None = None
    reached: bool | None = None
    worker_status: str = ""
    case_id: int | None = None


class FollowUpPage(msgspec.Struct, kw_only=True):
    items: list[FollowUpSummary]
    total: int
    page: int
    page_size: int


class EvidenceRead(msgspec.Struct, kw_only=True):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class FollowUpRead(FollowUpSummary, kw_only=True):
    programme: str
    wage_currency: str
    employer_id: int | None
    employer_name: str
    method: str
    wages_paid_to: dt.date | None
    unpaid_months: int
    unpaid_amount: int
    unpaid_currency: str
    notes: str
    recorded_by: str
    recorded_at: dt.datetime | None
    inspection_case: int
    evidence: list[EvidenceRead]
    can_record: bool
    can_raise_case: bool

"""Inspection-case schemas shared by the pages and the JSON API (money in integer minor units)."""

from __future__ import annotations

import datetime as dt

import msgspec


class CaseCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A case opened at the desk: a routine inspection, a campaign, a report."""

    source: str
    respondent_type: str
    employer_id: int | None = None
    agency_id: int | None = None
    jurisdiction: str = "CITY"
    finding: str
    facts: str = ""
    unpaid_months: int = 0
    currency: str = "CNY"
    amount_owed: int = 0


class CaseTransition(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: str
    version: int
    note: str = ""
    rectify_by: str = ""
    amount_ordered: int = 0
    compensation_percent: int = 0
    amount_recovered: int | None = None
    penalty: int = 0


class ReferralCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    target: str
    sent_on: str
    reference: str = ""
    note: str = ""


class ReplyCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reply: str
    replied_on: str


class InspectorRead(msgspec.Struct, kw_only=True):
    id: int
    name: str
    assigned_on: dt.date


class ReferralRead(msgspec.Struct, kw_only=True):
    id: int
    target: str
    sent_on: dt.date
    reference: str
    note: str
    reply: str
    replied_on: dt.date | None


class RecheckRead(msgspec.Struct, kw_only=True):
    followup_id: int
    seq: int
    due_date: dt.date
    status: str
    reached: bool | None
    worker_status: str
    wages_paid_to: dt.date | None


class CaseSummary(msgspec.Struct, kw_only=True):
    id: int
    number: str
    source: str
    status: str
    finding: str
    respondent_type: str
    respondent_name: str
    worker_name: str
    agency_name: str
    jurisdiction: str
    abroad: bool
    opened_on: dt.date
    investigate_by: dt.date | None
    rectify_by: dt.date | None
    next_deadline: dt.date | None
    extended: bool
    inspectors: int


class CasePage(msgspec.Struct, kw_only=True):
    items: list[CaseSummary]
    total: int
    page: int
    page_size: int


class CaseRead(CaseSummary, kw_only=True):
    followup_id: int | None
    placement_id: int | None
    worker_id: int | None
    employer_id: int | None
    agency_id: int | None
    facts: str
    unpaid_months: int
    currency: str
    amount_owed: int
    amount_ordered: int
    amount_recovered: int
    compensation_percent: int
    penalty: int
    orders: int
    closed_on: dt.date | None
    outcome: str
    version: int
    assigned: list[InspectorRead]
    referrals: list[ReferralRead]
    rechecks: list[RecheckRead]
    next_statuses: list[str]
    can_act: bool
    can_extend: bool
    calendar_missing: bool

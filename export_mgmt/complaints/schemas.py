"""Complaint schemas shared by the pages and the services (money in integer minor units)."""

from __future__ import annotations

import datetime as dt

import msgspec


class WorkerLine(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One worker a complaint is for, with what is owed to them."""

    name: str
    id_number: str = ""
    representative: bool = False
    months_owed: int = 0
    currency: str = "CNY"
    amount_owed: int = 0


class ComplaintCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: str = "complaint"
    channel: str = "online"
    anonymous: bool = False
    complainant_name: str = ""
    complainant_id_number: str = ""
    complainant_phone: str = ""
    complainant_address: str = ""
    relationship: str = "self"
    oral_confirmed: bool = False
    respondent_name: str = ""
    respondent_address: str = ""
    respondent_legal_rep: str = ""
    employer_id: int | None = None
    agency_id: int | None = None
    placement_id: int | None = None
    work_place: str = "OUTSIDE"
    work_country: str = "CN"
    work_location: str = ""
    arrears_from: str = ""
    arrears_to: str = ""
    payout_account: str = ""
    facts: str = ""
    request: str = ""
    workers: list[WorkerLine] = msgspec.field(default_factory=list)


class Evidence(msgspec.Struct, kw_only=True):
    """An uploaded file as read from the form, before it is checked."""

    filename: str
    data: bytes
    kind: str = "other"


class ComplaintTransition(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    status: str
    version: int
    note: str = ""
    reject_reason: str = ""
    rectify_by: str = ""
    compensation_percent: int = 0
    penalty: int = 0
    outcome: str = ""
    # Per complaint_worker id: the amount ordered, in the worker's currency (minor units).
    ordered: dict[int, int] = msgspec.field(default_factory=dict)


class Recovery(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Wages recovered for one worker: in the original currency, and in CNY at the rate of a date."""

    complaint_worker_id: int
    amount: int
    fx_rate: str = ""
    fx_date: str = ""
    version: int


class Filed(msgspec.Struct, kw_only=True):
    """What the complainant takes away: shown once, the secret is stored only as a hash."""

    id: int
    tracking_no: str
    secret: str
    route: str
    decide_by: dt.date | None


class WorkerRead(msgspec.Struct, kw_only=True):
    id: int
    worker_id: int | None
    name: str
    id_number: str
    representative: bool
    months_owed: int
    currency: str
    amount_owed: int
    amount_ordered: int
    amount_recovered: int
    recovered_cny: int
    fx_rate: str
    fx_date: dt.date | None


class DocumentRead(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    uploaded_by: str


class ComplaintSummary(msgspec.Struct, kw_only=True):
    id: int
    tracking_no: str
    kind: str
    status: str
    route: str
    respondent_name: str
    complainant: str
    workers: int
    received_on: dt.date
    next_deadline: dt.date | None
    deadline_kind: str
    overdue: bool
    amount_owed_cny: int


class ComplaintRead(msgspec.Struct, kw_only=True):
    id: int
    tracking_no: str
    kind: str
    channel: str
    anonymous: bool
    reporter_visible: bool
    complainant_name: str
    complainant_id_number: str
    complainant_phone: str
    complainant_address: str
    relationship: str
    oral_confirmed: bool
    respondent_name: str
    respondent_address: str
    respondent_legal_rep: str
    employer_id: int | None
    employer_name: str
    agency_id: int | None
    agency_name: str
    placement_id: int | None
    work_place: str
    work_country: str
    work_location: str
    arrears_from: dt.date | None
    arrears_to: dt.date | None
    too_old: bool
    payout_account: str
    facts: str
    request: str
    route: str
    status: str
    received_on: dt.date
    decide_by: dt.date | None
    decided_on: dt.date | None
    reject_reason: str
    decision_note: str
    investigate_by: dt.date | None
    extended: bool
    rectify_by: dt.date | None
    orders: int
    compensation_percent: int
    penalty: int
    transferred_on: dt.date | None
    outcome: str
    outcome_note: str
    closed_on: dt.date | None
    serious_incident: bool
    inspection_case_id: int | None
    created_by: str
    version: int
    workers: list[WorkerRead]
    documents: list[DocumentRead]
    inspectors: list[dict]
    next_deadline: dt.date | None
    deadline_kind: str
    calendar_missing: list[int]
    allowed: list[str]
    can_act: bool
    can_extend: bool
    handling: bool
    documents_hidden: int = 0  # a report's evidence, kept from all but the inspectors handling it


class ComplaintPage(msgspec.Struct, kw_only=True):
    items: list[ComplaintSummary]
    total: int
    page: int


class TrackingView(msgspec.Struct, kw_only=True):
    """All the public tracking page shows: nothing about people."""

    tracking_no: str
    kind: str
    status: str
    received_on: dt.date
    next_deadline: dt.date | None
    deadline_kind: str
    deadline_missing: bool
    reject_reason: str
    decision_note: str
    outcome: str
    closed_on: dt.date | None
    recovered: list[tuple[str, int]]

"""Placement schemas shared by the pages and the JSON API (money in integer minor units)."""

from __future__ import annotations

import datetime as dt

import msgspec


class PlacementCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Dates arrive as text so that a bad value comes back to the form as typed, with a message.
    worker_id_number: str
    programme: str
    destination_country: str
    destination_city: str = ""
    destination_group: str = ""
    agency_id: int | None = None  # administrators report on behalf of an agency; staff use their own
    broker_id: int | None = None
    employer_id: int | None = None
    job_title: str = ""
    sector: str = ""
    contract_start: str
    contract_end: str
    wage_currency: str
    basic_wage: int
    gross_wage: int
    departure_date: str = ""
    accident_insurance: bool = False
    insurance_policy_no: str = ""
    notes: str = ""


class PlacementUpdate(PlacementCreate, forbid_unknown_fields=True, kw_only=True):
    """A correction of a reported placement's facts, with the version that was read."""

    version: int


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    on_date: str
    note: str = ""
    employer_id: int | None = None  # the new employer, when the status is employer_changed


class FeeCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    payee: str
    payee_name: str = ""
    amount: int
    currency: str
    paid_on: str
    purpose: str
    receipt_no: str = ""


class EventRead(msgspec.Struct):
    status: str
    on_date: dt.date
    note: str
    actor_name: str


class FeeRead(msgspec.Struct):
    id: int
    payee: str
    payee_name: str
    amount: int
    currency: str
    paid_on: dt.date
    purpose: str
    receipt_no: str
    flag: str
    flag_reason: str


class DocumentRead(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class PlacementSummary(msgspec.Struct):
    id: int
    worker_id: int
    worker_name: str
    worker_id_number: str  # always masked in lists
    agency_id: int
    agency_name: str
    destination_country: str
    destination_city: str
    destination_group: str
    programme: str
    contract_start: dt.date
    contract_end: dt.date
    status: str
    status_changed_on: dt.date
    flagged_fees: int


class PlacementRead(msgspec.Struct):
    id: int
    worker_id: int
    worker_name: str
    worker_id_number: str
    worker_county_code: str
    agency_id: int
    agency_name: str
    broker_id: int | None
    broker_name: str
    employer_id: int | None
    employer_name: str
    destination_country: str
    destination_city: str
    destination_group: str
    programme: str
    job_title: str
    sector: str
    contract_start: dt.date
    contract_end: dt.date
    wage_currency: str
    basic_wage: int
    gross_wage: int
    departure_date: dt.date | None
    accident_insurance: bool
    insurance_policy_no: str
    status: str
    status_changed_on: dt.date
    notes: str
    version: int
    events: list[EventRead]
    fees: list[FeeRead]
    documents: list[DocumentRead]
    next_statuses: list[str]


class PlacementPage(msgspec.Struct):
    items: list[PlacementSummary]
    total: int
    page: int
    page_size: int

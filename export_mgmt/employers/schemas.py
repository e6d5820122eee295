"""Employer schemas shared by the pages and the JSON API."""

from __future__ import annotations

import datetime as dt

import msgspec


class EmployerCreate(msgspec.Struct, forbid_unknown_fields=True):
    """kind "domestic" goes with country CN (and a destination group); "foreign" with KR, JP or SG."""

    kind: str
    name: str
    country: str
    region: str = ""  # city abroad, or province (and city) at home
    destination_group: str = ""  # domestic only: YRD, PRD, WEST, OTHER
    registration_no: str = ""
    sector: str = ""
    address: str = ""
    contact: str = ""
    programme: str = ""  # a programme code of the employer's country, or empty


class EmployerUpdate(EmployerCreate, forbid_unknown_fields=True, kw_only=True):
    """The whole record as it should be, with the version that was read (a stale version is refused)."""

    version: int
    active: bool = True


class EmployerSummary(msgspec.Struct):
    id: int
    kind: str
    name: str
    country: str
    region: str
    destination_group: str
    registration_no: str
    sector: str
    programme: str
    active: bool


class EmployerRead(msgspec.Struct):
    id: int
    kind: str
    name: str
    country: str
    region: str
    destination_group: str
    registration_no: str
    sector: str
    address: str
    contact: str
    programme: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class EmployerPage(msgspec.Struct):
    items: list[EmployerSummary]
    total: int
    page: int
    page_size: int

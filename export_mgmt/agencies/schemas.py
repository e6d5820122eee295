"""Agency, licence, broker and token schemas shared by the pages and the JSON API."""

from __future__ import annotations

import datetime as dt

import msgspec

# Inputs carry dates and amounts as text, so that a bad value comes back to the form as typed, with a message.


class AgencyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    credit_code: str = ""
    county_code: str = ""
    address: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    active: bool = True


class AgencyUpdate(AgencyCreate, forbid_unknown_fields=True, kw_only=True):
    """The whole record as it should be, with the version that was read (a stale version is refused)."""

    version: int


class LicenceCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    number: str
    scope: list[str] = msgspec.field(default_factory=list)
    issuing_authority: str = ""
    valid_from: str = ""
    valid_to: str = ""
    reserve_required: str = ""  # yuan, as typed


class LicenceUpdate(LicenceCreate, forbid_unknown_fields=True, kw_only=True):
    version: int


class StatusChange(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    effective_on: str
    reason: str
    new_valid_to: str = ""  # a renewal (expired -> active) needs a new end of validity


class ReserveEntryCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    amount: str  # yuan, as typed
    on_date: str
    note: str = ""


class BrokerInput(msgspec.Struct, forbid_unknown_fields=True):
    id_number: str
    name: str
    certificate_no: str = ""
    phone: str = ""


class BrokerCreate(BrokerInput, forbid_unknown_fields=True, kw_only=True):
    """API body: administrators name the agency; agency staff register brokers of their own agency."""

    agency_id: int | None = None


class BrokerUpdate(BrokerInput, forbid_unknown_fields=True, kw_only=True):
    version: int


class StrikeOff(msgspec.Struct, forbid_unknown_fields=True):
    on_date: str
    reason: str


class AgencySummary(msgspec.Struct):
    id: int
    name: str
    credit_code: str | None
    county_code: str
    county_name: str
    active: bool


class AgencyPage(msgspec.Struct):
    items: list[AgencySummary]
    total: int
    page: int
    page_size: int


class AgencyRead(msgspec.Struct):
    id: int
    name: str
    credit_code: str | None
    county_code: str
    county_name: str
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class LicenceRead(msgspec.Struct):
    id: int
    agency_id: int
    kind: str
    number: str
    scope: list[str]
    issuing_authority: str
    valid_from: dt.date
    valid_to: dt.date
    status: str  # as stored
    current_status: str  # as it stands today: an active licence past its end of validity is expired
    status_reason: str
    status_changed_on: dt.date | None
    reserve_required: int | None  # CNY fen
    version: int


class StatusChangeRead(msgspec.Struct):
    status: str
    reason: str
    effective_on: dt.date
    actor_name: str
    created_at: dt.datetime


class ReserveEntryRead(msgspec.Struct):
    kind: str
    amount: int  # CNY fen
    on_date: dt.date
    note: str
    created_at: dt.datetime


class ReserveState(msgspec.Struct):
    required: int | None  # CNY fen
    held: int  # CNY fen: deposits + top-ups - draws
    short: bool  # held < required


class LicencePublic(msgspec.Struct):
    number: str
    kind: str
    scope: list[str]
    issuing_authority: str
    valid_from: dt.date
    valid_to: dt.date
    status: str  # as it stands today
    status_changed_on: dt.date | None


class AgencyPublic(msgspec.Struct):
    """What anyone may know about an agency: no people, no contacts."""

    id: int
    name: str
    credit_code: str | None
    county_code: str
    county_name: str
    active: bool
    licences: list[LicencePublic]


class BrokerSummary(msgspec.Struct):
    id: int
    agency_id: int
    agency_name: str
    id_number: str  # always masked in lists
    name: str
    certificate_no: str
    phone: str
    status: str


class BrokerPage(msgspec.Struct):
    items: list[BrokerSummary]
    total: int
    page: int
    page_size: int


class BrokerRead(msgspec.Struct):
    id: int
    agency_id: int
    agency_name: str
    id_number: str
    id_number_masked: bool
    name: str
    certificate_no: str
    phone: str
    status: str
    struck_off_on: dt.date | None
    struck_off_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TokenRead(msgspec.Struct):
    id: int
    name: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

"""Worker schemas shared by the pages and the JSON API."""

from __future__ import annotations

import datetime as dt

import msgspec


class SkillIn(msgspec.Struct, forbid_unknown_fields=True):
    trade: str
    level: str = ""
    certificate_no: str = ""


class LanguageIn(msgspec.Struct, forbid_unknown_fields=True):
    language: str
    level: str = ""
    test_name: str = ""
    score: int | None = None


class WorkerCreate(msgspec.Struct, forbid_unknown_fields=True):
    # Dates arrive as text so that a bad value comes back to the form as typed, with a message.
    id_number: str
    name: str
    county_code: str = ""
    township_code: str = ""
    township_name: str = ""
    village: str = ""
    phone: str = ""
    education: str = "junior_secondary"
    health_check_date: str = ""
    health_check_result: str = ""
    training: str = ""
    intention: str = "either"
    preferred_destinations: list[str] = msgspec.field(default_factory=list)
    status: str = "available"
    notes: str = ""
    skills: list[SkillIn] = msgspec.field(default_factory=list)
    languages: list[LanguageIn] = msgspec.field(default_factory=list)


class WorkerUpdate(WorkerCreate, forbid_unknown_fields=True, kw_only=True):
    """The whole record as it should be, with the version that was read (a stale version is refused)."""

    version: int


class SkillRead(msgspec.Struct):
    trade: str
    level: str
    certificate_no: str


class LanguageRead(msgspec.Struct):
    language: str
    level: str
    test_name: str
    score: int | None


class WorkerSummary(msgspec.Struct):
    id: int
    id_number: str
    name: str
    sex: str
    age: int
    is_4050: bool
    county_code: str
    county_name: str
    township_name: str
    status: str
    intention: str


class WorkerRead(msgspec.Struct):
    id: int
    id_number: str
    id_number_masked: bool
    name: str
    sex: str
    birth_date: dt.date | None  # withheld with the number: masked number + birth date = the number
    age: int
    is_4050: bool
    id_region_code: str
    id_region_name: str
    county_code: str
    county_name: str
    township_code: str | None
    township_name: str
    village: str
    phone: str
    education: str
    health_check_date: dt.date | None
    health_check_result: str
    training: str
    intention: str
    preferred_destinations: list[str]
    status: str
    notes: str
    skills: list[SkillRead]
    languages: list[LanguageRead]
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class WorkerPage(msgspec.Struct):
    items: list[WorkerSummary]
    total: int
    page: int
    page_size: int

"""Turning the agency domain's HTML forms into the shared schemas, and records back into form values."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict

from export_mgmt.agencies import labels
from export_mgmt.agencies.schemas import (
    AgencyRead,
    AgencyUpdate,
    BrokerRead,
    BrokerUpdate,
    LicenceRead,
    LicenceUpdate,
    ReserveEntryCreate,
    StatusChange,
    StrikeOff,
)
from export_mgmt.clock import today
from export_mgmt.money import to_major
from export_mgmt.web.templating import page_context

AGENCY_FIELDS = ("name", "credit_code", "county_code", "address", "legal_representative", "contact_name",
                 "contact_phone", "contact_email")
LICENCE_FIELDS = ("kind", "number", "issuing_authority", "valid_from", "valid_to", "reserve_required")
BROKER_FIELDS = ("id_number", "name", "certificate_no", "phone")


def context(request: Request, **values: Any) -> dict[str, Any]:
    """page_context plus the domain's labels and the bureau's today."""
    return page_context(request, agency_labels=labels, today=today(), **values)


def _get(form: FormMultiDict, name: str) -> str:
    return str(form.get(name) or "")


def _version(form: FormMultiDict) -> int:
    raw = _get(form, "version")
    return int(raw) if raw.isdigit() else 0


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors."""
    values: dict[str, Any] = {key: _get(form, key) for key in form.keys() if key != "csrf_token"}
    values["scope"] = [str(v) for v in form.getall("scope", [])]
    return values


def agency_input(form: FormMultiDict) -> AgencyUpdate:
    return AgencyUpdate(**{name: _get(form, name) for name in AGENCY_FIELDS}, active=_get(form, "active") == "on",
                        version=_version(form))


def agency_values(agency: AgencyRead) -> dict:
    values = {name: getattr(agency, name) or "" for name in AGENCY_FIELDS}
    values.update(active="on" if agency.active else "", version=str(agency.version))
    return values


def licence_input(form: FormMultiDict) -> LicenceUpdate:
    return LicenceUpdate(**{name: _get(form, name) for name in LICENCE_FIELDS},
                         scope=[str(v) for v in form.getall("scope", [])], version=_version(form))


def licence_values(licence: LicenceRead) -> dict:
    values: dict[str, Any] = {name: str(getattr(licence, name) or "") for name in LICENCE_FIELDS}
    if licence.reserve_required is not None:
        values["reserve_required"] = str(to_major(licence.reserve_required, "CNY"))
    values.update(scope=list(licence.scope), version=str(licence.version))
    return values


def status_input(form: FormMultiDict) -> StatusChange:
    return StatusChange(status=_get(form, "status"), effective_on=_get(form, "effective_on"),
                        reason=_get(form, "reason"), new_valid_to=_get(form, "new_valid_to"))


def reserve_input(form: FormMultiDict) -> ReserveEntryCreate:
    return ReserveEntryCreate(kind=_get(form, "kind"), amount=_get(form, "amount"), on_date=_get(form, "on_date"),
                              note=_get(form, "note"))


def broker_input(form: FormMultiDict) -> BrokerUpdate:
    return BrokerUpdate(**{name: _get(form, name) for name in BROKER_FIELDS}, version=_version(form))


def broker_values(broker: BrokerRead) -> dict:
    values = {name: str(getattr(broker, name) or "") for name in BROKER_FIELDS}
    values["version"] = str(broker.version)
    return values


def strike_off_input(form: FormMultiDict) -> StrikeOff:
    return StrikeOff(on_date=_get(form, "on_date"), reason=_get(form, "reason"))

"""Public licence verification: what anyone may know about an agency and its licences, and nothing personal.

Workers and their families check an agency before paying anything: by name, credit code or licence number.
Only the agency's name, credit code, county and its licences are shown; no brokers, contacts or people.
"""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies.licences import current_status, scopes
from export_mgmt.agencies.schemas import AgencyPublic, LicencePublic
from export_mgmt.agencies.services import name_contains, require_visible
from export_mgmt.agencies.tables import Agency, Licence
from export_mgmt.clock import today
from export_mgmt.regions import county_name

MAX_RESULTS = 20
MIN_NAME_CHARS = 2  # a one-character name search would list almost every agency
PUBLIC_COLUMNS = (Agency.id, Agency.name, Agency.credit_code, Agency.county_code, Agency.active)


def _licence(row: dict, on: dt.date) -> LicencePublic:
    return LicencePublic(number=row["number"], kind=row["kind"], scope=scopes(row),
                         issuing_authority=row["issuing_authority"], valid_from=row["valid_from"],
                         valid_to=row["valid_to"], status=current_status(row, on),
                         status_changed_on=row["status_changed_on"])


async def _public(agencies: list[dict]) -> list[AgencyPublic]:
    if not agencies:
        return []
    on = today()
    rows = await Licence.select(Licence.agency, Licence.number, Licence.kind, Licence.scope,
                                Licence.issuing_authority, Licence.valid_from, Licence.valid_to, Licence.status,
                                Licence.status_changed_on).where(
        Licence.agency.is_in([a["id"] for a in agencies])).order_by(Licence.valid_to, ascending=False)
    by_agency: dict[int, list[LicencePublic]] = {a["id"]: [] for a in agencies}
    for row in rows:
        by_agency[row["agency"]].append(_licence(row, on))
    return [AgencyPublic(id=a["id"], name=a["name"], credit_code=a["credit_code"], county_code=a["county_code"],
                         county_name=county_name(a["county_code"]) or a["county_code"], active=a["active"],
                         licences=by_agency[a["id"]]) for a in agencies]


async def search(q: str) -> list[AgencyPublic]:
    """Agencies whose name contains q, or whose credit code or one of whose licence numbers is exactly q."""
    q = " ".join(q.split())
    if not q:
        return []
    code = q.replace(" ", "").upper()
    by_number = Licence.select(Licence.agency).where(Licence.number.is_in(sorted({q, code})))
    condition = (Agency.credit_code == code) | Agency.id.is_in(by_number)
    if len(q.replace("%", "").replace("_", "")) >= MIN_NAME_CHARS:
        condition = condition | name_contains(q)
    agencies = await Agency.select(*PUBLIC_COLUMNS).where(condition).order_by(Agency.name).order_by(
        Agency.id).limit(MAX_RESULTS)
    return await _public(agencies)


async def licence(number: str) -> tuple[AgencyPublic, LicencePublic] | None:
    """The agency holding the licence with this number, and that licence; None when there is none."""
    number = number.strip()
    if not number:
        return None
    row = await Licence.select(Licence.agency, Licence.number).where(Licence.number == number).first()
    if row is None:
        return None
    agencies = await Agency.select(*PUBLIC_COLUMNS).where(Agency.id == row["agency"])
    [agency] = await _public(agencies)
    return agency, next(lic for lic in agency.licences if lic.number == row["number"])


async def agency(actor: Actor, agency_id: int) -> AgencyPublic:
    """The public view of one agency, for signed-in callers within their scope (agency staff: their own)."""
    await require_visible(actor, agency_id)
    [found] = await _public(await Agency.select(*PUBLIC_COLUMNS).where(Agency.id == agency_id))
    return found

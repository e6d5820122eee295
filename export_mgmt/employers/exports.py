"""The employer register as a download: the list's filters (the service's conditions), every column."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.db import where_all
from export_mgmt.employers import labels, services
from export_mgmt.employers.tables import Employer
from export_mgmt.i18n import N_, _
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label

SELECTED = (*services.SUMMARY_COLUMNS, Employer.address, Employer.contact)

COLUMNS = [
    Column(N_("Record number"), field("id")),
    Column(N_("Employer name"), field("name")),
    Column(N_("Domestic or foreign"), label(labels.KIND, "kind")),
    Column(N_("Country"), label(labels.COUNTRIES, "country")),
    Column(N_("Domestic group"), label(labels.DOMESTIC_GROUPS, "destination_group")),
    Column(N_("City or province"), field("region")),
    Column(N_("Registration number"), field("registration_no")),
    Column(N_("Sector"), label(labels.SECTORS, "sector")),
    Column(N_("Programme"), label(labels.PROGRAMME_LABELS, "programme")),
    Column(N_("Address"), field("address")),
    Column(N_("Contact"), field("contact")),
    Column(N_("Status"), lambda r: _(labels.ACTIVE["1" if r["active"] else "0"])),
]


async def download(request: Request, actor: Actor, flt: services.EmployerFilter, fmt: str) -> Response:
    conditions = services._filter_conditions(flt)
    rows, total = await exports.limited(
        where_all(Employer.select(*SELECTED), conditions).order_by(Employer.active, ascending=False).order_by(
            Employer.name).order_by(Employer.id),
        where_all(Employer.count(), conditions))
    return await exports.download(fmt, name="employers", title=_("Employers"), columns=COLUMNS, rows=rows,
                                  total=total, actor=actor, request=request)

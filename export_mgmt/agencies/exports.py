"""The agency register and an agency's brokers as downloads, through the register's own search functions."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import brokers, labels, services
from export_mgmt.agencies.tables import Agency, Broker
from export_mgmt.db import where_all
from export_mgmt.i18n import N_, _
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label

AGENCY_DETAILS = (Agency.id, Agency.address, Agency.legal_representative, Agency.contact_name, Agency.contact_phone,
                  Agency.contact_email)


def _detail(name: str):
    return lambda row: row[1].get(name, "") if row[1] else ""


AGENCY_COLUMNS = [
    Column(N_("Record number"), lambda r: r[0].id),
    Column(N_("Agency name"), lambda r: r[0].name),
    Column(N_("Unified social credit code"), lambda r: r[0].credit_code or ""),
    Column(N_("County"), lambda r: r[0].county_name),
    Column(N_("Address"), _detail("address")),
    Column(N_("Legal representative"), _detail("legal_representative")),
    Column(N_("Contact person"), _detail("contact_name")),
    Column(N_("Contact phone"), _detail("contact_phone")),
    Column(N_("Contact e-mail"), _detail("contact_email")),
    Column(N_("Active"), lambda r: _("Yes") if r[0].active else _("No")),
]


async def download_agencies(request: Request, actor: Actor, q: str, fmt: str) -> Response:
    async def fetch(page: int, size: int):
        result = await services.search(actor, q, page, size)
        return result.items, result.total

    items, total = await exports.collect(fetch)
    details: dict[int, dict] = {}
    for ids in exports.chunks([a.id for a in items]):
        for row in await where_all(Agency.select(*AGENCY_DETAILS), services.agency_scope(actor) + [
                Agency.id.is_in(list(ids))]):
            details[row["id"]] = row
    rows = [(a, details.get(a.id)) for a in items]
    return await exports.download(fmt, name="agencies", title=_("Agencies"), columns=AGENCY_COLUMNS, rows=rows,
                                  total=total, actor=actor, request=request)


def broker_columns() -> list[Column]:
    return [
        Column(N_("Record number"), field("id")),
        Column(N_("Name"), field("name")),
        Column(N_("Identity number"), field("id_number")),  # masked by the list's search, as the list shows it
        Column(N_("Certificate number"), field("certificate_no")),
        Column(N_("Phone"), field("phone")),
        Column(N_("Status"), label(labels.BROKER_STATUS, "status")),
        Column(N_("Struck off on"), field("struck_off_on")),
        Column(N_("Agency"), field("agency_name")),
    ]


async def download_brokers(request: Request, actor: Actor, agency_id: int, q: str, status: str,
                           fmt: str) -> Response:
    """The brokers the list shows (its search, numbers masked as there), with the striking-off dates read after."""

    async def fetch(page: int, size: int):
        result = await brokers.search(actor, agency_id=agency_id, q=q, status=status, page=page, page_size=size)
        return result.items, result.total

    items, total = await exports.collect(fetch)
    struck_off: dict[int, object] = {}
    for ids in exports.chunks([b.id for b in items]):
        for row in await where_all(Broker.select(Broker.id, Broker.struck_off_on),
                                   brokers.broker_scope(actor) + [Broker.id.is_in(list(ids))]):
            struck_off[row["id"]] = row["struck_off_on"]
    rows = [{"id": b.id, "name": b.name, "id_number": b.id_number, "certificate_no": b.certificate_no,
             "phone": b.phone, "status": b.status, "struck_off_on": struck_off.get(b.id),
             "agency_name": b.agency_name} for b in items if b.id in struck_off]
    return await exports.download(fmt, name="brokers", title=_("Brokers"), columns=broker_columns(),
                                  rows=rows, total=total, actor=actor, request=request)


"""The complaint worklist as a download, through the worklist's own search: the complainant column is exactly what
the list shows (a report's reporter only for the inspectors handling it, "Anonymous" or confidential otherwise).
Amounts are the indicative CNY totals of the workers' claims and the CNY recorded as recovered."""

from __future__ import annotations

from litestar import Request, Response
from piccolo.query.functions.aggregate import Sum

from export_mgmt.accounts.actor import Actor
from export_mgmt.complaints import labels, services
from export_mgmt.complaints.forms import route_label
from export_mgmt.complaints.tables import Complaint, ComplaintWorker
from export_mgmt.db import where_all
from export_mgmt.i18n import N_, _, pgettext
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label, money, yes_no

DETAILS = (Complaint.id, Complaint.channel, Complaint.closed_on, Complaint.outcome)


def _kind(row: dict) -> str:
    return pgettext("complaint kind", "Report") if row["kind"] == "report" else _("Complaint")


def _complainant(row: dict) -> str:
    return _("Confidential") if row["complainant"] == services.CONFIDENTIAL else row["complainant"]


COLUMNS = [
    Column(N_("Tracking number"), field("tracking_no")),
    Column(N_("Kind"), _kind),
    Column(N_("Channel"), label(labels.CHANNELS, "channel")),
    Column(N_("Complainant"), _complainant),
    Column("Respondent", field("respondent_name"), context="complaint"),
    Column(N_("Desk"), lambda r: route_label(r["route"])),
    Column(N_("Workers"), field("workers")),
    Column(N_("Currency"), lambda r: "CNY"),
    Column(N_("Amount claimed"), money("amount_owed_cny", lambda r: "CNY")),
    Column(N_("Amount recovered"), money("recovered_cny", lambda r: "CNY")),
    Column(N_("Status"), label(labels.STATUS, "status")),
    Column(N_("Received"), field("received_on")),
    Column(N_("Next deadline"), field("next_deadline")),
    Column(N_("Deadline"), label(labels.DEADLINE_KINDS, "deadline_kind")),
    Column(N_("Overdue"), yes_no("overdue")),
    Column(N_("Closed on"), field("closed_on")),
    Column(N_("Outcome"), label(labels.OUTCOMES, "outcome")),
]


async def download(request: Request, actor: Actor, flt: services.ComplaintFilter, fmt: str) -> Response:
    async def fetch(page: int, size: int):
        result = await services.search(actor, flt, page, size)
        return result.items, result.total

    items, total = await exports.collect(fetch)
    details: dict[int, dict] = {}
    recovered: dict[int, int] = {}
    for ids in exports.chunks([c.id for c in items]):
        ids = list(ids)
        for row in await where_all(Complaint.select(*DETAILS), services.scope(actor) + [Complaint.id.is_in(ids)]):
            details[row["id"]] = row
        for row in await ComplaintWorker.select(ComplaintWorker.complaint, Sum(ComplaintWorker.recovered_cny,
                                                                               alias="cny")).where(
                ComplaintWorker.complaint.is_in(ids)).group_by(ComplaintWorker.complaint):
            recovered[row["complaint"]] = int(row["cny"] or 0)
    rows = [{**{name: getattr(c, name) for name in c.__struct_fields__}, **details[c.id],
             "recovered_cny": recovered.get(c.id, 0)} for c in items if c.id in details]
    return await exports.download(fmt, name="complaints", title=_("Complaints and reports"), columns=COLUMNS,
                                  rows=rows, total=total, actor=actor, request=request)

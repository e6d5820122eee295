"""The labour pool list as a download: the list's filters and scope (the service's own conditions), more columns."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import today
from export_mgmt.db import where_all
from export_mgmt.i18n import N_, _
from export_mgmt.idnumber import age_on, is_4050
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, county, field, label, labels_of, local_date, masked_id
from export_mgmt.workers import labels, services
from export_mgmt.workers.tables import Worker

SELECTED = (Worker.id, Worker.id_number, Worker.name, Worker.sex, Worker.birth_date, Worker.county_code,
            Worker.township_name, Worker.village, Worker.phone, Worker.education, Worker.intention,
            Worker.preferred_destinations, Worker.status, Worker.created_at)


def columns() -> list[Column]:
    on = today()
    return [
        Column(N_("Record number"), field("id")),
        Column(N_("Name"), field("name")),
        Column(N_("Identity number"), masked_id("id_number")),
        Column(N_("Sex"), label(labels.SEX, "sex")),
        Column(N_("Age"), lambda r: age_on(r["birth_date"], on)),
        Column(N_("4050 group"), lambda r: _("Yes") if is_4050(r["sex"], r["birth_date"], on) else _("No")),
        Column(N_("County"), county("county_code")),
        Column(N_("Township"), field("township_name")),
        Column(N_("Village"), field("village")),
        Column(N_("Phone"), field("phone")),
        Column(N_("Education"), label(labels.EDUCATION, "education")),
        Column(N_("Intention"), label(labels.INTENTION, "intention")),
        Column(N_("Preferred destinations"), labels_of(labels.DESTINATIONS, "preferred_destinations")),
        Column(N_("Status"), label(labels.STATUS, "status")),
        Column(N_("Registered"), local_date("created_at")),
    ]


async def download(request: Request, actor: Actor, flt: services.WorkerFilter, fmt: str) -> Response:
    conditions = services._scope(actor) + services._filter_conditions(flt, today(), actor)
    rows, total = await exports.limited(
        where_all(Worker.select(*SELECTED), conditions).order_by(Worker.id, ascending=False),
        where_all(Worker.count(), conditions))
    return await exports.download(fmt, name="workers", title=_("Labour pool"), columns=columns(), rows=rows,
                                  total=total, actor=actor, request=request)

"""The audit log browser for administrators."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from export_mgmt.audit import exports as audit_exports
from export_mgmt.audit import services
from export_mgmt.web import exports
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_admin
from export_mgmt.web.templating import page_context

PAGE_SIZE = 100


class AuditController(Controller):
    path = "/admin/audit"
    guards = [requires_admin]
    tags = ["audit"]
    include_in_schema = False

    @get("/")
    async def browse(
        self, request: Request, actor: CurrentActor, entity: FromQuery[str] = "", entity_id: FromQuery[str] = "",
        by: FromQuery[str] = "", action: FromQuery[str] = "", page: FromQuery[str] = "1", format: FromQuery[str] = "",
    ) -> Template | Response:
        flt = services.AuditFilter(entity=entity.strip(), entity_id=entity_id.strip(), actor=by.strip(),
                                   action=action.strip())
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await audit_exports.download(request, actor, flt, format)
        current = page_number(page)
        entries, total = await services.browse(flt, current, PAGE_SIZE)
        return Template("audit/log.html", context=page_context(
            request, entries=entries, total=total, page=current, pages=page_count(total, PAGE_SIZE), filter=flt))

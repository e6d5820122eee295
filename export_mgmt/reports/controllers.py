"""Report pages: the choice of month and county, and the monthly statistics workbook itself."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied
from export_mgmt.i18n import _
from export_mgmt.regions import is_shenyang_county, shenyang_counties
from export_mgmt.reports import statistics, workbook
from export_mgmt.spreadsheets import xlsx_response
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context


def _page(request: Request, actor: Actor, month: str, county: str, errors: dict[str, str] | None = None,
          status: int = 200) -> Template:
    now = today()
    counties = [c for c in shenyang_counties() if actor.role != Role.county_clerk or c.code == actor.county_code]
    return Template("reports/index.html", status_code=status, context=page_context(
        request, month=month or statistics.Period.previous(now).code, county=county, counties=counties,
        city_wide=actor.role in statistics.CITY_WIDE, latest=f"{now.year:04d}-{now.month:02d}",
        errors=errors or {}))


class ReportPages(Controller):
    path = "/reports"
    guards = [requires_login]
    tags = ["reports"]
    include_in_schema = False

    @get("/")
    async def index(self, request: Request, actor: CurrentActor, month: FromQuery[str] = "",
                    county: FromQuery[str] = "") -> Template:
        if not statistics.can_read(actor):
            raise AccessDenied()
        return _page(request, actor, month, county or (actor.county_code or "" if actor.is_clerk else ""))

    @get("/monthly")
    async def monthly(self, request: Request, actor: CurrentActor, month: FromQuery[str] = "",
                      county: FromQuery[str] = "") -> Response | Template:
        """The workbook of one month: county clerks their county's, the city's roles any county's or the city's."""
        statistics.allowed_county(actor, county)  # agency staff, or a clerk asking for another county: 403
        errors = {}
        period = statistics.Period.parse(month) if month else statistics.Period.previous(today())
        if period is None:
            errors["month"] = _("Choose a month up to the current one, written as 2026-11.")
        if county and not is_shenyang_county(county):
            errors["county"] = _("Choose one of the listed values.")
        if errors or period is None:
            return _page(request, actor, month, county, errors, status=400)
        report = await statistics.monthly(actor, period, county)
        return await xlsx_response(workbook.filename(report), workbook.sheets(report, actor))

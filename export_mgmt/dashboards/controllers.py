"""The dashboard page, and each of its figures (or all of them) as a download."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery
from litestar.response import Template

from export_mgmt.clock import today
from export_mgmt.dashboards import services
from export_mgmt.errors import AccessDenied, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.regions import is_shenyang_county, shenyang_counties
from export_mgmt.spreadsheets import Sheet, csv_response, xlsx_response
from export_mgmt.web.forms import year_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context


def _year(raw: str) -> int:
    chosen = year_number(raw)
    return chosen if services.valid_year(chosen) else today().year


def _county(raw: str) -> str:
    """A county filter from the query string; anything that is not one of the city's counties is refused."""
    raw = raw.strip()
    if raw and not is_shenyang_county(raw):
        raise RecordNotFound()
    return raw


def _sheet(figure: services.Figure, notes: list[str]) -> Sheet:
    return Sheet(title=figure.title[:31], headers=figure.headers, rows=figure.rows,
                 notes=[figure.title, *notes, *([figure.note] if figure.note else [])],
                 percent_columns=figure.percent_columns)


def _notes(board: services.Dashboard) -> list[str]:
    return [_("Scope: %(scope)s", scope=board.scope_name),
            _("Figures for %(year)s up to %(day)s.", year=board.year, day=board.on.isoformat())]


def _filename(board: services.Dashboard, what: str, ext: str) -> str:
    scope = board.scope.county or (f"agency-{board.scope.agency}" if board.scope.agency is not None else "city")
    return f"dashboard-{board.year}-{scope}-{what}.{ext}"


class DashboardPages(Controller):
    path = "/dashboard"
    guards = [requires_login]
    tags = ["dashboards"]
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, actor: CurrentActor, year: FromQuery[str] = "",
                   county: FromQuery[str] = "") -> Template:
        if not services.can_read(actor):
            raise AccessDenied()
        board = await services.build(actor, _year(year), _county(county))
        return Template("dashboards/dashboard.html", context=page_context(
            request, board=board, city_wide=actor.role in services.CITY_WIDE, counties=shenyang_counties(),
            years=range(today().year, services.FIRST_YEAR - 1, -1), county=board.scope.county or ""))

    @get("/download")
    async def download(self, actor: CurrentActor, year: FromQuery[str] = "", county: FromQuery[str] = "",
                       figure: FromQuery[str] = "", format: FromQuery[str] = "xlsx") -> Response:
        """One figure's table as xlsx or CSV, or (figure empty) every figure as the sheets of one workbook."""
        if not services.can_read(actor):
            raise AccessDenied()
        if format not in ("xlsx", "csv") or (figure and figure not in services.FIGURE_IDS) or (
                not figure and format == "csv"):
            raise RecordNotFound()
        board = await services.build(actor, _year(year), _county(county))
        notes = _notes(board)
        if not figure:
            return await xlsx_response(_filename(board, "all", "xlsx"), [_sheet(f, notes) for f in board.figures])
        chosen = board.figure(figure)
        if chosen is None:  # a figure this reader's dashboard does not have (the league table for a clerk)
            raise RecordNotFound()
        if format == "csv":
            return await csv_response(_filename(board, figure, "csv"), chosen.headers, chosen.rows)
        return await xlsx_response(_filename(board, figure, "xlsx"), [_sheet(chosen, notes)])

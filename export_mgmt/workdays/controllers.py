"""The working-day calendar page: what it covers, a year's entered days, and entering a year (administrators)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.controllers import FormBody
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.errors import FormErrors
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import year_number
from export_mgmt.web.guards import CurrentActor, requires_admin, requires_role
from export_mgmt.web.templating import page_context
from export_mgmt.workdays import services

# Deadlines matter to the whole city: the city-wide roles read the calendar, administrators keep it.
requires_city_role = requires_role(Role.admin, Role.inspector, Role.supervisor)


async def _page(request: Request, actor: Actor, year: int | None, values: dict | None = None,
                errors: dict | None = None, problems: list | None = None, status: int = 200) -> Template:
    view = await services.overview(today(), year)
    values = values or {"year": str(view.selected.year), "source": "", "text": ""}
    return Template("workdays/calendar.html", status_code=status, context=page_context(
        request, view=view, values=values, errors=errors or {}, problems=problems or [],
        can_edit=actor.is_admin, history=await audit.history(services.ENTITY, view.selected.year),
        first_year=services.FIRST_YEAR, last_year=services.LAST_YEAR,
        library_last=services.library_last_year()))


class CalendarPages(Controller):
    path = "/admin/calendar"
    guards = [requires_city_role]
    tags = ["workdays"]
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, actor: CurrentActor, year: FromQuery[str] = "") -> Template:
        return await _page(request, actor, year_number(year))

    @post("/", guards=[requires_admin], opt={"csrf_rerender": True})
    async def enter(self, request: Request, actor: CurrentActor, data: FormBody) -> Template | Redirect:
        values = {"year": data.get("year", ""), "source": data.get("source", ""), "text": data.get("text", "")}
        year = year_number(values["year"])
        try:
            reject_stale_form(request)
            await services.enter_year(actor, year or 0, values["text"], values["source"])
        except FormErrors as exc:
            return await _page(request, actor, year, values, exc.errors, exc.extra.get("problems"), status=400)
        return Redirect(f"/admin/calendar/?year={year}")

    @post("/{year:int}/remove", guards=[requires_admin])
    async def remove(self, actor: CurrentActor, year: FromPath[int]) -> Redirect:
        await services.remove_year(actor, year)
        return Redirect(f"/admin/calendar/?year={year}")

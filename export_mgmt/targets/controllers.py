"""The export targets page: a year's targets for every district and county; administrators set them."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.controllers import FormBody
from export_mgmt.clock import today
from export_mgmt.errors import FormErrors
from export_mgmt.i18n import _
from export_mgmt.regions import shenyang_counties
from export_mgmt.targets import labels, services
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import year_number
from export_mgmt.web.guards import CurrentActor, requires_admin, requires_role
from export_mgmt.web.templating import page_context

# The targets concern the whole city: the city-wide roles read them, administrators set them. A county office
# sees its own targets on its dashboard.
requires_city_role = requires_role(Role.admin, Role.inspector, Role.supervisor)


async def _page(request: Request, actor: Actor, year: int, values: dict | None = None, errors: dict | None = None,
                seen_stamp: str | None = None, saved: int | None = None, status: int = 200) -> Template:
    stored = await services.targets(year)
    totals = {name: sum(t.figure(name) or 0 for t in stored.values()) for name in labels.FIGURES}
    return Template("targets/targets.html", status_code=status, context=page_context(
        request, year=year, counties=shenyang_counties(), figures=labels.FIGURES, hints=labels.HINTS,
        values=values if values is not None else services.form_values(stored), errors=errors or {},
        stamp=seen_stamp if seen_stamp is not None else services.stamp(stored), stored=stored, totals=totals,
        field_name=services.field_name, can_edit=services.can_edit(actor), saved=saved,
        history=await services.history(year), years=range(services.FIRST_YEAR, today().year + 2),
        first_year=services.FIRST_YEAR, last_year=services.LAST_YEAR))


class TargetPages(Controller):
    path = "/admin/targets"
    guards = [requires_city_role]
    tags = ["targets"]
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, actor: CurrentActor, year: FromQuery[str] = "",
                   saved: FromQuery[str] = "") -> Template:
        chosen = year_number(year)
        return await _page(request, actor, chosen if services.valid_year(chosen) else today().year,
                           saved=int(saved) if saved.isdigit() and len(saved) < 4 else None)

    @post("/", guards=[requires_admin], opt={"csrf_rerender": True})
    async def save(self, request: Request, actor: CurrentActor, data: FormBody) -> Template | Redirect:
        year = year_number(data.get("year"))
        if not services.valid_year(year):
            return await _page(request, actor, today().year, status=400, errors={"": _year_error()})
        assert year is not None
        try:
            reject_stale_form(request)
            changed = await services.save(actor, year, data, data.get("stamp", ""))
        except FormErrors as exc:
            if exc.extra.get("conflict"):  # show what is stored now, with its stamp
                return await _page(request, actor, year, errors=exc.errors, status=409)
            return await _page(request, actor, year, values=dict(data), errors=exc.errors,
                               seen_stamp=data.get("stamp", ""), status=400)
        return Redirect(f"/admin/targets/?year={year}&saved={changed}", status_code=303)


def _year_error() -> str:
    return _("Enter a year from %(first)s to %(last)s.", first=services.FIRST_YEAR, last=services.LAST_YEAR)

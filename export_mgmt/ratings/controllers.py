"""Rating pages: the league table of a year, one agency's scorecard, and the scale administrators keep."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.controllers import FormBody
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.followups.compliance import percent
from export_mgmt.ratings import labels, scale, services
from export_mgmt.ratings.rules import DEFAULT_PARAMETERS, MAX_SCORE
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import year_number
from export_mgmt.web.guards import CurrentActor, requires_admin, requires_login, requires_role
from export_mgmt.web.templating import page_context

requires_city_role = requires_role(Role.admin, Role.inspector, Role.supervisor)


def _year(raw: str) -> int:
    chosen = year_number(raw)
    return chosen if services.valid_year(chosen) else today().year


def _context(request: Request, **context) -> dict:
    return page_context(request, labels=labels, percent=percent, max_score=MAX_SCORE,
                        years=range(today().year, services.FIRST_YEAR - 1, -1), **context)


class RatingPages(Controller):
    path = "/ratings"
    guards = [requires_login]
    tags = ["ratings"]
    include_in_schema = False

    @get("/")
    async def league(self, request: Request, actor: CurrentActor, year: FromQuery[str] = "",
                     grade: FromQuery[str] = "", sort: FromQuery[str] = "rank") -> Template | Redirect:
        chosen = _year(year)
        if not services.can_read_all(actor):
            if not services.can_read(actor):
                raise AccessDenied()
            # Agency staff have one scorecard to read: their own.
            return Redirect(f"/ratings/agencies/{actor.agency_id}?year={chosen}", status_code=303)
        sort = sort if sort in services.SORTS else "rank"
        cards = await services.league_table(actor, chosen)
        rated = [c for c in cards if c.rated]
        return Template("ratings/list.html", context=_context(
            request, year=chosen, grade=grade, sort=sort, cards=services.sort_cards(cards, sort, grade),
            total=len(cards), rated_count=len(rated), scale=await scale.load_scale(),
            grade_counts={code: sum(1 for c in rated if c.grade and c.grade.code == code)
                          for code in {c.grade.code for c in rated if c.grade}}))

    @get("/agencies/{agency_id:int}")
    async def agency(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                     year: FromQuery[str] = "") -> Template:
        chosen = _year(year)
        card = await services.agency_scorecard(actor, agency_id, chosen)
        return Template("ratings/scorecard.html", context=_context(
            request, year=chosen, card=card, scale=await scale.load_scale(), city=services.can_read_all(actor)))


async def _scale_page(request: Request, actor: Actor, values: dict | None = None, errors: dict | None = None,
                      seen_stamp: str | None = None, saved: bool = False, status: int = 200) -> Template:
    current = await scale.load_scale()
    return Template("ratings/scale.html", status_code=status, context=_context(
        request, scale=current, values=values if values is not None else scale.form_values(current),
        errors=errors or {}, stamp=seen_stamp if seen_stamp is not None else scale.stamp(current),
        rows=range(scale.FORM_ROWS), parameters=DEFAULT_PARAMETERS, can_edit=scale.can_edit(actor), saved=saved,
        history=await scale.history()))


class RatingScalePages(Controller):
    path = "/admin/ratings/scale"
    guards = [requires_city_role]
    tags = ["ratings"]
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, actor: CurrentActor, saved: FromQuery[str] = "") -> Template:
        return await _scale_page(request, actor, saved=saved == "1")

    @post("/", guards=[requires_admin], opt={"csrf_rerender": True})
    async def save(self, request: Request, actor: CurrentActor, data: FormBody) -> Template | Redirect:
        try:
            reject_stale_form(request)
            await scale.save(actor, data, data.get("stamp", ""))
        except FormErrors as exc:
            if exc.extra.get("conflict"):
                return await _scale_page(request, actor, errors=exc.errors, status=409)
            return await _scale_page(request, actor, values=dict(data), errors=exc.errors,
                                     seen_stamp=data.get("stamp", ""), status=400)
        return Redirect("/admin/ratings/scale/?saved=1", status_code=303)

"""The start page: what the signed-in person's area holds at a glance."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import today
from export_mgmt.complaints import monitoring
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.ageing_chart import STAGE_TEXT, AgeChart, age_chart
from export_mgmt.followups import services as followups
from export_mgmt.inspections import services as cases
from export_mgmt.placements import lifecycle
from export_mgmt.placements import services as placements
from export_mgmt.web.templating import page_context
from export_mgmt.workdays.calendar import CalendarNotCovered
from export_mgmt.workers import services as workers


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def home(self, request: Request) -> Template | Redirect:
        actor = request.scope["state"].get("actor")
        if actor is None:
            return Redirect("/login")
        counts = await workers.counts_by_status(actor) if actor.can_read_workers else {}
        placed = await placements.counts_by_status(actor)
        flagged = await placements.count_flagged(actor)
        return Template("home.html", context=page_context(
            request, counts=counts, total=sum(counts.values()), placed=placed, placed_total=sum(placed.values()),
            flagged=flagged, placement_status=lifecycle.STATUS, can_report=placements.can_report(actor),
            followups=await followups.counts(actor), cases=await cases.counts(actor),
            complaints=await complaints.counts(actor), ageing=await _ageing(actor), stage_text=STAGE_TEXT))

    @get("/healthz", cache=False)
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}


async def _ageing(actor: Actor) -> AgeChart | None:
    """The inspectors' and supervisors' dashboard shows how old the complaint backlog is."""
    if actor.role not in ("inspector", "supervisor"):
        return None
    try:
        rows = await monitoring.ageing(actor, today())
    except CalendarNotCovered:
        return None  # the complaints pages say so loudly; the home page stays usable
    return age_chart(rows) if any(r.total for r in rows) else None

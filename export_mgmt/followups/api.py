"""Versioned JSON API for follow-ups; it calls the same services as the pages (money in integer minor units)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from export_mgmt.followups import services
from export_mgmt.followups.schemas import FollowUpPage, FollowUpRead, FollowUpRecord
from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login


class FollowUpApi(Controller):
    path = "/api/v1/followups"
    guards = [requires_login]
    tags = ["followups"]

    @get("/", summary="Follow-ups in your area: by default those overdue or due within a week")
    async def worklist(
        self, actor: CurrentActor, status: FromQuery[str] = "", kind: FromQuery[str] = "",
        county: FromQuery[str] = "", agency: FromQuery[int | None] = None, placement: FromQuery[int | None] = None,
        q: FromQuery[str] = "", page: FromQuery[str] = "1",
    ) -> FollowUpPage:
        flt = services.FollowUpFilter(status=status, kind=kind, agency_id=agency, county_code=county,
                                      placement_id=placement, q=q[:100])
        return await services.worklist(actor, flt, page_number(page), get_settings().page_size)

    @get("/{followup_id:int}", summary="One follow-up with what it found and its evidence")
    async def show(self, actor: CurrentActor, followup_id: FromPath[int]) -> FollowUpRead:
        return await services.get(actor, followup_id)

    @post("/{followup_id:int}/record", summary="Record what a due or overdue follow-up found",
          status_code=HTTP_200_OK)
    async def record(self, actor: CurrentActor, followup_id: FromPath[int],
                     data: JSONBody[FollowUpRecord]) -> FollowUpRead:
        await services.record(actor, followup_id, data)
        return await services.get(actor, followup_id)


class PlacementFollowUpApi(Controller):
    path = "/api/v1/placements"
    guards = [requires_login]
    tags = ["followups"]

    @post("/{placement_id:int}/followups", summary="Record an unscheduled follow-up of a placement",
          status_code=HTTP_201_CREATED)
    async def record_unscheduled(self, actor: CurrentActor, placement_id: FromPath[int],
                                 data: JSONBody[FollowUpRecord]) -> FollowUpRead:
        followup_id = await services.record_unscheduled(actor, placement_id, data)
        return await services.get(actor, followup_id)

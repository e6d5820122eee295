"""Versioned JSON API for placements and the fee ledger; it calls the same services as the pages."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from export_mgmt.errors import RecordNotFound
from export_mgmt.placements import services
from export_mgmt.placements.schemas import (
    FeeCreate,
    FeeRead,
    PlacementCreate,
    PlacementPage,
    PlacementRead,
    PlacementUpdate,
    StatusChange,
)
from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login


class PlacementApi(Controller):
    path = "/api/v1/placements"
    guards = [requires_login]
    tags = ["placements"]

    @get("/", summary="Search placements")
    async def search(
        self, actor: CurrentActor, q: FromQuery[str] = "", status: FromQuery[str] = "", country: FromQuery[str] = "",
        programme: FromQuery[str] = "", agency: FromQuery[int | None] = None, flagged: FromQuery[bool] = False,
        page: FromQuery[str] = "1",
    ) -> PlacementPage:
        flt = services.PlacementFilter(q=q, status=status, country=country, programme=programme, agency_id=agency,
                                       flagged_only=flagged)
        return await services.search(actor, flt, page_number(page), get_settings().page_size)

    @post("/", summary="Report a placement (money in integer minor units)", status_code=HTTP_201_CREATED)
    async def report(self, actor: CurrentActor, data: JSONBody[PlacementCreate]) -> PlacementRead:
        placement_id = await services.report(actor, data)
        return await services.get(actor, placement_id)

    @get("/{placement_id:int}", summary="One placement with its events, fees and documents")
    async def show(self, actor: CurrentActor, placement_id: FromPath[int]) -> PlacementRead:
        return await services.get(actor, placement_id)

    @put("/{placement_id:int}", summary="Correct a placement's facts (send the version you read)")
    async def correct(self, actor: CurrentActor, placement_id: FromPath[int],
                      data: JSONBody[PlacementUpdate]) -> PlacementRead:
        await services.correct(actor, placement_id, data)
        return await services.get(actor, placement_id)

    @post("/{placement_id:int}/status", summary="Change a placement's status", status_code=HTTP_200_OK)
    async def change_status(self, actor: CurrentActor, placement_id: FromPath[int],
                            data: JSONBody[StatusChange]) -> PlacementRead:
        await services.change_status(actor, placement_id, data)
        return await services.get(actor, placement_id)

    @post("/{placement_id:int}/fees", summary="Record a fee the worker paid (amount in minor units)",
          status_code=HTTP_201_CREATED)
    async def add_fee(self, actor: CurrentActor, placement_id: FromPath[int], data: JSONBody[FeeCreate]) -> FeeRead:
        fee_id = await services.add_fee(actor, placement_id, data)
        placement = await services.get(actor, placement_id)
        for fee in placement.fees:
            if fee.id == fee_id:
                return fee
        raise RecordNotFound()


class FeeApi(Controller):
    path = "/api/v1/fees"
    guards = [requires_login]
    tags = ["placements"]

    @get("/flagged", summary="Fees over a cap or prohibited, newest first")
    async def flagged(self, actor: CurrentActor, agency: FromQuery[int | None] = None) -> list[services.FlaggedFee]:
        return await services.flagged_fees(actor, agency)

"""Versioned JSON API for agencies and brokers; it calls the same services as the pages."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from export_mgmt.accounts.actor import Role
from export_mgmt.agencies import brokers, verification
from export_mgmt.agencies.schemas import AgencyPublic, BrokerCreate, BrokerPage, BrokerRead
from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login


class BrokerApi(Controller):
    path = "/api/v1/brokers"
    guards = [requires_login]
    tags = ["agencies"]

    @get("/", summary="List brokers (agency staff: their own agency's)")
    async def search(self, actor: CurrentActor, agency_id: FromQuery[int | None] = None, q: FromQuery[str] = "",
                     status: FromQuery[str] = "", page: FromQuery[str] = "1") -> BrokerPage:
        return await brokers.search(actor, agency_id=agency_id, q=q, status=status, page=page_number(page),
                                    page_size=get_settings().page_size)

    @post("/", summary="Register a broker (administrators name the agency)", status_code=HTTP_201_CREATED)
    async def register(self, actor: CurrentActor, data: JSONBody[BrokerCreate]) -> BrokerRead:
        if actor.role == Role.agency_staff:
            agency_id = data.agency_id if data.agency_id is not None else actor.agency_id
        else:
            agency_id = data.agency_id
        broker_id = await brokers.create(actor, agency_id, data)
        return await brokers.get(actor, broker_id)

    @get("/{broker_id:int}", summary="One broker")
    async def show(self, actor: CurrentActor, broker_id: FromPath[int]) -> BrokerRead:
        return await brokers.get(actor, broker_id)


class AgencyApi(Controller):
    path = "/api/v1/agencies"
    guards = [requires_login]
    tags = ["agencies"]

    @get("/{agency_id:int}", summary="One agency with its licences (no personal data)")
    async def show(self, actor: CurrentActor, agency_id: FromPath[int]) -> AgencyPublic:
        return await verification.agency(actor, agency_id)

"""Versioned JSON API for the employer register; it calls the same services as the pages."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from export_mgmt.employers import services
from export_mgmt.employers.schemas import EmployerCreate, EmployerPage, EmployerRead, EmployerUpdate
from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login


class EmployerApi(Controller):
    path = "/api/v1/employers"
    guards = [requires_login]
    tags = ["employers"]

    @get("/", summary="Search the employer register")
    async def search(
        self, actor: CurrentActor, q: FromQuery[str] = "", country: FromQuery[str] = "", kind: FromQuery[str] = "",
        active: FromQuery[str] = "", page: FromQuery[str] = "1",
    ) -> EmployerPage:
        flt = services.EmployerFilter(q=q, country=country, kind=kind, active=active)
        return await services.search(actor, flt, page_number(page), get_settings().page_size)

    @post("/", summary="Add an employer (administrators and agency staff)", status_code=HTTP_201_CREATED)
    async def create(self, actor: CurrentActor, data: JSONBody[EmployerCreate]) -> EmployerRead:
        employer_id = await services.create(actor, data)
        return await services.get(actor, employer_id)

    @get("/{employer_id:int}", summary="One employer")
    async def show(self, actor: CurrentActor, employer_id: FromPath[int]) -> EmployerRead:
        return await services.get(actor, employer_id)

    @put("/{employer_id:int}", summary="Replace an employer's record (administrators; send the version you read)")
    async def update(self, actor: CurrentActor, employer_id: FromPath[int],
                     data: JSONBody[EmployerUpdate]) -> EmployerRead:
        await services.update(actor, employer_id, data)
        return await services.get(actor, employer_id)

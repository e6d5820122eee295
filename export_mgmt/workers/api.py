"""Versioned JSON API for the worker registry; it calls the same services as the pages."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.workers import services
from export_mgmt.workers.schemas import WorkerCreate, WorkerPage, WorkerRead, WorkerUpdate


class WorkerApi(Controller):
    path = "/api/v1/workers"
    guards = [requires_login]
    tags = ["workers"]

    @get("/", summary="Search the worker pool")
    async def search(
        self, actor: CurrentActor, q: FromQuery[str] = "", county: FromQuery[str] = "",
        township: FromQuery[str] = "", status: FromQuery[str] = "", skill: FromQuery[str] = "",
        intention: FromQuery[str] = "", group_4050: FromQuery[bool] = False, page: FromQuery[str] = "1",
    ) -> WorkerPage:
        flt = services.WorkerFilter(q=q, county_code=county, township=township, status=status, skill=skill,
                                    intention=intention, group_4050=group_4050)
        return await services.search(actor, flt, page_number(page), get_settings().page_size)

    @post("/", summary="Register a worker", status_code=HTTP_201_CREATED)
    async def register(self, actor: CurrentActor, data: JSONBody[WorkerCreate]) -> WorkerRead:
        worker_id = await services.register(actor, data)
        # The record the clerk has just written, echoed back: audited as its registration, not as a read.
        return await services.get(actor, worker_id, shown=False)

    @get("/{worker_id:int}", summary="One worker")
    async def show(self, actor: CurrentActor, worker_id: FromPath[int]) -> WorkerRead:
        return await services.get(actor, worker_id)

    @get("/by-id-number/{id_number:str}", summary="One worker by identity number")
    async def by_id_number(self, actor: CurrentActor, id_number: FromPath[str]) -> WorkerRead:
        return await services.get_by_id_number(actor, id_number)

    @put("/{worker_id:int}", summary="Replace a worker's record (send the version you read)")
    async def update(self, actor: CurrentActor, worker_id: FromPath[int], data: JSONBody[WorkerUpdate]) -> WorkerRead:
        await services.update(actor, worker_id, data)
        return await services.get(actor, worker_id, shown=False)  # audited as the change, as on registering

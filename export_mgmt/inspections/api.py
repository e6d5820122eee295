"""Versioned JSON API for inspection cases; it calls the same services as the pages (money in minor units)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from export_mgmt.errors import RecordNotFound
from export_mgmt.inspections import services, workflow
from export_mgmt.inspections.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseTransition,
    ReferralCreate,
    ReferralRead,
    ReplyCreate,
)
from export_mgmt.settings import get_settings
from export_mgmt.web.forms import page_number
from export_mgmt.web.guards import CurrentActor, requires_login


class InspectorsAssign(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    inspector_ids: list[int]


class ExtensionRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    version: int


async def _referral(actor, case_id: int, referral_id: int) -> ReferralRead:
    case = await services.get(actor, case_id)
    for referral in case.referrals:
        if referral.id == referral_id:
            return referral
    raise RecordNotFound()


class CaseApi(Controller):
    path = "/api/v1/cases"
    guards = [requires_login]
    tags = ["inspections"]

    @get("/", summary="Search inspection cases, the most pressing deadline first")
    async def search(
        self, actor: CurrentActor, status: FromQuery[str] = "", mine: FromQuery[bool] = False,
        source: FromQuery[str] = "", finding: FromQuery[str] = "", page: FromQuery[str] = "1",
    ) -> CasePage:
        """`status`: empty for every open case, `all`, or one status; `mine`: only cases assigned to the caller."""
        flt = services.CaseFilter(status=status, mine=mine, source=source, finding=finding)
        return await services.search(actor, flt, page_number(page), get_settings().page_size)

    @post("/", summary="Open a case at the desk (amount owed in integer minor units)", status_code=HTTP_201_CREATED)
    async def open_case(self, actor: CurrentActor, data: JSONBody[CaseCreate]) -> CaseRead:
        case_id = await services.open_case(actor, data)
        return await services.get(actor, case_id)

    @get("/{case_id:int}", summary="One case with its inspectors, referrals and re-checks")
    async def show(self, actor: CurrentActor, case_id: FromPath[int]) -> CaseRead:
        return await services.get(actor, case_id)

    @post("/{case_id:int}/assign", summary="Assign inspectors to a case", status_code=HTTP_200_OK)
    async def assign(self, actor: CurrentActor, case_id: FromPath[int],
                     data: JSONBody[InspectorsAssign]) -> CaseRead:
        await workflow.assign(actor, case_id, data.inspector_ids)
        return await services.get(actor, case_id)

    @post("/{case_id:int}/status", summary="Move a case to its next status (send the version you read)",
          status_code=HTTP_200_OK)
    async def change_status(self, actor: CurrentActor, case_id: FromPath[int],
                            data: JSONBody[CaseTransition]) -> CaseRead:
        await workflow.transition(actor, case_id, data)
        return await services.get(actor, case_id)

    @post("/{case_id:int}/referrals", summary="Record a referral of the case", status_code=HTTP_201_CREATED)
    async def add_referral(self, actor: CurrentActor, case_id: FromPath[int],
                           data: JSONBody[ReferralCreate]) -> ReferralRead:
        referral_id = await workflow.add_referral(actor, case_id, data)
        return await _referral(actor, case_id, referral_id)

    @post("/{case_id:int}/referrals/{referral_id:int}/reply", summary="Record the reply to a referral",
          status_code=HTTP_200_OK)
    async def record_reply(self, actor: CurrentActor, case_id: FromPath[int], referral_id: FromPath[int],
                           data: JSONBody[ReplyCreate]) -> ReferralRead:
        await workflow.record_reply(actor, case_id, referral_id, data)
        return await _referral(actor, case_id, referral_id)

    @post("/{case_id:int}/extend", summary="Extend the investigation by 30 working days (the head's approval)",
          status_code=HTTP_200_OK)
    async def extend(self, actor: CurrentActor, case_id: FromPath[int], data: JSONBody[ExtensionRequest]) -> CaseRead:
        await workflow.extend(actor, case_id, data.version)
        return await services.get(actor, case_id)

"""Agency pages: the register with search, create, the agency page (licences, reserve funds, brokers, API
tokens, history) and edit, plus issuing and revoking API tokens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies import brokers, licences, reserve, services, tokens
from export_mgmt.agencies.exports import download_agencies
from export_mgmt.agencies.forms import agency_input, agency_values, context, form_values
from export_mgmt.agencies.licences import OVERSEAS
from export_mgmt.agencies.schemas import AgencyUpdate
from export_mgmt.complaints import services as complaint_services
from export_mgmt.complaints.forms import LABELS as COMPLAINT_LABELS
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.placements import services as placement_services
from export_mgmt.placements.forms import LABELS as PLACEMENT_LABELS
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login

BROKERS_ON_PAGE = 200


def _form_page(request: Request, values: dict, errors: dict, agency_id: int | None = None, status: int = 200,
               extra: dict | None = None) -> Template:
    return Template("agencies/form.html", status_code=status, context=context(
        request, values=values, errors=errors, agency_id=agency_id, duplicate_id=(extra or {}).get("duplicate_id")))


async def _submit(request: Request, save: Callable[[AgencyUpdate], Awaitable[int]],
                  agency_id: int | None = None) -> Template | Redirect:
    form = await request.form()
    try:
        reject_stale_form(request)
        agency_id = await save(agency_input(form))
    except FormErrors as exc:
        return _form_page(request, form_values(form), exc.errors, agency_id, status=400, extra=exc.extra)
    return Redirect(f"/agencies/{agency_id}")


async def detail_page(request: Request, actor: Actor, agency_id: int, status: int = 200,
                      **extra: object) -> Template:
    """The agency page; extra carries a form's errors when one of its forms is shown again."""
    agency = await services.get(actor, agency_id)
    licence_list = await licences.list_for(actor, agency_id)
    overseas = [lic for lic in licence_list if lic.kind == OVERSEAS]
    held = await reserve.held_by_licence([lic.id for lic in overseas])
    reserves = {lic.id: reserve.state(lic.reserve_required, held[lic.id]) for lic in overseas}
    broker_page = await brokers.search(actor, agency_id=agency_id, page_size=BROKERS_ON_PAGE)
    token_list = await tokens.list_for(actor, agency_id) if services.can_manage_agencies(actor) else []
    values = {"token_errors": {}, "token_values": {}, **extra}
    flagged = await placement_services.flagged_fees(actor, agency_id=agency_id, limit=FLAGGED_ON_PAGE)
    return Template("agencies/detail.html", status_code=status, context=context(
        request, agency=agency, licences=licence_list, reserves=reserves, brokers=broker_page, tokens=token_list,
        can_manage=services.can_manage_agencies(actor),
        can_manage_brokers=services.can_manage_brokers(actor, agency_id),
        can_print=services.can_print_certificate(actor, agency_id),
        history=await services.history(actor, agency_id), flagged=flagged, pl=PLACEMENT_LABELS,
        complaints=await _complaints(actor, agency_id), complaint_labels=COMPLAINT_LABELS, **values))


async def _complaints(actor: Actor, agency_id: int) -> list[dict] | None:
    """Complaints about the agency, for those who may see them (None: the section is not shown)."""
    if actor.role in complaint_services.CITY_WIDE or (actor.role == Role.agency_staff
                                                       and actor.agency_id == agency_id):
        return await complaint_services.about(actor, agency_id=agency_id)
    return None


FLAGGED_ON_PAGE = 20


class AgencyPages(Controller):
    path = "/agencies"
    guards = [requires_login]
    tags = ["agencies"]
    include_in_schema = False

    @get("/")
    async def list_agencies(self, request: Request, actor: CurrentActor, q: FromQuery[str] = "",
                            page: FromQuery[str] = "1", format: FromQuery[str] = "") -> Template | Redirect | Response:
        if actor.role == Role.agency_staff:
            if actor.agency_id is None:
                raise RecordNotFound()
            return Redirect(f"/agencies/{actor.agency_id}")
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await download_agencies(request, actor, q, format)
        size = get_settings().page_size
        result = await services.search(actor, q, page_number(page), size)
        return Template("agencies/list.html", context=context(
            request, result=result, q=q, pages=page_count(result.total, size),
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/new")
    async def new_agency(self, request: Request, actor: CurrentActor) -> Template:
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        return _form_page(request, {"active": "on"}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def create(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        return await _submit(request, lambda data: services.create(actor, data))

    @get("/{agency_id:int}")
    async def show(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template:
        return await detail_page(request, actor, agency_id)

    @get("/{agency_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        return _form_page(request, agency_values(agency), {}, agency_id)

    @post("/{agency_id:int}/edit", opt={"csrf_rerender": True})
    async def update(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, agency_id)  # out of scope: 404 before anything else
        if not services.can_manage_agencies(actor):
            raise AccessDenied()

        async def save(data: AgencyUpdate) -> int:
            await services.update(actor, agency_id, data)
            return agency_id

        return await _submit(request, save, agency_id)

    @post("/{agency_id:int}/tokens", opt={"csrf_rerender": True})
    async def issue_token(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template:
        await services.get(actor, agency_id)
        form = await request.form()
        name = str(form.get("name") or "")
        try:
            reject_stale_form(request)
            token_id, raw = await tokens.issue(actor, agency_id, name)
        except FormErrors as exc:
            return await detail_page(request, actor, agency_id, status=400, token_errors=exc.errors,
                                     token_values={"name": name})
        agency = await services.get(actor, agency_id)
        # Shown once: no copy may stay in a cache.
        return Template("agencies/token_issued.html", status_code=200, headers={"cache-control": "no-store"},
                        context=context(
                            request, agency=agency, token=raw, token_name=" ".join(name.split()), token_id=token_id))

    @post("/{agency_id:int}/tokens/{token_id:int}/revoke", opt={"csrf_rerender": True})
    async def revoke_token(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                           token_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, agency_id)
        try:
            reject_stale_form(request)
            await tokens.revoke(actor, agency_id, token_id)
        except FormErrors as exc:
            return await detail_page(request, actor, agency_id, status=400, token_errors=exc.errors)
        return Redirect(f"/agencies/{agency_id}#tokens")

"""Placement pages: list with filters, report, record with status, fees and documents, flagged fees."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.followups import services as followups
from export_mgmt.followups.forms import LABELS as FOLLOWUP_LABELS
from export_mgmt.placements import documents, services
from export_mgmt.placements import exports as placement_exports
from export_mgmt.placements.forms import (
    LABELS,
    agency_choices,
    agency_name,
    broker_groups,
    employer_groups,
    form_values,
    parse_correction,
    parse_fee,
    parse_placement,
    parse_status,
    programme_groups,
    record_values,
)
from export_mgmt.settings import get_settings
from export_mgmt.uploads import UPLOAD_BODY_BYTES
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.files import attachment, read_upload
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context


def _context(request: Request, actor: Actor, **context) -> dict:
    """What every placement page needs: the labels and what the actor may do here."""
    return page_context(request, pl=LABELS, can_report=services.can_report(actor),
                        can_update=services.can_update(actor), city_wide=actor.role in services.CITY_WIDE,
                        **context)


def _agency_filter(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def _form_page(request: Request, actor: Actor, values: dict, errors: dict, status: int = 200,
                     placement_id: int | None = None) -> Template:
    return Template("placements/form.html", status_code=status, context=_context(
        request, actor, values=values, errors=errors, placement_id=placement_id,
        agencies=await agency_choices() if actor.is_admin else [],
        own_agency=await agency_name(actor.agency_id) if actor.role == Role.agency_staff else "",
        broker_groups=await broker_groups(actor), employer_groups=await employer_groups(),
        programme_groups=programme_groups()))


async def _detail_page(request: Request, actor: Actor, placement_id: int, status: int = 200, sent: str = "",
                       errors: dict | None = None, values: dict | None = None) -> Template:
    """The record with its three forms; `errors` and `values` belong to the form `sent` (status, fee, document)."""
    placement = await services.get(actor, placement_id)
    history = await audit.history("placement", placement_id)
    employers = (await employer_groups(placement.destination_country)
                 if "employer_changed" in placement.next_statuses else [])
    defaults = {"on_date": today().isoformat(), "paid_on": today().isoformat(), "currency": "CNY"}
    return Template("placements/detail.html", status_code=status, context=_context(
        request, actor, placement=placement, history=history, employer_groups=employers, sent=sent,
        max_mb=documents.MAX_BYTES // (1024 * 1024), followups=await followups.for_placement(actor, placement_id),
        fl=FOLLOWUP_LABELS, can_record_followup=followups.can_record(actor),
        errors=errors or {}, values={**defaults, **(values or {})}))


class PlacementPages(Controller):
    path = "/placements"
    guards = [requires_login]
    tags = ["placements"]
    include_in_schema = False

    @get("/")
    async def list_placements(
        self, request: Request, actor: CurrentActor, q: FromQuery[str] = "", status: FromQuery[str] = "",
        country: FromQuery[str] = "", programme: FromQuery[str] = "", agency: FromQuery[str] = "",
        flagged: FromQuery[str] = "", page: FromQuery[str] = "1", format: FromQuery[str] = "",
    ) -> Template | Response:
        city_wide = actor.role in services.CITY_WIDE
        flt = services.PlacementFilter(q=q, status=status, country=country, programme=programme,
                                       agency_id=_agency_filter(agency) if city_wide else None,
                                       flagged_only=flagged == "1")
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await placement_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.search(actor, flt, page_number(page), size)
        return Template("placements/list.html", context=_context(
            request, actor, result=result, filter=flt, pages=page_count(result.total, size),
            agencies=await agency_choices(active_only=False) if city_wide else [],
            programme_groups=programme_groups(),
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/new")
    async def new_placement(self, request: Request, actor: CurrentActor) -> Template:
        if not services.can_report(actor):
            raise AccessDenied()
        return await _form_page(request, actor, {}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def report(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        """Report from the form; any problem shows the form again as typed, nothing written."""
        form = await request.form()
        data, errors = parse_placement(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            placement_id = await services.report(actor, data)
        except FormErrors as exc:
            return await _form_page(request, actor, form_values(form), exc.errors, status=400)
        return Redirect(f"/placements/{placement_id}")

    @get("/{placement_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template:
        placement = await services.get(actor, placement_id)
        if not services.can_update(actor):
            raise AccessDenied()
        return await _form_page(request, actor, record_values(placement), {}, placement_id=placement_id)

    @post("/{placement_id:int}/edit", opt={"csrf_rerender": True})
    async def correct(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, placement_id, shown=False)  # out of scope: 404 before anything else
        form = await request.form()
        data, errors = parse_correction(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await services.correct(actor, placement_id, data)
        except FormErrors as exc:
            return await _form_page(request, actor, form_values(form), exc.errors, status=400,
                                    placement_id=placement_id)
        return Redirect(f"/placements/{placement_id}")

    @get("/{placement_id:int}")
    async def show(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template:
        return await _detail_page(request, actor, placement_id)

    @post("/{placement_id:int}/status", opt={"csrf_rerender": True})
    async def change_status(self, request: Request, actor: CurrentActor,
                            placement_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        change, errors = parse_status(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await services.change_status(actor, placement_id, change)
        except FormErrors as exc:
            return await _detail_page(request, actor, placement_id, 400, "status", exc.errors,
                                      form_values(form))
        return Redirect(f"/placements/{placement_id}#status")

    @post("/{placement_id:int}/fees", opt={"csrf_rerender": True})
    async def add_fee(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        fee, errors = parse_fee(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await services.add_fee(actor, placement_id, fee)
        except FormErrors as exc:
            return await _detail_page(request, actor, placement_id, 400, "fee", exc.errors,
                                      form_values(form))
        return Redirect(f"/placements/{placement_id}#fees")

    @post("/{placement_id:int}/documents", opt={"csrf_rerender": True}, request_max_body_size=UPLOAD_BODY_BYTES)
    async def upload(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        try:
            reject_stale_form(request)
            filename, data = await read_upload(form, "document")
            await documents.store_document(actor, placement_id, filename, data)
        except FormErrors as exc:
            return await _detail_page(request, actor, placement_id, 400, "document", exc.errors)
        return Redirect(f"/placements/{placement_id}#documents")

    @get("/{placement_id:int}/documents/{document_id:int}")
    async def download(self, actor: CurrentActor, placement_id: FromPath[int], document_id: FromPath[int]) -> File:
        return attachment(*await documents.open_document(actor, placement_id, document_id))

    @get("/fees/flagged")
    async def flagged(self, request: Request, actor: CurrentActor, agency: FromQuery[str] = "",
                      format: FromQuery[str] = "") -> Template | Response:
        agency_id = _agency_filter(agency) if actor.role != Role.agency_staff else None
        if exports.wanted(format):
            return await placement_exports.download_flagged(request, actor, agency_id, format)
        fees = await services.flagged_fees(actor, agency_id)
        return Template("placements/flagged.html", context=_context(
            request, actor, fees=fees, agency_id=agency_id,
            agencies=await agency_choices(active_only=False) if actor.role != Role.agency_staff else []))


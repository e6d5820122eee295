"""Follow-up pages: the worklist, one follow-up with its record, evidence and case button, unscheduled follow-ups,
the schedule rules and the city's compliance figures."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import File, Redirect, Template

from export_mgmt import uploads
from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.followups import compliance, labels, rules_admin, services
from export_mgmt.followups import exports as followup_exports
from export_mgmt.followups.forms import (
    LABELS,
    RULE_DEFAULTS,
    form_values,
    is_late,
    parse_record,
    parse_rule,
    record_defaults,
    rule_values,
)
from export_mgmt.inspections import services as cases
from export_mgmt.placements import services as placements
from export_mgmt.placements.forms import agency_choices, programme_groups
from export_mgmt.regions import county_name
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.files import attachment, read_upload
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context

MAX_MB = uploads.MAX_BYTES // (1024 * 1024)


def _context(request: Request, actor: Actor, **context) -> dict:
    """What every follow-up page needs: the labels, the day, and what the actor may do here."""
    return page_context(request, fl=LABELS, today=today(), is_late=is_late,
                        city_wide=actor.role in placements.CITY_WIDE, can_record=services.can_record(actor),
                        can_read_rules=rules_admin.can_read(actor), can_edit_rules=rules_admin.can_edit(actor),
                        can_read_compliance=compliance.can_read(actor), **context)


def _agency_filter(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def _detail_page(request: Request, actor: Actor, followup_id: int, status: int = 200, sent: str = "",
                       errors: dict | None = None, values: dict | None = None) -> Template:
    """One follow-up; `errors` and `values` belong to the form `sent` (record, evidence or case)."""
    item = await services.get(actor, followup_id)
    history = await audit.history("followup", followup_id)
    defaults = record_defaults(today().isoformat(), item.wage_currency)
    return Template("followups/detail.html", status_code=status, context=_context(
        request, actor, item=item, history=history, sent=sent, errors=errors or {},
        values={**defaults, **(values or {})}, max_mb=MAX_MB,
        can_add_evidence=services.can_record(actor) and item.status != "cancelled"))


async def _unscheduled_page(request: Request, actor: Actor, placement_id: int, status: int = 200,
                            errors: dict | None = None, values: dict | None = None) -> Template:
    placement = await placements.get(actor, placement_id)
    if not services.can_record(actor):
        raise AccessDenied()
    defaults = record_defaults(today().isoformat(), placement.wage_currency)
    return Template("followups/unscheduled.html", status_code=status, context=_context(
        request, actor, placement=placement, errors=errors or {}, values={**defaults, **(values or {})}))


async def _rules_page(request: Request, actor: Actor, status: int = 200, sent: str = "", errors: dict | None = None,
                      values: dict | None = None) -> Template:
    schedule = await rules_admin.read_schedule(actor)
    return Template("followups/rules.html", status_code=status, context=_context(
        request, actor, schedule=schedule, sent=sent, errors=errors or {},
        values=values if values is not None else dict(RULE_DEFAULTS), programme_groups=programme_groups(),
        describe=rules_admin.describe))


async def _rule_form(request: Request, actor: Actor, rule_id: int, values: dict, errors: dict,
                     status: int = 200) -> Template:
    return Template("followups/rule_form.html", status_code=status, context=_context(
        request, actor, rule_id=rule_id, values=values, errors=errors, programme_groups=programme_groups()))


def _record_errors(data, errors: dict) -> dict:
    """The form's own errors together with the service's checks, so every problem shows at once."""
    _, more = services.validate(data)
    return {**more, **errors}


class FollowUpPages(Controller):
    path = "/followups"
    guards = [requires_login]
    tags = ["followups"]
    include_in_schema = False

    @get("/")
    async def worklist(
        self, request: Request, actor: CurrentActor, status: FromQuery[str] = "", kind: FromQuery[str] = "",
        county: FromQuery[str] = "", agency: FromQuery[str] = "", q: FromQuery[str] = "",
        page: FromQuery[str] = "1", format: FromQuery[str] = "",
    ) -> Template | Response:
        city_wide = actor.role in placements.CITY_WIDE
        flt = services.FollowUpFilter(
            status=status if status in labels.STATUS else "", kind=kind if kind in labels.KINDS else "",
            agency_id=_agency_filter(agency) if city_wide else None,
            county_code=county if city_wide and county_name(county) else "", q=q[:100])
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await followup_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.worklist(actor, flt, page_number(page), size)
        return Template("followups/list.html", context=_context(
            request, actor, result=result, filter=flt, pages=page_count(result.total, size),
            agencies=await agency_choices(active_only=False) if city_wide else [],
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/{followup_id:int}")
    async def show(self, request: Request, actor: CurrentActor, followup_id: FromPath[int]) -> Template:
        return await _detail_page(request, actor, followup_id)

    @post("/{followup_id:int}/record", opt={"csrf_rerender": True})
    async def record(self, request: Request, actor: CurrentActor, followup_id: FromPath[int]) -> Template | Redirect:
        """Record what the follow-up found; any problem shows the page again as typed, nothing written."""
        if not services.can_record(actor):
            raise AccessDenied()
        form = await request.form()
        data, errors = parse_record(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(_record_errors(data, errors))
            await services.record(actor, followup_id, data)
        except FormErrors as exc:
            return await _detail_page(request, actor, followup_id, 400, "record", exc.errors, form_values(form))
        return Redirect(f"/followups/{followup_id}")

    @post("/{followup_id:int}/evidence", opt={"csrf_rerender": True}, request_max_body_size=uploads.UPLOAD_BODY_BYTES)
    async def upload(self, request: Request, actor: CurrentActor, followup_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        try:
            reject_stale_form(request)
            filename, data = await read_upload(form, "evidence")
            await services.add_evidence(actor, followup_id, filename, data)
        except FormErrors as exc:
            return await _detail_page(request, actor, followup_id, 400, "evidence", exc.errors)
        return Redirect(f"/followups/{followup_id}#evidence")

    @get("/{followup_id:int}/evidence/{document_id:int}")
    async def download(self, actor: CurrentActor, followup_id: FromPath[int], document_id: FromPath[int]) -> File:
        return attachment(*await services.open_evidence(actor, followup_id, document_id))

    @post("/{followup_id:int}/case", opt={"csrf_rerender": True})
    async def raise_case(self, request: Request, actor: CurrentActor,
                         followup_id: FromPath[int]) -> Template | Redirect:
        try:
            reject_stale_form(request)
            case_id = await cases.open_from_followup(actor, followup_id)
        except FormErrors as exc:
            return await _detail_page(request, actor, followup_id, 400, "case", exc.errors)
        return Redirect(f"/cases/{case_id}")

    # ---- the schedule ------------------------------------------------------------------------------------

    @get("/rules")
    async def rules(self, request: Request, actor: CurrentActor) -> Template:
        return await _rules_page(request, actor)

    @post("/rules/new", opt={"csrf_rerender": True})
    async def add_rule(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        form = await request.form()
        data, errors = parse_rule(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors({**rules_admin.validate(data)[1], **errors})
            rule_id = await rules_admin.add_rule(actor, data)
        except FormErrors as exc:
            return await _rules_page(request, actor, 400, "add", exc.errors, form_values(form))
        return Redirect(f"/followups/rules#rule-{rule_id}")

    @get("/rules/{rule_id:int}/edit")
    async def edit_rule(self, request: Request, actor: CurrentActor, rule_id: FromPath[int]) -> Template:
        row = await rules_admin.get_rule(actor, rule_id)
        return await _rule_form(request, actor, rule_id, rule_values(row), {})

    @post("/rules/{rule_id:int}/edit", opt={"csrf_rerender": True})
    async def update_rule(self, request: Request, actor: CurrentActor,
                          rule_id: FromPath[int]) -> Template | Redirect:
        await rules_admin.get_rule(actor, rule_id)  # not an administrator: 403; no such rule: 404
        form = await request.form()
        data, errors = parse_rule(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors({**rules_admin.validate(data)[1], **errors})
            await rules_admin.update_rule(actor, rule_id, data)
        except FormErrors as exc:
            return await _rule_form(request, actor, rule_id, form_values(form), exc.errors, status=400)
        return Redirect(f"/followups/rules#rule-{rule_id}")

    @post("/rules/{rule_id:int}/active", opt={"csrf_rerender": True})
    async def set_active(self, request: Request, actor: CurrentActor, rule_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        raw_version = form.get("version")
        version = int(raw_version) if isinstance(raw_version, str) and raw_version.isdigit() else 0
        try:
            reject_stale_form(request)
            await rules_admin.set_active(actor, rule_id, form.get("active") == "1", version)
        except FormErrors as exc:
            return await _rules_page(request, actor, 400, "active", exc.errors)
        return Redirect(f"/followups/rules#rule-{rule_id}")

    # ---- compliance --------------------------------------------------------------------------------------

    @get("/compliance")
    async def compliance(self, request: Request, actor: CurrentActor, days: FromQuery[str] = "") -> Template:
        report = await compliance.report(actor, compliance.period(days))
        return Template("followups/compliance.html", context=_context(
            request, actor, report=report, periods=compliance.PERIODS, percent=compliance.percent,
            chart=compliance.chart(report.agencies)))


class PlacementFollowUpPages(Controller):
    """An unscheduled follow-up, recorded from the placement's page."""

    path = "/placements"
    guards = [requires_login]
    tags = ["followups"]
    include_in_schema = False

    @get("/{placement_id:int}/followups/new")
    async def new_followup(self, request: Request, actor: CurrentActor, placement_id: FromPath[int]) -> Template:
        return await _unscheduled_page(request, actor, placement_id)

    @post("/{placement_id:int}/followups/new", opt={"csrf_rerender": True})
    async def record_unscheduled(self, request: Request, actor: CurrentActor,
                                 placement_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        data, errors = parse_record(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(_record_errors(data, errors))
            followup_id = await services.record_unscheduled(actor, placement_id, data)
        except FormErrors as exc:
            return await _unscheduled_page(request, actor, placement_id, 400, exc.errors, form_values(form))
        return Redirect(f"/followups/{followup_id}")


__all__ = ["FollowUpPages", "PlacementFollowUpPages"]

"""Inspection-case pages: the worklist, opening a case at the desk, the case with its action forms."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.complaints import labels as complaint_labels
from export_mgmt.complaints import services as complaint_services
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.inspections import exports as case_exports
from export_mgmt.inspections import services, workflow
from export_mgmt.inspections.forms import (
    LABELS,
    agency_choices,
    employer_groups,
    form_values,
    jurisdiction_choices,
    jurisdiction_label,
    parse_case,
    parse_inspectors,
    parse_referral,
    parse_reply,
    parse_transition,
)
from export_mgmt.inspections.schemas import CaseRead
from export_mgmt.money import to_major
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context
from export_mgmt.workdays.calendar import CalendarNotCovered, load_calendar


def _context(request: Request, actor: Actor, **context) -> dict:
    """What every case page needs: the labels and what the actor may do here."""
    return page_context(request, cl=LABELS, can_open=services.can_act(actor), jurisdiction_label=jurisdiction_label,
                        today=today(), min_inspectors=services.MIN_INSPECTORS, **context)


async def calendar_gaps(cases: list) -> list[int]:
    """The years the working-day calendar lacks for the statutory deadlines of these open cases."""
    pending = [c for c in cases if c.investigate_by is None and c.status in services.OPEN_STATUSES]
    if not pending:
        return []
    calendar = await load_calendar()
    years: set[int] = set()
    for case in pending:
        extended = getattr(case, "extended", False)
        days = services.INVESTIGATION_WORKING_DAYS + (services.EXTENSION_WORKING_DAYS if extended else 0)
        try:
            calendar.add_working_days(case.opened_on, days)
        except CalendarNotCovered as exc:
            years.add(exc.year)
    return sorted(years)


def _major(minor: int, currency: str) -> str:
    return str(to_major(minor, currency)) if minor else ""


def _status_defaults(case: CaseRead) -> dict:
    """The status form as first shown: the amounts already on the case, in major units."""
    return {"version": str(case.version), "amount_ordered": _major(case.amount_ordered, case.currency),
            "compensation_percent": str(case.compensation_percent) if case.compensation_percent else "",
            "penalty": _major(case.penalty, LABELS.PENALTY_CURRENCY), "rectify_by": "", "note": "",
            "amount_recovered": ""}


async def _form_page(request: Request, actor: Actor, values: dict, errors: dict, status: int = 200) -> Template:
    return Template("inspections/form.html", status_code=status, context=_context(
        request, actor, values=values, errors=errors, employer_groups=await employer_groups(),
        agencies=await agency_choices(), jurisdictions=jurisdiction_choices()))


async def _detail_page(request: Request, actor: Actor, case_id: int, status: int = 200, sent: str = "",
                       errors: dict | None = None, values: dict | None = None, referral_id: int | None = None
                       ) -> Template:
    """The case with its action forms.

    `errors` and `values` belong to the form `sent` (assign, status, referral, reply or extend); a reply's errors
    to the referral `referral_id`.
    """
    case = await services.get(actor, case_id)
    history = await audit.history(services.ENTITY, case_id)
    defaults = {**_status_defaults(case), "sent_on": today().isoformat(), "replied_on": today().isoformat(),
                "target": "", "reference": "", "reply": ""}
    return Template("inspections/detail.html", status_code=status, context=_context(
        request, actor, case=case, history=history, sent=sent, referral_id=referral_id,
        errors=errors or {}, values=values or {}, defaults=defaults,
        inspectors=await services.inspectors() if case.can_act else [],
        calendar_years=await calendar_gaps([case]),
        can_read_workers=actor.can_read_workers, linked_complaints=await _complaints(actor, case_id),
        complaint_status=complaint_labels.STATUS))


async def _complaints(actor: Actor, case_id: int) -> list[dict]:
    """Complaints that opened or joined the case, for those who may read complaints."""
    from export_mgmt.complaints.tables import Complaint

    if actor.role not in complaint_services.CITY_WIDE:
        return []
    return await Complaint.select(Complaint.id, Complaint.tracking_no, Complaint.status, Complaint.received_on).where(
        Complaint.inspection_case == case_id).order_by(Complaint.id)


def _mine(raw: str, actor: Actor) -> bool:
    """Inspectors start on their own cases; everyone else on every open case in their scope."""
    if raw in ("0", "1"):
        return raw == "1"
    return actor.role == Role.inspector


class CasePages(Controller):
    path = "/cases"
    guards = [requires_login]
    tags = ["inspections"]
    include_in_schema = False

    @get("/")
    async def list_cases(
        self, request: Request, actor: CurrentActor, mine: FromQuery[str] = "", status: FromQuery[str] = "",
        source: FromQuery[str] = "", finding: FromQuery[str] = "", page: FromQuery[str] = "1",
        format: FromQuery[str] = "",
    ) -> Template | Response:
        flt = services.CaseFilter(status=status, mine=_mine(mine, actor), source=source, finding=finding)
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await case_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.search(actor, flt, page_number(page), size)
        query = {k: v for k, v in request.query_params.items() if k != "page"}
        query["mine"] = "1" if flt.mine else "0"
        return Template("inspections/list.html", context=_context(
            request, actor, result=result, filter=flt, pages=page_count(result.total, size), query=query,
            calendar_years=await calendar_gaps(result.items)))

    @get("/new")
    async def new_case(self, request: Request, actor: CurrentActor) -> Template:
        if not services.can_act(actor):
            raise AccessDenied()
        return await _form_page(request, actor, {"jurisdiction": "CITY", "currency": "CNY"}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def open_case(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        """Open from the form; any problem shows the form again as typed, nothing written."""
        if not services.can_act(actor):
            raise AccessDenied()
        form = await request.form()
        data, errors = parse_case(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            case_id = await services.open_case(actor, data)
        except FormErrors as exc:
            return await _form_page(request, actor, form_values(form), exc.errors, status=400)
        return Redirect(f"/cases/{case_id}")

    @get("/{case_id:int}")
    async def show(self, request: Request, actor: CurrentActor, case_id: FromPath[int]) -> Template:
        return await _detail_page(request, actor, case_id)

    async def _acting_on(self, actor: Actor, case_id: int) -> CaseRead:
        """Out of scope: 404 before anything else; in scope but a reader only: 403."""
        case = await services.get(actor, case_id)
        if not services.can_act(actor):
            raise AccessDenied()
        return case

    @post("/{case_id:int}/assign", opt={"csrf_rerender": True})
    async def assign(self, request: Request, actor: CurrentActor, case_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, case_id)
        form = await request.form()
        inspector_ids, errors = parse_inspectors(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await workflow.assign(actor, case_id, inspector_ids)
        except FormErrors as exc:
            return await _detail_page(request, actor, case_id, 400, "assign", exc.errors, form_values(form))
        return Redirect(f"/cases/{case_id}#inspectors")

    @post("/{case_id:int}/status", opt={"csrf_rerender": True})
    async def change_status(self, request: Request, actor: CurrentActor,
                            case_id: FromPath[int]) -> Template | Redirect:
        case = await self._acting_on(actor, case_id)
        form = await request.form()
        change, errors = parse_transition(form, case.currency)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await workflow.transition(actor, case_id, change)
        except FormErrors as exc:
            return await _detail_page(request, actor, case_id, 400, "status", exc.errors, form_values(form))
        return Redirect(f"/cases/{case_id}#status")

    @post("/{case_id:int}/referrals", opt={"csrf_rerender": True})
    async def add_referral(self, request: Request, actor: CurrentActor,
                           case_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, case_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await workflow.add_referral(actor, case_id, parse_referral(form))
        except FormErrors as exc:
            return await _detail_page(request, actor, case_id, 400, "referral", exc.errors, form_values(form))
        return Redirect(f"/cases/{case_id}#referrals")

    @post("/{case_id:int}/referrals/{referral_id:int}/reply", opt={"csrf_rerender": True})
    async def record_reply(self, request: Request, actor: CurrentActor, case_id: FromPath[int],
                           referral_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, case_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await workflow.record_reply(actor, case_id, referral_id, parse_reply(form))
        except FormErrors as exc:
            return await _detail_page(request, actor, case_id, 400, "reply", exc.errors, form_values(form),
                                      referral_id=referral_id)
        return Redirect(f"/cases/{case_id}#referrals")

    @post("/{case_id:int}/extend", opt={"csrf_rerender": True})
    async def extend(self, request: Request, actor: CurrentActor, case_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, case_id)  # out of scope: 404 first
        if not services.can_extend(actor):
            raise AccessDenied()
        form = await request.form()
        raw = form.get("version")
        version = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else 0
        try:
            reject_stale_form(request)
            await workflow.extend(actor, case_id, version)
        except FormErrors as exc:
            return await _detail_page(request, actor, case_id, 400, "extend", exc.errors)
        return Redirect(f"/cases/{case_id}#deadlines")

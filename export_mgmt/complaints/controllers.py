"""Complaint desk pages: the worklist, receiving a complaint at the desk, the complaint with its action forms,
the backlog's age and the blacklist candidates."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import File, Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.complaints import blacklist, forms, intake, monitoring, rules, services, workflow
from export_mgmt.complaints import exports as complaint_exports
from export_mgmt.complaints.ageing_chart import STAGE_TEXT, age_chart, ageing_csv
from export_mgmt.complaints.forms import (
    LABELS,
    form_errors,
    form_values,
    parse_complaint,
    parse_transition,
    read_evidence,
    route_choices,
    route_label,
    work_place_choices,
)
from export_mgmt.complaints.schemas import ComplaintRead, Evidence, Recovery, WorkerRead
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _
from export_mgmt.inspections.forms import agency_choices, employer_groups, parse_inspectors
from export_mgmt.inspections.services import case_number
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.money import to_major
from export_mgmt.regions import county_name
from export_mgmt.settings import get_settings
from export_mgmt.uploads import MAX_BYTES, UPLOAD_BODY_BYTES, upload_dir
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.fields import form_amount, form_text, form_version
from export_mgmt.web.files import attachment, read_upload
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context
from export_mgmt.workdays.calendar import CalendarNotCovered

# Statuses on which wages recovered can be recorded (workflow.record_recovery says the same).
RECOVERY_STATUSES = ("accepted", "investigating", "rectification_ordered", "payment_ordered", "transferred")
CASE_STATUSES = ("accepted", "investigating", "rectification_ordered", "payment_ordered")
# Fields the desk form shows a message beside; any other message is listed at the top of the form.
INTAKE_SHOWN = frozenset(forms.TEXT_FIELDS) | {"", "anonymous", "oral_confirmed", "agency_id", "workers", "documents",
                                              "employer_id", "placement_id"}


def _context(request: Request, actor: Actor, **context) -> dict:
    """What every complaint page needs: the labels and what the actor may do here."""
    return page_context(request, cl=LABELS, can_act=services.can_act(actor), route_label=route_label,
                        place_label=_place_label, today=today(), open_statuses=rules.OPEN, stage_text=STAGE_TEXT,
                        can_blacklist=actor.role in services.CITY_WIDE, **context)


def _place_label(code: str) -> str:
    return county_name(code) or (_(LABELS.WORK_PLACES[code]) if code in LABELS.WORK_PLACES else code)


def _major(minor: int, currency: str) -> str:
    return str(to_major(minor, currency)) if minor else ""


def _defaults(c: ComplaintRead) -> dict:
    """The action forms as first shown: amounts already on the complaint, in major units."""
    values = {"version": str(c.version), "note": "", "rectify_by": "", "reject_reason": "", "outcome": "",
              "compensation_percent": str(c.compensation_percent) if c.compensation_percent else "",
              "penalty": _major(c.penalty, "CNY"), "route": c.route, "reason": "", "case_id": "",
              "kind": "other"}
    for w in c.workers:
        values[f"ordered_{w.id}"] = _major(w.amount_ordered or w.amount_owed, w.currency)
    return values


def _recovery_defaults(c: ComplaintRead, w: WorkerRead) -> dict:
    """A worker's recovery form as first shown: what is recorded, and the rate of the last recovery."""
    return {"version": str(c.version), "amount": _major(w.amount_recovered, w.currency),
            "fx_rate": w.fx_rate if w.currency != "CNY" else "", "fx_date": (w.fx_date or today()).isoformat()}


def _outstanding_cny(c: ComplaintRead) -> list[int]:
    """Per worker: what is still owed (the amount ordered, else claimed, less what was recovered) in CNY fen."""
    return [max(services.amount_cny(max(w.amount_ordered, w.amount_owed) - w.amount_recovered, w.currency), 0)
            for w in c.workers]


async def _detail_page(request: Request, actor: Actor, complaint_id: int, status: int = 200, sent: str = "",
                       errors: dict | None = None, values: dict | None = None, target: int | None = None
                       ) -> Template:
    """The complaint with its action forms.

    `errors` and `values` belong to the form `sent` (status, assign, route, recovery, extend, incident, documents,
    case or join); a recovery's to the complaint worker `target`.
    """
    complaint = await services.get(actor, complaint_id)
    history = await services.history(actor, complaint_id)
    outstanding = _outstanding_cny(complaint)
    return Template("complaints/detail.html", status_code=status, context=_context(
        request, actor, complaint=complaint, history=history, sent=sent, target=target, errors=errors or {},
        values=values or {}, defaults=_defaults(complaint),
        inspectors=await services.inspectors() if complaint.can_act else [], routes=route_choices(),
        owed_cny={w.id: services.amount_cny(w.amount_owed, w.currency) for w in complaint.workers},
        outstanding_total=sum(outstanding), police_reached=rules.police_guidance(outstanding),
        recovery_open=complaint.status in RECOVERY_STATUSES, case_open=complaint.status in CASE_STATUSES,
        case_label=await _case_label(complaint.inspection_case_id), min_inspectors=rules.MIN_INSPECTORS,
        recovery_defaults={w.id: _recovery_defaults(complaint, w) for w in complaint.workers},
        max_mb=MAX_BYTES // (1024 * 1024), can_read_workers=actor.can_read_workers,
        is_inspector=actor.role == Role.inspector))


async def _case_label(case_id: int | None) -> str:
    """The linked inspection case's number as people write it."""
    if case_id is None:
        return ""
    row = await InspectionCase.select(InspectionCase.opened_on).where(InspectionCase.id == case_id).first()
    return case_number(case_id, row["opened_on"]) if row else f"#{case_id}"


async def _intake_page(request: Request, actor: Actor, values: dict, errors: dict, worker_rows: int,
                       status: int = 200) -> Template:
    return Template("complaints/form.html", status_code=status, context=_context(
        request, actor, values=values, errors=errors, worker_rows=worker_rows, work_places=work_place_choices(),
        public=False, employer_groups=await employer_groups(), agencies=await agency_choices(),
        other_errors=[message for key, message in errors.items()
                      if key not in INTAKE_SHOWN and not key.startswith("worker_")]))


def _mine(raw: str, actor: Actor) -> bool:
    """Inspectors start on the complaints they handle; everyone else on every open complaint in their scope."""
    if raw in ("0", "1"):
        return raw == "1"
    return actor.role == Role.inspector


def _case_id(raw: str) -> int | None:
    """An inspection case as people write its number (2026-00012) or its bare id."""
    raw = raw.strip()
    if "-" in raw:
        raw = raw.rsplit("-", 1)[1]
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _values(form: FormMultiDict) -> dict:
    """What was typed, with the inspectors chosen as a list."""
    values: dict = form_values(form)
    values["inspector_ids"] = [v for v in form.getall("inspector_ids", []) if isinstance(v, str)]
    return values


class ComplaintPages(Controller):
    path = "/complaints"
    guards = [requires_login]
    tags = ["complaints"]
    include_in_schema = False

    # ---- the worklist ------------------------------------------------------------------------------------

    @get("/")
    async def worklist(
        self, request: Request, actor: CurrentActor, mine: FromQuery[str] = "", status: FromQuery[str] = "",
        route: FromQuery[str] = "", kind: FromQuery[str] = "", overdue: FromQuery[str] = "", q: FromQuery[str] = "",
        page: FromQuery[str] = "1", format: FromQuery[str] = "",
    ) -> Template | Response:
        status = status if status == "all" or status in rules.TRANSITIONS else ""
        searching = bool(q.strip())  # a tracking number is looked for among every complaint in scope
        flt = services.ComplaintFilter(
            status=status or ("all" if searching else ""), route=route if rules.valid_route(route) else "",
            kind=kind if kind in LABELS.KINDS else "", mine=_mine(mine, actor) and not searching,
            overdue=overdue == "1" and not searching, q=q.strip()[:40])
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await complaint_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.search(actor, flt, page_number(page), size)
        query = {k: v for k, v in request.query_params.items() if k != "page"}
        query["mine"] = "1" if flt.mine else "0"
        return Template("complaints/list.html", context=_context(
            request, actor, result=result, filter=flt, pages=page_count(result.total, size), query=query,
            routes=route_choices(), is_inspector=actor.role == Role.inspector))

    # ---- receiving a complaint at the desk ---------------------------------------------------------------

    @get("/new")
    async def new_complaint(self, request: Request, actor: CurrentActor) -> Template:
        if not services.can_act(actor):
            raise AccessDenied()
        return await _intake_page(request, actor, {"kind": "complaint", "channel": "walk_in", "relationship": "self",
                                                   "work_place": "", "work_country": ""}, {},
                                  forms.DEFAULT_WORKER_ROWS)

    @post("/new", opt={"csrf_rerender": True}, request_max_body_size=UPLOAD_BODY_BYTES)
    async def receive(self, request: Request, actor: CurrentActor) -> Template:
        """File from the form; any problem shows the form again as typed, nothing written. The receipt with the
        one-time secret is this response itself, never stored nor cached."""
        if not services.can_act(actor):
            raise AccessDenied()
        form = await request.form()
        rows = forms.worker_rows(form)
        if form_text(form, "add_row"):
            return await _intake_page(request, actor, form_values(form), {}, rows)
        data, row_of, errors = parse_complaint(form)
        try:
            reject_stale_form(request)
            evidence = await read_evidence(form)
            if errors:
                # Everything wrong at once: what the form could not read, and what the service would refuse.
                raise FormErrors({**intake.validate(data, False, today())[2], **errors})
            filed = await intake.file(actor, data, evidence)
        except FormErrors as exc:
            return await _intake_page(request, actor, form_values(form), form_errors(exc.errors, row_of), rows,
                                      status=400)
        return Template("complaints/filed.html", headers={"Cache-Control": "no-store"},
                        context=_context(request, actor, filed=filed))

    # ---- the complaint -----------------------------------------------------------------------------------

    @get("/{complaint_id:int}")
    async def show(self, request: Request, actor: CurrentActor, complaint_id: FromPath[int]) -> Template:
        return await _detail_page(request, actor, complaint_id)

    async def _acting_on(self, actor: Actor, complaint_id: int) -> ComplaintRead:
        """Out of scope: 404 before anything else; in scope but a reader only: 403."""
        complaint = await services.get(actor, complaint_id, shown=False)
        if not services.can_act(actor):
            raise AccessDenied()
        return complaint

    @post("/{complaint_id:int}/status", opt={"csrf_rerender": True})
    async def change_status(self, request: Request, actor: CurrentActor,
                            complaint_id: FromPath[int]) -> Template | Redirect:
        complaint = await self._acting_on(actor, complaint_id)
        form = await request.form()
        change, errors = parse_transition(form, {w.id: w.currency for w in complaint.workers})
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await workflow.transition(actor, complaint_id, change)
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "status", exc.errors, _values(form))
        return Redirect(f"/complaints/{complaint_id}#status", status_code=303)

    @post("/{complaint_id:int}/assign", opt={"csrf_rerender": True})
    async def assign(self, request: Request, actor: CurrentActor,
                     complaint_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, complaint_id)
        form = await request.form()
        inspector_ids, errors = parse_inspectors(form)
        try:
            reject_stale_form(request)
            if errors:
                raise FormErrors(errors)
            await services.assign(actor, complaint_id, inspector_ids)
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "assign", exc.errors, _values(form))
        return Redirect(f"/complaints/{complaint_id}#inspectors", status_code=303)

    @post("/{complaint_id:int}/take", opt={"csrf_rerender": True})
    async def take(self, request: Request, actor: CurrentActor, complaint_id: FromPath[int]) -> Template | Redirect:
        """An inspector takes the complaint on themselves."""
        await self._acting_on(actor, complaint_id)
        if actor.role != Role.inspector:
            raise AccessDenied()
        try:
            reject_stale_form(request)
            await services.assign(actor, complaint_id, [actor.id])
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "assign", exc.errors)
        return Redirect(f"/complaints/{complaint_id}#inspectors", status_code=303)

    @post("/{complaint_id:int}/route", opt={"csrf_rerender": True})
    async def reroute(self, request: Request, actor: CurrentActor,
                      complaint_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, complaint_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await workflow.reroute(actor, complaint_id, form_text(form, "route"), form_text(form, "reason"),
                                   form_version(form))
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "route", exc.errors, _values(form))
        return Redirect(f"/complaints/{complaint_id}#route", status_code=303)

    @post("/{complaint_id:int}/recovery", opt={"csrf_rerender": True})
    async def record_recovery(self, request: Request, actor: CurrentActor,
                              complaint_id: FromPath[int]) -> Template | Redirect:
        """Wages recovered for one worker, typed in major units of the worker's currency."""
        complaint = await self._acting_on(actor, complaint_id)
        form = await request.form()
        raw = form_text(form, "complaint_worker_id")
        worker = next((w for w in complaint.workers if str(w.id) == raw), None)
        errors: dict[str, str] = {}
        amount = form_amount(form, "amount", worker.currency if worker else "CNY", errors)
        if amount is None and "amount" not in errors:
            errors["amount"] = _("Enter the amount recovered.")
        try:
            reject_stale_form(request)
            if worker is None:
                raise FormErrors({"": _("Choose one of the listed values.")})
            if errors:
                raise FormErrors(errors)
            await workflow.record_recovery(actor, complaint_id, Recovery(
                complaint_worker_id=worker.id, amount=amount or 0, fx_rate=form_text(form, "fx_rate"),
                fx_date=form_text(form, "fx_date"), version=form_version(form)))
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "recovery", exc.errors, _values(form),
                                      target=worker.id if worker else None)
        return Redirect(f"/complaints/{complaint_id}#workers", status_code=303)

    @post("/{complaint_id:int}/extend", opt={"csrf_rerender": True})
    async def extend(self, request: Request, actor: CurrentActor, complaint_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, complaint_id, shown=False)  # out of scope: 404 first
        if not services.can_extend(actor):
            raise AccessDenied()
        form = await request.form()
        try:
            reject_stale_form(request)
            await workflow.extend(actor, complaint_id, form_version(form))
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "extend", exc.errors)
        return Redirect(f"/complaints/{complaint_id}#deadlines", status_code=303)

    @post("/{complaint_id:int}/incident", opt={"csrf_rerender": True})
    async def incident(self, request: Request, actor: CurrentActor,
                       complaint_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, complaint_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await workflow.flag_incident(actor, complaint_id, form_text(form, "serious") == "1", form_version(form))
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "incident", exc.errors)
        return Redirect(f"/complaints/{complaint_id}#incident", status_code=303)

    @post("/{complaint_id:int}/documents", opt={"csrf_rerender": True}, request_max_body_size=UPLOAD_BODY_BYTES)
    async def upload(self, request: Request, actor: CurrentActor,
                     complaint_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, complaint_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            filename, data = await read_upload(form, "document")
            await intake.add_evidence(actor, complaint_id, Evidence(filename=filename, data=data,
                                                                    kind=form_text(form, "kind")))
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "documents", exc.errors, _values(form))
        return Redirect(f"/complaints/{complaint_id}#evidence", status_code=303)

    @get("/{complaint_id:int}/documents/{document_id:int}")
    async def download(self, actor: CurrentActor, complaint_id: FromPath[int], document_id: FromPath[int]) -> File:
        row = await services.document(actor, complaint_id, document_id)
        return attachment(row, upload_dir() / row["stored_name"])

    @post("/{complaint_id:int}/case", opt={"csrf_rerender": True})
    async def open_case(self, request: Request, actor: CurrentActor,
                        complaint_id: FromPath[int]) -> Template | Redirect:
        """An inspection case from the complaint; the new case is where the inspector goes next."""
        await self._acting_on(actor, complaint_id)
        try:
            reject_stale_form(request)
            case_id = await workflow.open_case(actor, complaint_id)
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "case", exc.errors)
        return Redirect(f"/cases/{case_id}", status_code=303)

    @post("/{complaint_id:int}/join", opt={"csrf_rerender": True})
    async def join_case(self, request: Request, actor: CurrentActor,
                        complaint_id: FromPath[int]) -> Template | Redirect:
        await self._acting_on(actor, complaint_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            case_id = _case_id(form_text(form, "case_id"))
            if case_id is None:
                raise FormErrors({"case_id": _("Enter the number of an open inspection case, e.g. 2026-00012.")})
            await workflow.join_case(actor, complaint_id, case_id)
        except FormErrors as exc:
            return await _detail_page(request, actor, complaint_id, 400, "join", exc.errors, _values(form))
        return Redirect(f"/complaints/{complaint_id}#case", status_code=303)

    # ---- the backlog and the blacklist -------------------------------------------------------------------

    @get("/ageing")
    async def ageing_page(self, request: Request, actor: CurrentActor,
                     fmt: Annotated[str, QueryParameter(name="format")] = "") -> Template | Response:
        """Open complaints by working days since receipt and stage: a table, a chart and a CSV of the table."""
        on = today()
        try:
            rows = await monitoring.ageing(actor, on)
        except CalendarNotCovered as exc:
            return Template("complaints/ageing.html", context=_context(
                request, actor, rows=[], chart=None, missing_year=exc.year, on=on, stages=list(monitoring.STAGES)))
        if fmt == "csv":
            return ageing_csv(rows, on)
        totals = {s: sum(r.counts.get(s, 0) for r in rows) for s in monitoring.STAGES}
        return Template("complaints/ageing.html", context=_context(
            request, actor, rows=rows, chart=age_chart(rows), missing_year=None, on=on, totals=totals,
            total=sum(r.total for r in rows), stages=list(monitoring.STAGES)))

    @get("/blacklist")
    async def blacklist_page(self, request: Request, actor: CurrentActor) -> Template:
        found = await blacklist.candidates(actor)
        return Template("complaints/blacklist.html", context=_context(
            request, actor, candidates=found, years=rules.BLACKLIST_YEARS,
            early_months=rules.BLACKLIST_EARLY_REMOVAL_MONTHS))

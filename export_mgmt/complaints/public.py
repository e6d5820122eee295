"""Public complaint pages: workers and their families file a wage-arrears complaint or a report, then track it.

No sign-in. Every form carries the anonymous visitor's CSRF token; filings and look-ups are limited per client
address. The receipt (with the secret, shown once) and the tracking result are answers to a POST, never stored by
the browser or a proxy, and the tracking code never appears in a URL.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Template

from export_mgmt.agencies.tables import Agency, Licence
from export_mgmt.clock import today
from export_mgmt.complaints import intake, rules, tracking
from export_mgmt.complaints.forms import (
    LABELS,
    TEXT_FIELDS,
    form_errors,
    form_values,
    parse_complaint,
    read_evidence,
    route_label,
    work_place_choices,
    worker_rows,
)
from export_mgmt.complaints.schemas import ComplaintCreate, Evidence
from export_mgmt.errors import FormErrors
from export_mgmt.i18n import _
from export_mgmt.uploads import MAX_BYTES, UPLOAD_BODY_BYTES, check
from export_mgmt.web.csrf import csrf_failed, reject_stale_form
from export_mgmt.web.fields import form_text
from export_mgmt.web.forms import address
from export_mgmt.web.templating import page_context

NO_STORE = {"cache-control": "no-store"}
# Fields the form shows a message beside; any other message is listed at the top of the form.
SHOWN_FIELDS = frozenset(TEXT_FIELDS) | {"", "anonymous", "agency_id", "workers", "documents"}
DOCUMENT_SLOTS = 3
PRINT_SCRIPT = ('document.getElementById("print-receipt").addEventListener("click", function () '
                '{ window.print(); });\n')


def _context(request: Request, **values: Any) -> dict[str, Any]:
    return page_context(request, cl=LABELS, today=today(), promises=PROMISES, **values)


PROMISES = {"decide": rules.DECIDE_WORKING_DAYS, "investigate": rules.INVESTIGATION_WORKING_DAYS,
            "extension": rules.EXTENSION_WORKING_DAYS, "mb": MAX_BYTES // (1024 * 1024)}


async def agency_choices() -> list[dict]:
    """Agencies that hold or have held a licence: what a worker may have been sent by (names are public)."""
    licensed = Licence.select(Licence.agency)
    return await Agency.select(Agency.id, Agency.name).where(Agency.id.is_in(licensed)).order_by(
        Agency.name).order_by(Agency.id)


def _other_errors(errors: dict[str, str]) -> list[str]:
    return [message for key, message in errors.items()
            if key not in SHOWN_FIELDS and not key.startswith("worker_")]


async def _form_page(request: Request, values: dict, errors: dict[str, str], rows: int,
                     status: int = 200) -> Template:
    return Template("public/complaint_file.html", status_code=status,
                    headers=NO_STORE if request.method == "POST" else None, context=_context(
                        request, values=values, errors=errors, other_errors=_other_errors(errors),
                        worker_rows=rows, work_places=work_place_choices(), public=True,
                        agencies=await agency_choices(), document_slots=DOCUMENT_SLOTS))


def _wait_page(request: Request, message: str) -> Template:
    return Template("public/complaint_wait.html", status_code=429, headers={**NO_STORE, "retry-after": "900"},
                    context=_context(request, message=message))


def _track_page(request: Request, errors: dict[str, str], status: int = 200) -> Template:
    """The tracking form: never shows back what was typed, so every failed look-up answers the same."""
    return Template("public/complaint_track.html", status_code=status,
                    headers=NO_STORE if request.method == "POST" else None,
                    context=_context(request, errors=errors))


def _all_problems(data: ComplaintCreate, evidence: list[Evidence], row_of: list[int],
                  read_errors: dict[str, str]) -> dict[str, str]:
    """When the form itself could not be read (an amount, a number of months), still report everything else."""
    _values, _workers, found = intake.validate(data, True, today())
    for item in evidence:
        try:
            check(item.filename, item.data, "documents")
        except FormErrors as exc:
            found.update(exc.errors)
    return {**form_errors(found, row_of), **read_errors}


class PublicComplaintPages(Controller):
    path = "/complaint"
    tags = ["complaints"]
    include_in_schema = False

    @get("/")
    async def start(self, request: Request) -> Template:
        return Template("public/complaint_start.html", context=_context(request))

    @get("/file")
    async def file_form(self, request: Request) -> Template:
        return await _form_page(request, {}, {}, worker_rows(None))

    @post("/file", opt={"csrf_rerender": True}, request_max_body_size=UPLOAD_BODY_BYTES)
    async def file(self, request: Request) -> Template:
        """File from the form; any problem shows the form again as typed (files chosen again), nothing written."""
        form: FormMultiDict = await request.form()
        rows = worker_rows(form)
        values = form_values(form)
        if form_text(form, "add_row"):
            return await _form_page(request, values, {}, rows)  # one more row; nothing is filed
        client = address(request)
        if await tracking.throttled("file", client):
            return _wait_page(request, _("Too many complaints were sent from this connection in the last hour. "
                                         "Please try again later, or come to the labour inspection desk."))
        try:
            reject_stale_form(request)
            data, row_of, read_errors = parse_complaint(form)
            evidence = await read_evidence(form)
            if read_errors:
                raise FormErrors(_all_problems(data, evidence, row_of, read_errors))
            try:
                filed = await intake.file(None, data, evidence)
            except FormErrors as exc:
                raise FormErrors(form_errors(exc.errors, row_of)) from None
        except FormErrors as exc:
            await tracking.note_attempt("file", client, False)
            return await _form_page(request, values, exc.errors, rows, status=400)
        await tracking.note_attempt("file", client, True)
        return Template("public/complaint_receipt.html", headers=NO_STORE, context=_context(
            request, filed=filed, kind=data.kind,
            # A report opens only with the code (tracking.lookup): its reporter must not be guessable.
            by_id_number=bool(data.complainant_id_number.strip()) and data.kind == "complaint",
            desk=route_label(filed.route)))

    @get("/track")
    async def track_form(self, request: Request) -> Template:
        return _track_page(request, {})

    @post("/track", opt={"csrf_rerender": True})
    async def track(self, request: Request) -> Template:
        """Tracking number and second factor come in the body, so they never land in a URL or a log."""
        form: FormMultiDict = await request.form()
        number, factor = form_text(form, "tracking_no").strip(), form_text(form, "code").strip()
        if csrf_failed(request):
            return _track_page(request, {"": _("This form had expired, so nothing was done. Please send it again.")},
                               400)
        errors = {}
        if not number:
            errors["tracking_no"] = _("Enter the tracking number.")
        if not factor:
            errors["code"] = _("Enter the code given when the complaint was filed, or the last four characters of "
                               "the identity number.")
        if errors:
            return _track_page(request, errors, 400)
        try:
            found = await tracking.lookup(number[:100], factor[:100], address(request))
        except tracking.Throttled:
            return _wait_page(request, _("Too many attempts. Please try again later."))
        if found is None:
            return _track_page(request, {"": _("No complaint matches this tracking number and code.")}, 400)
        return Template("public/complaint_status.html", headers=NO_STORE, context=_context(request, view=found))

    @get("/print.js", media_type="text/javascript")
    async def print_script(self) -> Response:
        """The receipt's print button (the site's policy allows only its own scripts, none inline)."""
        return Response(PRINT_SCRIPT, media_type="text/javascript", headers={"cache-control": "public, max-age=3600"})

"""Excel import pages: the template, the upload form, the import's progress and result, its error report.

County clerks (their own county only) and administrators. The upload is checked at once (size, zip structure,
what it unpacks to); the import itself runs as a background task (workers.imports.jobs), whose page reloads
itself until it is done.
"""

from __future__ import annotations

import asyncio

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from export_mgmt.accounts.actor import Actor
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _
from export_mgmt.regions import is_shenyang_county
from export_mgmt.spreadsheets import XLSX_TYPE, _disposition
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.files import read_upload
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context
from export_mgmt.workers.imports import jobs
from export_mgmt.workers.imports.checks import MAX_FILE_BYTES, FileRefused, MiB, check_workbook
from export_mgmt.workers.imports.columns import BY_KEY
from export_mgmt.workers.imports.reader import MAX_ROWS
from export_mgmt.workers.imports.service import ALL_OR_NOTHING, MODES, VALID_ROWS, mode_label
from export_mgmt.workers.imports.template import template_bytes

# The request may carry the largest allowed file plus the form's other fields and multipart framing; a file over
# MAX_FILE_BYTES but under this limit gets the form's own message, a larger body the generic "too large" page.
MAX_BODY_BYTES = MAX_FILE_BYTES + 2 * MiB
REFRESH_SECONDS = 2


def _writer(actor: Actor) -> Actor:
    if not actor.can_write_workers:
        raise AccessDenied()
    return actor


def _form_page(request: Request, values: dict, errors: dict, status: int = 200) -> Template:
    return Template("workers/import.html", status_code=status, context=page_context(
        request, values=values, errors=errors, modes=[(m, mode_label(m)) for m in MODES],
        max_mb=MAX_FILE_BYTES // MiB, max_rows=MAX_ROWS))


class WorkerImportPages(Controller):
    path = "/workers/import"
    guards = [requires_login]
    tags = ["workers"]
    include_in_schema = False

    @get("/")
    async def form(self, request: Request, actor: CurrentActor) -> Template:
        _writer(actor)
        return _form_page(request, {"mode": ALL_OR_NOTHING}, {})

    @get("/template.xlsx")
    async def template(self, actor: CurrentActor) -> Response:
        _writer(actor)
        content = await asyncio.to_thread(template_bytes)
        return Response(content=content, media_type=XLSX_TYPE, headers={
            "Content-Disposition": _disposition(_("worker-import-template") + ".xlsx"),
            "Cache-Control": "private, no-store"})

    @post("/", opt={"csrf_rerender": True}, request_max_body_size=MAX_BODY_BYTES)
    async def upload(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        _writer(actor)
        form = await request.form()
        mode = str(form.get("mode") or "")
        county = "" if actor.county_scope else str(form.get("county_code") or "").strip()
        values = {"mode": mode if mode in MODES else ALL_OR_NOTHING, "county_code": county}
        try:
            reject_stale_form(request)
            filename, data = await read_upload(form, "file")
            if mode not in MODES:
                raise FormErrors({"mode": _("Choose how rows with errors are handled.")})
            if county and not is_shenyang_county(county):
                raise FormErrors({"county_code": _("Choose the county where the worker's household is registered.")})
            try:
                await asyncio.to_thread(check_workbook, data)
            except FileRefused as exc:
                raise FormErrors({"file": exc.message}) from None
            token = await jobs.start(actor, filename, data, mode, county)
            await jobs.wait(token)
            state = jobs.load(actor, token)
            if state["status"] == "refused":
                # Refused as a whole before anything was written: say so on the form, where the next try starts.
                jobs.discard(token)
                raise FormErrors({"file": state.get("message") or _("The file could not be imported.")})
        except FormErrors as exc:
            return _form_page(request, values, exc.errors, status=400)
        return Redirect(f"/workers/import/{token}")

    @get("/{token:str}")
    async def result(self, request: Request, actor: CurrentActor, token: FromPath[str]) -> Template:
        _writer(actor)
        state = await jobs.settled(actor, token)
        running = state["status"] in ("queued", "running")
        headers = {"Refresh": str(REFRESH_SECONDS)} if running else {}
        return Template("workers/import_result.html", headers=headers, context=page_context(
            request, state=state, running=running, refresh=REFRESH_SECONDS, mode_label=mode_label(state["mode"]),
            valid_rows=state["mode"] == VALID_ROWS, columns=BY_KEY))

    @get("/{token:str}/errors.xlsx")
    async def report(self, actor: CurrentActor, token: FromPath[str]) -> File:
        _writer(actor)
        path = jobs.report_path(actor, token)
        state = jobs.load(actor, token)
        stem = state["filename"].rsplit(".", 1)[0] or "import"
        return File(path=path, filename=f"{stem}-{_('errors')}.xlsx", media_type=XLSX_TYPE,
                    content_disposition_type="attachment",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})

"""Worker registry pages: list with filters, register, view with history, edit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context
from export_mgmt.workers import exports as worker_exports
from export_mgmt.workers import services
from export_mgmt.workers.forms import LANGUAGE_ROWS, SKILL_ROWS, form_values, parse_form, record_values, rows_shown
from export_mgmt.workers.schemas import WorkerUpdate
from export_mgmt.workers.validation import MAX_LANGUAGES, MAX_SKILLS


def _form_page(request: Request, actor: Actor, values: dict, errors: dict, worker_id: int | None = None,
               status: int = 200, extra: dict | None = None) -> Template:
    return Template("workers/form.html", status_code=status, context=page_context(
        request, values=values, errors=errors, worker_id=worker_id,
        skill_rows=rows_shown(values, "skills", SKILL_ROWS, MAX_SKILLS),
        language_rows=rows_shown(values, "languages", LANGUAGE_ROWS, MAX_LANGUAGES),
        duplicate_id=(extra or {}).get("duplicate_id")))


async def _submit(request: Request, actor: Actor, save: Callable[[WorkerUpdate], Awaitable[int]],
                  worker_id: int | None = None) -> Template | Redirect:
    """Register or update from the form; any problem shows the form again as typed, nothing written."""
    form = await request.form()
    data, errors = parse_form(form)
    try:
        reject_stale_form(request)
        if errors:
            raise FormErrors(errors)
        worker_id = await save(data)
    except FormErrors as exc:
        return _form_page(request, actor, form_values(form), exc.errors, worker_id, status=400, extra=exc.extra)
    return Redirect(f"/workers/{worker_id}")


class WorkerPages(Controller):
    path = "/workers"
    guards = [requires_login]
    tags = ["workers"]
    include_in_schema = False

    @get("/")
    async def list_workers(
        self, request: Request, actor: CurrentActor, q: FromQuery[str] = "", county: FromQuery[str] = "",
        township: FromQuery[str] = "", status: FromQuery[str] = "", skill: FromQuery[str] = "",
        intention: FromQuery[str] = "", group_4050: FromQuery[str] = "", page: FromQuery[str] = "1",
        format: FromQuery[str] = "",
    ) -> Template | Response:
        flt = services.WorkerFilter(q=q, county_code=county, township=township, status=status, skill=skill,
                                    intention=intention, group_4050=group_4050 == "1")
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await worker_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.search(actor, flt, page_number(page), size)
        return Template("workers/list.html", context=page_context(
            request, result=result, filter=flt, pages=page_count(result.total, size),
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/new")
    async def new_worker(self, request: Request, actor: CurrentActor) -> Template:
        if not actor.can_write_workers:
            raise AccessDenied()
        return _form_page(request, actor, {"county_code": actor.county_scope or "", "status": "available",
                                           "intention": "either", "education": "junior_secondary"}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def register(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        return await _submit(request, actor, lambda data: services.register(actor, data))

    @get("/{worker_id:int}")
    async def show(self, request: Request, actor: CurrentActor, worker_id: FromPath[int]) -> Template:
        worker = await services.get(actor, worker_id)
        history = await services.history(actor, worker_id)
        return Template("workers/detail.html", context=page_context(request, worker=worker, history=history))

    @get("/{worker_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, worker_id: FromPath[int]) -> Template:
        if not actor.can_write_workers:
            raise AccessDenied()
        worker = await services.get(actor, worker_id)
        return _form_page(request, actor, record_values(worker), {}, worker_id)

    @post("/{worker_id:int}/edit", opt={"csrf_rerender": True})
    async def update(self, request: Request, actor: CurrentActor, worker_id: FromPath[int]) -> Template | Redirect:
        await services.get(actor, worker_id, shown=False)  # out of scope: 404 before anything else

        async def save(data: WorkerUpdate) -> int:
            await services.update(actor, worker_id, data)
            return worker_id

        return await _submit(request, actor, save, worker_id)

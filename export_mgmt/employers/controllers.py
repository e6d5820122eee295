"""Employer pages: list with filters, add, view with history, edit and deactivate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.complaints import services as complaint_services
from export_mgmt.complaints.forms import LABELS as COMPLAINT_LABELS
from export_mgmt.employers import exports as employer_exports
from export_mgmt.employers import labels, services
from export_mgmt.employers.schemas import EmployerRead, EmployerUpdate
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.placements.programmes import COUNTRIES, programmes_for
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.templating import page_context


def _context(request: Request, actor: Actor, **context) -> dict:
    """What every employer page needs: the labels and what the actor may do here."""
    return page_context(request, employer_labels=labels, can_create=services.can_create(actor),
                        can_edit=services.can_edit(actor), **context)


def _programme_groups() -> list[tuple[str, list]]:
    """The programme choices, grouped by country, for the form's select."""
    return [(code, programmes_for(code)) for code in COUNTRIES if programmes_for(code)]


def _form_page(request: Request, actor: Actor, values: dict, errors: dict, employer_id: int | None = None,
               status: int = 200, extra: dict | None = None) -> Template:
    return Template("employers/form.html", status_code=status, context=_context(
        request, actor, values=values, errors=errors, employer_id=employer_id,
        programme_groups=_programme_groups(), duplicate_id=(extra or {}).get("duplicate_id")))


def parse_form(form: FormMultiDict, editing: bool) -> EmployerUpdate:
    values = {name: str(form.get(name) or "") for name in services.FIELDS}
    version = str(form.get("version") or "0")
    return EmployerUpdate(**values, version=int(version) if version.isdigit() else 0,
                          active=form.get("active") == "on" if editing else True)


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors."""
    return {key: str(form.get(key) or "") for key in form.keys() if key != "csrf_token"}


def record_values(employer: EmployerRead) -> dict:
    values = {name: str(getattr(employer, name)) for name in services.FIELDS}
    values["version"] = str(employer.version)
    values["active"] = "on" if employer.active else ""
    return values


async def _submit(request: Request, actor: Actor, save: Callable[[EmployerUpdate], Awaitable[int]],
                  employer_id: int | None = None) -> Template | Redirect:
    """Add or change from the form; any problem shows the form again as typed, nothing written."""
    form = await request.form()
    try:
        reject_stale_form(request)
        employer_id = await save(parse_form(form, editing=employer_id is not None))
    except FormErrors as exc:
        return _form_page(request, actor, form_values(form), exc.errors, employer_id, status=400, extra=exc.extra)
    return Redirect(f"/employers/{employer_id}")


async def _detail_page(request: Request, actor: Actor, employer_id: int, errors: dict | None = None,
                       status: int = 200) -> Template:
    employer = await services.get(actor, employer_id)
    history = await services.history(actor, employer_id)
    complaints = (await complaint_services.about(actor, employer_id=employer_id)
                  if actor.role in complaint_services.CITY_WIDE else None)
    return Template("employers/detail.html", status_code=status, context=_context(
        request, actor, employer=employer, history=history, errors=errors or {}, complaints=complaints,
        complaint_labels=COMPLAINT_LABELS))


class EmployerPages(Controller):
    path = "/employers"
    guards = [requires_login]
    tags = ["employers"]
    include_in_schema = False

    @get("/")
    async def list_employers(
        self, request: Request, actor: CurrentActor, q: FromQuery[str] = "", country: FromQuery[str] = "",
        kind: FromQuery[str] = "", active: FromQuery[str] = "", page: FromQuery[str] = "1",
        format: FromQuery[str] = "",
    ) -> Template | Response:
        flt = services.EmployerFilter(q=q, country=country, kind=kind, active=active)
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await employer_exports.download(request, actor, flt, format)
        size = get_settings().page_size
        result = await services.search(actor, flt, page_number(page), size)
        return Template("employers/list.html", context=_context(
            request, actor, result=result, filter=flt, pages=page_count(result.total, size),
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/new")
    async def new_employer(self, request: Request, actor: CurrentActor, country: FromQuery[str] = "") -> Template:
        if not services.can_create(actor):
            raise AccessDenied()
        country = country.strip().upper()
        if country not in COUNTRIES:
            country = "" if actor.role == Role.admin else "KR"
        kind = "domestic" if country == labels.DOMESTIC_COUNTRY else "foreign"
        return _form_page(request, actor, {"kind": kind, "country": country}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def create(self, request: Request, actor: CurrentActor) -> Template | Redirect:
        if not services.can_create(actor):
            raise AccessDenied()
        return await _submit(request, actor, lambda data: services.create(actor, data))

    @get("/{employer_id:int}")
    async def show(self, request: Request, actor: CurrentActor, employer_id: FromPath[int]) -> Template:
        return await _detail_page(request, actor, employer_id)

    @get("/{employer_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, employer_id: FromPath[int]) -> Template:
        if not services.can_edit(actor):
            raise AccessDenied()
        employer = await services.get(actor, employer_id)
        return _form_page(request, actor, record_values(employer), {}, employer_id)

    @post("/{employer_id:int}/edit", opt={"csrf_rerender": True})
    async def update(self, request: Request, actor: CurrentActor,
                     employer_id: FromPath[int]) -> Template | Redirect:
        if not services.can_edit(actor):
            raise AccessDenied()
        await services.get(actor, employer_id)  # no such employer: 404 before anything else

        async def save(data: EmployerUpdate) -> int:
            await services.update(actor, employer_id, data)
            return employer_id

        return await _submit(request, actor, save, employer_id)

    @post("/{employer_id:int}/active", opt={"csrf_rerender": True})
    async def set_active(self, request: Request, actor: CurrentActor,
                         employer_id: FromPath[int]) -> Template | Redirect:
        """The record page's deactivate / reactivate button."""
        if not services.can_edit(actor):
            raise AccessDenied()
        await services.get(actor, employer_id)
        form = await request.form()
        version = str(form.get("version") or "0")
        try:
            reject_stale_form(request)
            await services.set_active(actor, employer_id, form.get("active") == "1",
                                      int(version) if version.isdigit() else 0)
        except FormErrors as exc:
            return await _detail_page(request, actor, employer_id, exc.errors, status=400)
        return Redirect(f"/employers/{employer_id}")

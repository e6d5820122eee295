"""Broker pages of one agency: list, register, view with history, edit and strike off."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import brokers, services
from export_mgmt.agencies.exports import download_brokers
from export_mgmt.agencies.forms import broker_input, broker_values, context, form_values, strike_off_input
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import page_count, page_number
from export_mgmt.web.guards import CurrentActor, requires_login


def _form_page(request: Request, agency, values: dict, errors: dict, broker_id: int | None = None,
               status: int = 200, extra: dict | None = None) -> Template:
    return Template("agencies/broker_form.html", status_code=status, context=context(
        request, agency=agency, values=values, errors=errors, broker_id=broker_id,
        duplicate_id=(extra or {}).get("duplicate_id")))


async def broker_page(request: Request, actor: Actor, agency_id: int, broker_id: int, status: int = 200,
                      errors: dict | None = None, values: dict | None = None) -> Template:
    agency = await services.get(actor, agency_id)
    broker = await brokers.get(actor, broker_id, agency_id)
    return Template("agencies/broker.html", status_code=status, context=context(
        request, agency=agency, broker=broker, can_edit=services.can_manage_brokers(actor, agency_id),
        errors=errors or {}, values=values or {}, history=await brokers.history(actor, agency_id, broker_id)))


class BrokerPages(Controller):
    path = "/agencies/{agency_id:int}/brokers"
    guards = [requires_login]
    tags = ["agencies"]
    include_in_schema = False

    @get("/")
    async def list_brokers(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                           q: FromQuery[str] = "", status: FromQuery[str] = "", page: FromQuery[str] = "1",
                           format: FromQuery[str] = "") -> Template | Response:
        agency = await services.get(actor, agency_id)
        if exports.wanted(format):  # ?format=xlsx or csv: every row of this list, not a page of it
            return await download_brokers(request, actor, agency_id, q, status, format)
        size = get_settings().page_size
        result = await brokers.search(actor, agency_id=agency_id, q=q, status=status, page=page_number(page),
                                      page_size=size)
        return Template("agencies/broker_list.html", context=context(
            request, agency=agency, result=result, q=q, status=status, pages=page_count(result.total, size),
            can_edit=services.can_manage_brokers(actor, agency_id),
            query={k: v for k, v in request.query_params.items() if k != "page"}))

    @get("/new")
    async def new_broker(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        if not services.can_manage_brokers(actor, agency_id):
            raise AccessDenied()
        return _form_page(request, agency, {}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def create(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template | Redirect:
        agency = await services.get(actor, agency_id)
        if not services.can_manage_brokers(actor, agency_id):
            raise AccessDenied()
        form = await request.form()
        try:
            reject_stale_form(request)
            broker_id = await brokers.create(actor, agency_id, broker_input(form))
        except FormErrors as exc:
            return _form_page(request, agency, form_values(form), exc.errors, status=400, extra=exc.extra)
        return Redirect(f"/agencies/{agency_id}/brokers/{broker_id}")

    @get("/{broker_id:int}")
    async def show(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                   broker_id: FromPath[int]) -> Template:
        return await broker_page(request, actor, agency_id, broker_id)

    @get("/{broker_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                   broker_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        broker = await brokers.get(actor, broker_id, agency_id)
        if not services.can_manage_brokers(actor, agency_id):
            raise AccessDenied()
        return _form_page(request, agency, broker_values(broker), {}, broker_id)

    @post("/{broker_id:int}/edit", opt={"csrf_rerender": True})
    async def update(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                     broker_id: FromPath[int]) -> Template | Redirect:
        agency = await services.get(actor, agency_id)
        await brokers.get(actor, broker_id, agency_id, shown=False)
        if not services.can_manage_brokers(actor, agency_id):
            raise AccessDenied()
        form = await request.form()
        try:
            reject_stale_form(request)
            await brokers.update(actor, agency_id, broker_id, broker_input(form))
        except FormErrors as exc:
            return _form_page(request, agency, form_values(form), exc.errors, broker_id, status=400, extra=exc.extra)
        return Redirect(f"/agencies/{agency_id}/brokers/{broker_id}")

    @post("/{broker_id:int}/strike-off", opt={"csrf_rerender": True})
    async def strike_off(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                         broker_id: FromPath[int]) -> Template | Redirect:
        await brokers.get(actor, broker_id, agency_id, shown=False)
        form = await request.form()
        try:
            reject_stale_form(request)
            await brokers.strike_off(actor, agency_id, broker_id, strike_off_input(form))
        except FormErrors as exc:
            return await broker_page(request, actor, agency_id, broker_id, status=400, errors=exc.errors,
                                     values=form_values(form))
        return Redirect(f"/agencies/{agency_id}/brokers/{broker_id}")

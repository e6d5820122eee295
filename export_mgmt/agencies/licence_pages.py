"""Licence pages: record and correct a licence, change its status with a dated reason, keep its reserve
fund, and print its certificate with a QR code that opens the public verification page."""

from __future__ import annotations

from urllib.parse import quote

import segno
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import labels, licence_status, licences, reserve, services
from export_mgmt.agencies.forms import context, form_values, licence_input, licence_values, reserve_input, status_input
from export_mgmt.agencies.licences import OVERSEAS
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.guards import CurrentActor, requires_login


def _form_page(request: Request, agency, values: dict, errors: dict, licence_id: int | None = None,
               status: int = 200) -> Template:
    return Template("agencies/licence_form.html", status_code=status, context=context(
        request, agency=agency, values=values, errors=errors, licence_id=licence_id))


async def licence_page(request: Request, actor: Actor, agency_id: int, licence_id: int, status: int = 200,
                       **forms: object) -> Template:
    agency = await services.get(actor, agency_id)
    licence = await licences.get(actor, agency_id, licence_id)
    overseas = licence.kind == OVERSEAS
    values = {"status_errors": {}, "status_values": {}, "reserve_errors": {}, "reserve_values": {}, **forms}
    return Template("agencies/licence.html", status_code=status, context=context(
        request, agency=agency, licence=licence, transitions=labels.TRANSITIONS[licence.status],
        changes=await licences.status_changes(actor, agency_id, licence_id),
        reserve=await reserve.reserve_state(actor, agency_id, licence_id) if overseas else None,
        entries=await reserve.entries(actor, agency_id, licence_id) if overseas else [],
        can_manage=services.can_manage_agencies(actor),
        can_print=services.can_print_certificate(actor, agency_id),
        history=await licences.history(actor, agency_id, licence_id), **values))


class LicencePages(Controller):
    path = "/agencies/{agency_id:int}/licences"
    guards = [requires_login]
    tags = ["agencies"]
    include_in_schema = False

    @get("/new")
    async def new_licence(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        return _form_page(request, agency, {"kind": OVERSEAS, "scope": []}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def create(self, request: Request, actor: CurrentActor, agency_id: FromPath[int]) -> Template | Redirect:
        agency = await services.get(actor, agency_id)
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        form = await request.form()
        try:
            reject_stale_form(request)
            licence_id = await licences.create(actor, agency_id, licence_input(form))
        except FormErrors as exc:
            return _form_page(request, agency, form_values(form), exc.errors, status=400)
        return Redirect(f"/agencies/{agency_id}/licences/{licence_id}")

    @get("/{licence_id:int}")
    async def show(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                   licence_id: FromPath[int]) -> Template:
        return await licence_page(request, actor, agency_id, licence_id)

    @get("/{licence_id:int}/edit")
    async def edit(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                   licence_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        licence = await licences.get(actor, agency_id, licence_id)
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        return _form_page(request, agency, licence_values(licence), {}, licence_id)

    @post("/{licence_id:int}/edit", opt={"csrf_rerender": True})
    async def update(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                     licence_id: FromPath[int]) -> Template | Redirect:
        agency = await services.get(actor, agency_id)
        await licences.get(actor, agency_id, licence_id)
        if not services.can_manage_agencies(actor):
            raise AccessDenied()
        form = await request.form()
        try:
            reject_stale_form(request)
            await licences.update(actor, agency_id, licence_id, licence_input(form))
        except FormErrors as exc:
            return _form_page(request, agency, form_values(form), exc.errors, licence_id, status=400)
        return Redirect(f"/agencies/{agency_id}/licences/{licence_id}")

    @post("/{licence_id:int}/status", opt={"csrf_rerender": True})
    async def change_status(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                            licence_id: FromPath[int]) -> Template | Redirect:
        await licences.get(actor, agency_id, licence_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await licence_status.change_status(actor, agency_id, licence_id, status_input(form))
        except FormErrors as exc:
            return await licence_page(request, actor, agency_id, licence_id, status=400, status_errors=exc.errors,
                                      status_values=form_values(form))
        return Redirect(f"/agencies/{agency_id}/licences/{licence_id}")

    @post("/{licence_id:int}/reserve", opt={"csrf_rerender": True})
    async def add_reserve_entry(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                                licence_id: FromPath[int]) -> Template | Redirect:
        await licences.get(actor, agency_id, licence_id)
        form = await request.form()
        try:
            reject_stale_form(request)
            await reserve.add_entry(actor, agency_id, licence_id, reserve_input(form))
        except FormErrors as exc:
            return await licence_page(request, actor, agency_id, licence_id, status=400, reserve_errors=exc.errors,
                                      reserve_values=form_values(form))
        return Redirect(f"/agencies/{agency_id}/licences/{licence_id}#reserve")

    @get("/{licence_id:int}/certificate")
    async def certificate(self, request: Request, actor: CurrentActor, agency_id: FromPath[int],
                          licence_id: FromPath[int]) -> Template:
        agency = await services.get(actor, agency_id)
        licence = await licences.get(actor, agency_id, licence_id)
        if not services.can_print_certificate(actor, agency_id):
            raise AccessDenied()
        base = str(request.base_url).rstrip("/") + "/verify/licence/"
        url = base + quote(licence.number, safe="")
        qr_svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
        return Template("agencies/certificate.html", context=context(
            request, agency=agency, licence=licence, verify_url=url, verify_url_shown=base + licence.number,
            qr_svg=qr_svg))

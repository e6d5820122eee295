"""User administration pages for city administrators."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts import exports as user_exports
from export_mgmt.accounts import services
from export_mgmt.accounts.actor import Role
from export_mgmt.accounts.controllers import FormBody
from export_mgmt.audit import services as audit
from export_mgmt.errors import FormErrors
from export_mgmt.web import exports
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.guards import CurrentActor, requires_admin
from export_mgmt.web.templating import page_context

ROLES = [r.value for r in Role]


def _input(data: dict[str, str]) -> services.UserInput:
    return services.UserInput(
        username=data.get("username", ""), display_name=data.get("display_name", ""),
        role=data.get("role", ""), county_code=data.get("county_code", ""),
        agency_id=data.get("agency_id", ""), active=data.get("active") == "on", password=data.get("password", ""),
        email=data.get("email", ""),
    )


class UserAdminController(Controller):
    path = "/admin/users"
    guards = [requires_admin]
    tags = ["accounts"]
    include_in_schema = False

    async def _form(self, request: Request, values: dict, errors: dict, user_id: int | None = None,
                    status: int = 200, history: list | None = None) -> Template:
        return Template("accounts/user_form.html", status_code=status, context=page_context(
            request, values=values, errors=errors, user_id=user_id, roles=ROLES,
            agencies=await services.list_agencies(), history=history or []))

    @get("/")
    async def list_users(self, request: Request, actor: CurrentActor,
                         format: FromQuery[str] = "") -> Template | Response:
        if exports.wanted(format):  # ?format=xlsx or csv
            return await user_exports.download(request, actor, format)
        return Template("accounts/users.html",
                        context=page_context(request, users=await services.list_users(actor)))

    @get("/new")
    async def new_user(self, request: Request) -> Template:
        return await self._form(request, {"active": "on", "role": "county_clerk"}, {})

    @post("/new", opt={"csrf_rerender": True})
    async def create_user(self, request: Request, actor: CurrentActor, data: FormBody) -> Template | Redirect:
        try:
            reject_stale_form(request)
            user_id = await services.create_user(actor, _input(data))
        except FormErrors as exc:
            return await self._form(request, {**data, "password": ""}, exc.errors, status=400)
        return Redirect(f"/admin/users/{user_id}")

    @get("/{user_id:int}")
    async def edit_user(self, request: Request, actor: CurrentActor, user_id: FromPath[int]) -> Template:
        user = await services.get_user(actor, user_id)
        values = {**user, "agency_id": str(user["agency"] or ""), "county_code": user["county_code"] or "",
                  "active": "on" if user["active"] else ""}
        return await self._form(request, values, {}, user_id, history=await audit.history("user", user_id))

    @post("/{user_id:int}", opt={"csrf_rerender": True})
    async def update_user(self, request: Request, actor: CurrentActor, user_id: FromPath[int],
                          data: FormBody) -> Template | Redirect:
        user = await services.get_user(actor, user_id)
        try:
            reject_stale_form(request)
            await services.update_user(actor, user_id, _input(data), request.scope["state"].get("session_id"))
        except FormErrors as exc:
            values = {**data, "username": user["username"], "password": ""}
            return await self._form(request, values, exc.errors, user_id, status=400,
                                    history=await audit.history("user", user_id))
        return Redirect(f"/admin/users/{user_id}")

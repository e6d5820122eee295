"""Sign-in, sign-out, password change and the language switch."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from export_mgmt.accounts import services
from export_mgmt.accounts.actor import Actor
from export_mgmt.errors import FormErrors
from export_mgmt.i18n import SUPPORTED_LOCALES
from export_mgmt.web.csrf import reject_stale_form
from export_mgmt.web.forms import address, cookie, safe_next
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.session import LOCALE_COOKIE, SESSION_COOKIE
from export_mgmt.web.templating import page_context

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ONE_YEAR = 365 * 24 * 3600



class SessionController(Controller):
    path = "/"
    tags = ["accounts"]
    include_in_schema = False

    @get("/login")
    async def login_page(self, request: Request, next: FromQuery[str] = "/") -> Template:
        return Template("accounts/login.html", context=page_context(
            request, values={"username": ""}, errors={}, next=safe_next(next)))

    @post("/login", opt={"csrf_rerender": True})
    async def login(self, request: Request, data: FormBody) -> Template | Redirect:
        target = safe_next(data.get("next"))
        username = data.get("username", "")
        try:
            reject_stale_form(request)
            result = await services.authenticate(username, data.get("password", ""), address(request),
                                                 request.headers.get("user-agent", ""),
                                                 request.scope["state"].get("session_token"))
        except FormErrors as exc:
            return Template("accounts/login.html", status_code=400, context=page_context(
                request, values={"username": username}, errors=exc.errors, next=target))
        cookies = [cookie(SESSION_COOKIE, result.token)]
        if result.actor.locale:
            cookies.append(cookie(LOCALE_COOKIE, result.actor.locale, max_age=ONE_YEAR))
        return Redirect(target, cookies=cookies)

    @post("/logout")
    async def logout(self, request: Request) -> Redirect:
        token = request.scope["state"].get("session_token")
        if token:
            await services.logout(request.scope["state"].get("actor"), token)
        return Redirect("/login", cookies=[cookie(SESSION_COOKIE, "", max_age=0)])

    @post("/lang")
    async def switch_language(self, request: Request, data: FormBody) -> Redirect:
        locale = data.get("locale", "")
        target = safe_next(data.get("next"))
        if locale not in SUPPORTED_LOCALES:
            return Redirect(target)
        actor: Actor | None = request.scope["state"].get("actor")
        if actor:
            await services.set_locale(actor, locale)
        return Redirect(target, cookies=[cookie(LOCALE_COOKIE, locale, max_age=ONE_YEAR)])


class AccountController(Controller):
    path = "/account"
    guards = [requires_login]
    tags = ["accounts"]
    include_in_schema = False

    @get("/password")
    async def password_page(self, request: Request) -> Template:
        return Template("accounts/password.html", context=page_context(request, errors={}, done=False))

    @post("/password", opt={"csrf_rerender": True})
    async def change_password(self, request: Request, actor: CurrentActor, data: FormBody) -> Template:
        try:
            reject_stale_form(request)
            await services.change_password(actor, request.scope["state"]["session_id"],
                                           data.get("current_password", ""), data.get("new_password", ""),
                                           data.get("confirm_password", ""))
        except FormErrors as exc:
            return Template("accounts/password.html", status_code=400,
                            context=page_context(request, errors=exc.errors, done=False))
        return Template("accounts/password.html", context=page_context(request, errors={}, done=True))

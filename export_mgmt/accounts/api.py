"""JSON sign-in for API clients: the session cookie plus a CSRF token to send as X-CSRF-Token."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.exceptions import ClientException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from export_mgmt.accounts import services
from export_mgmt.accounts.actor import Actor
from export_mgmt.web.errors import ApiProblem
from export_mgmt.web.forms import address, cookie
from export_mgmt.web.guards import CurrentActor, requires_login
from export_mgmt.web.session import SESSION_COOKIE, csrf_token, csrf_token_for


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    password: str


class SessionOut(msgspec.Struct):
    username: str
    display_name: str
    role: str
    county_code: str | None
    agency_id: int | None
    csrf_token: str


def _out(actor: Actor, csrf: str) -> SessionOut:
    return SessionOut(username=actor.username, display_name=actor.display_name, role=actor.role,
                      county_code=actor.county_code, agency_id=actor.agency_id, csrf_token=csrf)


class SessionApi(Controller):
    path = "/api/v1/session"
    tags = ["session"]

    # A cross-site page cannot send application/json without a CORS preflight, which this API
    # never grants; that is what protects sign-in here instead of a token the client has not got yet.
    @post("/", opt={"csrf_exempt": True}, summary="Sign in",
          responses={415: ResponseSpec(ApiProblem, description="The body is not application/json.")})
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response[SessionOut]:
        if request.content_type[0] != "application/json":
            raise ClientException(status_code=415)
        result = await services.authenticate(data.username, data.password, address(request),
                                             request.headers.get("user-agent", ""),
                                             request.scope["state"].get("session_token"))
        body = _out(result.actor, csrf_token_for(result.token))
        return Response(body, status_code=201, cookies=[cookie(SESSION_COOKIE, result.token)])

    @get("/", guards=[requires_login], summary="Who is signed in")
    async def current(self, request: Request, actor: CurrentActor) -> SessionOut:
        return _out(actor, csrf_token(request.scope["state"]))

    @delete("/", guards=[requires_login], summary="Sign out", status_code=204)
    async def logout(self, request: Request, actor: CurrentActor) -> Response[None]:
        await services.logout(actor, request.scope["state"]["session_token"])
        return Response(None, status_code=204, cookies=[cookie(SESSION_COOKIE, "", max_age=0)])

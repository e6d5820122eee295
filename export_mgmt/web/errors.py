"""Error pages and JSON errors, translated, for pages and the API alike."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import msgspec
from asyncpg.exceptions import DataError
from litestar import Litestar, MediaType, Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from export_mgmt.audit import services as audit
from export_mgmt.db import is_unavailable
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, _, negotiate, set_locale
from export_mgmt.logs import mask_identity_numbers
from export_mgmt.web.csrf import CsrfRejected
from export_mgmt.web.session import LOCALE_COOKIE
from export_mgmt.web.templating import page_context

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5  # the database being away: how soon a client may try again
log = logging.getLogger("export_mgmt.web")


def _messages(status: int) -> tuple[str, str]:
    table = {
        400: (_("Bad request"), _("The request could not be understood.")),
        401: (_("Please sign in"), _("You need to sign in to see this page.")),
        403: (_("Not allowed"), _("Your account may not do this.")),
        404: (_("Not found"), _("There is no such page or record, or it is outside your area.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        503: (_("Database unavailable"), _("The database is not available just now. Please try again in a moment.")),
    }
    return table.get(status, (_("Something went wrong"), _("The error was logged. Please try again later.")))


def _respond(request: Request, status: int, detail: str | None = None, extra: dict | None = None,
             headers: dict[str, str] | None = None, background: BackgroundTask | None = None) -> Response:
    title, message = _messages(status)
    message = detail or message
    if request.url.path.startswith(API_PREFIX):
        return Response({"status": status, "title": title, "detail": message, **(extra or {})},
                        status_code=status, media_type=MediaType.JSON, headers=headers, background=background)
    return Template("error.html", context=page_context(request, title=title, message=message, status=status),
                    status_code=status, headers=headers, background=background)


def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    if "locale" not in request.scope.get("state", {}):
        # The session could not be read, so neither could the user's language: the browser's, then the default.
        chosen = request.cookies.get(LOCALE_COOKIE)
        set_locale(chosen if chosen in SUPPORTED_LOCALES else
                   negotiate(request.headers.get("accept-language")) or DEFAULT_LOCALE)
    return _respond(request, HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _audited_refusal(request: Request, action: str) -> BackgroundTask | None:
    """The audit row of a refusal, written once the answer has gone (handlers here cannot wait). Anonymous
    visitors are sent to sign in, so only signed-in people's refusals are written."""
    actor = request.scope.get("state", {}).get("actor")
    if actor is None:
        return None
    return BackgroundTask(audit.record_refusal, actor, action, request.method,
                          mask_identity_numbers(request.url.path))


def handle_http(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, NotAuthorizedException) and not request.url.path.startswith(API_PREFIX):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target)}")
    if isinstance(exc, CsrfRejected):
        return _respond(request, 403, _("This form has expired or did not come from this site. "
                                        "Go back, reload the page and send it again."))
    if isinstance(exc, ValidationException):
        extra = {"errors": exc.extra} if exc.extra and request.url.path.startswith(API_PREFIX) else None
        return _respond(request, 400, _("Some fields are missing or have the wrong type."), extra)
    if isinstance(exc, PermissionDeniedException):
        return _respond(request, status, background=_audited_refusal(request, "access_denied"))
    if isinstance(exc, HTTPException):
        return _respond(request, status)
    if is_unavailable(exc):
        return _database_unavailable(request, exc)
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR)


def handle_out_of_range(request: Request, exc: Exception) -> Response:
    """A number in the address or the input too large for the database's integers (an id no record can have):
    SQLite's driver raises OverflowError, asyncpg a DataError caused by one. The request is at fault, not the server.
    Any other DataError is the server's."""
    if not isinstance(exc, OverflowError) and not isinstance(exc.__cause__, OverflowError):
        return handle_http(request, exc)
    log.warning("number out of the database's range on %s %s: %s", request.method, request.url.path, exc)
    return _respond(request, 400)


def handle_not_found(request: Request, exc: Exception) -> Response:
    return _respond(request, 404, background=_audited_refusal(request, "not_in_scope"))


def handle_denied(request: Request, exc: Exception) -> Response:
    return _respond(request, 403, background=_audited_refusal(request, "access_denied"))


def handle_form_errors(request: Request, exc: FormErrors) -> Response:
    """Only the API reaches this: pages catch FormErrors and show the form again."""
    return _respond(request, 422, _("Please correct the marked fields."), {"errors": exc.errors, **exc.extra})


EXCEPTION_HANDLERS = {
    HTTPException: handle_http,
    RecordNotFound: handle_not_found,
    AccessDenied: handle_denied,
    FormErrors: handle_form_errors,
    OverflowError: handle_out_of_range,
    DataError: handle_out_of_range,
    HTTP_500_INTERNAL_SERVER_ERROR: handle_http,
}


class ApiProblem(msgspec.Struct):
    """What every API error answers: the status, a translated title and message, and for bad input the fields."""

    status: int
    title: str
    detail: str
    # Input that does not parse: a list of {message, key, source}; input a service refuses: {field: message}.
    errors: list[dict[str, Any]] | dict[str, str] | None = None


# Every API operation can answer these: the input does not parse, no one is signed in, the role or the CSRF token
# does not allow it, the record is not there or outside the caller's area, a service refuses the input.
_API_ERRORS = {
    400: "The input does not parse.",
    401: "No one is signed in, or the token is not valid.",
    403: "The caller's role, area or CSRF token does not allow this.",
    404: "There is no such record, or it is outside the caller's area.",
    422: "The input was refused; errors names the fields.",
}


def document_api_errors(app: Litestar) -> None:
    """The API's errors are ApiProblem bodies (the handlers above), not Litestar's own error shape, which the
    schema would otherwise describe; each API operation's schema says so, beside anything it documents itself."""
    specs = {status: ResponseSpec(data_container=ApiProblem, description=text) for status, text in _API_ERRORS.items()}
    for route in app.routes:
        if not route.path.startswith(API_PREFIX):
            continue
        for handler in getattr(route, "route_handlers", ()):
            if hasattr(handler, "__dict__"):
                handler.responses = {**specs, **(handler.responses or {})}

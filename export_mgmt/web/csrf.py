"""CSRF check for every state-changing request: a form field or the X-CSRF-Token header."""

from __future__ import annotations

import hmac

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from export_mgmt.errors import FormErrors
from export_mgmt.i18n import _
from export_mgmt.web.session import csrf_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfRejected(PermissionDeniedException):
    """The form was stale (e.g. opened before signing in) or forged."""


async def verify_csrf(request: Request) -> None:
    """App-wide before_request hook, so no handler can forget it.

    A handler marked opt={"csrf_rerender": True} gets request.state.csrf_failed instead of an
    error page, and shows its form again with what the user typed and a fresh token.
    """
    if request.method in SAFE_METHODS or request.route_handler.opt.get("csrf_exempt"):
        return None
    if request.scope.get("state", {}).get("auth") == "token":
        return None  # bearer-token API calls carry no cookies, so a forged cross-site request has no credential
    sent = request.headers.get(HEADER)
    if not sent and request.content_type[0] in FORM_TYPES:
        sent = (await request.form()).get(FIELD)
    expected = csrf_token(request.scope.get("state", {}))
    if sent and expected and hmac.compare_digest(str(sent), expected):
        return None
    if request.route_handler.opt.get("csrf_rerender"):
        request.state.csrf_failed = True
        return None
    raise CsrfRejected()


def csrf_failed(request: Request) -> bool:
    return bool(getattr(request.state, "csrf_failed", False))


def reject_stale_form(request: Request) -> None:
    """First step of every re-rendering form handler: a stale form is shown again, nothing is done."""
    if csrf_failed(request):
        raise FormErrors({"": _("This form had expired, so nothing was done. Please send it again.")})

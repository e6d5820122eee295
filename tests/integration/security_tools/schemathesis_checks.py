"""A check schemathesis runs (loaded through SCHEMATHESIS_HOOKS): without a valid session or token, refused."""

from __future__ import annotations

import re

import schemathesis

PUBLIC = {("POST", "/api/v1/session")}  # signing in


def _no_such_address(case) -> bool:
    """A path whose {id:int} is not a number matches no route: 404 before any handler, nothing to guard."""
    parameters = case.operation.definition.raw.get("parameters", [])
    numeric = {p["name"] for p in parameters if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"}
    return any(not re.fullmatch(r"-?\d+", str(value)) for name, value in (case.path_parameters or {}).items()
               if name in numeric)


@schemathesis.check
def signed_out_is_refused(ctx, response, case):
    method = case.method.upper()
    if method != case.operation.method.upper() or (method, case.path) in PUBLIC:
        return None  # a method the path does not have (405), or the sign-in itself
    if response.status_code == 404 and _no_such_address(case):
        return None
    if response.status_code not in (401, 403):
        raise AssertionError(f"{method} {case.path} answered {response.status_code} without a valid session or token")
    return None

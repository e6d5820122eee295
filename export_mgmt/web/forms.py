"""Small helpers that page handlers share: safe redirects, cookies, paging."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import Cookie

from export_mgmt.settings import get_settings
from export_mgmt.web.session import client_address


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: an open redirect after sign-in is a phishing tool."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def cookie(key: str, value: str, max_age: int | None = None) -> Cookie:
    return Cookie(key=key, value=value, path="/", httponly=True, samesite="lax", max_age=max_age,
                  secure=get_settings().secure_cookies)


def address(request: Request) -> str:
    return client_address(request.scope)


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def year_number(raw: str | None) -> int | None:
    """A year from the query string or a form: four digits, else None (the caller says which years it allows)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


def page_count(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))

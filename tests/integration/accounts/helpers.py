"""What the account tests share: a second browser on demand, form posts, translated text and table rows."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
from markupsafe import escape

from export_mgmt.i18n import _translations
from export_mgmt.idnumber import make_number
from tests.conftest import PASSWORD, csrf_from

BASE_URL = "http://testserver.local"
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)


@asynccontextmanager
async def browser(app, cookies: dict[str, str] | None = None,
                  address: str = "127.0.0.3") -> AsyncIterator[httpx.AsyncClient]:
    """A fresh browser, optionally holding cookies copied from somewhere else (e.g. an old session)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL, cookies=cookies) as fresh:
        yield fresh


def translated(message: str, locale: str = "zh_CN", **params: object) -> str:
    """The message as the page shows it in that locale (whatever the catalog holds today), HTML-escaped."""
    text = _translations(locale).gettext(message)
    return str(escape(text % params if params else text))


async def is_signed_in(client: httpx.AsyncClient) -> bool:
    """A page only signed-in people see: 200 when signed in, a redirect to /login otherwise."""
    response = await client.get("/account/password")
    if response.status_code == 200:
        return True
    assert response.status_code in (302, 303), response.status_code
    assert response.headers["location"].startswith("/login")
    return False


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, str],
                    token: str | None = None, token_page: str | None = None) -> httpx.Response:
    """POST a form; with token_page the CSRF token is taken from that page first, as a browser would."""
    fields = dict(data)
    if token_page is not None:
        token = csrf_from((await client.get(token_page)).text)
    if token is not None:
        fields["csrf_token"] = token
    return await client.post(path, data=fields, follow_redirects=False)


async def sign_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD,
                  next_page: str = "/") -> httpx.Response:
    return await post_form(client, "/login", {"username": username, "password": password, "next": next_page},
                           token_page="/login")


def table_rows(html: str) -> list[str]:
    """The body rows of the page's first data table."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return ROW_RE.findall(body)


def has_field_error(html: str, field: str) -> bool:
    return f'id="{field}-error"' in html


def worker_payload(sequence: int = 123) -> dict:
    """A valid worker of 辽中区 for the JSON API."""
    return {"id_number": make_number("210115", dt.date(1985, 3, 1), sequence), "name": "张三",
            "county_code": "210115"}

"""The user list as a download (administrators only, as the page): every account, never a password hash."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts import services
from export_mgmt.accounts.actor import Actor
from export_mgmt.accounts.labels import ROLES
from export_mgmt.i18n import N_, _
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, county, field, label, local_time, yes_no

COLUMNS = [
    Column(N_("User name"), field("username")),
    Column(N_("Name"), field("display_name")),
    Column(N_("E-mail"), field("email")),
    Column(N_("Role"), label(ROLES, "role")),
    Column(N_("County"), county("county_code")),
    Column(N_("Agency"), lambda r: r["agency_name"] or ""),
    Column(N_("Active"), yes_no("active")),
    Column(N_("Last sign-in"), local_time("last_login_at")),
]


async def download(request: Request, actor: Actor, fmt: str) -> Response:
    users = await services.list_users(actor)  # the accounts are few: the page lists them all too
    return await exports.download(fmt, name="users", title=_("Users"), columns=COLUMNS, rows=users,
                                  total=len(users), actor=actor, request=request)

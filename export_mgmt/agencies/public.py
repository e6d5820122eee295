"""Public licence verification pages: no sign-in, no personal data, plain and printable."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from export_mgmt.agencies import verification
from export_mgmt.agencies.forms import context
from export_mgmt.followups.compliance import percent
from export_mgmt.ratings.services import public_summaries


class VerifyPages(Controller):
    path = "/verify"
    tags = ["agencies"]
    include_in_schema = False

    @get("/")
    async def search(self, request: Request, q: FromQuery[str] = "") -> Template:
        q = q.strip()[:100]
        results = await verification.search(q) if q else []
        ratings = await public_summaries([a.id for a in results])
        return Template("public/verify.html", context=context(request, q=q, results=results, searched=bool(q),
                                                              ratings=ratings, rating_percent=percent))

    @get("/licence/{number:str}")
    async def licence(self, request: Request, number: FromPath[str]) -> Template:
        found = await verification.licence(number[:100])
        agency, licence = found if found else (None, None)
        ratings = await public_summaries([agency.id]) if agency else {}
        return Template("public/licence.html", status_code=200 if found else 404, context=context(
            request, number=number[:100], agency=agency, licence=licence, ratings=ratings, rating_percent=percent))

"""Public complaint pages (being built)."""

from litestar import Controller


class PublicComplaintPages(Controller):
    path = "/complaint"
    include_in_schema = False

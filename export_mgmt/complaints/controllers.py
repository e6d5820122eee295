"""Complaint desk pages (being built)."""

from litestar import Controller

from export_mgmt.web.guards import requires_login


class ComplaintPages(Controller):
    path = "/complaints"
    guards = [requires_login]
    include_in_schema = False

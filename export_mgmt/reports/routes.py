"""Route handlers of the reports domain, collected for create_app()."""

from export_mgmt.reports.controllers import ReportPages

ROUTES: list = [ReportPages]

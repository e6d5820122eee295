"""Route handlers of the dashboards, collected for create_app()."""

from export_mgmt.dashboards.controllers import DashboardPages

ROUTES: list = [DashboardPages]

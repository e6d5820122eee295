"""Route handlers of the workdays domain, collected for create_app()."""

from export_mgmt.workdays.controllers import CalendarPages

ROUTES: list = [CalendarPages]

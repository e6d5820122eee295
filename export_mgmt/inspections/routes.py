"""Route handlers of the inspections domain, collected for create_app()."""

from export_mgmt.inspections.api import CaseApi
from export_mgmt.inspections.controllers import CasePages

ROUTES: list = [CasePages, CaseApi]

"""Route handlers of the employers domain, collected for create_app()."""

from export_mgmt.employers.api import EmployerApi
from export_mgmt.employers.controllers import EmployerPages

ROUTES: list = [EmployerPages, EmployerApi]

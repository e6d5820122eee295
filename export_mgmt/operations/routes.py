"""Route handlers of the operations domain, collected for create_app()."""

from export_mgmt.operations.controllers import JobPages

ROUTES: list = [JobPages]

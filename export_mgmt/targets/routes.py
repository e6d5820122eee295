"""Route handlers of the targets domain, collected for create_app()."""

from export_mgmt.targets.controllers import TargetPages

ROUTES: list = [TargetPages]

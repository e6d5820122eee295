"""Route handlers of the placements domain, collected for create_app()."""

from export_mgmt.placements.api import FeeApi, PlacementApi
from export_mgmt.placements.controllers import PlacementPages

ROUTES: list = [PlacementPages, PlacementApi, FeeApi]

"""Route handlers of the followups domain, collected for create_app()."""

from export_mgmt.followups.api import FollowUpApi, PlacementFollowUpApi
from export_mgmt.followups.controllers import FollowUpPages, PlacementFollowUpPages

ROUTES: list = [FollowUpPages, PlacementFollowUpPages, FollowUpApi, PlacementFollowUpApi]

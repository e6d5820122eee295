"""Route handlers of the ratings domain, collected for create_app()."""

from export_mgmt.ratings.controllers import RatingPages, RatingScalePages

ROUTES: list = [RatingPages, RatingScalePages]

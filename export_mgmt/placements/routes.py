"""Route handlers of the placements domain, collected for create_app()."""

ROUTES: list = []

"""Route handlers of the agencies domain, collected for create_app()."""

ROUTES: list = []

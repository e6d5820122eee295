"""Route handlers of the employers domain, collected for create_app()."""

ROUTES: list = []

"""Route handlers of the notifications domain, collected for create_app()."""

from export_mgmt.notifications.controllers import NotificationPages

ROUTES: list = [NotificationPages]

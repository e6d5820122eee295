"""Route handlers of the complaints domain, collected for create_app()."""

from export_mgmt.complaints.controllers import ComplaintPages
from export_mgmt.complaints.public import PublicComplaintPages

ROUTES: list = [ComplaintPages, PublicComplaintPages]

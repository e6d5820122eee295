"""Follow-up codes as people read them (translated where shown)."""

from export_mgmt.followups.schedule import KINDS
from export_mgmt.i18n import N_

STATUS = {
    "pending": N_("Due"),
    "overdue": N_("Overdue"),
    "done": N_("Done"),
    "cancelled": N_("No longer due"),
}

METHODS = {
    "phone": N_("Phone call"),
    "video": N_("Video call"),
    "visit": N_("Visit"),
    "employer": N_("Through the employer"),
    "self_report": N_("Worker's own report"),
}

WORKER_STATUSES = {
    "working": N_("Working normally"),
    "wages_unpaid": N_("Wages late or unpaid"),
    "injury": N_("Injury or illness"),
    "dispute": N_("Contract dispute or substitution"),
    "changed_employer": N_("Changed employer"),
    "returned_early": N_("Returned early"),
    "completed": N_("Contract completed"),
}

# Findings that call for action: the follow-up offers to open an inspection case.
PROBLEMS = frozenset({"wages_unpaid", "injury", "dispute", "changed_employer"})

__all__ = ["KINDS", "STATUS", "METHODS", "WORKER_STATUSES", "PROBLEMS"]

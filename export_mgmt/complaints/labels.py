"""Complaint codes as people read them (translated where shown)."""

from export_mgmt.i18n import N_

KINDS = {"complaint": N_("Complaint (by or for the worker)"), "report": N_("Report (anyone; may be anonymous)")}

CHANNELS = {
    "online": N_("Online form"),
    "walk_in": N_("At the desk"),
    "phone": N_("By telephone"),
    "letter": N_("By letter"),
}
ORAL_CHANNELS = ("walk_in", "phone")

RELATIONSHIPS = {
    "self": N_("The worker"),
    "family": N_("Family member"),
    "representative": N_("Representative of the workers"),
    "colleague": N_("Colleague"),
    "other": N_("Other"),
}

STATUS = {
    "received": N_("Received, awaiting decision"),
    "supplement_requested": N_("Waiting for the complainant to supplement"),
    "rejected": N_("Not accepted"),
    "accepted": N_("Accepted and filed"),
    "investigating": N_("Under investigation"),
    "rectification_ordered": N_("Rectification ordered"),
    "payment_ordered": N_("Ordered to pay with additional compensation"),
    "transferred": N_("Transferred to the police"),
    "closed": N_("Closed"),
}

# 劳动保障监察条例 and its implementing provisions: why a complaint is not accepted.
REJECT_REASONS = {
    "too_old": N_("The violation ended more than two years before the complaint"),
    "not_jurisdiction": N_("Not within this bureau's jurisdiction"),
    "labour_dispute": N_("A labour dispute for arbitration or the courts"),
}

OUTCOMES = {
    "paid": N_("Wages paid in full"),
    "partly_paid": N_("Wages partly paid"),
    "penalty": N_("Administrative penalty imposed"),
    "cancelled": N_("Case cancelled: minor and corrected"),
    "unsubstantiated": N_("Not substantiated"),
    "withdrawn": N_("Withdrawn by the complainant"),
    "police": N_("Handled by the police"),
}

DOCUMENT_KINDS = {
    "id_copy": N_("Identity document copy"),
    "contract": N_("Labour contract"),
    "pay_slips": N_("Pay slips or bank statements"),
    "attendance": N_("Attendance records"),
    "iou": N_("IOU or acknowledgement of debt"),
    "witness": N_("Witness statement"),
    "other": N_("Other evidence"),
}

ROUTES = {"CITY": N_("City desk"), "OVERSEAS": N_("Overseas desk")}  # besides the county offices by code

WORK_PLACES = {"ABROAD": N_("Abroad"), "OUTSIDE": N_("Elsewhere in China (outside the city)")}

DEADLINE_KINDS = {
    "decide_by": N_("Decide whether to accept"),
    "investigate_by": N_("Finish the investigation"),
    "rectify_by": N_("Rectification deadline"),
}

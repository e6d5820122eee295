"""Inspection-case codes as people read them (translated where shown)."""

from export_mgmt.i18n import N_

STATUS = {
    "opened": N_("Opened"),
    "investigating": N_("Under investigation"),
    "rectification_ordered": N_("Rectification ordered"),
    "closed": N_("Closed"),
    "referred": N_("Referred"),
    # Its own msgid: a licence's "Cancelled" (注销) is another word than a case's (撤销).
    "cancelled": N_("Cancelled (case)"),
}

SOURCES = {
    "follow_up": N_("Follow-up finding"),
    "complaint": N_("Complaint"),
    "report": N_("Report from the public"),
    "routine": N_("Routine inspection"),
    "campaign": N_("Special campaign"),
}

FINDINGS = {
    "wages_unpaid": N_("Wages late or unpaid"),
    "unreachable": N_("Worker unreachable"),
    "injury": N_("Injury or illness"),
    "dispute": N_("Contract dispute or substitution"),
    "changed_employer": N_("Changed employer"),
    "other": N_("Other violation"),
}

RESPONDENTS = {"employer": N_("Employer"), "agency": N_("Agency")}

REFERRAL_TARGETS = {
    "sending_agency": N_("Sending agency"),
    "commerce": N_("Commerce department"),
    "embassy": N_("Embassy or consulate"),
    "police": N_("Public security (police)"),
    "other_office": N_("Inspection office where the work is done"),
}

# Besides the county offices of the city (by county code).
JURISDICTIONS = {
    "CITY": N_("City inspection team"),
    "OUTSIDE": N_("Outside the city (referred)"),
    "ABROAD": N_("Abroad (referral to the sending agency and commerce department)"),
}

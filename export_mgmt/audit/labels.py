"""Translated names for what the audit trail records: record types, actions, fields and coded values."""

from export_mgmt.accounts.labels import ROLES
from export_mgmt.employers import labels as employer_labels
from export_mgmt.i18n import N_
from export_mgmt.workers import labels as worker_labels

ENTITIES = {
    "worker": N_("Worker"),
    "user": N_("User"),
    "demo": N_("Demo data"),
    "employer": N_("Employer"),
}

ACTIONS = {
    "created": N_("Created"),
    "updated": N_("Changed"),
    "login": N_("Signed in"),
    "logout": N_("Signed out"),
    "password_changed": N_("Password changed"),
    "locale_changed": N_("Language changed"),
    "loaded": N_("Loaded"),
}

FIELDS = {
    "id_number": N_("Identity number"),
    "name": N_("Name"),
    "sex": N_("Sex"),
    "id_region_code": N_("Region on the identity number"),
    "county_code": N_("County"),
    "township_code": N_("Township (coded)"),
    "township_name": N_("Township (as written)"),
    "village": N_("Village"),
    "phone": N_("Phone"),
    "education": N_("Education"),
    "health_check_date": N_("Health check date"),
    "health_check_result": N_("Health check result"),
    "training": N_("Training received"),
    "intention": N_("Intention"),
    "preferred_destinations": N_("Preferred destinations"),
    "status": N_("Status"),
    "notes": N_("Notes"),
    "skills": N_("Skills"),
    "languages": N_("Languages"),
    "username": N_("User name"),
    "display_name": N_("Name"),
    "role": N_("Role"),
    "agency": N_("Agency"),
    "active": N_("Active"),
    "locale": N_("Language"),
    "password": N_("Password"),
    "workers": N_("Workers"),
    "users": N_("Users"),
    "kind": N_("Type"),
    "country": N_("Country"),
    "region": N_("City or province"),
    "destination_group": N_("Destination group"),
    "registration_no": N_("Registration number"),
    "sector": N_("Sector"),
    "address": N_("Address"),
    "contact": N_("Contact"),
    "programme": N_("Programme"),
}

# Coded values shown with their label instead of the code.
VALUES = {
    "status": worker_labels.STATUS,
    "education": worker_labels.EDUCATION,
    "intention": worker_labels.INTENTION,
    "health_check_result": worker_labels.HEALTH,
    "sex": worker_labels.SEX,
    "role": ROLES,
    "kind": employer_labels.KIND,
    "country": employer_labels.COUNTRIES,
    "destination_group": employer_labels.DOMESTIC_GROUPS,
    "sector": employer_labels.SECTORS,
    "programme": employer_labels.PROGRAMME_LABELS,
}

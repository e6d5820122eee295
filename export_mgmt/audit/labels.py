"""Translated names for what the audit trail records: record types, actions, fields and coded values."""

from export_mgmt.accounts.labels import ROLES
from export_mgmt.agencies import labels as agency_labels
from export_mgmt.employers import labels as employer_labels
from export_mgmt.i18n import N_
from export_mgmt.placements import lifecycle as placement_lifecycle
from export_mgmt.placements.fees import FLAGS as FEE_FLAGS
from export_mgmt.workers import labels as worker_labels

ENTITIES = {
    "agency": N_("Agency"),
    "licence": N_("Licence"),
    "broker": N_("Broker"),
    "api_token": N_("API token"),
    "worker": N_("Worker"),
    "user": N_("User"),
    "demo": N_("Demo data"),
    "employer": N_("Employer"),
    "placement": N_("Placement"),
}

ACTIONS = {
    "struck_off": N_("Struck off"),
    "issued": N_("Issued"),
    "revoked": N_("Revoked"),
    "reserve_entry": N_("Reserve fund entry"),
    "expired": N_("Expired"),
    "created": N_("Created"),
    "updated": N_("Changed"),
    "login": N_("Signed in"),
    "logout": N_("Signed out"),
    "password_changed": N_("Password changed"),
    "locale_changed": N_("Language changed"),
    "loaded": N_("Loaded"),
    "status_changed": N_("Status changed"),
    "fee_added": N_("Fee recorded"),
    "document_added": N_("Document uploaded"),
}

FIELDS = {
    "credit_code": N_("Unified social credit code"),
    "legal_representative": N_("Legal representative"),
    "contact_name": N_("Contact person"),
    "contact_phone": N_("Contact phone"),
    "contact_email": N_("Contact e-mail"),
    "licence_kind": N_("Licence type"),
    "number": N_("Number"),
    "scope": N_("Scope"),
    "issuing_authority": N_("Issuing authority"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "licence_status": N_("Licence status"),
    "status_reason": N_("Reason"),
    "status_changed_on": N_("Effective date"),
    "reserve_required": N_("Reserve fund required (yuan)"),
    "reserve_kind": N_("Reserve fund entry"),
    "amount": N_("Amount (yuan)"),
    "on_date": N_("Date"),
    "note": N_("Note"),
    "reserve_held": N_("Reserve fund held (yuan)"),
    "certificate_no": N_("Certificate number"),
    "broker_status": N_("Broker status"),
    "struck_off_on": N_("Struck off on"),
    "struck_off_reason": N_("Reason for striking off"),
    "revoked_at": N_("Revoked at"),
    "count": N_("Number of records"),
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
    "worker": N_("Worker"),
    "broker": N_("Broker"),
    "employer": N_("Employer"),
    "destination_country": N_("Destination country"),
    "destination_city": N_("Destination city or province"),
    "job_title": N_("Job title"),
    "contract_start": N_("Contract start"),
    "contract_end": N_("Contract end"),
    "wage_currency": N_("Wage currency"),
    "basic_wage": N_("Basic monthly wage (minor units)"),
    "gross_wage": N_("Gross monthly wage (minor units)"),
    "departure_date": N_("Departure date"),
    "accident_insurance": N_("Accident insurance"),
    "insurance_policy_no": N_("Policy number"),
    "fee": N_("Fee"),
    "flag": N_("Assessment"),
    "document": N_("Document"),
}

# Coded values shown with their label instead of the code.
VALUES = {
    "licence_kind": agency_labels.LICENCE_KINDS,
    "licence_status": agency_labels.LICENCE_STATUS,
    "reserve_kind": agency_labels.RESERVE_KINDS,
    "broker_status": agency_labels.BROKER_STATUS,
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
    "destination_country": employer_labels.COUNTRIES,
    "flag": FEE_FLAGS,
}

# Where one field name means different things in different records, the record type decides.
VALUES_BY_ENTITY = {
    "placement": {"status": placement_lifecycle.STATUS},
    "licence": {"status": agency_labels.LICENCE_STATUS, "kind": agency_labels.LICENCE_KINDS},
    "broker": {"status": agency_labels.BROKER_STATUS},
}


def value_labels(entity: str, field: str) -> dict | None:
    return VALUES_BY_ENTITY.get(entity, {}).get(field) or VALUES.get(field)

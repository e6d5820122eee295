"""Translated labels for account codes."""

from export_mgmt.i18n import N_

ROLES = {
    "admin": N_("City administrator"),
    "county_clerk": N_("County clerk"),
    "agency_staff": N_("Agency staff"),
    "inspector": N_("Labour inspector"),
    "supervisor": N_("Supervisor (read-only)"),
}

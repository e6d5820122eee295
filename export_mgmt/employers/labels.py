"""Translated labels for employer codes; the database stores codes, people read these."""

from export_mgmt.i18n import N_
from export_mgmt.placements.programmes import COUNTRIES, DOMESTIC_GROUPS, PROGRAMMES, SECTORS

KIND = {
    "domestic": N_("Domestic employer"),
    "foreign": N_("Foreign employer"),
}

# The destinations an employer can be in: abroad (foreign) or at home (CN, domestic).
FOREIGN_COUNTRIES = {code: text for code, text in COUNTRIES.items() if code != "CN"}
DOMESTIC_COUNTRY = "CN"

ACTIVE = {
    "1": N_("Active"),
    "0": N_("Inactive"),
}

# Programme code -> its label, for showing a stored code (the audit trail, the record page).
PROGRAMME_LABELS = {code: programme.label for code, programme in PROGRAMMES.items()}

__all__ = ["ACTIVE", "COUNTRIES", "DOMESTIC_COUNTRY", "DOMESTIC_GROUPS", "FOREIGN_COUNTRIES", "KIND",
           "PROGRAMME_LABELS", "PROGRAMMES", "SECTORS"]

"""Translated labels for worker codes; the database stores codes, people read these."""

from export_mgmt.i18n import N_

STATUS = {
    "available": N_("Available"),
    "in_training": N_("In training"),
    "placed": N_("Placed"),
    "abroad": N_("Abroad"),
    "returned": N_("Returned"),
    "withdrawn": N_("Withdrawn"),
}

EDUCATION = {
    "none": N_("No schooling"),
    "primary": N_("Primary school"),
    "junior_secondary": N_("Junior secondary"),
    "senior_secondary": N_("Senior secondary"),
    "vocational": N_("Vocational school"),
    "college": N_("College"),
    "bachelor": N_("Bachelor or above"),
}

INTENTION = {
    "domestic": N_("Domestic"),
    "overseas": N_("Overseas"),
    "either": N_("Domestic or overseas"),
}

HEALTH = {
    "": N_("Not checked"),
    "fit": N_("Fit"),
    "conditional": N_("Fit with conditions"),
    "unfit": N_("Unfit"),
}

# Destinations named by the policy: three countries abroad and three domestic reporting groups.
DESTINATIONS = {
    "KR": N_("Korea"),
    "JP": N_("Japan"),
    "SG": N_("Singapore"),
    "YRD": N_("Yangtze River Delta"),
    "PRD": N_("Pearl River Delta"),
    "WEST": N_("Western provinces"),
    "OTHER": N_("Other provinces"),
}

# National vocational qualification levels (五级 … 一级).
SKILL_LEVELS = {
    "": N_("No certificate"),
    "5": N_("Level 5 (beginner)"),
    "4": N_("Level 4 (intermediate)"),
    "3": N_("Level 3 (advanced)"),
    "2": N_("Level 2 (technician)"),
    "1": N_("Level 1 (senior technician)"),
}

LANGUAGES = {
    "ko": N_("Korean"),
    "ja": N_("Japanese"),
    "en": N_("English"),
}

LANGUAGE_LEVELS = {
    "basic": N_("Basic"),
    "intermediate": N_("Intermediate"),
    "fluent": N_("Fluent"),
}

SEX = {"M": N_("Male"), "F": N_("Female")}

"""Translated names of the scorecard's indicators and of the scale's parameters."""

from export_mgmt.i18n import N_

INDICATORS = {
    "complaints": N_("Complaints per 100 placements"),
    "followups": N_("Follow-ups on time"),
    "arrears": N_("Arrears recovered"),
    "fees": N_("Placements with flagged fees"),
    "sanctions": N_("Licence suspensions and revocations"),
    "cases": N_("Inspection cases against the agency"),
    "reserve": N_("Risk reserve fund"),
}

PARAMETERS = {
    "min_placements": N_("Placements needed to be rated"),
    "complaint_points": N_("Points per complaint per 100 placements"),
    "followup_points": N_("Points when no follow-up is on time"),
    "arrears_points": N_("Points when no arrears are recovered"),
    "fee_points": N_("Points per placement with flagged fees per 100 placements"),
    "sanction_points": N_("Points per suspension or revocation"),
    "case_points": N_("Points per inspection case"),
    "reserve_short_points": N_("Points when the reserve fund is short"),
    "reserve_overdue_points": N_("Further points when its top-up is overdue"),
}

SORTS = {
    "rank": N_("Rank"),
    "name": N_("Agency"),
    "placements": N_("Placements"),
    "complaints": N_("Complaints per 100 placements"),
    "followups": N_("Follow-ups on time"),
}

"""Destinations and programmes, with the limits the law sets for each (the reference data rules check)."""

from __future__ import annotations

from dataclasses import dataclass

from export_mgmt.i18n import N_

COUNTRIES = {
    "KR": N_("Korea"),
    "JP": N_("Japan"),
    "SG": N_("Singapore"),
    "CN": N_("Domestic (other provinces)"),
}

# Domestic reporting groups named by the policy.
DOMESTIC_GROUPS = {
    "YRD": N_("Yangtze River Delta"),
    "PRD": N_("Pearl River Delta"),
    "WEST": N_("Western provinces"),
    "OTHER": N_("Other provinces"),
}

# Scope codes on a licence: DOMESTIC and/or the destination countries it may serve.
LICENCE_SCOPES = {
    "DOMESTIC": N_("Within China"),
    "KR": N_("Korea"),
    "JP": N_("Japan"),
    "SG": N_("Singapore"),
}

SECTORS = {
    "manufacturing": N_("Manufacturing"),
    "construction": N_("Construction"),
    "agriculture": N_("Agriculture and livestock"),
    "fishery": N_("Fishery"),
    "marine": N_("Marine shipyard"),
    "process": N_("Process industry"),
    "services": N_("Services"),
    "care": N_("Care work"),
}


@dataclass(frozen=True)
class Programme:
    code: str
    country: str
    label: str
    currency: str
    max_months: int | None  # longest lawful contract
    min_age: int | None = None
    max_age: int | None = None
    # Government-to-government or trainee schemes: the worker must not be charged a placement fee.
    worker_service_fee_allowed: bool = True
    employer_required: bool = True


PROGRAMMES = {
    p.code: p
    for p in (
        # Korea EPS: 3 years + re-employment up to 1 year 10 months; applicants 18–39; no agency fee (G2G).
        Programme("kr_eps_e9", "KR", N_("Korea EPS (E-9)"), "KRW", 58, 18, 39, worker_service_fee_allowed=False),
        Programme("kr_eps_h2", "KR", N_("Korea visit-work (H-2)"), "KRW", 58, 25, None,
                  worker_service_fee_allowed=False),
        # Japan: 2004 trainee year; technical intern up to 5 years today; costs may not be passed to trainees.
        Programme("jp_trainee", "JP", N_("Japan trainee"), "JPY", 12, worker_service_fee_allowed=False),
        Programme("jp_technical_intern", "JP", N_("Japan technical intern"), "JPY", 60,
                  worker_service_fee_allowed=False),
        Programme("jp_ssw", "JP", N_("Japan specified skilled worker (i)"), "JPY", 60),
        # Singapore work permits are usually issued and renewed for two years.
        Programme("sg_work_permit", "SG", N_("Singapore work permit"), "SGD", 24),
        Programme("domestic", "CN", N_("Domestic placement"), "CNY", None, employer_required=False),
    )
}


def programmes_for(country: str) -> list[Programme]:
    return [p for p in PROGRAMMES.values() if p.country == country]


def scope_code(country: str) -> str:
    """The licence scope a destination needs."""
    return "DOMESTIC" if country == "CN" else country

"""The fee ledger's rules: which payments a worker may lawfully be charged, and how much.

Pure functions over plain values, so every rule is tested on its own and re-applied to a
placement's whole ledger whenever an entry is added (caps are cumulative).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from decimal import Decimal

from export_mgmt.i18n import N_
from export_mgmt.money import CURRENCIES, convert
from export_mgmt.placements.programmes import PROGRAMMES

PURPOSES = {
    "service_fee": N_("Service fee"),
    "training": N_("Training"),
    "medical": N_("Medical check"),
    "visa": N_("Visa and documents"),
    "travel": N_("Travel"),
    "deposit": N_("Deposit"),
    "guarantee": N_("Guarantee or collateral"),
    "other": N_("Other"),
}

PAYEES = {
    "agency": N_("The export agency"),
    "broker": N_("A broker"),
    "foreign_agency": N_("An agency in the destination country"),
    "other": N_("Someone else"),
}

FLAGS = {"ok": N_("Within the rules"), "over_cap": N_("Over the cap"), "prohibited": N_("Prohibited")}

REASONS = {
    "deposit_or_guarantee": N_("Deposits and guarantees may never be taken from workers."),
    "no_fee_programme": N_("This programme forbids charging the worker a placement fee."),
    "sg_one_month_per_year": N_("Singapore agencies may charge at most one month's salary per contract year."),
    "sg_two_months": N_("Singapore agencies may charge at most two months' salary in total."),
    "china_cap": N_("Service fees exceed the China-side cap on contract wages."),
}

CHINA_SIDE_PAYEES = {"agency", "broker"}
CURRENCY_CODES = CURRENCIES


def china_cap_percent() -> Decimal:
    """The historic China-side cap (25 % of contract wages) is uncertain law: configurable."""
    return Decimal(os.environ.get("FEE_CAP_PERCENT", "25"))


@dataclass(frozen=True)
class PlacementTerms:
    programme: str
    contract_start: dt.date
    contract_end: dt.date
    wage_currency: str
    basic_wage: int  # monthly, minor units
    gross_wage: int


@dataclass(frozen=True)
class Fee:
    payee: str
    purpose: str
    amount: int
    currency: str
    paid_on: dt.date


def contract_months(start: dt.date, end: dt.date) -> int:
    """Whole months the contract runs, a started month counting as one."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return max(1, months + (1 if end.day >= start.day else 0))


def assess(terms: PlacementTerms, fees: list[Fee]) -> list[tuple[str, str]]:
    """(flag, reason code) for each fee, in the order given; cumulative caps count earlier fees first."""
    programme = PROGRAMMES[terms.programme]
    months = contract_months(terms.contract_start, terms.contract_end)
    sg_cap = min(2, math.ceil(months / 12)) * convert(terms.basic_wage, terms.wage_currency, "SGD")
    china_cap = convert(terms.gross_wage * months, terms.wage_currency, "CNY") * china_cap_percent() / 100
    sg_paid = Decimal(0)
    china_paid = Decimal(0)
    results = []
    for fee in fees:
        flag, reason = "ok", ""
        if fee.purpose in {"deposit", "guarantee"}:
            flag, reason = "prohibited", "deposit_or_guarantee"
        elif fee.purpose == "service_fee" and fee.payee in CHINA_SIDE_PAYEES | {"foreign_agency"}:
            if not programme.worker_service_fee_allowed:
                flag, reason = "prohibited", "no_fee_programme"
            elif fee.payee == "foreign_agency" and programme.country == "SG":
                sg_paid += convert(fee.amount, fee.currency, "SGD")
                if sg_paid > sg_cap:
                    flag = "over_cap"
                    reason = "sg_two_months" if months > 12 else "sg_one_month_per_year"
            elif fee.payee in CHINA_SIDE_PAYEES:
                china_paid += convert(fee.amount, fee.currency, "CNY")
                if china_paid > china_cap:
                    flag, reason = "over_cap", "china_cap"
        results.append((flag, reason))
    return results

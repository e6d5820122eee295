"""Turning the inspection-case HTML forms into the shared schemas, and the choices their selects offer."""

from __future__ import annotations

from types import SimpleNamespace

from litestar.datastructures import FormMultiDict

from export_mgmt.agencies.tables import Agency
from export_mgmt.employers.tables import Employer
from export_mgmt.followups import labels as followup_labels
from export_mgmt.i18n import _
from export_mgmt.inspections import labels
from export_mgmt.inspections.schemas import CaseCreate, CaseTransition, ReferralCreate, ReplyCreate
from export_mgmt.money import CURRENCIES
from export_mgmt.placements import programmes
from export_mgmt.regions import county_name, shenyang_counties
from export_mgmt.web.fields import form_amount as _amount
from export_mgmt.web.fields import form_choice as _choice
from export_mgmt.web.fields import form_text as _text
from export_mgmt.web.fields import form_version as _version
from export_mgmt.web.fields import form_whole as _whole

# Sources a case may be opened from at the desk (follow-ups and complaints open theirs elsewhere).
DESK_SOURCES = {code: labels.SOURCES[code] for code in ("routine", "campaign", "report")}
PENALTY_CURRENCY = "CNY"

# The case codes as people read them, for the templates (each text goes through _() where shown).
LABELS = SimpleNamespace(
    STATUS=labels.STATUS, SOURCES=labels.SOURCES, DESK_SOURCES=DESK_SOURCES, FINDINGS=labels.FINDINGS,
    RESPONDENTS=labels.RESPONDENTS, REFERRAL_TARGETS=labels.REFERRAL_TARGETS, JURISDICTIONS=labels.JURISDICTIONS,
    COUNTRIES=programmes.COUNTRIES, CURRENCIES=CURRENCIES, PENALTY_CURRENCY=PENALTY_CURRENCY,
    FOLLOWUP_STATUS=followup_labels.STATUS, WORKER_STATUSES=followup_labels.WORKER_STATUSES,
)

CREATE_TEXT_FIELDS = ("source", "respondent_type", "jurisdiction", "finding", "facts", "currency")


def parse_case(form: FormMultiDict) -> tuple[CaseCreate, dict[str, str]]:
    """A case opened at the desk; the amount owed is typed in major units of the chosen currency."""
    errors: dict[str, str] = {}
    values = {name: _text(form, name) for name in CREATE_TEXT_FIELDS}
    respondent = values["respondent_type"]
    employer_id = _choice(form, "employer_id", errors)
    agency_id = _choice(form, "agency_id", errors)
    data = CaseCreate(
        **values,
        # Only the select that belongs to the respondent type counts; the other may still hold a choice.
        employer_id=employer_id if respondent == "employer" else None,
        agency_id=agency_id if respondent == "agency" else None,
        unpaid_months=_whole(form, "unpaid_months", errors, _("Enter how many months are unpaid.")),
        amount_owed=_amount(form, "amount_owed", values["currency"], errors) or 0,
    )
    return data, errors


def parse_transition(form: FormMultiDict, currency: str) -> tuple[CaseTransition, dict[str, str]]:
    """A status change; amounts ordered and recovered in the case's currency, the penalty in yuan."""
    errors: dict[str, str] = {}
    change = CaseTransition(
        status=_text(form, "status"), version=_version(form), note=_text(form, "note"),
        rectify_by=_text(form, "rectify_by"),
        amount_ordered=_amount(form, "amount_ordered", currency, errors) or 0,
        compensation_percent=_whole(form, "compensation_percent", errors,
                                    _("Enter a whole percentage between 50 and 100.")),
        amount_recovered=_amount(form, "amount_recovered", currency, errors),
        penalty=_amount(form, "penalty", PENALTY_CURRENCY, errors) or 0,
    )
    return change, errors


def parse_inspectors(form: FormMultiDict) -> tuple[list[int], dict[str, str]]:
    errors: dict[str, str] = {}
    raw = [value for value in form.getall("inspector_ids", []) if isinstance(value, str) and value.strip()]
    if any(not value.isdigit() or len(value) >= 10 for value in raw):
        errors["inspector_ids"] = _("Choose one or more of the listed inspectors.")
        return [], errors
    return [int(value) for value in raw], errors


def parse_referral(form: FormMultiDict) -> ReferralCreate:
    return ReferralCreate(target=_text(form, "target"), sent_on=_text(form, "sent_on"),
                          reference=_text(form, "reference"), note=_text(form, "note"))


def parse_reply(form: FormMultiDict) -> ReplyCreate:
    return ReplyCreate(reply=_text(form, "reply"), replied_on=_text(form, "replied_on"))


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors; the inspectors chosen as a list."""
    values: dict = {key: _text(form, key) for key in form.keys() if key not in ("csrf_token", "inspector_ids")}
    values["inspector_ids"] = [v for v in form.getall("inspector_ids", []) if isinstance(v, str)]
    return values


# ---- choices for the selects ------------------------------------------------------------------------------

def jurisdiction_choices() -> list[tuple[str, str]]:
    """The city team and the referral routes, then the city's county offices (names untranslated)."""
    return [(code, _(text)) for code, text in labels.JURISDICTIONS.items()] + [
        (c.code, c.name) for c in shenyang_counties()]


def jurisdiction_label(code: str) -> str:
    text = labels.JURISDICTIONS.get(code)
    return _(text) if text else (county_name(code) or code)


async def employer_groups() -> list[tuple[str, list[dict]]]:
    """Active employers by country, in the order COUNTRIES lists them."""
    rows = await Employer.select(Employer.id, Employer.name, Employer.country, Employer.region).where(
        Employer.active == True).order_by(Employer.name)  # noqa: E712
    return [(code, [r for r in rows if r["country"] == code]) for code in programmes.COUNTRIES
            if any(r["country"] == code for r in rows)]


async def agency_choices() -> list[dict]:
    """Every agency, active or not: a case may concern one whose licence is gone."""
    return await Agency.select(Agency.id, Agency.name).order_by(Agency.name)

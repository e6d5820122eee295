"""Turning the follow-up HTML forms into the shared schemas, and the labels and choices the templates show."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from litestar.datastructures import FormMultiDict

from export_mgmt.followups import labels
from export_mgmt.followups.rules_admin import RuleInput
from export_mgmt.followups.schemas import FollowUpRecord, FollowUpSummary
from export_mgmt.followups.tables import FollowUp
from export_mgmt.i18n import N_, _
from export_mgmt.money import CURRENCIES, parse_amount
from export_mgmt.placements import programmes
from export_mgmt.web.fields import form_text as _text
from export_mgmt.web.fields import form_whole

# The follow-up codes as people read them, for the templates (each text goes through _() where shown).
LABELS = SimpleNamespace(
    KINDS=labels.KINDS, STATUS=labels.STATUS, METHODS=labels.METHODS, WORKER_STATUSES=labels.WORKER_STATUSES,
    CURRENCIES=CURRENCIES, COUNTRIES=programmes.COUNTRIES,
    PROGRAMMES={code: p.label for code, p in programmes.PROGRAMMES.items()},
    RULE_KINDS={kind.value: labels.KINDS[kind.value] for kind in FollowUp.Kind
                if kind.value in ("arrival", "periodic", "before_end", "after_return")},
    SCOPES={"programme": N_("The programme's own rules"), "destination": N_("The destination's rules"),
            "general": N_("The general rules")},
)

RECORD_FIELDS = ("done_on", "method", "reached", "worker_status", "wages_paid_to", "unpaid_months", "unpaid_amount",
                 "unpaid_currency", "notes")
RULE_NUMBERS = ("offset_days", "first_month", "last_month", "every_months", "grace_days")


def _whole(form: FormMultiDict, name: str, errors: dict[str, str]) -> int:
    """A whole number typed in a box: blank is 0, anything else but digits is refused."""
    return form_whole(form, name, errors, _("Enter a whole number."))


def parse_record(form: FormMultiDict) -> tuple[FollowUpRecord, dict[str, str]]:
    """What a follow-up found, from the record form. The unpaid months and amount count only when the worker
    was reached and their wages are late; the amount is typed in major units of the chosen currency."""
    errors: dict[str, str] = {}
    reached_raw = _text(form, "reached")
    if reached_raw not in ("yes", "no"):
        errors["reached"] = _("Say whether the worker was reached.")
    reached = reached_raw == "yes"
    worker_status = _text(form, "worker_status")
    currency = _text(form, "unpaid_currency")
    months, amount = 0, 0
    if reached and worker_status == "wages_unpaid":
        months = _whole(form, "unpaid_months", errors)
        raw = _text(form, "unpaid_amount")
        if raw.strip():
            minor = parse_amount(raw, currency)
            if minor is None or minor >= 2**31:
                errors["unpaid_amount"] = _("Enter an amount such as 1,234.50, with no more decimals than the "
                                            "currency has.")
            else:
                amount = minor
    data = FollowUpRecord(
        done_on=_text(form, "done_on"), method=_text(form, "method"), reached=reached, worker_status=worker_status,
        wages_paid_to=_text(form, "wages_paid_to"), unpaid_months=months, unpaid_amount=amount,
        unpaid_currency=currency, notes=_text(form, "notes"))
    return data, errors


def record_defaults(today_iso: str, currency: str) -> dict:
    """A blank record form: done today, any amount in the placement's wage currency."""
    return {"done_on": today_iso, "unpaid_currency": currency if currency in CURRENCIES else "CNY"}


def parse_rule(form: FormMultiDict) -> tuple[RuleInput, dict[str, str]]:
    errors: dict[str, str] = {}
    numbers = {name: _whole(form, name, errors) for name in RULE_NUMBERS}
    raw_version = _text(form, "version")
    data = RuleInput(kind=_text(form, "kind"), destination=_text(form, "destination"),
                     programme=_text(form, "programme"), version=int(raw_version) if raw_version.isdigit() else 0,
                     **numbers)
    return data, errors


def rule_values(row: dict) -> dict:
    """A stored rule as the edit form shows it."""
    values = {name: str(row[name]) for name in ("destination", "programme", "kind", *RULE_NUMBERS)}
    values["version"] = str(row["version"])
    return values


RULE_DEFAULTS = {"kind": "periodic", "first_month": "1", "every_months": "1", "last_month": "0", "grace_days": "7"}


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors (never an uploaded file)."""
    return {key: _text(form, key) for key in form.keys() if key != "csrf_token"}


def is_late(item: FollowUpSummary, on: dt.date) -> bool:
    """Open and past its overdue date, whether or not the nightly sweep has marked it yet."""
    return item.status == "overdue" or (item.status == "pending" and item.overdue_after < on)

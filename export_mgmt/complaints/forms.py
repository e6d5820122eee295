"""Turning the complaint HTML forms (public and desk) into the shared schemas.

The workers are rows of numbered fields (worker_name_0, worker_amount_0, …) so the form works without JavaScript;
blank rows are skipped, and the services' "workers.<i>.<field>" errors are mapped back onto the row typed.
"""

from __future__ import annotations

from types import SimpleNamespace

from litestar.datastructures import FormMultiDict

from export_mgmt.complaints import labels, rules
from export_mgmt.complaints.intake import MAX_DOCUMENTS, MAX_WORKERS
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, Evidence, WorkerLine
from export_mgmt.i18n import _
from export_mgmt.money import CURRENCIES
from export_mgmt.placements import programmes
from export_mgmt.regions import shenyang_counties
from export_mgmt.web.fields import form_amount, form_choice, form_text, form_version, form_whole
from export_mgmt.web.files import read_upload

DEFAULT_WORKER_ROWS = 3
WORKER_FIELDS = ("name", "id_number", "months", "currency", "amount", "representative")
TEXT_FIELDS = ("kind", "channel", "complainant_name", "complainant_id_number", "complainant_phone",
               "complainant_address", "relationship", "respondent_name", "respondent_address",
               "respondent_legal_rep", "work_place", "work_country", "work_location", "arrears_from", "arrears_to",
               "payout_account", "facts", "request")

LABELS = SimpleNamespace(
    KINDS=labels.KINDS, CHANNELS=labels.CHANNELS, RELATIONSHIPS=labels.RELATIONSHIPS, STATUS=labels.STATUS,
    REJECT_REASONS=labels.REJECT_REASONS, OUTCOMES=labels.OUTCOMES, DOCUMENT_KINDS=labels.DOCUMENT_KINDS,
    ROUTES=labels.ROUTES, WORK_PLACES=labels.WORK_PLACES, DEADLINE_KINDS=labels.DEADLINE_KINDS,
    COUNTRIES=programmes.COUNTRIES, CURRENCIES=CURRENCIES, COMPENSATION_RANGE=rules.COMPENSATION_RANGE,
    POLICE_THRESHOLD_ONE=rules.POLICE_THRESHOLD_ONE, POLICE_THRESHOLD_MANY=rules.POLICE_THRESHOLD_MANY,
    POLICE_MANY_WORKERS=rules.POLICE_MANY_WORKERS, MAX_DOCUMENTS=MAX_DOCUMENTS,
)


def worker_rows(form: FormMultiDict | None) -> int:
    """How many worker rows the form shows: as sent, one more when "add a row" was pressed."""
    if form is None:
        return DEFAULT_WORKER_ROWS
    raw = form_text(form, "worker_rows").strip()
    rows = int(raw) if raw.isdigit() and len(raw) < 4 else DEFAULT_WORKER_ROWS
    if form_text(form, "add_row"):
        rows += 1
    return max(1, min(rows, MAX_WORKERS))


def parse_complaint(form: FormMultiDict) -> tuple[ComplaintCreate, list[int], dict[str, str]]:
    """The complaint, the form row of each worker line, and the errors found reading the form itself."""
    errors: dict[str, str] = {}
    values = {name: form_text(form, name) for name in TEXT_FIELDS}
    workers, row_of = [], []
    for n in range(worker_rows(form)):
        raw = {f: form_text(form, f"worker_{f}_{n}").strip() for f in WORKER_FIELDS}
        if not any(raw[f] for f in ("name", "id_number", "months", "amount")):
            continue
        currency = raw["currency"] if raw["currency"] in CURRENCIES else "CNY"
        amount = form_amount(form, f"worker_amount_{n}", currency, errors)
        months = form_whole(form, f"worker_months_{n}", errors, _("Enter how many months are unpaid."))
        workers.append(WorkerLine(name=raw["name"], id_number=raw["id_number"], months_owed=months,
                                  currency=raw["currency"] or "CNY", amount_owed=amount or 0,
                                  representative=bool(raw["representative"])))
        row_of.append(n)
    data = ComplaintCreate(
        **{k: v for k, v in values.items() if k in ComplaintCreate.__struct_fields__},
        anonymous=bool(form_text(form, "anonymous")), oral_confirmed=bool(form_text(form, "oral_confirmed")),
        employer_id=form_choice(form, "employer_id", errors), agency_id=form_choice(form, "agency_id", errors),
        placement_id=form_choice(form, "placement_id", errors), workers=workers)
    return data, row_of, errors


def form_errors(errors: dict[str, str], row_of: list[int]) -> dict[str, str]:
    """The services' error keys as the form's field names."""
    mapped = {}
    names = {"name": "name", "id_number": "id_number", "months_owed": "months", "currency": "currency",
             "amount_owed": "amount"}
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "workers" and parts[1].isdigit() and int(parts[1]) < len(row_of):
            mapped[f"worker_{names.get(parts[2], parts[2])}_{row_of[int(parts[1])]}"] = message
        else:
            mapped[key] = message
    return mapped


async def read_evidence(form: FormMultiDict) -> list[Evidence]:
    """Files in document_1 … document_N, each with its kind in document_kind_N; empty slots skipped."""
    evidence = []
    for n in range(1, MAX_DOCUMENTS + 1):
        filename, data = await read_upload(form, f"document_{n}")
        if filename or data:
            evidence.append(Evidence(filename=filename, data=data,
                                     kind=form_text(form, f"document_kind_{n}") or "other"))
    return evidence


def parse_transition(form: FormMultiDict, worker_currencies: dict[int, str]) -> tuple[ComplaintTransition,
                                                                                       dict[str, str]]:
    """A status change; amounts ordered per worker typed in major units of each worker's currency."""
    errors: dict[str, str] = {}
    ordered = {}
    for worker_id, currency in worker_currencies.items():
        amount = form_amount(form, f"ordered_{worker_id}", currency, errors)
        if amount is not None:
            ordered[worker_id] = amount
    penalty = form_amount(form, "penalty", "CNY", errors)
    return ComplaintTransition(
        status=form_text(form, "status"), version=form_version(form), note=form_text(form, "note"),
        reject_reason=form_text(form, "reject_reason"), rectify_by=form_text(form, "rectify_by"),
        compensation_percent=form_whole(form, "compensation_percent", errors,
                                        _("Enter a whole number of percent.")),
        penalty=penalty or 0, outcome=form_text(form, "outcome"), ordered=ordered), errors


def form_values(form: FormMultiDict) -> dict[str, str]:
    """What was typed, to show the form again after an error."""
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def route_choices() -> list[tuple[str, str]]:
    """Desks a complaint can be routed to: the city and overseas desks, then each county office."""
    return [(code, _(label)) for code, label in labels.ROUTES.items()] + [
        (c.code, c.name) for c in shenyang_counties()]


def work_place_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in shenyang_counties()] + [
        (code, _(label)) for code, label in labels.WORK_PLACES.items()]


def route_label(code: str) -> str:
    if code in labels.ROUTES:
        return _(labels.ROUTES[code])
    for c in shenyang_counties():
        if c.code == code:
            return c.name
    return code

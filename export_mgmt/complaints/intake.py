"""Receiving a complaint or report: checked whole, written in one transaction with its workers and evidence.

The same service takes the public online form (no account: actor None) and an inspector's desk intake (a walk-in,
a telephone call or a letter).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AsyncExitStack

from export_mgmt import idnumber
from export_mgmt.accounts.actor import Actor
from export_mgmt.accounts.passwords import hash_password
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.complaints import labels, rules
from export_mgmt.complaints.deadlines import statutory
from export_mgmt.complaints.schemas import ComplaintCreate, Evidence, Filed
from export_mgmt.complaints.services import ENTITY, can_act
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintWorker
from export_mgmt.db import execute_counted, is_unique_violation, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.fields import Errors, long_text, phone, text
from export_mgmt.fields import date as parse_date
from export_mgmt.i18n import _
from export_mgmt.money import CURRENCIES
from export_mgmt.notifications import services as notify
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.regions import is_shenyang_county
from export_mgmt.uploads import check, stored
from export_mgmt.workers.validation import id_number_message

MAX_WORKERS = 200
MAX_DOCUMENTS = 10
# A collective complaint acts through a few elected representatives (local rule).
COLLECTIVE_WORKERS = 10
MAX_REPRESENTATIVES = 5


def _id_number(raw: str, field: str, errors: Errors, on: dt.date) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    try:
        return idnumber.parse(raw, on).number
    except idnumber.IdNumberError as exc:
        errors[field] = id_number_message(exc.reason)
        return ""


def validate(data: ComplaintCreate, public: bool, on: dt.date) -> tuple[dict, list[dict], Errors]:
    """The complaint's columns and its workers' rows, or every problem at once (field -> message)."""
    errors: Errors = {}
    kind = data.kind if data.kind in labels.KINDS else ""
    if not kind:
        errors["kind"] = _("Choose one of the listed values.")
    channel = "online" if public else data.channel
    if channel not in labels.CHANNELS:
        errors["channel"] = _("Choose one of the listed values.")
    anonymous = bool(data.anonymous) and kind == "report"
    if data.anonymous and kind != "report":
        errors["anonymous"] = _("Only a report can be anonymous; a complaint needs the complainant's name.")
    values: dict = {"kind": kind, "channel": channel, "anonymous": anonymous}
    if anonymous:
        values.update(complainant_name="", complainant_id_number="", complainant_phone="", complainant_address="",
                      relationship="other")
    else:
        values["complainant_name"] = text(data.complainant_name, 100, "complainant_name", errors, required=True)
        values["complainant_id_number"] = _id_number(data.complainant_id_number, "complainant_id_number", errors, on)
        values["complainant_phone"] = phone(data.complainant_phone, "complainant_phone", errors)
        if not values["complainant_phone"] and "complainant_phone" not in errors:
            errors["complainant_phone"] = _("Give a telephone number so the inspectors can reach you.")
        values["complainant_address"] = text(data.complainant_address, 200, "complainant_address", errors)
        values["relationship"] = data.relationship
        if data.relationship not in labels.RELATIONSHIPS:
            errors["relationship"] = _("Choose one of the listed values.")
    oral = channel in labels.ORAL_CHANNELS
    if oral and not data.oral_confirmed:
        errors["oral_confirmed"] = _("Read the record back to the complainant and confirm they agree with it.")
    values["oral_confirmed"] = oral and data.oral_confirmed
    # The desk may name the employer by id or through the placement (see _links); the public form always by name.
    values["respondent_name"] = text(data.respondent_name, 200, "respondent_name", errors, required=public)
    values["respondent_address"] = text(data.respondent_address, 200, "respondent_address", errors)
    values["respondent_legal_rep"] = text(data.respondent_legal_rep, 100, "respondent_legal_rep", errors)
    place = data.work_place.strip()
    if place not in labels.WORK_PLACES and not is_shenyang_county(place):
        errors["work_place"] = _("Choose where the work was done.")
    country = data.work_country.strip().upper() or "CN"
    if place == "ABROAD" and (len(country) != 2 or not country.isalpha() or country == "CN"):
        errors["work_country"] = _("Choose the country where the work was done.")
    values.update(work_place=place, work_country="CN" if place != "ABROAD" else country,
                  work_location=text(data.work_location, 200, "work_location", errors))
    start = parse_date(data.arrears_from, "arrears_from", errors, not_after=on)
    end = parse_date(data.arrears_to, "arrears_to", errors, not_after=on)
    if start and end and end < start:
        errors["arrears_to"] = _("The end of the period cannot be before its start.")
    values.update(arrears_from=start, arrears_to=end,
                  payout_account=text(data.payout_account, 100, "payout_account", errors),
                  facts=long_text(data.facts, 8000, "facts", errors, required=True),
                  request=long_text(data.request, 2000, "request", errors))
    workers = _workers(data, kind, errors, on)
    return values, workers, errors


def _workers(data: ComplaintCreate, kind: str, errors: Errors, on: dt.date) -> list[dict]:
    if kind == "complaint" and not data.workers:
        errors["workers"] = _("Name at least one worker the wages are owed to.")
    if len(data.workers) > MAX_WORKERS:
        errors["workers"] = _("At most %(n)s workers in one complaint.", n=MAX_WORKERS)
        return []
    rows, seen = [], set()
    for n, line in enumerate(data.workers):
        prefix = f"workers.{n}."
        number = _id_number(line.id_number, prefix + "id_number", errors, on)
        if number and number in seen:
            errors[prefix + "id_number"] = _("This identity number is already in the list.")
        seen.add(number)
        if line.currency not in CURRENCIES:
            errors[prefix + "currency"] = _("Choose one of the listed values.")
        if not 0 <= line.amount_owed <= MAX_AMOUNT:
            errors[prefix + "amount_owed"] = _("This amount is too large.")
        if not 0 <= line.months_owed <= 120:
            errors[prefix + "months_owed"] = _("Enter how many months are unpaid.")
        rows.append({"name": text(line.name, 100, prefix + "name", errors, required=True), "id_number": number,
                     "representative": bool(line.representative), "months_owed": line.months_owed,
                     "currency": line.currency, "amount_owed": line.amount_owed})
    representatives = sum(r["representative"] for r in rows)
    if len(rows) >= COLLECTIVE_WORKERS and not 1 <= representatives <= MAX_REPRESENTATIVES:
        errors["workers"] = _("A collective complaint of %(n)s or more workers names one to %(max)s elected "
                              "representatives among them.", n=COLLECTIVE_WORKERS, max=MAX_REPRESENTATIVES)
    return rows


async def _links(data: ComplaintCreate, values: dict, errors: Errors, public: bool) -> None:
    """Employer, agency and placement by id (the desk) or the agency from the licensed list (the public)."""
    from export_mgmt.agencies.tables import Agency
    from export_mgmt.employers.tables import Employer
    from export_mgmt.placements.tables import Placement

    values.update(employer=None, agency=None, placement=None)
    placement_country = employer_country = None
    if data.placement_id is not None and not public:
        p = await Placement.select(Placement.id, Placement.agency, Placement.employer,
                                   Placement.destination_country).where(Placement.id == data.placement_id).first()
        if p is None:
            errors["placement_id"] = _("There is no placement with this number.")
        else:
            values.update(placement=p["id"], agency=p["agency"], employer=p["employer"])
            placement_country = p["destination_country"]
    employer_id = data.employer_id if data.employer_id is not None else values["employer"]
    if employer_id is not None and not public:
        e = await Employer.select(Employer.id, Employer.name, Employer.country, Employer.address).where(
            Employer.id == employer_id).first()
        if e is None:
            errors["employer_id"] = _("Choose the employer.")
        else:
            values["employer"] = e["id"]
            employer_country = e["country"]
            values["respondent_name"] = values["respondent_name"] or e["name"]
            values["respondent_address"] = values["respondent_address"] or e["address"]
    if data.agency_id is not None:
        a = await Agency.select(Agency.id).where(Agency.id == data.agency_id).first()
        if a is None:
            errors["agency_id"] = _("Choose the agency.")
        else:
            values["agency"] = a["id"]
    values["route"] = rules.route_for(values.get("work_place", "OUTSIDE"), placement_country, employer_country)
    if not values["respondent_name"] and "respondent_name" not in errors:
        errors["respondent_name"] = _("This field is required.")


async def file(actor: Actor | None, data: ComplaintCreate, evidence: list[Evidence] = (),
               on: dt.date | None = None) -> Filed:
    """Receive a complaint. actor None: the public form. Nothing is written unless everything is right."""
    public = actor is None
    if not public and not can_act(actor):
        raise AccessDenied()
    on = on or today()
    values, workers, errors = validate(data, public, on)
    if len(evidence) > MAX_DOCUMENTS:
        errors["documents"] = _("At most %(n)s files.", n=MAX_DOCUMENTS)
    checked = []
    for item in evidence:
        try:
            checked.append((check(item.filename, item.data, "documents"), item))
        except FormErrors as exc:
            errors.update(exc.errors)
        if item.kind not in labels.DOCUMENT_KINDS:
            errors["documents"] = _("Choose one of the listed values.")
    secret = rules.new_secret()
    secret_hash = await hash_password(secret)  # argon2, off the event loop
    async with write_transaction():
        await _links(data, values, errors, public)
        if errors:
            raise FormErrors(errors)
        tracking_no = rules.new_tracking_no(on.year)
        decide_by = await statutory(on, rules.DECIDE_WORKING_DAYS)
        values.update(tracking_no=tracking_no, secret_hash=secret_hash, received_on=on, first_received_on=on,
                      decide_by=decide_by, created_by=actor.username if actor else "")
        try:
            rows = await Complaint.insert(Complaint(**values)).returning(Complaint.id)
        except Exception as exc:  # a tracking number drawn twice: vanishingly rare, and nothing is written
            if is_unique_violation(exc):
                raise FormErrors({"": _("Please send the form again.")}) from None
            raise
        complaint_id = rows[0]["id"]
        if workers:
            await ComplaintWorker.insert(*(ComplaintWorker(complaint=complaint_id, **w) for w in workers))
            # Workers whose identity number is in the pool are linked to it, in one statement.
            await execute_counted(
                "UPDATE complaint_worker SET worker = (SELECT w.id FROM worker w WHERE w.id_number = "
                "complaint_worker.id_number) WHERE complaint = {} AND id_number <> ''", complaint_id)
        async with AsyncExitStack() as files:
            for item, source in checked:
                await files.enter_async_context(stored(item, source.data))
            if checked:
                await ComplaintDocument.insert(*(ComplaintDocument(
                    complaint=complaint_id, kind=source.kind, filename=item.filename, content_type=item.content_type,
                    size=item.size, sha256=item.sha256, stored_name=item.stored_name,
                    uploaded_by=actor.username if actor else "") for item, source in checked))
            await audit.record(actor, ENTITY, complaint_id, "received", _audit_values(values, workers))
            await notify.notify_roles("complaint_received", f"complaint-received:{complaint_id}",
                                      {"tracking": tracking_no, "date": decide_by.isoformat() if decide_by else ""},
                                      f"/complaints/{complaint_id}", roles=("supervisor",),
                                      county_code=values["route"] if is_shenyang_county(values["route"]) else None)
    return Filed(id=complaint_id, tracking_no=tracking_no, secret=secret, route=values["route"], decide_by=decide_by)


def _audit_values(values: dict, workers: list[dict]) -> dict:
    """What the history shows of an intake: never a reporter's identity, never a full identity number."""
    shown = {k: v for k, v in values.items() if k not in {
        "secret_hash", "created_by", "complainant_name", "complainant_id_number", "complainant_phone",
        "complainant_address", "payout_account"}}
    if values["kind"] == "complaint":
        shown["complainant_name"] = values["complainant_name"]
    shown["workers"] = ", ".join(w["name"] for w in workers)
    return audit.diff({}, shown)


async def add_evidence(actor: Actor, complaint_id: int, evidence: Evidence) -> int:
    """An inspector adds a file to a complaint (a supplement, a pay slip brought in later)."""
    from export_mgmt.complaints.services import _row

    if not can_act(actor):
        raise AccessDenied()
    if evidence.kind not in labels.DOCUMENT_KINDS:
        raise FormErrors({"kind": _("Choose one of the listed values.")})
    item = check(evidence.filename, evidence.data, "document")
    async with write_transaction():
        row = await _row(actor, complaint_id)
        async with stored(item, evidence.data):
            rows = await ComplaintDocument.insert(ComplaintDocument(
                complaint=complaint_id, kind=evidence.kind, filename=item.filename, content_type=item.content_type,
                size=item.size, sha256=item.sha256, stored_name=item.stored_name,
                uploaded_by=actor.username)).returning(ComplaintDocument.id)
            # A report's file name can name its reporter; the history, read by more people, keeps only its number.
            shown = item.filename if row["kind"] == "complaint" else f"#{rows[0]['id']}"
            await audit.record(actor, ENTITY, complaint_id, "document_added", {"document": [None, shown]})
    return rows[0]["id"]

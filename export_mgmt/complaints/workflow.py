"""Working a complaint: decisions, the investigation and its orders, recovery, routing, extension, cases.

Every change is one write transaction with its audit row; a change the law does not allow is refused with the
reason, and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.complaints import labels, rules
from export_mgmt.complaints.deadlines import statutory
from export_mgmt.complaints.schemas import ComplaintTransition, Recovery
from export_mgmt.complaints.services import ENTITY, _row, amount_cny, assigned, can_act, can_extend
from export_mgmt.complaints.tables import Complaint, ComplaintWorker
from export_mgmt.db import update_versioned, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.fields import date as parse_date
from export_mgmt.fields import long_text
from export_mgmt.i18n import _
from export_mgmt.money import to_major, to_minor
from export_mgmt.notifications import services as notify
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.regions import is_shenyang_county

MAX_RATE = Decimal("10000")


async def _load(actor: Actor, complaint_id: int) -> dict:
    if not can_act(actor):
        raise AccessDenied()
    return await _row(actor, complaint_id)


def _stale(row: dict, version: int) -> None:
    if version != row["version"]:
        raise FormErrors({"": _("Someone else changed this complaint while you were editing. "
                                "Reload it and make your change again.")})


async def transition(actor: Actor, complaint_id: int, change: ComplaintTransition) -> None:
    errors: dict[str, str] = {}
    note = long_text(change.note, 4000, "note", errors)
    rectify_by = parse_date(change.rectify_by, "rectify_by", errors)
    if not 0 <= change.penalty <= MAX_AMOUNT:
        errors["penalty"] = _("This amount is too large.")
    async with write_transaction():
        r = await _load(actor, complaint_id)
        _stale(r, change.version)
        new, on = change.status, today()
        if not new:
            raise FormErrors({"status": _("Choose the new status.")})
        if new not in rules.allowed_next(r["status"]):
            raise FormErrors({"status": _("A complaint that is “%(current)s” cannot become “%(new)s”.",
                                          current=_(labels.STATUS[r["status"]]),
                                          new=_(labels.STATUS.get(new, new)))})
        workers = await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint_id)
        values: dict = {"status": new}
        worker_updates: dict[int, int] = {}
        old = rules.too_old(r["arrears_from"], r["arrears_to"], r["first_received_on"] or r["received_on"])
        if new == "accepted":
            if old:
                errors["status"] = _("The arrears ended more than two years before the complaint was received: it "
                                     "cannot be accepted. Do not accept it, giving that reason.")
            values.update(decided_on=on, investigate_by=await statutory(on, rules.INVESTIGATION_WORKING_DAYS))
        elif new == "rejected":
            if change.reject_reason not in labels.REJECT_REASONS:
                errors["reject_reason"] = _("Choose the reason the complaint is not accepted.")
            elif change.reject_reason == "too_old" and not old:
                errors["reject_reason"] = _("The arrears ended less than two years before the complaint was "
                                            "received: this reason does not apply.")
            if not note:
                errors["note"] = _("Tell the complainant why, and where to turn instead.")
            values.update(reject_reason=change.reject_reason, decision_note=note, decided_on=on, closed_on=on)
        elif new == "supplement_requested":
            if not note:
                errors["note"] = _("Say what the complainant must supplement.")
            values.update(decision_note=note)
        elif new == "received":
            # The supplement arrived: the five working days to decide start again from today.
            values.update(received_on=on, decide_by=await statutory(on, rules.DECIDE_WORKING_DAYS))
        elif new == "investigating":
            if r["status"] == "accepted" and len(await assigned(complaint_id)) < rules.MIN_INSPECTORS:
                errors[""] = _("At least %(n)s inspectors must be assigned before the investigation starts.",
                               n=rules.MIN_INSPECTORS)
            if r["status"] == "rectification_ordered" and not note:
                errors["note"] = _("Say why the investigation is resumed.")
        elif new in ("rectification_ordered", "payment_ordered"):
            if rectify_by is None and "rectify_by" not in errors:
                errors["rectify_by"] = _("Set the date by which the employer must comply.")
            elif rectify_by and rectify_by <= on:
                errors["rectify_by"] = _("The deadline must be after today.")
            worker_updates = _ordered(change, workers, errors)
            if new == "payment_ordered":
                low, high = rules.COMPENSATION_RANGE
                if not low <= change.compensation_percent <= high:
                    errors["compensation_percent"] = _("The additional compensation is %(low)s to %(high)s percent "
                                                       "of the wages owed.", low=low, high=high)
                values["compensation_percent"] = change.compensation_percent
            values.update(rectify_by=rectify_by, orders=r["orders"] + 1)
        elif new == "transferred":
            if not note:
                errors["note"] = _("Record the transfer: to which police office, and the reference.")
            values.update(transferred_on=on, outcome_note=note)
        elif new == "closed":
            _closing(change.outcome, r, workers, change.penalty, errors)
            if not note:
                errors["note"] = _("Say how the complaint ended.")
            values.update(outcome=change.outcome, outcome_note=note, closed_on=on)
        if change.penalty:
            values["penalty"] = change.penalty
        if errors:
            raise FormErrors(errors)
        changes = audit.diff(r, values)
        if note and not {"decision_note", "outcome_note"} & values.keys():
            changes["note"] = [None, note]
        await update_versioned(Complaint, complaint_id, values)
        for worker_id, amount in worker_updates.items():
            await ComplaintWorker.update({ComplaintWorker.amount_ordered: amount}).where(
                ComplaintWorker.id == worker_id)
        if worker_updates:
            changes["amount_ordered"] = [None, ", ".join(
                f"{w['name']}: {to_major(worker_updates[w['id']], w['currency'])} {w['currency']}"
                for w in workers if w["id"] in worker_updates)]
        await audit.record(actor, ENTITY, complaint_id, "status_changed", changes)


def _ordered(change: ComplaintTransition, workers: list[dict], errors: dict[str, str]) -> dict[int, int]:
    """The amounts ordered per worker; the wages owed must be ordered paid."""
    ids = {w["id"] for w in workers}
    if set(change.ordered) - ids:
        errors["ordered"] = _("Choose one of the listed values.")
        return {}
    for amount in change.ordered.values():
        if not 0 <= amount <= MAX_AMOUNT:
            errors["ordered"] = _("This amount is too large.")
            return {}
    if any(w["amount_owed"] for w in workers) and not any(change.ordered.values()):
        errors["ordered"] = _("Enter the amount the employer is ordered to pay.")
    return {int(k): v for k, v in change.ordered.items()}


def _closing(outcome: str, r: dict, workers: list[dict], penalty: int, errors: dict[str, str]) -> None:
    if outcome not in labels.OUTCOMES:
        errors["outcome"] = _("Choose the outcome.")
        return
    # What each worker is owed: the amount claimed, or the amount ordered when the order found more (or the claim
    # gave none), as the blacklist counts it.
    if outcome == "paid" and any(w["amount_recovered"] < max(w["amount_owed"], w["amount_ordered"]) for w in workers):
        errors["outcome"] = _("Record what each worker recovered first: not every worker has been paid in full.")
    elif outcome == "partly_paid" and not any(w["amount_recovered"] for w in workers):
        errors["outcome"] = _("Record what each worker recovered first.")
    elif outcome == "penalty" and not (penalty or r["penalty"]):
        errors["penalty"] = _("Enter the penalty imposed.")
    elif outcome == "police" and r["status"] != "transferred":
        errors["outcome"] = _("Only a complaint transferred to the police can end with the police.")
    elif outcome in ("cancelled", "penalty") and r["status"] == "accepted":
        errors["outcome"] = _("Investigate before imposing a penalty or cancelling the case.")


async def record_recovery(actor: Actor, complaint_id: int, data: Recovery) -> None:
    """Wages recovered for one worker, in the original currency and in CNY at the rate of a given date."""
    errors: dict[str, str] = {}
    if not 0 <= data.amount <= MAX_AMOUNT:
        errors["amount"] = _("This amount is too large.")
    fx_date = parse_date(data.fx_date, "fx_date", errors, not_after=today())
    async with write_transaction():
        r = await _load(actor, complaint_id)
        _stale(r, data.version)
        if r["status"] not in ("accepted", "investigating", "rectification_ordered", "payment_ordered",
                               "transferred"):
            raise FormErrors({"": _("Recovered wages are recorded on an accepted complaint that is still open.")})
        w = await ComplaintWorker.select().where((ComplaintWorker.id == data.complaint_worker_id)
                                                 & (ComplaintWorker.complaint == complaint_id)).first()
        if w is None:
            raise FormErrors({"complaint_worker_id": _("Choose one of the listed values.")})
        if w["currency"] == "CNY":
            rate, fx_date = Decimal(1), fx_date or today()
        else:
            try:
                rate = Decimal(data.fx_rate.strip().replace(",", "."))
            except InvalidOperation:
                rate = Decimal(0)
            if not (rate.is_finite() and 0 < rate <= MAX_RATE):
                errors["fx_rate"] = _("Enter the CNY value of one unit of the currency, e.g. 0.0052.")
            if fx_date is None and "fx_date" not in errors:
                errors["fx_date"] = _("Enter the date of the exchange rate.")
        if errors:
            raise FormErrors(errors)
        cny = to_minor(to_major(data.amount, w["currency"]) * rate, "CNY")
        values = {"amount_recovered": data.amount, "recovered_cny": cny, "fx_rate": str(rate.normalize()),
                  "fx_date": fx_date}
        await ComplaintWorker.update({getattr(ComplaintWorker, k): v for k, v in values.items()}).where(
            ComplaintWorker.id == w["id"])
        await update_versioned(Complaint, complaint_id, {})
        await audit.record(actor, ENTITY, complaint_id, "wages_recovered", {"recovered": [
            f"{w['name']}: {to_major(w['amount_recovered'], w['currency'])} {w['currency']}",
            f"{w['name']}: {to_major(data.amount, w['currency'])} {w['currency']} = {to_major(cny, 'CNY')} CNY "
            f"@ {values['fx_rate']} ({fx_date.isoformat()})"]})


async def reroute(actor: Actor, complaint_id: int, route: str, reason: str, version: int) -> None:
    """Send the complaint to another desk, saying why."""
    errors: dict[str, str] = {}
    reason = long_text(reason, 1000, "reason", errors, required=True)
    if not rules.valid_route(route):
        errors["route"] = _("Choose one of the listed values.")
    async with write_transaction():
        r = await _load(actor, complaint_id)
        _stale(r, version)
        if r["status"] not in rules.OPEN:
            errors[""] = _("The complaint is no longer open.")
        elif route == r["route"]:
            errors["route"] = _("The complaint is already with this desk.")
        if errors:
            raise FormErrors(errors)
        await update_versioned(Complaint, complaint_id, {"route": route})
        await audit.record(actor, ENTITY, complaint_id, "rerouted",
                           {"route": [r["route"], route], "reason": [None, reason]})
        if is_shenyang_county(route):
            await notify.notify_roles("complaint_rerouted", f"complaint-rerouted:{complaint_id}:{route}",
                                      {"tracking": r["tracking_no"]}, f"/complaints/{complaint_id}",
                                      county_code=route)


async def extend(actor: Actor, complaint_id: int, version: int) -> None:
    """The head's approval: 30 more working days for the investigation, once."""
    async with write_transaction():
        r = await _row(actor, complaint_id)
        if not can_extend(actor):
            raise AccessDenied()
        _stale(r, version)
        if r["extended"] or r["status"] not in ("accepted", "investigating", "rectification_ordered",
                                                "payment_ordered"):
            raise FormErrors({"": _("This complaint cannot be extended.")})
        due = await statutory(r["decided_on"], rules.INVESTIGATION_WORKING_DAYS + rules.EXTENSION_WORKING_DAYS)
        values = {"extended": True, "investigate_by": due}
        await update_versioned(Complaint, complaint_id, values)
        await audit.record(actor, ENTITY, complaint_id, "extended", audit.diff(r, values))


async def flag_incident(actor: Actor, complaint_id: int, serious: bool, version: int) -> None:
    """The arrears caused a serious incident: one of the blacklist rules."""
    async with write_transaction():
        r = await _load(actor, complaint_id)
        _stale(r, version)
        values = {"serious_incident": serious}
        await update_versioned(Complaint, complaint_id, values)
        await audit.record(actor, ENTITY, complaint_id, "updated", audit.diff(r, values))


# ---- inspection cases ------------------------------------------------------------------------------------

def _jurisdiction(route: str) -> str:
    return {"CITY": "CITY", "OVERSEAS": "ABROAD"}.get(route, route)


async def open_case(actor: Actor, complaint_id: int) -> int:
    """An employer-inspection case from an accepted complaint, with the respondent, workers and amounts."""
    from export_mgmt.inspections.services import _insert_case

    async with write_transaction():
        r = await _load(actor, complaint_id)
        _case_allowed(r)
        workers = await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint_id).order_by(
            ComplaintWorker.id)
        currencies = {w["currency"] for w in workers}
        # A case holds one currency: the workers' own when they share it, else everything in CNY at the indicative rate.
        currency = currencies.pop() if len(currencies) == 1 else "CNY"
        owed = sum(w["amount_owed"] if w["currency"] == currency else amount_cny(w["amount_owed"], w["currency"])
                   for w in workers)
        case_id = await _insert_case(actor, dict(
            source="report" if r["kind"] == "report" else "complaint", placement=r["placement"],
            worker=next((w["worker"] for w in workers if w["worker"]), None), employer=r["employer"],
            agency=r["agency"], respondent_type="employer" if r["employer"] or not r["agency"] else "agency",
            respondent_name=r["respondent_name"], jurisdiction=_jurisdiction(r["route"]),
            abroad=r["route"] == rules.ROUTE_OVERSEAS, finding="wages_unpaid",
            facts=_("From complaint %(tracking)s.", tracking=r["tracking_no"]) + "\n" + r["facts"],
            unpaid_months=max((w["months_owed"] for w in workers), default=0), currency=currency,
            amount_owed=owed))
        await _link(actor, r, case_id, "case_opened")
    return case_id


async def join_case(actor: Actor, complaint_id: int, case_id: int) -> None:
    """Add the complaint to an open case against the same respondent."""
    from export_mgmt.inspections.services import OPEN_STATUSES
    from export_mgmt.inspections.tables import InspectionCase

    async with write_transaction():
        r = await _load(actor, complaint_id)
        _case_allowed(r)
        case = await InspectionCase.select().where(InspectionCase.id == case_id).first()
        if case is None or case["status"] not in OPEN_STATUSES:
            raise FormErrors({"case_id": _("There is no open inspection case with this number.")})
        # The same respondent: a case against the agency that placed the employer's workers is not a case against
        # the employer, nor the other way round.
        same = (r["employer"] and case["respondent_type"] == "employer" and case["employer"] == r["employer"]) or (
            not r["employer"] and r["agency"] and case["respondent_type"] == "agency"
            and case["agency"] == r["agency"]) or (
            not r["employer"] and not r["agency"] and case["respondent_name"] == r["respondent_name"])
        if not same:
            raise FormErrors({"case_id": _("That case is against another employer or agency.")})
        await _link(actor, r, case_id, "case_joined")


def _case_allowed(r: dict) -> None:
    if r["inspection_case"]:
        raise FormErrors({"": _("This complaint is already part of an inspection case.")})
    if r["status"] not in ("accepted", "investigating", "rectification_ordered", "payment_ordered"):
        raise FormErrors({"": _("Only an accepted complaint that is still open can open or join a case.")})


async def _link(actor: Actor, r: dict, case_id: int, action: str) -> None:
    await update_versioned(Complaint, r["id"], {"inspection_case": case_id})
    await audit.record(actor, ENTITY, r["id"], action, {"inspection_case": [None, f"#{case_id}"]})
    await audit.record(actor, "inspection_case", case_id, "complaint_linked",
                       {"complaint": [None, r["tracking_no"]]})

"""Blacklist candidates for the city bureau, by the 2022 rules: a payment order ignored and the amount at the
criminal threshold, or arrears that caused a serious incident. The bureau decides; this list only proposes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.complaints import rules
from export_mgmt.complaints.services import amount_cny
from export_mgmt.complaints.tables import Complaint, ComplaintWorker
from export_mgmt.errors import AccessDenied


@dataclass
class Candidate:
    respondent: str
    employer_id: int | None
    complaints: list[tuple[int, str]] = field(default_factory=list)  # (id, tracking number)
    outstanding_cny: list[int] = field(default_factory=list)  # per worker, CNY fen
    serious_incident: bool = False
    order_ignored: bool = False
    listed_until: dt.date | None = None

    @property
    def total_cny(self) -> int:
        return sum(self.outstanding_cny)

    @property
    def workers(self) -> int:
        return len(self.outstanding_cny)

    @property
    def threshold_reached(self) -> bool:
        return rules.police_guidance(self.outstanding_cny)


def _three_years(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year + rules.BLACKLIST_YEARS)
    except ValueError:
        return on.replace(year=on.year + rules.BLACKLIST_YEARS, day=28)


async def candidates(actor: Actor, on: dt.date | None = None) -> list[Candidate]:
    if actor.role not in {Role.admin, Role.supervisor, Role.inspector}:
        raise AccessDenied()
    on = on or today()
    # An order is ignored once a payment order stands past its deadline, or the complaint went to the police.
    ignored = (((Complaint.status == "payment_ordered") & (Complaint.rectify_by < on))
               | (Complaint.status == "transferred")
               | ((Complaint.status == "closed") & (Complaint.outcome == "police")))
    rows = await Complaint.select(
        Complaint.id, Complaint.tracking_no, Complaint.employer, Complaint.respondent_name,
        Complaint.serious_incident, Complaint.status, Complaint.rectify_by, Complaint.outcome,
    ).where(ignored | (Complaint.serious_incident == True))  # noqa: E712
    if not rows:
        return []
    workers = await ComplaintWorker.select().where(ComplaintWorker.complaint.is_in([r["id"] for r in rows]))
    by_complaint: dict[int, list[dict]] = {}
    for w in workers:
        by_complaint.setdefault(w["complaint"], []).append(w)
    found: dict[tuple, Candidate] = {}
    for r in rows:
        key = ("employer", r["employer"]) if r["employer"] else ("name", r["respondent_name"].strip())
        c = found.setdefault(key, Candidate(respondent=r["respondent_name"], employer_id=r["employer"]))
        c.complaints.append((r["id"], r["tracking_no"]))
        c.serious_incident |= r["serious_incident"]
        is_ignored = r["status"] in ("transferred",) or r["outcome"] == "police" or (
            r["status"] == "payment_ordered" and r["rectify_by"] and r["rectify_by"] < on)
        c.order_ignored |= bool(is_ignored)
        for w in by_complaint.get(r["id"], []):
            owed = max(w["amount_ordered"], w["amount_owed"]) - w["amount_recovered"]
            c.outstanding_cny.append(max(amount_cny(owed, w["currency"]), 0))
    result = [c for c in found.values() if c.serious_incident or (c.order_ignored and c.threshold_reached)]
    for c in result:
        c.listed_until = _three_years(on)
    return sorted(result, key=lambda c: -c.total_cny)

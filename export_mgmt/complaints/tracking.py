"""Public tracking: a tracking number and a second factor show the status, the next deadline and the outcome.

A wrong second factor answers exactly as an unknown number does (same page, same work: the secret is always
checked against a hash), and every client address is limited in how often it may try.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from export_mgmt.accounts.passwords import dummy_hash
from export_mgmt.clock import utcnow
from export_mgmt.complaints import rules
from export_mgmt.complaints.schemas import TrackingView
from export_mgmt.complaints.services import next_deadline
from export_mgmt.complaints.tables import Complaint, ComplaintWorker, PublicAttempt

# Per client address: failed look-ups in a quarter of an hour and any look-ups in an hour; complaints filed in an
# hour, and submissions in an hour (a worker correcting a form a few times is not locked out by their mistakes).
LIMITS = {"track_failed": (5, dt.timedelta(minutes=15)), "track": (30, dt.timedelta(hours=1)),
          "file_succeeded": (5, dt.timedelta(hours=1)), "file": (30, dt.timedelta(hours=1))}
KEEP = dt.timedelta(days=1)


class Throttled(Exception):
    """Too many attempts from this address: try again later."""


async def throttled(action: str, address: str) -> bool:
    now, address = utcnow(), address[:64]  # as note_attempt() stores it
    # Failed look-ups (guessing) and successful filings (flooding) have limits of their own.
    outcome_limit = {"track": ("track_failed", False), "file": ("file_succeeded", True)}.get(action)
    if outcome_limit:
        limit, window = LIMITS[outcome_limit[0]]
        counted = await PublicAttempt.count().where(
            (PublicAttempt.action == action) & (PublicAttempt.client_address == address)
            & (PublicAttempt.succeeded == outcome_limit[1]) & (PublicAttempt.attempted_at > now - window))
        if counted >= limit:
            return True
    limit, window = LIMITS[action]
    return await PublicAttempt.count().where(
        (PublicAttempt.action == action) & (PublicAttempt.client_address == address)
        & (PublicAttempt.attempted_at > now - window)) >= limit


async def note_attempt(action: str, address: str, succeeded: bool) -> None:
    await PublicAttempt.insert(PublicAttempt(action=action, client_address=address[:64], succeeded=succeeded))


async def purge_attempts() -> int:
    deleted = await PublicAttempt.delete().where(PublicAttempt.attempted_at < utcnow() - KEEP).returning(
        PublicAttempt.id)
    return len(deleted)


def _secret_matches(secret_hash: str, factor: str) -> bool:
    try:
        return PasswordHasher().verify(secret_hash, factor)
    except (VerificationError, InvalidHashError):
        return False


async def lookup(tracking_no: str, factor: str, address: str) -> TrackingView | None:
    """The public view, or None for an unknown number or a wrong second factor alike. Raises Throttled."""
    if await throttled("track", address):
        raise Throttled()
    number = rules.normalise_code(tracking_no)[:16]
    factor_code = rules.normalise_code(factor)[:32]
    row = await Complaint.select().where(Complaint.tracking_no == number).first() if number else None
    # Always one argon2 verification, so the time taken does not tell a real number from an invented one.
    secret_ok = await asyncio.to_thread(_secret_matches, row["secret_hash"] if row else dummy_hash(), factor_code)
    last_four = (row or {}).get("complainant_id_number", "")[-4:]
    # Bytes, not str: compare_digest refuses non-ASCII text, and people type anything (张三李四).
    # A report's reporter must not be guessable from an identity number: reports track with the secret only.
    id_ok = bool(row and row["kind"] == "complaint" and len(last_four) == 4 and len(factor_code) == 4
                 and hmac.compare_digest(last_four.upper().encode(), factor_code.encode()))
    found = row is not None and (secret_ok or id_ok)
    await note_attempt("track", address, found)
    if not found:
        return None
    return await view(row)


async def view(row: dict) -> TrackingView:
    due, kind = next_deadline(row)
    recovered: dict[str, int] = {}
    for w in await ComplaintWorker.select(ComplaintWorker.currency, ComplaintWorker.amount_recovered).where(
            ComplaintWorker.complaint == row["id"]):
        if w["amount_recovered"]:
            recovered[w["currency"]] = recovered.get(w["currency"], 0) + w["amount_recovered"]
    shows_note = row["status"] in ("rejected", "supplement_requested")
    return TrackingView(
        tracking_no=row["tracking_no"], kind=row["kind"], status=row["status"], received_on=row["received_on"],
        next_deadline=due, deadline_kind=kind, deadline_missing=bool(kind) and due is None,
        reject_reason=row["reject_reason"] if row["status"] == "rejected" else "",
        decision_note=row["decision_note"] if shows_note else "",
        outcome=row["outcome"] if row["status"] == "closed" else "", closed_on=row["closed_on"],
        recovered=sorted(recovered.items()))

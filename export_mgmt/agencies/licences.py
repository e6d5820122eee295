"""Licences of an agency: recording them, status changes with dated reasons, and whether one is in force.

Other domains call licence_in_force() and find_licence_for(); the scheduler calls mark_expired_licences().
"""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.actor import SYSTEM, Actor
from export_mgmt.agencies import labels
from export_mgmt.agencies.schemas import LicenceCreate, LicenceRead, LicenceUpdate, StatusChangeRead
from export_mgmt.agencies.services import can_manage_agencies, require_visible
from export_mgmt.agencies.tables import Licence, LicenceStatusChange
from export_mgmt.agencies.validation import date, licence_number, text
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import is_sqlite, is_unique_violation, update_versioned, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.money import parse_amount, to_major

ENTITY = "licence"
OVERSEAS = "overseas_cooperation"
# When no licence covering a scope is in force, the most useful explanation comes first.
REASON_ORDER = ("suspended", "not_yet_valid", "expired", "cancelled", "revoked")


# ---- in force or not ------------------------------------------------------------------------------------

def licence_in_force(licence_row: dict, on_date: dt.date) -> bool:
    return (licence_row["status"] == "active"
            and licence_row["valid_from"] <= on_date <= licence_row["valid_to"])


def current_status(licence_row: dict, on_date: dt.date) -> str:
    """The status as it stands on on_date: an active licence past its end of validity is expired."""
    if licence_row["status"] == "active" and licence_row["valid_to"] < on_date:
        return "expired"
    return licence_row["status"]


def scopes(licence_row: dict) -> list[str]:
    return [code for code in licence_row["scope"].split(",") if code]


def refusal_reason(licence_row: dict, on_date: dt.date) -> str:
    """Why a licence is not in force on on_date ("ok" when it is)."""
    status = licence_row["status"]
    if status in ("revoked", "cancelled"):
        return status
    if status == "expired" or licence_row["valid_to"] < on_date:
        return "expired"
    if status == "suspended":
        return "suspended"
    if licence_row["valid_from"] > on_date:
        return "not_yet_valid"
    return "ok"


async def find_licence_for(agency_id: int, scope_code: str, on_date: dt.date) -> tuple[dict | None, str]:
    """The agency's licence in force on on_date covering scope_code, with "ok"; else None and the reason.

    Reasons: "none" (no licence covers the scope), "suspended", "expired" (past its end of validity or marked
    expired), "revoked", "cancelled", "not_yet_valid".
    """
    rows = await Licence.select().where(
        (Licence.agency == agency_id) & Licence.scope.like(f"%{scope_code}%")
    ).order_by(Licence.valid_to, ascending=False).order_by(Licence.id, ascending=False)
    covering = [row for row in rows if scope_code in scopes(row)]
    if not covering:
        return None, "none"
    for row in covering:
        if licence_in_force(row, on_date):
            return row, "ok"
    reasons = {refusal_reason(row, on_date) for row in covering}
    return None, next(code for code in REASON_ORDER if code in reasons)


# ---- reading --------------------------------------------------------------------------------------------

def read(row: dict, on_date: dt.date | None = None) -> LicenceRead:
    return LicenceRead(
        id=row["id"], agency_id=row["agency"], kind=row["kind"], number=row["number"], scope=scopes(row),
        issuing_authority=row["issuing_authority"], valid_from=row["valid_from"], valid_to=row["valid_to"],
        status=row["status"], current_status=current_status(row, on_date or today()),
        status_reason=row["status_reason"], status_changed_on=row["status_changed_on"],
        reserve_required=row["reserve_required"], version=row["version"],
    )


async def licence_row(agency_id: int, licence_id: int) -> dict:
    rows = await Licence.select().where((Licence.id == licence_id) & (Licence.agency == agency_id))
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def list_for(actor: Actor, agency_id: int) -> list[LicenceRead]:
    await require_visible(actor, agency_id)
    rows = await Licence.select().where(Licence.agency == agency_id).order_by(Licence.valid_to, ascending=False)
    on = today()
    return [read(row, on) for row in rows]


async def get(actor: Actor, agency_id: int, licence_id: int) -> LicenceRead:
    await require_visible(actor, agency_id)
    return read(await licence_row(agency_id, licence_id))


async def status_changes(actor: Actor, agency_id: int, licence_id: int) -> list[StatusChangeRead]:
    await require_visible(actor, agency_id)
    await licence_row(agency_id, licence_id)
    rows = await LicenceStatusChange.select().where(LicenceStatusChange.licence == licence_id).order_by(
        LicenceStatusChange.id, ascending=False)
    return [StatusChangeRead(status=r["status"], reason=r["reason"], effective_on=r["effective_on"],
                             actor_name=r["actor_name"], created_at=r["created_at"]) for r in rows]


async def history(actor: Actor, agency_id: int, licence_id: int) -> list[audit.AuditEntry]:
    await require_visible(actor, agency_id)
    await licence_row(agency_id, licence_id)
    return await audit.history(ENTITY, licence_id)


# ---- recording and editing ------------------------------------------------------------------------------

def clean(data: LicenceCreate) -> tuple[dict | None, dict[str, str]]:
    errors: dict[str, str] = {}
    kind = data.kind.strip()
    if kind not in labels.LICENCE_KINDS:
        errors["kind"] = _("Choose one of the listed values.")
    chosen = [code for code in labels.LICENCE_SCOPES if code in data.scope]
    if any(code not in labels.LICENCE_SCOPES for code in data.scope):
        errors["scope"] = _("Choose one of the listed values.")
    elif not chosen:
        errors["scope"] = _("Choose at least one scope.")
    elif kind == "employment_intermediary" and chosen != ["DOMESTIC"]:
        errors["scope"] = _("An employment intermediary licence covers domestic placements only.")
    valid_from = date(data.valid_from, "valid_from", errors, required=True)
    valid_to = date(data.valid_to, "valid_to", errors, required=True)
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("The end of validity cannot be before its start.")
    reserve = None
    if kind == OVERSEAS:
        reserve = parse_amount(data.reserve_required, "CNY") if data.reserve_required.strip() else None
        if not data.reserve_required.strip():
            errors["reserve_required"] = _("Enter the reserve fund this licence requires.")
        elif reserve is None:
            errors["reserve_required"] = _("Enter an amount in yuan, such as 3000000 or 2,500,000.00.")
    elif data.reserve_required.strip():
        errors["reserve_required"] = _("Only an overseas labour cooperation licence has a reserve fund.")
    values = {
        "kind": kind,
        "number": licence_number(data.number, "number", errors),
        "scope": ",".join(chosen),
        "issuing_authority": text(data.issuing_authority, 100, "issuing_authority", errors, required=True),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "reserve_required": reserve,
    }
    return (None, errors) if errors else (values, errors)


def auditable(values: dict) -> dict:
    """Audit keys with their own value labels; amounts in yuan, as people read them."""
    kept = {k: values[k] for k in ("number", "scope", "issuing_authority", "valid_from", "valid_to")}
    kept["licence_kind"] = values["kind"]
    required = values.get("reserve_required")
    kept["reserve_required"] = None if required is None else str(to_major(required, "CNY"))
    return kept


def _duplicate_number() -> FormErrors:
    return FormErrors({"number": _("A licence with this number is already registered.")})


async def create(actor: Actor, agency_id: int, data: LicenceCreate) -> int:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            if await Licence.exists().where(Licence.number == values["number"]):
                raise _duplicate_number()
            rows = await Licence.insert(Licence(agency=agency_id, status="active", **values)).returning(Licence.id)
            licence_id = rows[0]["id"]
            await audit.record(actor, ENTITY, licence_id, "created",
                               audit.diff({}, {**auditable(values), "licence_status": "active"}))
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise _duplicate_number() from exc
        raise
    return licence_id


async def update(actor: Actor, agency_id: int, licence_id: int, data: LicenceUpdate) -> None:
    """Correct a licence's facts; its status changes only through change_status()."""
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    await licence_row(agency_id, licence_id)
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            before = await licence_row(agency_id, licence_id)
            if data.version != before["version"]:
                raise FormErrors({"": _("Someone else changed this record while you were editing. "
                                        "Reload it and make your change again.")})
            if await Licence.exists().where((Licence.number == values["number"]) & (Licence.id != licence_id)):
                raise _duplicate_number()
            changes = audit.diff(auditable(before), auditable(values))
            await update_versioned(Licence, licence_id, values)
            if changes:
                await audit.record(actor, ENTITY, licence_id, "updated", changes)
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise _duplicate_number() from exc
        raise


# ---- the daily sweep ---------------------------------------------------------------------------------

async def mark_expired_licences(on_date: dt.date) -> int:
    """Daily sweep: every active licence whose validity ended before on_date becomes expired, with a status
    history row dated the day after its last valid day and one summarising audit row. Safe to run twice."""
    async with write_transaction():
        changed = await Licence.update({
            Licence.status: "expired", Licence.status_reason: "", Licence.status_changed_on: on_date,
            Licence.version: Licence.version + 1, Licence.updated_at: utcnow(),
        }).where((Licence.status == "active") & (Licence.valid_to < on_date)).returning(Licence.id, Licence.number)
        if not changed:
            return 0
        ids = [row["id"] for row in changed]
        day_after = "date(valid_to, '+1 day')" if is_sqlite() else "valid_to + 1"
        placeholders = ", ".join("{}" for _ in ids)
        await Licence.raw(
            "INSERT INTO licence_status_change (licence, status, reason, effective_on, actor_name, created_at) "
            f"SELECT id, 'expired', '', {day_after}, {{}}, {{}} FROM licence WHERE id IN ({placeholders})",
            SYSTEM.username, utcnow(), *ids)
        numbers = ", ".join(sorted(row["number"] for row in changed))
        await audit.record(SYSTEM, ENTITY, "", "expired", {"count": [None, len(ids)], "number": [None, numbers]})
    return len(ids)

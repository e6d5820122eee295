"""The risk reserve fund of an overseas labour cooperation licence: deposits, top-ups and draws.

The amount held is deposits + top-ups - draws; a draw larger than the amount held is refused.
"""

from __future__ import annotations

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import labels
from export_mgmt.agencies.licences import OVERSEAS
from export_mgmt.agencies.schemas import ReserveEntryCreate, ReserveEntryRead, ReserveState
from export_mgmt.agencies.services import can_manage_agencies, require_visible
from export_mgmt.agencies.tables import Licence, ReserveFundEntry
from export_mgmt.agencies.validation import date, text
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.db import write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.money import parse_amount, to_major

ENTITY = "licence"
MAX_AMOUNT = 10**13  # CNY fen: far above any reserve, far below an integer column's limit


async def held(licence_id: int) -> int:
    """CNY fen held for the licence now."""
    rows = await ReserveFundEntry.select(ReserveFundEntry.kind, ReserveFundEntry.amount).where(
        ReserveFundEntry.licence == licence_id)
    return sum(-r["amount"] if r["kind"] == "draw" else r["amount"] for r in rows)


async def held_by_licence(licence_ids: list[int]) -> dict[int, int]:
    if not licence_ids:
        return {}
    rows = await ReserveFundEntry.select(ReserveFundEntry.licence, ReserveFundEntry.kind,
                                         ReserveFundEntry.amount).where(ReserveFundEntry.licence.is_in(licence_ids))
    totals = {licence_id: 0 for licence_id in licence_ids}
    for r in rows:
        totals[r["licence"]] += -r["amount"] if r["kind"] == "draw" else r["amount"]
    return totals


def state(required: int | None, amount_held: int) -> ReserveState:
    return ReserveState(required=required, held=amount_held, short=required is not None and amount_held < required)


async def _overseas_licence(agency_id: int, licence_id: int) -> dict:
    rows = await Licence.select().where((Licence.id == licence_id) & (Licence.agency == agency_id))
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def reserve_state(actor: Actor, agency_id: int, licence_id: int) -> ReserveState:
    await require_visible(actor, agency_id)
    licence = await _overseas_licence(agency_id, licence_id)
    return state(licence["reserve_required"], await held(licence_id))


async def entries(actor: Actor, agency_id: int, licence_id: int) -> list[ReserveEntryRead]:
    await require_visible(actor, agency_id)
    await _overseas_licence(agency_id, licence_id)
    rows = await ReserveFundEntry.select().where(ReserveFundEntry.licence == licence_id).order_by(
        ReserveFundEntry.on_date, ascending=False).order_by(ReserveFundEntry.id, ascending=False)
    return [ReserveEntryRead(kind=r["kind"], amount=r["amount"], on_date=r["on_date"], note=r["note"],
                             created_at=r["created_at"]) for r in rows]


async def add_entry(actor: Actor, agency_id: int, licence_id: int, data: ReserveEntryCreate) -> None:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    licence = await _overseas_licence(agency_id, licence_id)
    if licence["kind"] != OVERSEAS:
        raise FormErrors({"": _("Only an overseas labour cooperation licence has a reserve fund.")})
    errors: dict[str, str] = {}
    kind = data.kind.strip()
    if kind not in labels.RESERVE_KINDS:
        errors["kind"] = _("Choose one of the listed values.")
    amount = parse_amount(data.amount, "CNY") if data.amount.strip() else None
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        errors["amount"] = _("Enter an amount in yuan, such as 3000000 or 2,500,000.00.")
    on_date = date(data.on_date, "on_date", errors, required=True, not_after=today())
    note = text(data.note, 200, "note", errors)
    if errors:
        raise FormErrors(errors)
    async with write_transaction():
        before = await held(licence_id)
        if kind == "draw" and amount > before:
            raise FormErrors({"amount": _("A draw cannot be larger than the amount held (%(held)s yuan).",
                                          held=str(to_major(before, "CNY")))})
        after = before - amount if kind == "draw" else before + amount
        await ReserveFundEntry.insert(ReserveFundEntry(licence=licence_id, kind=kind, amount=amount,
                                                       on_date=on_date, note=note))
        changes = {"number": [licence["number"], licence["number"]],
                   **audit.diff({}, {"reserve_kind": kind, "amount": str(to_major(amount, "CNY")), "on_date": on_date,
                                     "note": note or None}),
                   "reserve_held": [str(to_major(before, "CNY")), str(to_major(after, "CNY"))]}
        await audit.record(actor, ENTITY, licence_id, "reserve_entry", changes)

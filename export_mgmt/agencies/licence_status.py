"""Licence status changes: a new status with its effective date and reason, within the allowed transitions.

Active -> suspended, revoked, cancelled or expired; suspended -> active, revoked or cancelled; expired -> active
only as a renewal with a new end of validity after today; revoked and cancelled are final.
"""

from __future__ import annotations

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import labels
from export_mgmt.agencies.licences import ENTITY, licence_row
from export_mgmt.agencies.schemas import StatusChange
from export_mgmt.agencies.services import can_manage_agencies, require_visible
from export_mgmt.agencies.tables import Licence, LicenceStatusChange
from export_mgmt.agencies.validation import date, long_text
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import write_transaction
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _


def _transition_refused(old: str, new: str) -> str:
    if old == "revoked":
        return _("This licence has been revoked: its status cannot change any more.")
    if old == "cancelled":
        return _("This licence has been cancelled: its status cannot change any more.")
    if old == new:
        return _("The licence already has this status.")
    return _("A licence cannot go from “%(old)s” to “%(new)s”.",
             old=_(labels.LICENCE_STATUS[old]), new=_(labels.LICENCE_STATUS[new]))


async def change_status(actor: Actor, agency_id: int, licence_id: int, data: StatusChange) -> None:
    """A new status with its effective date and reason: the licence, its status history and the audit trail
    change together. Putting an expired licence back in force (a renewal) needs a new end of validity."""
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    await licence_row(agency_id, licence_id)
    on = today()
    errors: dict[str, str] = {}
    new = data.status.strip()
    if new not in labels.LICENCE_STATUS:
        errors["status"] = _("Choose one of the listed values.")
    effective = date(data.effective_on, "effective_on", errors, required=True, not_after=on)
    reason = long_text(data.reason, 2000, "reason", errors, required=True)
    new_valid_to = date(data.new_valid_to, "new_valid_to", errors)
    if errors:
        raise FormErrors(errors)
    async with write_transaction():
        before = await licence_row(agency_id, licence_id)
        old = before["status"]
        if new not in labels.TRANSITIONS[old]:
            raise FormErrors({"status": _transition_refused(old, new)})
        update_values = {Licence.status: new, Licence.status_reason: reason, Licence.status_changed_on: effective,
                         Licence.version: before["version"] + 1, Licence.updated_at: utcnow()}
        after = {"licence_status": new, "status_reason": reason, "status_changed_on": effective}
        if new == "active" and (old == "expired" or before["valid_to"] < on):
            if new_valid_to is None or new_valid_to <= on:
                raise FormErrors({"new_valid_to": _("A renewal needs a new end of validity after today.")})
        if new_valid_to is not None:
            if new != "active":
                raise FormErrors({"new_valid_to": _("A new end of validity is given only when the licence is "
                                                    "put back in force.")})
            if new_valid_to < before["valid_from"]:
                raise FormErrors({"new_valid_to": _("The end of validity cannot be before its start.")})
            update_values[Licence.valid_to] = new_valid_to
            after["valid_to"] = new_valid_to
        await Licence.update(update_values).where(Licence.id == licence_id)
        await LicenceStatusChange.insert(LicenceStatusChange(
            licence=licence_id, status=new, reason=reason, effective_on=effective, actor_name=actor.username))
        old_values = {"licence_status": old, "status_reason": before["status_reason"],
                      "status_changed_on": before["status_changed_on"], "valid_to": before["valid_to"]}
        changes = {"number": [before["number"], before["number"]], **audit.diff(old_values, after)}
        await audit.record(actor, ENTITY, licence_id, "status_changed", changes)

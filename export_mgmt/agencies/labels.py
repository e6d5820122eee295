"""Translated labels for agency, licence, reserve fund and broker codes."""

from export_mgmt.i18n import N_
from export_mgmt.placements.programmes import LICENCE_SCOPES

__all__ = ["BROKER_STATUS", "LICENCE_KINDS", "LICENCE_SCOPES", "LICENCE_STATUS", "RESERVE_KINDS", "TRANSITIONS"]

LICENCE_KINDS = {
    "overseas_cooperation": N_("Overseas labour cooperation"),
    "employment_intermediary": N_("Employment intermediary"),
}

LICENCE_STATUS = {
    "active": N_("In force"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "cancelled": N_("Cancelled"),
}

# Which status a licence may move to from its current one; revoked and cancelled are final.
TRANSITIONS = {
    "active": ("suspended", "revoked", "cancelled", "expired"),
    "suspended": ("active", "revoked", "cancelled"),
    "expired": ("active",),
    "revoked": (),
    "cancelled": (),
}

RESERVE_KINDS = {
    "deposit": N_("Paid into the fund"),
    "top_up": N_("Top-up"),
    "draw": N_("Draw"),
}

BROKER_STATUS = {
    "active": N_("On the register"),
    "struck_off": N_("Struck off"),
}

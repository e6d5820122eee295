"""API tokens an agency's systems use: issued and revoked by city administrators, stored only as SHA-256.

The token itself is shown once, when issued; resolve_token() is what the authentication layer calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies.schemas import TokenRead
from export_mgmt.agencies.services import can_manage_agencies, require_visible
from export_mgmt.agencies.tables import ApiToken
from export_mgmt.agencies.validation import text
from export_mgmt.audit import services as audit
from export_mgmt.clock import utcnow
from export_mgmt.db import write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _

ENTITY = "api_token"
# last_used_at is written at most this often per token: a busy client must not turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


async def resolve_token(raw: str) -> dict | None:
    """{"token_id", "agency_id", "name"} for a live token (not revoked, agency active), else None."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    row = await ApiToken.select(ApiToken.id, ApiToken.agency, ApiToken.name, ApiToken.last_used_at).where(
        (ApiToken.token_hash == token_hash(raw)) & ApiToken.revoked_at.is_null()
        & (ApiToken.agency.active == True)  # noqa: E712
    ).first()
    if row is None:
        return None
    now = utcnow()
    last = row["last_used_at"]
    if last is None or now - last >= LAST_USED_RESOLUTION:
        # One conditional statement: two concurrent requests write it at most once.
        await ApiToken.update({ApiToken.last_used_at: now}).where(
            (ApiToken.id == row["id"])
            & (ApiToken.last_used_at.is_null() | (ApiToken.last_used_at <= now - LAST_USED_RESOLUTION)))
    return {"token_id": row["id"], "agency_id": row["agency"], "name": row["name"]}


def _read(row: dict) -> TokenRead:
    return TokenRead(id=row["id"], name=row["name"], created_at=row["created_at"], created_by=row["created_by"],
                     revoked_at=row["revoked_at"], last_used_at=row["last_used_at"])


async def list_for(actor: Actor, agency_id: int) -> list[TokenRead]:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    rows = await ApiToken.select(*ApiToken.all_columns(exclude=[ApiToken.token_hash])).where(
        ApiToken.agency == agency_id).order_by(ApiToken.id, ascending=False)
    return [_read(row) for row in rows]


async def issue(actor: Actor, agency_id: int, name: str) -> tuple[int, str]:
    """(token id, the token): the caller shows the token once; only its hash is kept."""
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    errors: dict[str, str] = {}
    name = text(name, 100, "name", errors, required=True)
    if errors:
        raise FormErrors(errors)
    raw = secrets.token_urlsafe(32)
    async with write_transaction():
        rows = await ApiToken.insert(ApiToken(agency=agency_id, name=name, token_hash=token_hash(raw),
                                              created_by=actor.username)).returning(ApiToken.id)
        token_id = rows[0]["id"]
        await audit.record(actor, ENTITY, token_id, "issued", {"name": [None, name]})
    return token_id, raw


async def revoke(actor: Actor, agency_id: int, token_id: int) -> None:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    await require_visible(actor, agency_id)
    async with write_transaction():
        row = await ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.revoked_at).where(
            (ApiToken.id == token_id) & (ApiToken.agency == agency_id)).first()
        if row is None:
            raise RecordNotFound()
        if row["revoked_at"] is not None:
            raise FormErrors({"": _("This token has already been revoked.")})
        now = utcnow()
        await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == token_id)
        await audit.record(actor, ENTITY, token_id, "revoked", {"name": [row["name"], row["name"]],
                                                                "revoked_at": [None, now]})

"""Contract documents: checked by content, stored outside the web root, served only to entitled users."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from pathlib import Path

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.db import where_all, write_transaction
from export_mgmt.errors import FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.placements.services import _load_for_update, scope
from export_mgmt.placements.tables import Placement, PlacementDocument
from export_mgmt.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
# What a file really is, read from its first bytes: the name and the browser's claim are not trusted.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


def upload_dir() -> Path:
    path = get_settings().data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(data: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            return kind
    return None


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or "document"
    return "".join(c for c in name if c.isprintable())[:200]


async def store_document(actor: Actor, placement_id: int, filename: str, data: bytes) -> int:
    if not data:
        raise FormErrors({"document": _("Choose a file to upload.")})
    if len(data) > MAX_BYTES:
        raise FormErrors({"document": _("The file is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024))})
    kind = sniff(data)
    if kind is None:
        raise FormErrors({"document": _("Only PDF, PNG and JPEG files can be uploaded.")})
    content_type, suffix = kind
    await _load_for_update(actor, placement_id)  # no file lands on disk for a placement out of reach
    stored_name = secrets.token_hex(16) + suffix
    path = upload_dir() / stored_name
    await asyncio.to_thread(path.write_bytes, data)
    try:
        async with write_transaction():
            await _load_for_update(actor, placement_id)
            rows = await PlacementDocument.insert(PlacementDocument(
                placement=placement_id, filename=_safe_name(filename), content_type=content_type, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), stored_name=stored_name, uploaded_by=actor.username,
            )).returning(PlacementDocument.id)
            await audit.record(actor, "placement", placement_id, "document_added",
                               {"document": [None, _safe_name(filename)]})
    except BaseException:
        path.unlink(missing_ok=True)  # no orphan file when the row was not written
        raise
    return rows[0]["id"]


async def open_document(actor: Actor, placement_id: int, document_id: int) -> tuple[dict, Path]:
    """The document row and its file, if the actor may see the placement."""
    visible = await where_all(Placement.exists(), scope(actor) + [Placement.id == placement_id])
    row = await PlacementDocument.select().where(
        (PlacementDocument.id == document_id) & (PlacementDocument.placement == placement_id)).first()
    if not visible or row is None:
        raise RecordNotFound()
    return row, upload_dir() / row["stored_name"]

"""Contract documents: checked by content, stored outside the web root, served only to entitled users."""

from __future__ import annotations

from pathlib import Path

from export_mgmt import uploads
from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.db import where_all, write_transaction
from export_mgmt.errors import RecordNotFound
from export_mgmt.placements.services import _load_for_update, scope
from export_mgmt.placements.tables import Placement, PlacementDocument

MAX_BYTES = uploads.MAX_BYTES


async def store_document(actor: Actor, placement_id: int, filename: str, data: bytes) -> int:
    checked = uploads.check(filename, data)
    await _load_for_update(actor, placement_id)  # no file lands on disk for a placement out of reach
    async with uploads.stored(checked, data):
        async with write_transaction():
            await _load_for_update(actor, placement_id)
            rows = await PlacementDocument.insert(PlacementDocument(
                placement=placement_id, filename=checked.filename, content_type=checked.content_type,
                size=checked.size, sha256=checked.sha256, stored_name=checked.stored_name,
                uploaded_by=actor.username,
            )).returning(PlacementDocument.id)
            await audit.record(actor, "placement", placement_id, "document_added",
                               {"document": [None, checked.filename]})
    return rows[0]["id"]


async def open_document(actor: Actor, placement_id: int, document_id: int) -> tuple[dict, Path]:
    """The document row and its file, if the actor may see the placement."""
    visible = await where_all(Placement.exists(), scope(actor) + [Placement.id == placement_id])
    row = await PlacementDocument.select().where(
        (PlacementDocument.id == document_id) & (PlacementDocument.placement == placement_id)).first()
    if not visible or row is None:
        raise RecordNotFound()
    return row, uploads.upload_dir() / row["stored_name"]

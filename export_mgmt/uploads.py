"""Uploaded evidence and documents: checked by content, stored outside the web root under random names."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

from export_mgmt.errors import FormErrors
from export_mgmt.i18n import _
from export_mgmt.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
# Request bodies of the forms that carry documents: one document at the limit, with room for the form around it,
# so a file just over the limit gets the form's own message. The public and the desk's complaint forms carry up to
# three documents in this one allowance. Every other request has the application's small default (app.py).
UPLOAD_BODY_BYTES = MAX_BYTES + 2 * 1024 * 1024
# What a file really is, read from its first bytes: the name and the browser's claim are not trusted.
SIGNATURES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    stored_name: str


def upload_dir() -> Path:
    path = get_settings().data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(data: bytes) -> tuple[str, str] | None:
    for magic, kind in SIGNATURES.items():
        if data.startswith(magic):
            return kind
    return None


def safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or "document"
    return "".join(c for c in name if c.isprintable())[:200]


def check(filename: str, data: bytes, field: str = "document") -> CheckedFile:
    """Refuse empty, oversized and unrecognised files with a message for the form's `field`."""
    if not data:
        raise FormErrors({field: _("Choose a file to upload.")})
    if len(data) > MAX_BYTES:
        raise FormErrors({field: _("The file is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024))})
    kind = sniff(data)
    if kind is None:
        raise FormErrors({field: _("Only PDF, PNG and JPEG files can be uploaded.")})
    content_type, suffix = kind
    return CheckedFile(filename=safe_name(filename), content_type=content_type, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest(), stored_name=secrets.token_hex(16) + suffix)


@asynccontextmanager
async def stored(checked: CheckedFile, data: bytes) -> AsyncIterator[Path]:
    """Write the file, then let the caller write its row; if that fails the file is removed (no orphans)."""
    path = upload_dir() / checked.stored_name
    await asyncio.to_thread(path.write_bytes, data)
    try:
        yield path
    except BaseException:
        path.unlink(missing_ok=True)
        raise

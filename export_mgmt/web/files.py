"""Uploaded files on the way in (read from a form) and out (served as an attachment, never rendered inline)."""

from __future__ import annotations

from pathlib import Path

from litestar.datastructures import FormMultiDict, UploadFile
from litestar.response import File

from export_mgmt.errors import RecordNotFound


async def read_upload(form: FormMultiDict, field: str) -> tuple[str, bytes]:
    """The file sent in `field`: its name and content, or ("", b"") when none was chosen."""
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        return "", b""
    data = await upload.read()
    await upload.close()
    return upload.filename, data


def attachment(row: dict, path: Path) -> File:
    """A stored file as a download: the sniffed type, nosniff, and no copy left in shared caches."""
    if not path.is_file():
        raise RecordNotFound()
    return File(path=path, filename=row["filename"], media_type=row["content_type"],
                content_disposition_type="attachment",
                headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})

"""The web server killed (kill -9) while a large Excel upload is being imported: nothing of the file is written, the
import's page says so once the server is back, and the same file then imports in full."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json

import httpx
import pytest
import xlsxwriter

from export_mgmt.audit.tables import AuditLog
from export_mgmt.settings import get_settings
from tests.conftest import create_user, login
from tests.integration.faults.servers import Server
from tests.integration.workers.helpers import LIAOZHONG, count_all, number
from tests.integration.workers.import_helpers import HEADERS, run_import, upload
from tests.integration.workers.test_import_process import running

ROWS = 40_000  # seconds of importing, in the import process: long enough to be caught half-way


def register_file() -> bytes:
    """ROWS people, by identity number and name only (the clerk's county is theirs)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, HEADERS[:2])
    for i in range(ROWS):
        sheet.write_string(i + 1, 0, number(LIAOZHONG, dt.date(1985, 1, 1) + dt.timedelta(days=i // 1000), i % 1000))
        sheet.write_string(i + 1, 1, f"工人{i}")
    book.close()
    return out.getvalue()


def import_states() -> dict[str, dict]:
    states = {}
    for path in (get_settings().data_dir / "imports").glob("*/state.json"):
        with contextlib.suppress(OSError, ValueError):
            states[path.parent.name] = json.loads(path.read_text(encoding="utf-8"))
    return states


async def mid_import(before: set[str]) -> tuple[str, dict]:
    """The new import's token and state once it has judged and written some rows in its open transaction."""
    for _attempt in range(1_200):
        for token, state in import_states().items():
            if token not in before and state.get("phase") != "queued":
                if state["phase"] == "validating" and state["done"]:
                    return token, state
                if state["phase"] not in ("checking", "reading", "validating"):
                    pytest.skip("the import went past its checks before the server could be killed")
        await asyncio.sleep(0.05)
    raise AssertionError("the import did not start")


async def signed_in(client: httpx.AsyncClient) -> None:
    response = await login(client, "clerk")
    assert response.status_code in (302, 303), response.text


async def test_a_server_killed_mid_import_leaves_nothing_and_the_file_imports_after_the_restart():
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    data = register_file()
    before = set(import_states())
    server = await Server().start()
    try:
        async with server.client() as client:
            await signed_in(client)
            uploading = asyncio.create_task(upload(client, data))
            token, state = await mid_import(before)
            server.kill()
            with contextlib.suppress(httpx.TransportError):
                await uploading  # the answer may have come before the kill, or never
    finally:
        server.stop()
    importer = state["pid"]
    for _attempt in range(300):  # orphaned, the import process ends by itself
        if not running(importer):
            break
        await asyncio.sleep(0.1)
    assert not running(importer)
    assert await count_all() == (0, 0, 0)
    assert await AuditLog.count().where(AuditLog.entity.is_in(["worker", "worker_import"])) == 0

    server = await Server().start()
    try:
        async with server.client() as client:
            await signed_in(client)
            page = await client.get(f"/workers/import/{token}")
            assert page.status_code == 200
            assert 'id="import-progress"' not in page.text, "the killed import is still shown as running"
            assert 'id="import-failed"' in page.text and "stopped before it finished" in page.text
            location, page = await run_import(client, data)
            assert location != f"/workers/import/{token}"
            assert "40,000 workers were imported" in page.text
    finally:
        server.stop()
    assert await count_all() == (ROWS, 0, 0)

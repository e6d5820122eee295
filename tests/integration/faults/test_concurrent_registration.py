"""Twenty clerks registering the same person at the same moment: one record, and every other clerk is told the
number is already registered (never an internal error), whether the requests meet in one server process or in
two processes writing to the same database."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

from export_mgmt.audit.tables import AuditLog
from tests.conftest import _client, create_user
from tests.integration.faults.servers import api_session
from tests.integration.workers.helpers import LIAOZHONG, api_body, number, worker_rows

CLERKS = 20
PERSON = number(LIAOZHONG, dt.date(1979, 8, 9), 57)


async def _clerks() -> list[str]:
    names = [f"clerk{i}" for i in range(CLERKS)]
    for name in names:
        await create_user(name, "county_clerk", county_code=LIAOZHONG)
    return names


async def _assert_one_record(responses) -> None:
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [422] * (CLERKS - 1), [(r.status_code, r.text[:200]) for r in responses]
    created = next(r for r in responses if r.status_code == 201).json()["id"]
    for refused in (r for r in responses if r.status_code == 422):
        assert refused.json()["errors"]["id_number"] == "This identity number is already registered."
        assert refused.json()["duplicate_id"] == created
    [row] = await worker_rows()
    assert row["id"] == created and row["id_number"] == PERSON
    assert await AuditLog.count().where(AuditLog.entity == "worker") == 1


@contextlib.asynccontextmanager
async def _closed_afterwards(browsers):
    try:
        yield
    finally:
        for browser in browsers:
            await browser.aclose()


async def _register_all_at_once(browsers, headers) -> list:
    """Each clerk registers the same person, all at once: their answers."""
    return await asyncio.gather(*(b.post("/api/v1/workers", json=api_body(PERSON, f"张{i}"), headers=h)
                                  for i, (b, h) in enumerate(zip(browsers, headers))))


async def test_twenty_registrations_at_once_in_one_server_make_one_record(app):
    names = await _clerks()
    browsers = [_client(app, f"127.0.0.{i + 1}") for i in range(CLERKS)]
    async with _closed_afterwards(browsers):
        headers = [await api_session(b, name) for b, name in zip(browsers, names)]
        for browser in browsers:
            browser.headers["Accept-Language"] = "en"
        responses = await _register_all_at_once(browsers, headers)
    await _assert_one_record(responses)


async def test_twenty_registrations_at_once_across_two_server_processes_make_one_record(two_servers):
    names = await _clerks()
    browsers = [two_servers[i % 2].client() for i in range(CLERKS)]
    async with _closed_afterwards(browsers):
        headers = await asyncio.gather(*(api_session(b, name) for b, name in zip(browsers, names)))
        responses = await _register_all_at_once(browsers, headers)
    await _assert_one_record(responses)

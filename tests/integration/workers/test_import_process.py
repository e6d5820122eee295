"""A large upload is imported in the import process, away from the web server's event loop: the same result and
report as an import in the server's process; an import process that dies leaves nothing written, says so on the
import's page, and the file can be imported again; where no process can be started, the server imports it."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.workers.imports import jobs
from export_mgmt.workers.imports.command import command_actor
from tests.integration.workers.helpers import LIAOZHONG, count_all, number
from tests.integration.workers.import_helpers import finished_page, run_import, upload, workbook
from tests.integration.workers.test_import_rows import import_mixed_rows_keeping_the_valid_ones


@pytest.fixture(autouse=True)
def every_upload_is_large(monkeypatch):
    monkeypatch.setattr(jobs, "OWN_PROCESS_MIN_BYTES", 0)
    yield
    jobs.shutdown()  # the suite's app is never shut down; its import process is stopped here


def state_of(location: str) -> dict:
    return jobs._read_state(location.rsplit("/", 1)[1])


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def running(pid: int) -> bool:
    """The process exists and has not ended (an ended orphan may stay a zombie until it is reaped)."""
    try:
        return "\tZ" not in Path(f"/proc/{pid}/status").read_text().split("State:")[1].splitlines()[0]
    except (OSError, IndexError):
        return False


def plain_rows(first: int, n: int) -> list[list[object]]:
    """n workers with numbers of their own (a thousand sequence numbers a birth date)."""
    return [[number(born=dt.date(1985, 1, 1) + dt.timedelta(days=s // 1000), seq=s % 1000), f"工人{s}", "", "", "",
             "", "", None] for s in range(first, first + n)]


async def test_a_large_upload_is_imported_in_the_import_process_with_its_report(clerk_client):
    # The same rows, result page, report (in the user's language) and database rows as in the server's process.
    location = await import_mixed_rows_keeping_the_valid_ones(clerk_client)
    assert state_of(location)["pid"] != os.getpid()


async def test_an_import_process_killed_before_the_import_leaves_nothing_and_the_file_imports_again(clerk_client):
    data = workbook(plain_rows(31, 20))
    executor = jobs.IMPORT_PROCESS.get()
    pid = executor.submit(os.getpid).result()
    executor.submit(time.sleep, 60)  # the upload waits behind this, queued, until the process is killed
    response = await upload(clerk_client, data, "all_or_nothing")
    location = response.headers["location"]
    assert state_of(location)["status"] == "queued"
    os.kill(pid, signal.SIGKILL)
    page = await finished_page(clerk_client, location)
    assert 'id="import-failed"' in page.text and "stopped before it finished" in page.text
    assert await count_all() == (0, 0, 0)
    location, page = await run_import(clerk_client, data, "all_or_nothing")  # a new import process takes it
    assert "20 workers were imported" in page.text
    assert await count_all() == (20, 0, 0)
    assert state_of(location)["pid"] not in (pid, os.getpid())


async def test_an_import_process_killed_during_the_import_rolls_it_back(clerk_client):
    actor = command_actor(LIAOZHONG)
    token = await jobs.start(actor, "big.xlsx", workbook(plain_rows(61, 20_000)), "all_or_nothing")
    for _attempt in range(2_000):  # until the first batches are judged and written, in one open transaction
        state = jobs.load(actor, token)
        if state["phase"] not in ("queued", "checking", "reading", "validating") or state["done"]:
            break
        await asyncio.sleep(0.005)
    if state["phase"] != "validating":
        pytest.skip("the import went past its checks before it could be killed")
    judging = children(state["pid"])  # the import process's own judging process (a large file)
    os.kill(state["pid"], signal.SIGKILL)
    await jobs.wait(token, 30)
    assert jobs.load(actor, token)["status"] == "interrupted"
    assert await count_all() == (0, 0, 0)
    assert await AuditLog.count().where(AuditLog.entity.is_in(["worker", "worker_import"])) == 0
    # Orphaned, the judging process ends by itself instead of waiting for work forever.
    assert judging
    for _attempt in range(100):
        if not any(running(pid) for pid in judging):
            break
        await asyncio.sleep(0.1)
    assert not any(running(pid) for pid in judging)


async def test_an_import_process_killed_after_its_commit_says_what_was_saved(clerk_client):
    from export_mgmt.audit.services import diff, record

    executor = jobs.IMPORT_PROCESS.get()
    pid = executor.submit(os.getpid).result()
    executor.submit(time.sleep, 60)
    response = await upload(clerk_client, workbook(plain_rows(81, 5)), "all_or_nothing")
    location = response.headers["location"]
    # What the import process leaves when it dies between its commit and its last word on the page.
    await record(command_actor(LIAOZHONG), "worker_import", location.rsplit("/", 1)[1], "loaded",
                 diff({}, {"count": 5}))
    os.kill(pid, signal.SIGKILL)
    page = await finished_page(clerk_client, location)
    assert "stopped after it had saved 5 workers" in page.text


async def test_the_import_process_stops_with_its_judging_process_when_the_server_stops(clerk_client):
    location, page = await run_import(clerk_client, workbook(plain_rows(101, 12_000)), "all_or_nothing")
    assert "12,000 workers were imported" in page.text
    pid = state_of(location)["pid"]
    judging = children(pid)
    assert judging  # a large file: judged in the import process's own judging process
    stopping = threading.Thread(target=jobs.shutdown, daemon=True)  # as the server's shutdown does
    stopping.start()
    stopping.join(60)
    assert not stopping.is_alive(), "the import process did not stop"
    assert not any(running(p) for p in [pid, *judging])


async def test_where_no_process_can_be_started_the_server_imports_the_file(clerk_client, monkeypatch):
    def no_processes():
        raise OSError("cannot start a process here")

    monkeypatch.setattr(jobs.IMPORT_PROCESS, "get", no_processes)
    location, page = await run_import(clerk_client, workbook(plain_rows(41, 5)), "all_or_nothing")
    assert "5 workers were imported" in page.text
    assert state_of(location)["pid"] == os.getpid()

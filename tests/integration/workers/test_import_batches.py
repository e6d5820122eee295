"""The import writes each batch of rows as it is judged, while the next ones are judged (in a thread, or in the
process pool for a large file): with batches of two rows, the result and the error report are those of a
one-batch import, and all-or-nothing still writes nothing when a late row is bad (the batches written before it
are rolled back)."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.i18n import set_locale
from export_mgmt.workers.imports import judging, kept, service
from export_mgmt.workers.imports.checks import FileRefused
from export_mgmt.workers.imports.command import command_actor
from export_mgmt.workers.imports.reader import read_workbook
from export_mgmt.workers.imports.validate import file_numbers, repeated_numbers
from tests.integration.workers.helpers import LIAOZHONG, count_all, fifteen_digit, number, worker_rows
from tests.integration.workers.import_helpers import workbook
from tests.integration.workers.test_import_rows import _check_report, _set_up_pool, mixed_rows


@pytest.fixture(autouse=True, params=["thread", "processes"])
def small_batches(request, monkeypatch):
    """Batches of two rows, judged in a thread or (as a large file is) in the process pool."""
    set_locale("en")
    monkeypatch.setattr(service, "BATCH_ROWS", 2)
    monkeypatch.setattr(judging, "PROCESS_MIN_BYTES", 0 if request.param == "processes" else 10**12)
    return request.param


def report(result: service.ImportResult) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.id_number, service.column_label(e.column), e.message) for e in result.errors]


def plain(seq: int, name: str = "") -> list[object]:
    return [number(seq=seq), name or f"工人{seq}", "", "", "", "", "", None]


async def imported_numbers() -> set[str]:
    return {w["id_number"] for w in await worker_rows(county_code=LIAOZHONG)}


async def test_valid_rows_in_batches_give_the_same_result_as_in_one(small_batches):
    rows, numbers = mixed_rows()
    await _set_up_pool(numbers)
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert (result.rows_read, result.imported, result.refused) == (10, 3, 7)
    _check_report(report(result))
    assert await imported_numbers() == set(numbers["good"])
    assert await count_all() == (4, 2, 1)
    assert await AuditLog.count().where((AuditLog.entity == "worker") & (AuditLog.action == "created")) == 3
    assert sorted(result.worker_ids) == result.worker_ids and len(result.worker_ids) == 3


async def test_all_or_nothing_rolls_back_batches_written_before_a_late_bad_row(small_batches):
    rows = [plain(s) for s in range(41, 48)] + [[number(seq=48), "", "", "", "", "", "", None]]  # row 9: no name
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows),
                                           service.ALL_OR_NOTHING)
    assert (result.rows_read, result.imported, result.refused, result.held_back) == (8, 0, 1, 7)
    assert [(e.row, e.column) for e in result.errors] == [(9, "name")]
    assert await count_all() == (0, 0, 0)
    assert await AuditLog.count() == 0


async def test_a_number_repeated_in_a_later_batch_refuses_both_rows(small_batches):
    first = number(seq=51)
    rows = [plain(51), plain(52), plain(53), plain(54), [fifteen_digit(first), "又一个", "", "", "", "", "", None],
            plain(55)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert [(e.row, e.column) for e in result.errors] == [(2, "id_number"), (6, "id_number")]
    assert "also on row 6" in result.errors[0].message
    assert (result.imported, result.refused) == (4, 2)
    assert await imported_numbers() == {number(seq=s) for s in (52, 53, 54, 55)}


async def test_progress_is_reported_through_every_batch(small_batches):
    heard: list[tuple[str, int, int]] = []
    rows = [plain(s) for s in range(61, 66)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS,
                                           progress=lambda *args: heard.append(args))
    assert result.imported == 5
    phases = [phase for phase, _done, _total in heard]
    assert phases[:2] == ["checking", "reading"] and phases[-1] == "done"
    assert ("validating", 5, 5) in heard and ("writing", 5, 5) in heard
    assert phases.index("writing") > max(i for i, p in enumerate(phases) if p == "validating")


def test_repeated_numbers_groups_the_forms_parse_would_treat_as_one():
    eighteen = number(seq=71)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number(seq=72))
    rows = [[eighteen, "a"], [fifteen_digit(eighteen), "b"], [number(seq=72), "c"], [full_width, "d"],
            [number(seq=73), "e"], ["", "f"], ["", "g"]]
    sheet = read_workbook(workbook(rows, ["Identity number", "Name"]), 100)
    numbers = file_numbers(sheet)
    assert numbers[3] == eighteen and numbers[5] == number(seq=72) and 7 not in numbers
    assert repeated_numbers(numbers) == {2, 3, 4, 5}


def _die(k):  # in the pool's process: as if it were killed
    os._exit(1)


async def test_a_pool_process_that_dies_leaves_the_batches_to_a_thread(small_batches, monkeypatch):
    if small_batches != "processes":
        pytest.skip("the process pool only")

    def start_dying(self, how, batches):
        self.how, self.batches = how, batches
        self.pending = {k: asyncio.wrap_future(self.executor.submit(_die, k)) for k in range(len(batches))}

    monkeypatch.setattr(judging.InProcess, "start", start_dying)
    rows = [plain(s) for s in range(81, 86)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert (result.imported, result.errors) == (5, [])
    assert await count_all() == (5, 0, 0)
    assert judging.JUDGING.current is None  # the broken pool was dropped; the next large import starts a new one


async def test_a_pool_shut_down_under_an_import_leaves_the_batches_to_a_thread(small_batches, monkeypatch):
    if small_batches != "processes":
        pytest.skip("the process pool only")
    original = judging.InProcess.start

    def start_after_shutdown(self, how, batches):
        self.executor.shutdown(wait=True)  # as when another import found the pool broken and dropped it
        original(self, how, batches)

    monkeypatch.setattr(judging.InProcess, "start", start_after_shutdown)
    rows = [plain(s) for s in range(91, 96)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert (result.imported, result.errors) == (5, [])
    assert await count_all() == (5, 0, 0)
    assert judging.JUDGING.current is None  # dropped; the next large import starts a new one


async def test_the_pool_judges_a_few_batches_ahead_of_the_writer_not_all(small_batches, monkeypatch):
    if small_batches != "processes":
        pytest.skip("the process pool only")
    most: list[int] = []
    original = judging.InProcess.result

    async def watched(self, k):
        most.append(len(self.pending))
        return await original(self, k)

    monkeypatch.setattr(judging.InProcess, "result", watched)
    rows = [plain(s) for s in range(101, 121)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert result.imported == 20
    assert len(most) > judging.AHEAD and max(most) <= judging.AHEAD


async def test_a_large_file_is_read_and_judged_in_the_process_pool(small_batches, monkeypatch):
    if small_batches != "processes":
        pytest.skip("the process pool only")
    places: list[object] = []
    original = judging.place_for

    def recorded(data, token):
        places.append(original(data, token))
        return places[-1]

    monkeypatch.setattr(judging, "place_for", recorded)
    rows = [plain(s) for s in range(91, 94)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert result.imported == 3
    assert [type(p).__name__ for p in places] == ["InProcess"] and places[0].fallback is None
    assert judging.pool().submit(os.getpid).result() != os.getpid()  # read and judged in another process


async def test_a_refused_file_is_refused_from_the_pool_too(small_batches):
    if small_batches != "processes":
        pytest.skip("the process pool only")
    with pytest.raises(FileRefused, match="no column for"):
        await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx",
                                      workbook([[number(seq=95)]], ["Identity number", "Skill level"]),
                                      service.VALID_ROWS)


async def test_the_pool_judges_at_a_lower_priority_than_the_server(small_batches):
    if small_batches != "processes":
        pytest.skip("the process pool only")
    # Pages keep answering during a large import: the judging process gives way to the server's own work.
    assert judging.pool().submit(os.nice, 0).result() >= os.nice(0) + min(kept.NICENESS, 19 - os.nice(0))


async def test_every_worker_gets_its_own_created_entry_whether_or_not_its_key_follows_the_last(small_batches):
    """The audit rows of a batch are found by the keys' range when the keys drawn follow each other, by the
    keys themselves when another registration drew one in between (PostgreSQL: the keys are drawn first)."""
    from export_mgmt.db import write_transaction
    from export_mgmt.workers.imports import store
    from export_mgmt.workers.tables import Worker

    rows = [plain(s) for s in range(61, 65)]
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", workbook(rows), service.VALID_ROWS)
    assert result.imported == 4
    ids = result.worker_ids
    await AuditLog.delete(force=True)
    gaps = [ids[0], ids[2], ids[3]]  # not consecutive: ids[1] lies between them
    async with write_transaction():
        await store._audit_rows(command_actor(LIAOZHONG), gaps, result.finished_at, "again")
        await store._audit_rows(command_actor(LIAOZHONG), ids[2:], result.finished_at, "again")
    entries = await AuditLog.select(AuditLog.entity_id, AuditLog.changes).order_by(AuditLog.id)
    assert [int(e["entity_id"]) for e in entries] == [*gaps, *ids[2:]]
    names = {w["id"]: w["name"] for w in await Worker.select(Worker.id, Worker.name)}
    assert [json.loads(e["changes"])["name"][1] for e in entries] == [names[int(e["entity_id"])] for e in entries]

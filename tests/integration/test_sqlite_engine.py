"""The embedded engine keeps its connections for the next query (sqlite_engine.ReusingSQLiteEngine): queries on
a kept connection behave as on a new one — writes are committed and seen, foreign keys hold, a failed query
leaves nothing behind — quick SELECTs run on the event loop's thread and slow ones move to a connection's
thread, and a command that never stops the engine still exits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest

from export_mgmt import db, sqlite_engine
from export_mgmt.sqlite_engine import KEPT_CONNECTIONS, ReusingSQLiteEngine
from export_mgmt.workers.tables import Worker, WorkerSkill
from tests.integration.workers.helpers import add_skill, add_worker, number

pytestmark = pytest.mark.skipif(not db.is_sqlite(), reason="the embedded engine only")


async def new_worker(seq: int) -> int:
    return await add_worker(f"工人{seq}", number(seq=seq))


LONG_SELECT = ("SELECT count(*) AS c FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 200000) SELECT i FROM n)")


async def test_the_engine_keeps_its_connections_between_queries():
    engine = db.engine()
    assert isinstance(engine, ReusingSQLiteEngine)
    await engine.close_kept_connections()
    await new_worker(11)  # a write outside a transaction: on the writes' kept connection
    writer = engine._writer
    assert writer is not None
    await new_worker(12)
    await new_worker(13)
    assert engine._writer is writer  # the same connection served all three
    engine._slow["SELECT count(*) AS c FROM worker"] = time.monotonic() + 60  # sent to a reader's thread
    assert await engine._run_in_new_connection("SELECT count(*) AS c FROM worker") == [{"c": 3}]
    kept = list(engine._idle)
    assert len(kept) == 1
    await engine._run_in_new_connection("SELECT count(*) AS c FROM worker")
    assert engine._idle == kept  # and the reader's connection is kept for the next


async def test_a_quick_select_runs_on_the_event_loop_thread_and_sees_committed_writes():
    engine = db.engine()
    await engine.close_kept_connections()
    assert await Worker.count() == 0
    assert engine._idle == []  # no aiosqlite thread was needed for it
    await new_worker(14)
    assert await Worker.count() == 1  # the inline connection sees what the kept one committed


async def test_a_select_over_its_budget_moves_to_a_thread_and_is_remembered(monkeypatch):
    engine = db.engine()
    monkeypatch.setattr(sqlite_engine, "INLINE_BUDGET_S", 0.0)
    engine._slow.clear()
    rows = await engine._run_in_new_connection(LONG_SELECT)
    assert rows == [{"c": 200000}]  # interrupted inline, then run to the end on a kept connection
    assert LONG_SELECT in engine._slow
    monkeypatch.setattr(sqlite_engine, "INLINE_BUDGET_S", 60.0)
    kept = len(engine._idle)
    assert await engine._run_in_new_connection(LONG_SELECT) == [{"c": 200000}]
    assert len(engine._idle) == kept  # straight to a thread (a kept connection was taken and given back)


async def test_a_statement_held_up_once_is_tried_inline_again_a_while_later(monkeypatch):
    """A quick statement interrupted because the process was held up (here: a budget of nothing) goes to a thread
    for a while, not for good."""
    engine = db.engine()
    await engine.close_kept_connections()
    quick = "SELECT 1 AS one"
    monkeypatch.setattr(sqlite_engine, "INLINE_BUDGET_S", -1.0)  # past its deadline before it starts
    monkeypatch.setattr(sqlite_engine, "PROGRESS_STEPS", 1)
    await engine.close_kept_connections()  # the inline connection's handler is installed with the step count
    assert await engine._run_in_new_connection(quick) == [{"one": 1}]
    assert quick in engine._slow
    monkeypatch.setattr(sqlite_engine, "INLINE_BUDGET_S", 60.0)
    assert await engine._run_in_new_connection(quick) == [{"one": 1}]
    assert engine._idle, "a statement known slow runs on a kept connection's thread"
    await engine.close_kept_connections()
    engine._slow[quick] = time.monotonic() - 1  # its while is over
    assert await engine._run_in_new_connection(quick) == [{"one": 1}]
    assert quick not in engine._slow
    assert engine._idle == []  # inline again: no thread was needed
    await engine.close_kept_connections()  # not to leave the one-step handler to the next test


async def test_writes_outside_a_transaction_go_one_after_another_instead_of_waiting_in_sqlite(monkeypatch):
    """Twenty writes at once, each its own statement (as a session's last-seen time or an audit row of a read),
    with no patience in SQLite at all (busy timeout 0): none is refused as locked, every one is written."""
    engine = db.engine()
    await engine.close_kept_connections()
    monkeypatch.setitem(engine.connection_kwargs, "timeout", 0)
    worker_id = await new_worker(21)
    try:
        await asyncio.gather(*(engine._run_in_new_connection(
            "INSERT INTO worker_skill (worker, trade, level, certificate_no) VALUES (?, ?, '', '')",
            [worker_id, f"工种{i}"]) for i in range(20)))
    finally:
        await engine.close_kept_connections()  # the next test's connections wait as configured
    assert await WorkerSkill.count().where(WorkerSkill.worker == worker_id) == 20


async def test_concurrent_slow_reads_each_get_a_connection_and_at_most_a_few_are_kept():
    engine = db.engine()
    await engine.close_kept_connections()
    engine._slow[LONG_SELECT] = time.monotonic() + 60
    counts = await asyncio.gather(*(engine._run_in_new_connection(LONG_SELECT) for _ in range(KEPT_CONNECTIONS + 3)))
    assert counts == [[{"c": 200000}]] * (KEPT_CONNECTIONS + 3)
    assert 1 <= len(engine._idle) <= KEPT_CONNECTIONS


async def test_a_write_outside_a_transaction_is_committed_and_seen_by_the_next_query():
    await new_worker(1)
    assert await Worker.count() == 1
    # …and by a connection of its own, outside this engine.
    import sqlite3

    with sqlite3.connect(db.engine().path) as other:
        assert other.execute("SELECT count(*) FROM worker").fetchone()[0] == 1


async def test_foreign_keys_hold_on_a_kept_connection():
    await Worker.count()  # a kept connection now exists
    with pytest.raises(Exception, match="FOREIGN KEY"):
        await add_skill(999_999, "焊工", "3")
    assert await WorkerSkill.count() == 0


async def test_a_failed_query_leaves_nothing_behind_for_the_next():
    engine = db.engine()
    await new_worker(2)
    with pytest.raises(Exception, match="UNIQUE"):
        await new_worker(2)  # the same identity number
    assert await Worker.count() == 1
    await new_worker(3)
    assert await Worker.count() == 2
    assert all(not c.in_transaction for c in engine._idle)  # no kept connection holds a transaction open


def test_a_command_that_never_stops_the_engine_still_exits(tmp_path):
    script = ("import asyncio\n"
              "from export_mgmt.sqlite_engine import ReusingSQLiteEngine\n"
              "engine = ReusingSQLiteEngine(path='" + str(tmp_path / "x.sqlite3") + "')\n"
              "print(asyncio.run(engine._run_in_new_connection('SELECT 41 + 1 AS n'))[0]['n'])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ})
    assert (done.returncode, done.stdout.strip()) == (0, "42"), done.stderr

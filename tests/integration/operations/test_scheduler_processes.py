"""Real scheduler processes against the test database: killed mid-run, or two at once, the follow-ups that
exist afterwards are exactly the schedule's, each once.

The children are tests/scheduler_child.py with this process's environment (DATABASE_URL, DATA_DIR, SECRET_KEY,
PICCOLO_CONF). Nothing here depends on when a kill lands or which process wins: only the end state is asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

from export_mgmt.db import engine, is_sqlite
from export_mgmt.followups.tables import FollowUp
from export_mgmt.operations.runner import lock_key, run_job
from export_mgmt.operations.tables import JobRun
from tests.integration.followups.helpers_schedule import ON, Spec, add_placements, expected, generated
from tests.integration.placements.helpers_rules import licensed_agency

ROOT = Path(__file__).resolve().parents[3]
STARTUP_TIMEOUT = 120
postgres_only = pytest.mark.skipif(is_sqlite(), reason="advisory locks across processes are PostgreSQL's")

PROGRAMMES = ("kr_eps_e9", "kr_eps_h2", "jp_trainee", "jp_technical_intern", "jp_ssw", "sg_work_permit", "domestic")
STATUSES = ("departed", "working", "working", "employer_changed", "unreachable", "reported", "completed",
            "returned", "terminated")


def specs(count: int) -> list[Spec]:
    """A spread of departures over two and a half years, every programme and status, some contracts ending."""
    out = []
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        departure = dt.date(2024, 1, 1) + dt.timedelta(days=(i * 7) % 880)
        end = departure + dt.timedelta(days=200 + (i * 37) % 900)
        finished = status in ("completed", "returned", "terminated")
        left = status != "reported" and not (status == "terminated" and i % 2)
        events = ("reported",) + (("departed", "working") if left else ()) + ((status,) if status != "reported" else ())
        out.append(Spec(PROGRAMMES[i % len(PROGRAMMES)], status, departure=departure if left else None,
                        start=departure, end=end,
                        changed_on=ON - dt.timedelta(days=(i * 11) % 150) if finished else None, events=events))
    return out


async def _child(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.scheduler_child", ON.isoformat(), *args, cwd=ROOT, env=dict(os.environ),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _ready(child: asyncio.subprocess.Process) -> None:
    line = await asyncio.wait_for(child.stdout.readline(), STARTUP_TIMEOUT)
    if line.strip() != b"ready":
        _, err = await child.communicate()
        raise AssertionError(f"the scheduler child did not start: {line!r} {err.decode()[-2000:]}")


async def _outcome(child: asyncio.subprocess.Process, stdin: bytes | None = None) -> dict:
    out, err = await asyncio.wait_for(child.communicate(stdin), STARTUP_TIMEOUT)
    assert child.returncode == 0, err.decode()[-2000:]
    return json.loads(out.decode().strip().splitlines()[-1])


async def _assert_exactly(want: set) -> None:
    assert await generated() == want
    assert await FollowUp.count() == len(want)


@pytest.mark.parametrize("delay", [0.0, 0.015, 0.03, 0.3])
async def test_a_scheduler_killed_mid_run_leaves_nothing_the_next_run_does_not_complete(delay):
    placements = await add_placements(specs(400), await licensed_agency())
    want = expected(placements)
    assert len(want) > 400

    child = await _child()
    await _ready(child)
    await asyncio.sleep(delay)
    try:
        child.kill()
    except ProcessLookupError:  # it had already finished
        pass
    await child.communicate()
    # Whatever it managed (nothing, some rules, all of them) is a subset of the schedule.
    assert await generated() <= want

    outcome = await _outcome(await _child("--until-run"))
    assert outcome["outcome"] == "succeeded", outcome
    await _assert_exactly(want)
    runs = await JobRun.select().where(JobRun.job == "generate_followups").order_by(JobRun.id)
    assert runs[-1]["status"] == "succeeded" and runs[-1]["id"] == outcome["run_id"]
    # A run the kill cut short is not left "running": the next run marked it interrupted.
    assert {r["status"] for r in runs[:-1]} <= {"interrupted", "succeeded"}


@postgres_only
async def test_two_schedulers_started_together_create_each_follow_up_once():
    placements = await add_placements(specs(2000), await licensed_agency())
    want = expected(placements)
    assert len(want) > 2000

    children = [await _child("--wait"), await _child("--wait")]
    for child in children:
        await _ready(child)
    outcomes = await asyncio.gather(*(_outcome(child, b"go\n") for child in children))

    await _assert_exactly(want)
    ran = [o for o in outcomes if o["outcome"] != "skipped"]
    assert all(o["outcome"] == "succeeded" for o in ran), outcomes
    runs = await JobRun.select().where(JobRun.job == "generate_followups").order_by(JobRun.id)
    assert [r["status"] for r in runs] == ["succeeded"] * len(ran)
    # Either the second process found the job running and skipped it, or the first had finished and the second
    # found nothing left to do: either way every follow-up was counted once.
    assert len(ran) in (1, 2)
    assert sum(o["rows"] for o in ran) == len(want)
    if len(ran) == 2:
        assert sorted(o["rows"] for o in ran)[0] == 0


@postgres_only
async def test_a_lock_held_by_another_connection_makes_run_job_skip():
    import asyncpg

    called = []

    async def work() -> int:
        called.append(True)
        return 0

    conn = await asyncpg.connect(**engine().config)
    try:
        assert await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key("generate_followups"))
        assert await run_job("generate_followups", work) is None
        assert called == [] and await JobRun.count() == 0
        await conn.execute("SELECT pg_advisory_unlock($1)", lock_key("generate_followups"))
        result = await run_job("generate_followups", work)
        assert result is not None and result.status == "succeeded" and called == [True]
        # The lock is the job's own: holding it again blocks the job, and only that job.
        assert await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key("generate_followups"))
        assert await run_job("generate_followups", work) is None
        assert (await run_job("send_emails", work)).status == "succeeded"
    finally:
        await conn.close()
    # A lock held by a connection that went away is gone with it.
    assert (await run_job("generate_followups", work)).status == "succeeded"

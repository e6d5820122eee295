"""The scheduler process killed (kill -9) in the middle of the nightly follow-up sweep: once it is started again it
finishes the sweep by itself, without waiting for the next night, and every follow-up the schedule makes due
exists exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from export_mgmt.followups.tables import FollowUp
from export_mgmt.operations.tables import JobRun
from tests.integration.faults.servers import ROOT
from tests.integration.followups.helpers_schedule import ON, add_placements, expected, generated
from tests.integration.operations.test_scheduler_processes import specs
from tests.integration.placements.helpers_rules import licensed_agency

JOB = "generate_followups"
WAIT_SECONDS = 120


class SchedulerProcess:
    def __init__(self, *args: str) -> None:
        self.log = Path(tempfile.mkstemp(prefix="export-mgmt-scheduler-", suffix=".log")[1])
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.integration.faults.scheduler_process", ON.isoformat(), *args],
                cwd=ROOT, env=dict(os.environ), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.log.unlink(missing_ok=True)

    def alive(self) -> str:
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return "alive"


async def runs() -> list[str]:
    return [r["status"] for r in await JobRun.select(JobRun.status).where(JobRun.job == JOB).order_by(JobRun.id)]


async def test_a_scheduler_killed_mid_sweep_finishes_it_once_when_started_again():
    placements = await add_placements(specs(1200), await licensed_agency())
    want = expected(placements)

    first = SchedulerProcess(JOB)  # the clock reaches the sweep's time as it starts
    try:
        for _attempt in range(WAIT_SECONDS * 500):
            first.alive()
            status = await runs()
            if status == ["running"] and await FollowUp.count():
                break  # the sweep has saved some follow-ups, not all
            if status and status != ["running"]:
                pytest.skip("the sweep finished before the scheduler could be killed")
            await asyncio.sleep(0.002)
        else:
            raise AssertionError("the sweep did not start")
    finally:
        first.kill()
    cut_short = await generated()
    assert cut_short and cut_short < want

    second = SchedulerProcess()  # nothing is due: only what the killed process left undone
    try:
        for _attempt in range(WAIT_SECONDS * 10):
            second.alive()
            status = await runs()
            if len(status) == 2 and status[-1] != "running":
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the restarted scheduler did not finish the sweep")
    finally:
        second.kill()
    assert await runs() == ["interrupted", "succeeded"]
    assert await generated() == want
    assert await FollowUp.count() == len(want)
    # Only the job cut short ran again: the others wait for their own time.
    assert await JobRun.count().where(JobRun.job != JOB) == 0

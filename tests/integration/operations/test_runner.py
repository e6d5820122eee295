"""run_job(): every run recorded, failures kept and not raised, runs that died marked, one run at a time."""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.interval import IntervalTrigger

from export_mgmt.operations.runner import job_lock, last_runs, run_job
from export_mgmt.operations.tables import JobRun
from scheduler.jobs import JOBS, Job
from scheduler.main import _runner, build_scheduler


async def _runs(job: str) -> list[dict]:
    return await JobRun.select().where(JobRun.job == job).order_by(JobRun.id)


async def test_a_failing_job_is_recorded_with_its_error_and_does_not_raise():
    async def broken() -> int:
        raise ValueError("the sweep fell over")

    result = await run_job("generate_followups", broken)
    assert result is not None
    assert result.status == "failed" and result.rows == 0
    assert result.error == "ValueError: the sweep fell over"
    [run] = await _runs("generate_followups")
    assert run["id"] == result.run_id
    assert run["status"] == "failed" and run["error"] == "ValueError: the sweep fell over"
    assert run["finished_at"] is not None and run["host"]

    async def works() -> int:
        return 3

    later = await run_job("generate_followups", works)
    assert later is not None and later.status == "succeeded" and later.rows == 3
    runs = await _runs("generate_followups")
    assert [(r["status"], r["rows"]) for r in runs] == [("failed", 0), ("succeeded", 3)]
    assert runs[1]["error"] == "" and runs[1]["finished_at"] >= runs[1]["started_at"]
    assert (await last_runs())["generate_followups"]["status"] == "succeeded"


async def test_a_run_left_running_by_a_dead_process_is_marked_interrupted_by_the_next():
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    await JobRun.insert(JobRun(job="generate_followups", status="running", started_at=long_ago, host="old:1"),
                        JobRun(job="send_emails", status="running", started_at=long_ago, host="other:2"))

    async def works() -> int:
        return 0

    result = await run_job("generate_followups", works)
    assert result is not None and result.status == "succeeded"
    runs = await _runs("generate_followups")
    assert [r["status"] for r in runs] == ["interrupted", "succeeded"]
    assert runs[0]["finished_at"] is not None
    # Another job's run is that job's business.
    assert [r["status"] for r in await _runs("send_emails")] == ["running"]


async def test_a_job_whose_lock_is_held_is_skipped_and_not_recorded():
    called = []

    async def work() -> int:
        called.append(True)
        return 1

    async with job_lock("generate_followups") as acquired:
        assert acquired
        assert await run_job("generate_followups", work) is None
        # Another job is not held up.
        other = await run_job("send_emails", work)
        assert other is not None and other.status == "succeeded"
    assert called == [True]
    assert await _runs("generate_followups") == []
    result = await run_job("generate_followups", work)
    assert result is not None and result.status == "succeeded" and result.rows == 1


def test_the_scheduler_registers_every_job_once_coalesced_with_a_grace_time():
    scheduler = build_scheduler()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    for name, spec in JOBS.items():
        job = jobs[name]
        assert job.coalesce is True, name
        assert job.max_instances == 1, name
        assert job.misfire_grace_time == spec.grace and spec.grace > 0, name
    assert str(scheduler.timezone) == "Asia/Shanghai"


async def test_a_failed_run_is_tried_again_later():
    scheduler = build_scheduler()

    async def broken() -> int:
        raise RuntimeError("database went away")

    run = _runner(scheduler, Job("generate_followups", "x", broken, lambda: IntervalTrigger(hours=1), 600))
    await run()
    retry = scheduler.get_job("generate_followups:retry")
    assert retry is not None and retry.misfire_grace_time == 600
    assert [r["status"] for r in await _runs("generate_followups")] == ["failed"]

    async def works() -> int:
        return 0

    scheduler.remove_job("generate_followups:retry")
    await _runner(scheduler, Job("generate_followups", "x", works, lambda: IntervalTrigger(hours=1), 600))()
    assert scheduler.get_job("generate_followups:retry") is None


async def test_every_job_runs_on_this_engine_and_a_second_run_changes_nothing():
    from tests.integration.followups.helpers_schedule import Spec, add_placement
    from tests.integration.placements.helpers_rules import add_licence, licensed_agency, staff, today

    on = today()
    agency_id = await licensed_agency()
    await add_licence(agency_id, valid_to=on + dt.timedelta(days=20))
    await staff(agency_id)
    await add_placement(Spec("kr_eps_e9", "working", departure=on - dt.timedelta(days=100),
                             start=on - dt.timedelta(days=110), end=on + dt.timedelta(days=30)), agency_id)

    first = {name: await run_job(name, job.work) for name, job in JOBS.items()}
    assert {name: (r.status, r.error) for name, r in first.items()} == {
        name: ("succeeded", "") for name in JOBS}
    for name in ("expire_licences", "generate_followups", "mark_overdue_followups", "morning_reminders"):
        assert first[name].rows > 0, name
    second = {name: await run_job(name, job.work) for name, job in JOBS.items()}
    assert {name: (r.status, r.rows) for name, r in second.items()} == {name: ("succeeded", 0) for name in JOBS}

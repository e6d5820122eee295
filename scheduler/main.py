"""build_scheduler() and the scheduler process's entry point."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from export_mgmt import db
from export_mgmt.operations.runner import run_job, unfinished_jobs
from scheduler.jobs import JOBS, TIMEZONE, Job

# A failed run is tried again this much later, besides on its next regular tick.
RETRY_AFTER = dt.timedelta(minutes=15)


def _runner(scheduler: AsyncIOScheduler, job: Job):
    async def run() -> None:
        result = await run_job(job.name, job.work)
        if result is not None and result.status == "failed":
            scheduler.add_job(run, DateTrigger(run_date=dt.datetime.now(dt.timezone.utc) + RETRY_AFTER),
                              id=f"{job.name}:retry", replace_existing=True, misfire_grace_time=job.grace)

    run.__name__ = job.name
    return run


def build_scheduler() -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=TIMEZONE)
    for job in JOBS.values():
        # Stable ids, one instance at a time, and missed runs folded into one. Across processes run_job()'s
        # lock makes the second process skip; within one, max_instances does.
        scheduler.add_job(_runner(scheduler, job), job.trigger(), id=job.name, coalesce=True, max_instances=1,
                          misfire_grace_time=job.grace, replace_existing=True)
    return scheduler


async def start_scheduler() -> AsyncIOScheduler:
    """The scheduler, started; a job whose last run did not succeed runs now.

    A run cut short by its process's end (killed, out of memory, the machine restarted) would otherwise wait for
    the job's next tick, a day later for the nightly sweeps; so would a failed run, whose retry ended with the
    process.
    The sweeps work from the database's state, so running one again finishes what the cut-short run left.
    """
    scheduler = build_scheduler()
    scheduler.start()
    now = dt.datetime.now(dt.timezone.utc)
    for name in await unfinished_jobs():
        if scheduler.get_job(name) is not None:
            scheduler.modify_job(name, next_run_time=now)
    return scheduler


async def _main() -> None:
    await db.start()
    scheduler = await start_scheduler()
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
        await db.stop()


def run() -> None:
    from export_mgmt import logs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logs.install()  # a job's error (a database's "Key (id_number)=(…)") is written masked, as the server's
    asyncio.run(_main())

"""build_scheduler() and the scheduler process's entry point."""

from __future__ import annotations

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from export_mgmt import db
from scheduler import jobs

TIMEZONE = "Asia/Shanghai"


def build_scheduler() -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=TIMEZONE)
    # Stable ids, one instance at a time, and a missed run is folded into the next one.
    scheduler.add_job(jobs.purge_sessions_and_login_failures, IntervalTrigger(minutes=15, timezone=TIMEZONE),
                      id="purge_sessions", coalesce=True, max_instances=1, misfire_grace_time=600,
                      replace_existing=True)
    # Just after midnight in Shenyang, so a licence is expired on the first day past its date.
    scheduler.add_job(jobs.expire_licences, CronTrigger(hour=0, minute=5, timezone=TIMEZONE), id="expire_licences",
                      coalesce=True, max_instances=1, misfire_grace_time=6 * 3600, replace_existing=True)
    return scheduler


async def _main() -> None:
    await db.start()
    scheduler = build_scheduler()
    scheduler.start()
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
        await db.stop()


def run() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(_main())

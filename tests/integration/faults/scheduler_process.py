"""The scheduler process for the fault tests: `export-mgmt scheduler` itself, with the jobs' "today" pinned to the
date given so the test knows which follow-ups are due.

    python -m tests.integration.faults.scheduler_process 2026-05-20 [JOB]

With JOB, that job is due as soon as the scheduler starts, as when the clock reaches its time.
"""

from __future__ import annotations

import datetime as dt
import sys


def main(on: dt.date, due: str) -> None:
    import scheduler.jobs as jobs
    from scheduler import main as scheduler_main

    jobs.today = lambda: on
    build = scheduler_main.build_scheduler

    def build_with_the_job_due():
        scheduler = build()
        start = scheduler.start

        def start_and_fire(*args, **kwargs):
            start(*args, **kwargs)
            scheduler.modify_job(due, next_run_time=dt.datetime.now(dt.timezone.utc))

        scheduler.start = start_and_fire
        return scheduler

    if due:
        scheduler_main.build_scheduler = build_with_the_job_due
    scheduler_main.run()


if __name__ == "__main__":
    main(dt.date.fromisoformat(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "")

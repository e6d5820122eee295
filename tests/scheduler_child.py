"""A scheduler process for the process tests: runs the follow-up generation job once against the database the
environment names (DATABASE_URL, DATA_DIR, SECRET_KEY, PICCOLO_CONF — the test passes its own).

    python -m tests.scheduler_child 2026-05-20 [--wait] [--until-run]

The job's "today" is pinned to the date given, so the test knows exactly which follow-ups are due. Prints
"ready" once connected; with --wait it then waits for a line on stdin, so two processes can start together.
With --until-run it tries again while another process holds the job. Last line: the outcome as JSON.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys


async def main(on: dt.date, wait: bool, until_run: bool) -> None:
    import scheduler.jobs as jobs
    from export_mgmt import db
    from export_mgmt.operations.runner import run_job

    jobs.today = lambda: on
    await db.start()
    try:
        print("ready", flush=True)
        if wait:
            await asyncio.to_thread(sys.stdin.readline)
        for _ in range(300):
            result = await run_job("generate_followups", jobs.generate_followups)
            if result is not None or not until_run:
                break
            await asyncio.sleep(0.1)
        outcome = {"outcome": "skipped"} if result is None else {
            "outcome": result.status, "rows": result.rows, "run_id": result.run_id, "error": result.error}
        print(json.dumps(outcome), flush=True)
    finally:
        await db.stop()


if __name__ == "__main__":
    asyncio.run(main(dt.date.fromisoformat(sys.argv[1]), "--wait" in sys.argv, "--until-run" in sys.argv))

"""run_job(): one run of a background job at a time across every process, recorded in job_run.

On PostgreSQL the guard is an advisory lock held on a connection of its own for the whole run: a second
scheduler process finds it taken and skips, and if the holder dies the server drops its connection and the
lock with it. On SQLite (one county PC) a single scheduler process is assumed; an in-process lock guards the
web process's "run now" against the scheduler's own run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import zlib
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator, Awaitable, Callable

from piccolo.engine.postgres import PostgresEngine

from export_mgmt.clock import utcnow
from export_mgmt.db import engine
from export_mgmt.operations.tables import JobRun

log = logging.getLogger("export_mgmt.jobs")
# Advisory-lock keys are this plus a checksum of the job's name: stable across processes and releases.
LOCK_BASE = 720_040_500
_local_locks: dict[str, asyncio.Lock] = {}


@dataclass(frozen=True)
class RunResult:
    run_id: int
    status: str
    rows: int
    error: str = ""


def lock_key(job: str) -> int:
    return LOCK_BASE + zlib.crc32(job.encode()) % 1_000_000


@asynccontextmanager
async def job_lock(job: str) -> AsyncIterator[bool]:
    """Yields True when this process may run the job now, False when another run holds it."""
    db = engine()
    if isinstance(db, PostgresEngine):
        import asyncpg

        conn = await asyncpg.connect(**db.config)
        try:
            acquired = await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(job))
            try:
                yield bool(acquired)
            finally:
                if acquired:
                    await conn.execute("SELECT pg_advisory_unlock($1)", lock_key(job))
        finally:
            await conn.close()
        return
    lock = _local_locks.setdefault(job, asyncio.Lock())
    if lock.locked():
        yield False
        return
    async with lock:
        yield True


def _host() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


async def run_job(job: str, work: Callable[[], Awaitable[int]]) -> RunResult | None:
    """Run `work` unless another process is running this job; None when skipped for that reason.

    A failure is recorded and logged, never raised: the scheduler's other jobs go on, and the sweep is
    idempotent, so the next run does what this one did not.
    """
    async with job_lock(job) as acquired:
        if not acquired:
            log.info("job %s is running elsewhere; skipped", job)
            return None
        # We hold the lock, so any run of this job still marked running died with its process.
        await JobRun.update({JobRun.status: JobRun.Status.interrupted, JobRun.finished_at: utcnow()}).where(
            (JobRun.job == job) & (JobRun.status == JobRun.Status.running))
        rows = await JobRun.insert(JobRun(job=job, host=_host())).returning(JobRun.id)
        run_id = rows[0]["id"]
        try:
            affected = int(await work() or 0)
        except Exception as exc:  # recorded and shown on the jobs page; the scheduler must keep going
            log.exception("job %s failed", job)
            error = f"{type(exc).__name__}: {exc}"[:4000]
            await JobRun.update({JobRun.status: JobRun.Status.failed, JobRun.finished_at: utcnow(),
                                 JobRun.error: error}).where(JobRun.id == run_id)
            return RunResult(run_id, "failed", 0, error)
        await JobRun.update({JobRun.status: JobRun.Status.succeeded, JobRun.finished_at: utcnow(),
                             JobRun.rows: affected}).where(JobRun.id == run_id)
        log.info("job %s affected %s rows", job, affected)
        return RunResult(run_id, "succeeded", affected)


async def recent_runs(limit: int = 200, job: str = "") -> list[dict]:
    query = JobRun.select()
    if job:
        query = query.where(JobRun.job == job)
    return await query.order_by(JobRun.id, ascending=False).limit(limit)


async def last_runs() -> dict[str, dict]:
    """The newest run of every job, for the jobs page's summary."""
    rows = await JobRun.select().order_by(JobRun.id, ascending=False).limit(500)
    newest: dict[str, dict] = {}
    for row in rows:
        newest.setdefault(row["job"], row)
    return newest


async def unfinished_jobs() -> list[str]:
    """Jobs whose newest run did not succeed: it failed, or it was still running when its process ended."""
    return [job for job, run in (await last_runs()).items() if run["status"] != JobRun.Status.succeeded]

"""The job-run log: every scheduler run with its start, end, rows affected and error."""

from enum import Enum

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class JobRun(Table, tablename="job_run"):
    class Status(str, Enum):
        running = "running"
        succeeded = "succeeded"
        failed = "failed"
        interrupted = "interrupted"

    job = Varchar(length=50, index=True)
    status = Varchar(length=12, choices=Status, default=Status.running)
    started_at = Timestamptz(default=TimestamptzNow(), index=True)
    finished_at = Timestamptz(null=True, default=None)
    rows = Integer(default=0)
    error = Text(default="")
    host = Varchar(length=100, default="", help_text="host:pid of the scheduler process")

"""The background jobs page for administrators: every job, its schedule and last run, the run log, "Run now"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from export_mgmt.errors import RecordNotFound
from export_mgmt.i18n import N_, _, format_number, ngettext
from export_mgmt.operations import exports as run_exports
from export_mgmt.operations import runner
from export_mgmt.settings import get_settings
from export_mgmt.web import exports
from export_mgmt.web.guards import CurrentActor, requires_admin
from export_mgmt.web.templating import page_context
from scheduler import jobs as scheduled

STATUS = {
    "running": N_("Running"),
    "succeeded": N_("Succeeded"),
    "failed": N_("Failed"),
    "interrupted": N_("Interrupted"),
}
RECENT_RUNS = 100
# Cron fields that a plain "daily at hh:mm" leaves at their defaults.
DATE_FIELDS = ("year", "month", "day", "week", "day_of_week")


def describe_trigger(trigger: object) -> str:
    """When a job runs, in words: "daily at 00:15", "every 5 minutes"."""
    if isinstance(trigger, IntervalTrigger):
        seconds = int(trigger.interval.total_seconds())
        if seconds and seconds % 86400 == 0:
            return ngettext("every day", "every %(num)s days", seconds // 86400)
        if seconds and seconds % 3600 == 0:
            return ngettext("every hour", "every %(num)s hours", seconds // 3600)
        if seconds and seconds % 60 == 0:
            return ngettext("every minute", "every %(num)s minutes", seconds // 60)
        return ngettext("every second", "every %(num)s seconds", seconds)
    if isinstance(trigger, CronTrigger):
        fields = {field.name: field for field in trigger.fields}
        hour, minute, second = (str(fields[name]) for name in ("hour", "minute", "second"))
        if all(fields[name].is_default for name in DATE_FIELDS) and hour.isdigit() and minute.isdigit() \
                and second == "0":
            time = f"{int(hour):02d}:{int(minute):02d}"
            return _("daily at %(time)s", time=time)
        expression = " ".join(f"{field.name}={field}" for field in trigger.fields if not field.is_default)
        return _("on the schedule %(expression)s", expression=expression)
    return str(trigger)


def duration_text(started: dt.datetime | None, finished: dt.datetime | None) -> str:
    if started is None or finished is None:
        return ""
    seconds = max(0.0, (finished - started).total_seconds())
    if seconds < 60:
        return _("%(seconds)s s", seconds=format_number(round(seconds, 1)))
    minutes, rest = divmod(int(round(seconds)), 60)
    return _("%(minutes)s min %(seconds)s s", minutes=format_number(minutes), seconds=format_number(rest))


def _run(row: dict | None) -> dict | None:
    """A job_run row with its duration in words, for the templates."""
    if row is None:
        return None
    return {**row, "duration": duration_text(row["started_at"], row["finished_at"])}


@dataclass(frozen=True)
class JobView:
    name: str
    title: str
    schedule: str
    last: dict | None


class JobPages(Controller):
    path = "/admin/jobs"
    guards = [requires_admin]
    tags = ["operations"]
    include_in_schema = False

    @get("/")
    async def list_jobs(self, request: Request, actor: CurrentActor, job: FromQuery[str] = "",
                        format: FromQuery[str] = "") -> Template | Response:
        job = job if job in scheduled.JOBS else ""
        if exports.wanted(format):  # ?format=xlsx or csv: every logged run, not the latest RECENT_RUNS
            return await run_exports.download(request, actor, job, {j.name: j.title for j in scheduled.JOBS.values()},
                                              STATUS, format)
        last = await runner.last_runs()
        views = [JobView(j.name, _(j.title), describe_trigger(j.trigger()), _run(last.get(j.name)))
                 for j in scheduled.JOBS.values()]
        runs = [_run(row) for row in await runner.recent_runs(RECENT_RUNS, job)]
        titles = {j.name: _(j.title) for j in scheduled.JOBS.values()}
        return Template("operations/jobs.html", context=page_context(
            request, jobs=views, runs=runs, titles=titles, job_filter=job, status_labels=STATUS,
            limit=RECENT_RUNS, scheduler_in_web=get_settings().run_scheduler_in_web))

    @post("/{name:str}/run")
    async def run_now(self, request: Request, name: FromPath[str]) -> Template:
        """Runs the job here, in this request; the run is logged like the scheduler's own."""
        job = scheduled.JOBS.get(name)
        if job is None:
            raise RecordNotFound()
        result = await runner.run_job(job.name, job.work)
        return Template("operations/run_result.html", context=page_context(
            request, job=job, title=_(job.title), result=result, status_labels=STATUS))

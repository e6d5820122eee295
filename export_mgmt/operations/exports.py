"""The background jobs' run log as a download (administrators only, as the page), filtered by job as there."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.i18n import N_, _, gettext
from export_mgmt.operations import runner
from export_mgmt.operations.tables import JobRun
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label, local_time


def columns(titles: dict[str, str], statuses: dict[str, str]) -> list[Column]:
    return [
        Column(N_("Job"), lambda r: titles.get(r["job"], r["job"])),
        Column(N_("Status"), label(statuses, "status")),
        Column(N_("Started"), local_time("started_at")),
        Column(N_("Finished"), local_time("finished_at")),
        Column(N_("Rows"), field("rows")),
        Column(N_("Process"), field("host")),
        Column(N_("Error"), field("error")),
    ]


async def download(request: Request, actor: Actor, job: str, titles: dict[str, str], statuses: dict[str, str],
                   fmt: str) -> Response:
    cap = exports.max_rows()
    runs = await runner.recent_runs(cap + 1, job)
    counted = JobRun.count().where(JobRun.job == job) if job else JobRun.count()
    total = len(runs) if len(runs) <= cap else await counted
    return await exports.download(fmt, name="job-runs", title=_("Background jobs"),
                                  columns=columns({k: gettext(v) for k, v in titles.items()}, statuses),
                                  rows=runs[:cap], total=total, actor=actor, request=request)

"""The jobs page: administrators only, every job with its schedule and last run, the run log, "Run now"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from export_mgmt.accounts.sessions import create_session, utcnow
from export_mgmt.accounts.tables import UserSession
from export_mgmt.i18n import _translations
from export_mgmt.operations.runner import job_lock
from export_mgmt.operations.tables import JobRun
from scheduler import jobs
from tests.conftest import create_user, login
from tests.integration.accounts.helpers import post_form, translated

PAGE = "/admin/jobs/"


def _plural(singular: str, plural: str, n: int, locale: str = "zh_CN") -> str:
    return _translations(locale).ngettext(singular, plural, n) % {"num": n}


def _job_row(html: str, name: str) -> str:
    return html.split(f'<tr id="job-{name}">', 1)[1].split("</tr>", 1)[0]


async def _run_now(client, name: str, token: bool = True):
    return await post_form(client, f"/admin/jobs/{name}/run", {}, token_page=PAGE if token else None)


async def _expired_session() -> None:
    user_id = await create_user("old", "inspector")
    await create_session(user_id, "127.0.0.1", "test")
    long_ago = utcnow() - dt.timedelta(days=2)
    await UserSession.update({UserSession.last_seen_at: long_ago, UserSession.created_at: long_ago}).where(
        UserSession.user == user_id)


# ---- who may enter ----

@pytest.mark.parametrize("role", ["county_clerk", "inspector", "supervisor"])
async def test_only_administrators_see_the_jobs(client, role):
    await create_user("someone", role, county_code="210115" if role == "county_clerk" else None)
    await login(client, "someone")
    assert (await client.get(PAGE)).status_code == 403
    token = (await client.get("/notifications/")).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = await post_form(client, "/admin/jobs/purge_sessions/run", {}, token=token)
    assert response.status_code == 403
    assert await JobRun.count() == 0


async def test_signed_out_visitor_is_sent_to_login(client):
    response = await client.get(PAGE)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")


# ---- the list ----

async def test_every_job_with_its_title_and_schedule_in_words(client):
    await create_user("admin", "admin", locale="en")
    await login(client, "admin")
    html = (await client.get(PAGE)).text
    for job in jobs.JOBS.values():
        assert translated(job.title, "en") in _job_row(html, job.name)
    assert "daily at 00:05" in _job_row(html, "expire_licences")
    assert "daily at 07:30" in _job_row(html, "morning_reminders")
    assert _plural("every minute", "every %(num)s minutes", 5, "en") in _job_row(html, "send_emails")
    assert _plural("every minute", "every %(num)s minutes", 15, "en") in _job_row(html, "purge_sessions")
    assert "export-mgmt scheduler" in html
    assert translated("Not run yet.", "en") in _job_row(html, "send_emails")


async def test_the_page_is_translated(admin_client):
    html = (await admin_client.get(PAGE)).text
    assert translated("Expire licences and warn before expiry") in html
    assert translated("daily at %(time)s", time="00:05") in _job_row(html, "expire_licences")
    assert _plural("every minute", "every %(num)s minutes", 5) in _job_row(html, "send_emails")


async def test_last_run_and_recent_runs(admin_client):
    started = utcnow() - dt.timedelta(minutes=10)
    await JobRun.insert(
        JobRun(job="purge_sessions", status="succeeded", started_at=started,
               finished_at=started + dt.timedelta(seconds=2), rows=7, host="pc-1:100"),
        JobRun(job="expire_licences", status="succeeded", started_at=started, finished_at=started, rows=1,
               host="pc-1:100"),
        JobRun(job="purge_sessions", status="failed", started_at=started + dt.timedelta(minutes=5),
               finished_at=started + dt.timedelta(minutes=5, seconds=1), error="OperationalError: disk full",
               host="pc-1:100"),
    )
    html = (await admin_client.get(PAGE)).text
    row = _job_row(html, "purge_sessions")
    assert translated("Failed") in row and "OperationalError: disk full" in row
    assert translated("%(seconds)s s", seconds="1") in row
    assert translated("Succeeded") in _job_row(html, "expire_licences")
    runs = html.split('id="runs"', 1)[1]
    assert runs.count("pc-1:100") == 3
    filtered = (await admin_client.get(PAGE + "?job=expire_licences")).text.split('id="runs"', 1)[1]
    assert filtered.count("pc-1:100") == 1
    assert '<option value="expire_licences" selected>' in filtered


# ---- run now ----

async def test_run_now_runs_the_job_and_shows_what_it_did(admin_client):
    await _expired_session()
    response = await _run_now(admin_client, "purge_sessions")
    assert response.status_code == 200
    assert _plural("The job ran and affected %(num)s row.", "The job ran and affected %(num)s rows.", 1) \
        in response.text
    assert 'href="/admin/jobs/"' in response.text
    [run] = await JobRun.select()
    assert (run["job"], run["status"], run["rows"]) == ("purge_sessions", "succeeded", 1)
    assert await UserSession.count() == 1  # the administrator's own, still valid
    assert translated("Succeeded") in _job_row((await admin_client.get(PAGE)).text, "purge_sessions")


async def test_a_failing_job_shows_its_error(admin_client, monkeypatch):
    async def broken() -> int:
        raise RuntimeError("SMTP server refused")

    monkeypatch.setitem(jobs.JOBS, "send_emails", dataclasses.replace(jobs.JOBS["send_emails"], work=broken))
    response = await _run_now(admin_client, "send_emails")
    assert response.status_code == 200
    assert translated("Failed") in response.text
    assert "RuntimeError: SMTP server refused" in response.text
    [run] = await JobRun.select()
    assert run["status"] == "failed"


async def test_a_job_running_elsewhere_is_not_started_again(admin_client):
    token = (await admin_client.get(PAGE)).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    async with job_lock("purge_sessions") as acquired:
        assert acquired
        response = await post_form(admin_client, "/admin/jobs/purge_sessions/run", {}, token=token)
    assert response.status_code == 200
    assert translated("Not run: this job is already running in another process. "
                      "Look at the jobs page again in a moment.") in response.text
    assert await JobRun.count() == 0


async def test_run_now_needs_the_csrf_token_and_a_known_job(admin_client):
    response = await _run_now(admin_client, "purge_sessions", token=False)
    assert response.status_code == 403
    assert await JobRun.count() == 0
    response = await _run_now(admin_client, "drop_everything")
    assert response.status_code == 404
    assert await JobRun.count() == 0

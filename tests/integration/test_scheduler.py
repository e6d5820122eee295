"""Background jobs: the session purge removes only expired sessions and can run twice."""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.sessions import create_session, utcnow
from export_mgmt.accounts.tables import LoginFailure, UserSession
from scheduler import jobs
from scheduler.main import build_scheduler
from tests.conftest import create_user


async def test_purge_removes_expired_sessions_and_old_failures_only():
    user_id = await create_user("clerk", "county_clerk", county_code="210115")
    await create_session(user_id, "127.0.0.1", "test")
    await create_session(user_id, "127.0.0.1", "test")
    long_ago = utcnow() - dt.timedelta(days=2)
    oldest = (await UserSession.select(UserSession.id).order_by(UserSession.id).first())["id"]
    await UserSession.update({UserSession.last_seen_at: long_ago, UserSession.created_at: long_ago}).where(
        UserSession.id == oldest)
    await LoginFailure.insert(LoginFailure(username="x", client_address="1.2.3.4", failed_at=long_ago),
                              LoginFailure(username="y", client_address="1.2.3.4"))
    assert await jobs.purge_sessions_and_login_failures() == 2
    assert await UserSession.count() == 1 and await LoginFailure.count() == 1
    assert await jobs.purge_sessions_and_login_failures() == 0  # idempotent


def test_jobs_have_stable_ids_and_do_not_pile_up():
    scheduler = build_scheduler()
    job = scheduler.get_job("purge_sessions")
    assert job is not None and job.coalesce and job.max_instances == 1
    assert str(scheduler.timezone) == "Asia/Shanghai"


async def test_licence_expiry_job_marks_only_past_licences_and_runs_twice_safely():
    import datetime as dt

    from export_mgmt.agencies.tables import Licence
    from export_mgmt.workers.services import today
    from tests.conftest import create_agency

    agency_id = await create_agency()
    now = today()
    await Licence.insert(
        Licence(agency=agency_id, kind="employment_intermediary", number="OLD-1", scope="DOMESTIC",
                valid_from=now - dt.timedelta(days=400), valid_to=now - dt.timedelta(days=1)),
        Licence(agency=agency_id, kind="employment_intermediary", number="NEW-1", scope="DOMESTIC",
                valid_from=now - dt.timedelta(days=10), valid_to=now + dt.timedelta(days=300)),
    )
    assert await jobs.expire_licences() == 1
    statuses = {r["number"]: r["status"] for r in await Licence.select(Licence.number, Licence.status)}
    assert statuses == {"OLD-1": "expired", "NEW-1": "active"}
    assert await jobs.expire_licences() == 0
    assert build_scheduler().get_job("expire_licences").max_instances == 1

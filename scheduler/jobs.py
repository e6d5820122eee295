"""Job functions: each calls services and is safe to run twice or from two processes at once.

JOBS is the one list of background jobs: the scheduler runs it on its triggers, and administrators can start
any of them from the jobs page. Each returns the number of rows it affected, which the job-run log keeps.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from export_mgmt.clock import today
from export_mgmt.i18n import N_

log = logging.getLogger("export_mgmt.scheduler")
TIMEZONE = "Asia/Shanghai"


async def purge_sessions_and_login_failures() -> int:
    """Expired sessions and stale failed-login and public-page attempt rows; deletes are naturally idempotent."""
    from export_mgmt.accounts.sessions import purge_expired_sessions
    from export_mgmt.accounts.throttle import purge_old_failures
    from export_mgmt.complaints.tracking import purge_attempts

    return await purge_expired_sessions() + await purge_old_failures() + await purge_attempts()


async def expire_licences() -> int:
    """Licences past their valid-to date become expired; agencies hear 60 and 30 days ahead and when it expired."""
    from export_mgmt.agencies.licences import mark_expired_licences
    from export_mgmt.notifications.reminders import licence_expiry_warnings

    on = today()
    return await mark_expired_licences(on) + await licence_expiry_warnings(on)


async def generate_followups() -> int:
    """Follow-ups the schedule makes due, and re-checks of cases whose rectification deadline passed."""
    from export_mgmt.followups.sweeps import generate_due, generate_rechecks

    on = today()
    return await generate_due(on) + await generate_rechecks(on)


async def mark_overdue_followups() -> int:
    from export_mgmt.followups.sweeps import cancel_ended, mark_overdue

    return await mark_overdue(today()) + await cancel_ended()


async def escalate_unreachable_workers() -> int:
    from export_mgmt.followups.escalation import escalate_unreachable

    return await escalate_unreachable()


async def case_deadlines() -> int:
    """Deadlines the calendar can now compute, and warnings to the assigned inspectors."""
    from export_mgmt.inspections.workflow import deadline_warnings, fill_missing_deadlines

    return await fill_missing_deadlines() + await deadline_warnings(today())


async def complaint_deadlines() -> int:
    """Complaint deadlines the calendar can now compute, warnings two working days ahead, overdue notices."""
    from export_mgmt.complaints.monitoring import deadline_warnings, fill_missing_deadlines, overdue_notices

    on = today()
    return await fill_missing_deadlines() + await deadline_warnings(on) + await overdue_notices(on)


async def complaint_digest() -> int:
    """Each inspector's open, due-soon and overdue complaints, at the start of the working day."""
    from export_mgmt.complaints.monitoring import inspector_digest

    return await inspector_digest(today())


async def morning_reminders() -> int:
    """Contracts ending within 60 days, and each area's overdue follow-ups, at the start of the working day."""
    from export_mgmt.notifications.reminders import contracts_ending, overdue_digest

    on = today()
    return await contracts_ending(on) + await overdue_digest(on)


async def send_emails() -> int:
    from export_mgmt.notifications.mailer import send_pending

    return await send_pending()


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    work: Callable[[], Awaitable[int]]
    trigger: Callable[[], object]
    # How late a missed run may still start (seconds); later than that it is skipped, and the next run's
    # sweep catches up, because every sweep works from the database's state, not from what it missed.
    grace: int


def _daily(hour: int, minute: int):
    return lambda: CronTrigger(hour=hour, minute=minute, timezone=TIMEZONE)


def _every(minutes: int):
    return lambda: IntervalTrigger(minutes=minutes, timezone=TIMEZONE)


# In the order the night's work depends on: follow-ups exist before they can be overdue, overdue before the
# digest counts them.
JOBS = {job.name: job for job in (
    Job("expire_licences", N_("Expire licences and warn before expiry"), expire_licences, _daily(0, 5), 6 * 3600),
    Job("generate_followups", N_("Generate due follow-ups and re-checks"), generate_followups, _daily(0, 15),
        12 * 3600),
    Job("mark_overdue_followups", N_("Mark overdue follow-ups"), mark_overdue_followups, _daily(0, 45), 12 * 3600),
    Job("escalate_unreachable", N_("Escalate workers unreachable twice"), escalate_unreachable_workers,
        _daily(0, 50), 12 * 3600),
    Job("case_deadlines", N_("Case deadlines and warnings"), case_deadlines, _daily(1, 0), 12 * 3600),
    Job("complaint_deadlines", N_("Complaint deadlines, warnings and overdue notices"), complaint_deadlines,
        _daily(1, 5), 12 * 3600),
    Job("complaint_digest", N_("Daily complaint digest for inspectors"), complaint_digest, _daily(7, 35), 6 * 3600),
    Job("morning_reminders", N_("Contracts ending and overdue digests"), morning_reminders, _daily(7, 30),
        6 * 3600),
    Job("send_emails", N_("Send notification e-mails"), send_emails, _every(5), 300),
    Job("purge_sessions", N_("Purge expired sessions"), purge_sessions_and_login_failures, _every(15), 600),
)}

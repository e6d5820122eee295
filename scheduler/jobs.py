"""Job functions: each calls a service and is safe to run twice or from two processes at once."""

from __future__ import annotations

import logging

from export_mgmt.accounts.sessions import purge_expired_sessions
from export_mgmt.accounts.throttle import purge_old_failures

log = logging.getLogger("export_mgmt.scheduler")


async def purge_sessions_and_login_failures() -> int:
    """Expired sessions and stale failed-login rows; both deletes are naturally idempotent."""
    removed = await purge_expired_sessions() + await purge_old_failures()
    log.info("purged %s expired sessions and old login failures", removed)
    return removed

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


async def expire_licences() -> int:
    """Licences past their valid-to date become expired (one set-based UPDATE; a re-run finds none)."""
    from export_mgmt.agencies.licences import mark_expired_licences
    from export_mgmt.clock import today

    changed = await mark_expired_licences(today())
    log.info("marked %s licences expired", changed)
    return changed

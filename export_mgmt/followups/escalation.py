"""Escalation: a worker unreachable at two follow-ups in a row opens an inspection case by itself."""

from __future__ import annotations

import logging

from export_mgmt.accounts.actor import SYSTEM
from export_mgmt.followups.tables import FollowUp

log = logging.getLogger("export_mgmt.followups")

# A done follow-up that did not reach the worker, whose previous done follow-up (prev) did not either, and for
# which no unreachable-worker case is open or was closed after prev: a closed case settles the silences before
# it, so only two new ones in a row escalate again.
CANDIDATES = """
SELECT f.id FROM followup f
JOIN followup prev ON prev.id = (
    SELECT f2.id FROM followup f2
    WHERE f2.placement = f.placement AND f2.status = 'done' AND f2.id <> f.id
      AND (f2.done_on < f.done_on OR (f2.done_on = f.done_on AND f2.id < f.id))
    ORDER BY f2.done_on DESC, f2.id DESC LIMIT 1)
WHERE f.status = 'done' AND f.reached = {} AND prev.reached = {}
  AND NOT EXISTS (SELECT 1 FROM inspection_case c WHERE c.followup = f.id)
  AND NOT EXISTS (SELECT 1 FROM inspection_case c WHERE c.placement = f.placement AND c.finding = 'unreachable'
                  AND (c.closed_on IS NULL OR c.closed_on >= prev.done_on))
"""


async def escalate_unreachable(placement_id: int | None = None) -> int:
    """Open a case for every such follow-up (of one placement, or all); returns how many were opened.

    Finding the candidates is one query; each case is opened by the same action a person uses, with its audit
    row and notifications, and the unique follow-up link on the case makes a repeat or a race open nothing.
    """
    from export_mgmt.errors import FormErrors
    from export_mgmt.inspections import services as cases

    sql = CANDIDATES + (" AND f.placement = {}" if placement_id is not None else "") + " ORDER BY f.id"
    args = [False, False] + ([placement_id] if placement_id is not None else [])
    rows = await FollowUp.raw(sql, *args)
    opened = 0
    seen: set[int] = set()
    for row in rows:
        followup = await FollowUp.select(FollowUp.placement).where(FollowUp.id == row["id"]).first()
        if followup["placement"] in seen:  # one case per placement and sweep
            continue
        seen.add(followup["placement"])
        try:
            await cases.open_from_followup(SYSTEM, row["id"], escalated=True)
            opened += 1
        except FormErrors:
            log.info("follow-up %s already has a case", row["id"])
    return opened

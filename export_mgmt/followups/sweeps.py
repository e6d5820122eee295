"""The scheduler's sweeps over follow-ups: generate what has come due, mark what is overdue, cancel what ended.

Every sweep is a handful of set-based statements (one INSERT … SELECT per schedule rule) and idempotent: the
unique index on (placement, kind, seq, inspection_case) turns a second run, or a second process, into no-ops.

Generation remembers what each rule's statement covered (followup_sweep: the due-date window, and when the sweep
started). A run whose window lies inside the one already covered (a re-run the same day, a second scheduler
process, a restart after a crash) only looks at the placements written since: recomputing every placement's
schedule cost a re-run a third (PostgreSQL) to nine tenths (SQLite) of a first run, for no new rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from export_mgmt.clock import utcnow
from export_mgmt.db import execute_counted, is_sqlite, sql_text, write_transaction
from export_mgmt.followups.schedule import MAX_MONTHS, Rule, load_rules, programmes_by_rule
from export_mgmt.followups.tables import FollowUpSweep
from export_mgmt.placements.lifecycle import FINISHED

# Placements whose worker has left and is not back: these are followed up on the schedule.
TRACKED = ("departed", "working", "employer_changed", "unreachable")
# A follow-up shows on the worklists this many days before it is due.
LEAD_DAYS = 7
# Follow-ups that fell due longer ago than this when the sweep first sees a placement (one reported late, or
# imported) are history, not work: they are not created.
LOOKBACK_DAYS = 90
# The departure, or for a placement reported without one, the contract start.
ANCHOR = "COALESCE(p.departure_date, p.contract_start)"
CONFLICT = "ON CONFLICT (placement, kind, seq, inspection_case) DO NOTHING"
# A placement written this long before the last sweep started still counts as written since: its transaction may
# have taken its time stamp before that sweep began and committed after the sweep read the table, and app
# instances' clocks may differ a little. Re-sweeping a few placements twice costs nothing (ON CONFLICT).
# This relies on every write to a placement stamping placement.updated_at (placements.services: creation and
# change_status); code that writes placements otherwise must stamp it too, or its changes wait for a new window.
WRITTEN_SINCE_MARGIN = dt.timedelta(hours=1)
INSERT = ("INSERT INTO followup (placement, kind, seq, inspection_case, due_date, overdue_after, status, "
          "created_at)")


def _in(values) -> str:
    return "(" + ", ".join(sql_text(v) for v in sorted(values)) + ")"


def add_days(expr: str, days: int) -> str:
    return f"date({expr}, '{int(days):+d} days')" if is_sqlite() else f"({expr} + {int(days)})"


def add_months(expr: str, months: str) -> str:
    """`expr` plus `months` calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).

    PostgreSQL's interval arithmetic clamps; SQLite's date() would roll over into March, so it is spelled out.
    """
    if not is_sqlite():
        return f"CAST({expr} + make_interval(months => {months}) AS DATE)"
    same_day = (f"date({expr}, 'start of month', '+' || ({months}) || ' months', "
                f"'+' || (CAST(strftime('%d', {expr}) AS INTEGER) - 1) || ' days')")
    month_end = f"date({expr}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day')"
    return f"min({same_day}, {month_end})"


def _statement(rule: Rule, programmes: list[str], written_since: bool = False) -> str:
    """One INSERT … SELECT creating this rule's follow-ups that are due by the horizon; with written_since, only
    for the placements written (updated_at) since a time given as the second parameter."""
    where = f"p.programme IN {_in(programmes)}"
    if written_since:
        where += " AND p.updated_at >= {}"
    months = ""
    if rule.kind == "arrival":
        source = (f"SELECT p.id AS placement, 1 AS seq, {add_days(ANCHOR, rule.offset_days)} AS due "
                  f"FROM placement p WHERE p.status IN {_in(TRACKED)} AND {where}")
    elif rule.kind == "periodic":
        last = rule.last_month or MAX_MONTHS
        step = max(rule.every_months, 1)
        months = (f"WITH RECURSIVE months(k) AS (SELECT {int(rule.first_month)} UNION ALL "
                  f"SELECT k + {int(step)} FROM months WHERE k + {int(step)} <= {int(last)}) ")
        source = (f"SELECT p.id AS placement, m.k AS seq, {add_months(ANCHOR, 'm.k')} AS due, "
                  f"p.contract_end AS ends FROM placement p CROSS JOIN months m "
                  f"WHERE p.status IN {_in(TRACKED)} AND {where}")
    elif rule.kind == "before_end":
        source = (f"SELECT p.id AS placement, 1 AS seq, {add_days('p.contract_end', -rule.offset_days)} AS due "
                  f"FROM placement p WHERE p.status IN {_in(TRACKED)} AND {where} "
                  f"AND {add_days('p.contract_end', -rule.offset_days)} > {ANCHOR}")
    elif rule.kind == "after_return":
        # Only workers who actually left: a placement cancelled before departure has no return.
        source = (f"SELECT p.id AS placement, 1 AS seq, {add_days('p.status_changed_on', rule.offset_days)} AS due "
                  f"FROM placement p WHERE p.status IN {_in(FINISHED)} AND {where} AND EXISTS ("
                  f"SELECT 1 FROM placement_event e WHERE e.placement = p.id "
                  f"AND e.status IN {_in(TRACKED)})")
    else:
        raise ValueError(rule.kind)
    stop = " AND s.due < s.ends" if rule.kind == "periodic" else ""
    return (f"{months}{INSERT} SELECT s.placement, {sql_text(rule.kind)}, s.seq, 0, s.due, "
            f"{add_days('s.due', rule.grace_days)}, 'pending', {{}} FROM ({source}) s "
            f"WHERE s.due <= {{}} AND s.due >= {{}}{stop} {CONFLICT}")


async def generate_due(on: dt.date, rules: list[Rule] | None = None) -> int:
    """Create every follow-up the schedule makes due by `on` + LEAD_DAYS; returns how many were new.

    One transaction per rule: a run cut short keeps what it finished, and the next run fills the rest.
    """
    rules = rules if rules is not None else await load_rules(active_only=True)
    horizon, lookback = on + dt.timedelta(days=LEAD_DAYS), on - dt.timedelta(days=LOOKBACK_DAYS)
    created = 0
    for rule, programmes in programmes_by_rule(rules):
        statement = _statement(rule, programmes)
        # The statement's text is the rule (kind, months, offsets, grace) and its programmes: a rule edited, or
        # a programme given rules of its own, is a new statement and sweeps everything again.
        key = hashlib.sha256(statement.encode()).hexdigest()
        async with write_transaction():
            started = utcnow()
            covered = await _covered(key)
            if covered and covered["lookback"] <= lookback and horizon <= covered["horizon"]:
                since = covered["swept_at"] - WRITTEN_SINCE_MARGIN
                created += await execute_counted(_statement(rule, programmes, written_since=True), started, since,
                                                 horizon, lookback)
            else:
                created += await execute_counted(statement, started, horizon, lookback)
            # After a written-since run, every placement is covered for the narrower of the two windows.
            await _record_coverage(key, lookback, horizon, started)
    return created


async def _covered(key: str) -> dict | None:
    return await FollowUpSweep.select(FollowUpSweep.lookback, FollowUpSweep.horizon, FollowUpSweep.swept_at).where(
        FollowUpSweep.statement == key).first()


async def _record_coverage(key: str, lookback: dt.date, horizon: dt.date, started: dt.datetime) -> None:
    # An upsert: two scheduler processes may sweep the same rule at once.
    await execute_counted("INSERT INTO followup_sweep (statement, lookback, horizon, swept_at) VALUES ({}, {}, {}, {}) "
                          "ON CONFLICT (statement) DO UPDATE SET lookback = excluded.lookback, "
                          "horizon = excluded.horizon, swept_at = excluded.swept_at", key, lookback, horizon, started)


async def generate_rechecks(on: dt.date) -> int:
    """A re-check for every case whose rectification deadline has passed: one per order issued."""
    due = add_days("c.rectify_by", 3)
    sql = (f"{INSERT} SELECT c.placement, 'recheck', c.orders, c.id, {due}, {add_days(due, 7)}, 'pending', {{}} "
           f"FROM inspection_case c WHERE c.status = 'rectification_ordered' AND c.placement IS NOT NULL "
           f"AND c.rectify_by < {{}} {CONFLICT}")
    async with write_transaction():
        return await execute_counted(sql, utcnow(), on)


async def mark_overdue(on: dt.date) -> int:
    async with write_transaction():
        return await execute_counted(
            "UPDATE followup SET status = 'overdue' WHERE status = 'pending' AND overdue_after < {}", on)


async def cancel_ended() -> int:
    """Scheduled follow-ups still open when the placement ended are no longer due (missed ones stay overdue)."""
    sql = (f"UPDATE followup SET status = 'cancelled' WHERE status = 'pending' "
           f"AND kind IN ('arrival', 'periodic', 'before_end') AND placement IN ("
           f"SELECT p.id FROM placement p WHERE p.status IN {_in(FINISHED)})")
    async with write_transaction():
        return await execute_counted(sql)

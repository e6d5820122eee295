"""Daily reminder sweeps: licences about to expire, contracts ending soon, overdue follow-ups in one's area.

Each is one INSERT … SELECT into notification keyed by what it is about, so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt

from export_mgmt.db import write_transaction
from export_mgmt.followups.sweeps import TRACKED, _in
from export_mgmt.notifications.services import json_object, notify_select

# Warn agencies and the city this many days before a licence runs out (a local rule).
LICENCE_WARNINGS = (60, 30)
CONTRACT_END_WARNING_DAYS = 60
CITY_ROLES = ("admin", "supervisor")


async def licence_expiry_warnings(on: dt.date) -> int:
    """Agency staff and the city administrators hear 60 and 30 days ahead, and once it has expired."""
    created = 0
    # (key prefix, first and last valid_to date): 31-60 days ahead gets the first warning, 0-30 the second.
    windows = [(f"licence-{days}:", on + dt.timedelta(days=nearer + 1), on + dt.timedelta(days=days))
               for days, nearer in zip(LICENCE_WARNINGS, LICENCE_WARNINGS[1:] + (-1,))]
    params = json_object("'number'", "l.number", "'agency'", "a.name", "'date'", "l.valid_to")
    async with write_transaction():
        for prefix, start, end in windows:
            select = (f"SELECT u.id AS user_id, '{prefix}' || l.id AS key, {params} AS params, "
                      f"'/agencies/' || l.agency AS link FROM licence l JOIN agency a ON a.id = l.agency "
                      f"JOIN app_user u ON u.active = {{}} AND ((u.role = 'agency_staff' AND u.agency = l.agency) "
                      f"OR u.role IN {_in(CITY_ROLES)}) "
                      f"WHERE l.status = 'active' AND l.valid_to >= {{}} AND l.valid_to <= {{}}")
            created += await notify_select("licence_expiring", select, True, start, end)
        select = (f"SELECT u.id AS user_id, 'licence-expired:' || l.id AS key, {params} AS params, "
                  f"'/agencies/' || l.agency AS link FROM licence l JOIN agency a ON a.id = l.agency "
                  f"JOIN app_user u ON u.active = {{}} AND ((u.role = 'agency_staff' AND u.agency = l.agency) "
                  f"OR u.role IN {_in(CITY_ROLES)}) "
                  f"WHERE l.status = 'expired' AND l.valid_to >= {{}}")
        created += await notify_select("licence_expired", select, True, on - dt.timedelta(days=30))
    return created


async def contracts_ending(on: dt.date) -> int:
    """The agency's staff hear once per placement when its contract ends within 60 days."""
    params = json_object("'worker'", "w.name", "'placement'", "p.id", "'date'", "p.contract_end")
    select = (f"SELECT u.id AS user_id, 'contract-end:' || p.id || ':' || p.contract_end AS key, "
              f"{params} AS params, '/placements/' || p.id AS link FROM placement p "
              f"JOIN worker w ON w.id = p.worker "
              f"JOIN app_user u ON u.active = {{}} AND u.role = 'agency_staff' AND u.agency = p.agency "
              f"WHERE p.status IN {_in(TRACKED)} AND p.contract_end >= {{}} AND p.contract_end <= {{}}")
    async with write_transaction():
        return await notify_select("contract_ending", select, True, on,
                                   on + dt.timedelta(days=CONTRACT_END_WARNING_DAYS))


async def overdue_digest(on: dt.date) -> int:
    """One message a day to each agency's staff and each county's clerks who have overdue follow-ups."""
    params = json_object("'count'", "COUNT(*)")
    day = on.isoformat()
    agency = (f"SELECT u.id AS user_id, 'overdue:{day}' AS key, {params} AS params, "
              f"'/followups/?status=overdue' AS link FROM followup f JOIN placement p ON p.id = f.placement "
              f"JOIN app_user u ON u.active = {{}} AND u.role = 'agency_staff' AND u.agency = p.agency "
              f"WHERE f.status = 'overdue' GROUP BY u.id")
    county = (f"SELECT u.id AS user_id, 'overdue:{day}' AS key, {params} AS params, "
              f"'/followups/?status=overdue' AS link FROM followup f JOIN placement p ON p.id = f.placement "
              f"JOIN worker w ON w.id = p.worker "
              f"JOIN app_user u ON u.active = {{}} AND u.role = 'county_clerk' AND u.county_code = w.county_code "
              f"WHERE f.status = 'overdue' GROUP BY u.id")
    async with write_transaction():
        return await notify_select("followups_overdue", agency, True) + \
            await notify_select("followups_overdue", county, True)

"""Unique indexes that the database enforces on followups rows.

Indexes rather than table constraints: SQLite cannot add a constraint to an existing table, and Piccolo runs
raw statements before it creates tables, hence a migration of their own after the one that made the tables.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="followups", description=DESCRIPTION)

    async def unique_followup_one_per_slot():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX followup_one_per_slot ON followup (placement, kind, seq, inspection_case)")

    manager.add_raw(unique_followup_one_per_slot)

    return manager

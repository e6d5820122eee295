"""Unique indexes that the database enforces on complaints rows.

Indexes rather than table constraints: SQLite cannot add a constraint to an existing table, and Piccolo runs
raw statements before it creates tables, hence a migration of their own after the one that made the tables.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="complaints", description=DESCRIPTION)

    async def unique_complaint_inspector():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX complaint_inspector_once ON complaint_inspector (complaint, inspector)")

    manager.add_raw(unique_complaint_inspector)

    return manager

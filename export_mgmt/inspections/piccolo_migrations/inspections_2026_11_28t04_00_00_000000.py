"""Unique indexes that the database enforces on inspections rows.

Indexes rather than table constraints: SQLite cannot add a constraint to an existing table, and Piccolo runs
raw statements before it creates tables, hence a migration of their own after the one that made the tables.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inspections", description=DESCRIPTION)

    async def unique_case_inspector_one_assignment():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX case_inspector_one_assignment ON case_inspector (inspection_case, inspector)")

    manager.add_raw(unique_case_inspector_one_assignment)

    return manager

"""The unique index on export targets: one row per county and year.

An index rather than a table constraint: SQLite cannot add a constraint to an existing table, and Piccolo runs
raw statements before it creates tables, hence a migration of its own after the one that made the table.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T12:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique index on export targets"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="targets", description=DESCRIPTION)

    async def unique_target():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX export_target_once ON export_target (year, county_code)")

    manager.add_raw(unique_target)

    return manager

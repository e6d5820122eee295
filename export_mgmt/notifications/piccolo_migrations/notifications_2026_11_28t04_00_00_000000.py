"""Unique indexes that the database enforces on notifications rows.

Indexes rather than table constraints: SQLite cannot add a constraint to an existing table, and Piccolo runs
raw statements before it creates tables, hence a migration of their own after the one that made the tables.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notifications", description=DESCRIPTION)

    async def unique_notification_once_per_user():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX notification_once_per_user ON notification (\"user\", key)")

    manager.add_raw(unique_notification_once_per_user)

    return manager

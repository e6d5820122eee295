"""Applying Piccolo migrations, and checking that the tables and the migrations agree."""

from __future__ import annotations

import contextlib
import io

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder
from piccolo.engine.postgres import PostgresEngine

from export_mgmt.db import engine, prepare_sqlite_file

# Any fixed number: the key of the PostgreSQL advisory lock that serialises concurrent migrators.
MIGRATION_LOCK_KEY = 720_040_401


async def migrate(quiet: bool = True) -> None:
    """Apply every pending migration. Safe to start from several app instances at once on PostgreSQL."""
    db = engine()
    out = io.StringIO() if quiet else None
    if isinstance(db, PostgresEngine):
        import asyncpg

        conn = await asyncpg.connect(**db.config)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
            await _forwards(out)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
            await conn.close()
    else:
        prepare_sqlite_file(db.path)
        await _forwards(out)


async def _forwards(out: io.StringIO | None) -> None:
    from export_mgmt.followups.schedule import seed_default_rules
    from export_mgmt.ratings.scale import seed_default_scale

    with contextlib.redirect_stdout(out) if out else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")
    # Reference data a new database needs; an existing one keeps what its administrators set.
    await seed_default_rules()
    await seed_default_scale()


async def pending_changes() -> dict[str, list[str]]:
    """Per app, the statements an auto-migration would still need: empty when tables and migrations agree."""
    found: dict[str, list[str]] = {}
    for app_config in Finder().get_app_configs():
        statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=app_config)
        lines = [line for group in statements for line in group.statements]
        if lines:
            found[app_config.app_name] = lines
    return found

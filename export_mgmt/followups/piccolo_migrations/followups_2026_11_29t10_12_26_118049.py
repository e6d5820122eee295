"""What each generation sweep covered (followup_sweep), and an index on placement.updated_at: an immediate re-run
of the sweep looks only at the placements written since the last one."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T10:12:26:118049"
VERSION = "1.38.0"
DESCRIPTION = "Sweep coverage"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="followups", description=DESCRIPTION
    )

    async def index_placement_updated_at():
        await engine_finder().run_ddl("CREATE INDEX placement_updated_at ON placement (updated_at)")

    manager.add_raw(index_placement_updated_at)

    manager.add_table(
        class_name="FollowUpSweep",
        tablename="followup_sweep",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="FollowUpSweep",
        tablename="followup_sweep",
        column_name="statement",
        db_column_name="statement",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUpSweep",
        tablename="followup_sweep",
        column_name="lookback",
        db_column_name="lookback",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUpSweep",
        tablename="followup_sweep",
        column_name="horizon",
        db_column_name="horizon",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUpSweep",
        tablename="followup_sweep",
        column_name="swept_at",
        db_column_name="swept_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager

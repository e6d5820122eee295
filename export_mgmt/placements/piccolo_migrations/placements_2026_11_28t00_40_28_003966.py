from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-11-28T00:40:28:003966"
VERSION = "1.38.0"
DESCRIPTION = "fee payee may be an agency abroad"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="placements", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="FeeEntry",
        tablename="fee_entry",
        column_name="payee",
        db_column_name="payee",
        params={
            "length": 20,
            "choices": Enum(
                "Payee",
                {
                    "agency": "agency",
                    "broker": "broker",
                    "foreign_agency": "foreign_agency",
                    "other": "other",
                },
            ),
        },
        old_params={
            "length": 10,
            "choices": Enum(
                "Payee",
                {"agency": "agency", "broker": "broker", "other": "other"},
            ),
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager

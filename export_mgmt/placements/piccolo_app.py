"""Piccolo app for the placements domain: its tables and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="placements",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.placements.tables"], exclude_imported=True),
    migration_dependencies=[
        "export_mgmt.agencies.piccolo_app", "export_mgmt.employers.piccolo_app", "export_mgmt.workers.piccolo_app",
    ],
    commands=[],
)

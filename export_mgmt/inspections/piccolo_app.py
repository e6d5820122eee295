"""Piccolo app for the inspections domain: its tables and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="inspections",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.inspections.tables"], exclude_imported=True),
    migration_dependencies=[
        "export_mgmt.followups.piccolo_app", "export_mgmt.accounts.piccolo_app", "export_mgmt.employers.piccolo_app",
    ],
    commands=[],
)

"""Piccolo app for the agencies domain: its tables and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="agencies",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.agencies.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)

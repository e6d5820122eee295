"""Piccolo app for the complaints domain: its tables and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="complaints",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.complaints.tables"], exclude_imported=True),
    migration_dependencies=["export_mgmt.inspections.piccolo_app"],
    commands=[],
)

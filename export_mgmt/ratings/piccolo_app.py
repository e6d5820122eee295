"""Piccolo app for the agency ratings: the scale's tables and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="ratings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.ratings.tables"], exclude_imported=True),
    migration_dependencies=["export_mgmt.complaints.piccolo_app"],
    commands=[],
)

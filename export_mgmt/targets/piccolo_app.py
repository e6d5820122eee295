"""Piccolo app for the export targets: its table and migrations."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="targets",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["export_mgmt.targets.tables"], exclude_imported=True),
    # After complaints (and so after placements and workers): its index migrations reach into their tables.
    migration_dependencies=["export_mgmt.complaints.piccolo_app"],
    commands=[],
)

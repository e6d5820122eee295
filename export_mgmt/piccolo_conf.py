"""Piccolo configuration: the engine comes from DATABASE_URL (SQLite file by default, else PostgreSQL)."""

from piccolo.conf.apps import AppRegistry

from export_mgmt.db import build_engine
from export_mgmt.settings import get_settings

DB = build_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "export_mgmt.agencies.piccolo_app",
        "export_mgmt.accounts.piccolo_app",
        "export_mgmt.audit.piccolo_app",
        "export_mgmt.workers.piccolo_app",
        "export_mgmt.employers.piccolo_app",
        "export_mgmt.placements.piccolo_app",
        "export_mgmt.followups.piccolo_app",
        "export_mgmt.inspections.piccolo_app",
        "export_mgmt.notifications.piccolo_app",
        "export_mgmt.operations.piccolo_app",
        "export_mgmt.workdays.piccolo_app",
        "export_mgmt.complaints.piccolo_app",
        "export_mgmt.targets.piccolo_app",
        "export_mgmt.ratings.piccolo_app",
    ]
)

"""export-mgmt: labour-export and migrant-worker management for a city labour bureau."""

import os

# Piccolo finds its engine through this module path; set it before any table touches the database.
os.environ.setdefault("PICCOLO_CONF", "export_mgmt.piccolo_conf")

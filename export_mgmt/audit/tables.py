"""Audit log table."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditLog(Table, tablename="audit_log"):
    # Plain columns, not foreign keys: the trail must outlive whatever it describes.
    at = Timestamptz(default=TimestamptzNow(), index=True, help_text="UTC")
    actor_id = Integer(null=True, default=None, index=True)
    actor_name = Varchar(length=100, default="")
    entity = Varchar(length=40, index=True)
    entity_id = Varchar(length=40, index=True)
    action = Varchar(length=40)
    changes = Text(default="{}", help_text="JSON: field -> [before, after]")
    client_address = Varchar(length=64, default="")

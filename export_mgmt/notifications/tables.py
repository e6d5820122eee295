"""Notification table: one row per person and event; the key makes a repeated sweep add nothing."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.accounts.tables import AppUser


class Notification(Table, tablename="notification"):
    user = ForeignKey(references=AppUser, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=40, help_text="Message code; the text is translated when shown, in the reader's language")
    key = Varchar(length=120, help_text="What it is about, e.g. licence-60:12; once per user")
    params = Text(default="{}", help_text="JSON values for the message")
    link = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)

    # UNIQUE (user, key): a unique index made by the migration, so a repeated sweep notifies nobody twice.

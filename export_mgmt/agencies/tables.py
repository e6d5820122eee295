"""Agency table: the minimum that staff accounts are bound to."""

from piccolo.columns import Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Agency(Table, tablename="agency"):
    name = Varchar(length=200, help_text="Registered name of the export agency")
    credit_code = Varchar(length=18, null=True, default=None, unique=True,
                          help_text="Unified social credit code (GB 32100-2015)")
    county_code = Varchar(length=6, index=True, help_text="County-level region where it is registered")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())

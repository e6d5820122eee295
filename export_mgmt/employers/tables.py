"""Employer table: domestic and foreign employers."""

from enum import Enum

from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Employer(Table, tablename="employer"):
    class Kind(str, Enum):
        domestic = "domestic"
        foreign = "foreign"

    kind = Varchar(length=10, choices=Kind, index=True)
    name = Varchar(length=200, index=True)
    country = Varchar(length=2, index=True, help_text="ISO 3166 code: CN, KR, JP, SG")
    region = Varchar(length=100, default="", help_text="City abroad, or province at home")
    destination_group = Varchar(length=10, default="", help_text="Domestic reporting group: YRD, PRD, WEST, OTHER")
    registration_no = Varchar(length=50, default="")
    sector = Varchar(length=30, default="")
    address = Varchar(length=200, default="")
    contact = Varchar(length=100, default="")
    programme = Varchar(length=30, default="", help_text="Destination programme a foreign employer is tied to")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)

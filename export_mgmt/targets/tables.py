"""The city's export targets: one row per county and year."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ExportTarget(Table, tablename="export_target"):
    """A district's or county's targets for one calendar year; an empty figure means no target was set for it.

    The figures count person-departures (人次) in the year, as the dashboards count progress.
    """

    year = Integer()
    county_code = Varchar(length=6, help_text="One of the city's 13 districts and counties")
    exported = Integer(null=True, default=None, help_text="Workers exported, overseas and domestic together")
    overseas = Integer(null=True, default=None)
    domestic = Integer(null=True, default=None)
    trained = Integer(null=True, default=None, help_text="Exported workers with a training record")
    placed_4050 = Integer(null=True, default=None, help_text="Exported workers of the 4050 group")
    updated_by = Varchar(length=100, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    # UNIQUE (year, county_code): an index made by the migration.

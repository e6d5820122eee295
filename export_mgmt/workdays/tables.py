"""Working-day overrides: days the State Council's notice moves, and the years entered in full."""

from piccolo.columns import Boolean, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class CalendarYear(Table, tablename="calendar_year"):
    """A year whose holidays and make-up workdays have all been entered from the official notice."""

    year = Integer(unique=True)
    source = Varchar(length=200, default="", help_text="The notice the days were taken from")
    entered_by = Varchar(length=100, default="")
    entered_at = Timestamptz(default=TimestamptzNow())


class CalendarDay(Table, tablename="calendar_day"):
    """A day that is not what its weekday says: a holiday on a weekday, or a make-up workday at a weekend."""

    day = Date(unique=True)
    workday = Boolean(help_text="True: a make-up workday; False: a holiday")
    name = Varchar(length=50, default="")

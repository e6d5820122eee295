"""The rating scale: its grades, and the parameters of the score (penalty points, the placements needed)."""

from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class RatingGrade(Table, tablename="rating_grade"):
    """One grade of the scale: an agency scoring at least min_score (and below the grade above) gets it."""

    code = Varchar(length=10, unique=True, help_text="The grade as published, such as AAA")
    label = Varchar(length=50, default="", help_text="The bureau's own wording of the grade")
    min_score = Integer(help_text="0-100; the lowest grade starts at 0")
    updated_by = Varchar(length=100, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class RatingParameter(Table, tablename="rating_parameter"):
    """One number of the score's formula, by code (the codes and their meaning live in ratings.rules)."""

    code = Varchar(length=30, unique=True)
    value = Integer()
    updated_by = Varchar(length=100, default="")
    updated_at = Timestamptz(default=TimestamptzNow())

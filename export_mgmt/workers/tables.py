"""Worker registry tables: the worker, their skills and their languages."""

from enum import Enum

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Worker(Table, tablename="worker"):
    class Status(str, Enum):
        available = "available"
        in_training = "in_training"
        placed = "placed"
        abroad = "abroad"
        returned = "returned"
        withdrawn = "withdrawn"

    class Education(str, Enum):
        none = "none"
        primary = "primary"
        junior_secondary = "junior_secondary"
        senior_secondary = "senior_secondary"
        vocational = "vocational"
        college = "college"
        bachelor = "bachelor"

    class Intention(str, Enum):
        domestic = "domestic"
        overseas = "overseas"
        either = "either"

    class HealthResult(str, Enum):
        unknown = ""
        fit = "fit"
        conditional = "conditional"
        unfit = "unfit"

    id_number = Varchar(length=18, unique=True, help_text="18-character GB 11643 number, upper-case X")
    name = Varchar(length=50, index=True)
    sex = Varchar(length=1, help_text="M or F, derived from the identity number")
    birth_date = Date(help_text="Derived from the identity number")
    id_region_code = Varchar(length=6, help_text="Address code as printed in the identity number")
    county_code = Varchar(length=6, index=True,
                          help_text="Current county of the hukou; retired codes resolve to their successor")
    township_code = Varchar(length=9, null=True, default=None)
    township_name = Varchar(length=50, default="", help_text="Free text beside the optional code")
    village = Varchar(length=100, default="")
    phone = Varchar(length=20, default="")
    education = Varchar(length=20, choices=Education, default=Education.junior_secondary)
    health_check_date = Date(null=True, default=None)
    health_check_result = Varchar(length=12, choices=HealthResult, default=HealthResult.unknown)
    training = Text(default="", help_text="Training received")
    intention = Varchar(length=10, choices=Intention, default=Intention.either, index=True)
    preferred_destinations = Varchar(length=100, default="", help_text="Comma-separated destination codes")
    status = Varchar(length=12, choices=Status, default=Status.available, index=True)
    notes = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    created_by = Integer(null=True, default=None)
    version = Integer(default=1, help_text="Bumped on every change, for optimistic locking")


class WorkerSkill(Table, tablename="worker_skill"):
    worker = ForeignKey(references=Worker, on_delete=OnDelete.cascade, index=True)
    trade = Varchar(length=60, index=True)
    level = Varchar(length=20, default="", help_text="National vocational qualification level")
    certificate_no = Varchar(length=40, default="")


class WorkerLanguage(Table, tablename="worker_language"):
    worker = ForeignKey(references=Worker, on_delete=OnDelete.cascade, index=True)
    language = Varchar(length=8, help_text="ko, ja or en")
    level = Varchar(length=20, default="")
    test_name = Varchar(length=20, default="", help_text="e.g. EPS-TOPIK, JLPT N3")
    score = Integer(null=True, default=None)

"""Agencies, their licences (with status history and risk reserve fund), brokers and API tokens."""

from enum import Enum

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Agency(Table, tablename="agency"):
    name = Varchar(length=200, help_text="Registered name of the export agency")
    credit_code = Varchar(length=18, null=True, default=None, unique=True,
                          help_text="Unified social credit code (GB 32100-2015)")
    county_code = Varchar(length=6, index=True, help_text="County-level region where it is registered")
    address = Varchar(length=200, default="")
    legal_representative = Varchar(length=50, default="")
    contact_name = Varchar(length=50, default="")
    contact_phone = Varchar(length=20, default="")
    contact_email = Varchar(length=100, default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class Licence(Table, tablename="licence"):
    class Kind(str, Enum):
        overseas_cooperation = "overseas_cooperation"  # 对外劳务合作经营资格 (commerce department)
        employment_intermediary = "employment_intermediary"  # 职业中介 / 人力资源服务许可证 (labour department)

    class Status(str, Enum):
        active = "active"
        suspended = "suspended"
        revoked = "revoked"
        expired = "expired"
        cancelled = "cancelled"

    agency = ForeignKey(references=Agency, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=30, choices=Kind)
    number = Varchar(length=50, unique=True)
    scope = Varchar(length=50, help_text="Comma-separated: DOMESTIC and/or destination country codes")
    issuing_authority = Varchar(length=100, default="")
    valid_from = Date()
    valid_to = Date(index=True)
    status = Varchar(length=12, choices=Status, default=Status.active, index=True)
    status_reason = Text(default="")
    status_changed_on = Date(null=True, default=None)
    reserve_required = Integer(null=True, default=None, help_text="Risk reserve fund required, CNY fen")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class LicenceStatusChange(Table, tablename="licence_status_change"):
    licence = ForeignKey(references=Licence, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=12)
    reason = Text(default="")
    effective_on = Date()
    actor_name = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ReserveFundEntry(Table, tablename="reserve_fund_entry"):
    class Kind(str, Enum):
        deposit = "deposit"
        draw = "draw"
        top_up = "top_up"

    licence = ForeignKey(references=Licence, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10, choices=Kind)
    amount = Integer(help_text="CNY fen, always positive; a draw lowers the amount held")
    on_date = Date()
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Broker(Table, tablename="broker"):
    class Status(str, Enum):
        active = "active"
        struck_off = "struck_off"

    agency = ForeignKey(references=Agency, on_delete=OnDelete.restrict, index=True)
    id_number = Varchar(length=18, unique=True, help_text="A broker is registered to exactly one agency")
    name = Varchar(length=50)
    certificate_no = Varchar(length=50, default="")
    phone = Varchar(length=20, default="")
    status = Varchar(length=12, choices=Status, default=Status.active, index=True)
    struck_off_on = Date(null=True, default=None)
    struck_off_reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class ApiToken(Table, tablename="api_token"):
    # Only a SHA-256 of the token is stored; the token itself is shown once, when issued.
    agency = ForeignKey(references=Agency, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Varchar(length=100, default="")
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)

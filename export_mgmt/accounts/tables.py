"""Account tables: users, their server-side sessions and failed login attempts."""

from enum import Enum

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from export_mgmt.agencies.tables import Agency


class AppUser(Table, tablename="app_user"):
    class Role(str, Enum):
        admin = "admin"
        county_clerk = "county_clerk"
        agency_staff = "agency_staff"
        inspector = "inspector"
        supervisor = "supervisor"

    username = Varchar(length=64, unique=True, help_text="Login name, stored lower-case")
    display_name = Varchar(length=100)
    password_hash = Varchar(length=255)
    role = Varchar(length=20, choices=Role, index=True)
    county_code = Varchar(length=6, null=True, default=None,
                          help_text="County a clerk is bound to; empty for other roles")
    agency = ForeignKey(references=Agency, null=True, default=None, on_delete=OnDelete.restrict,
                        help_text="Agency a staff member is bound to")
    locale = Varchar(length=8, null=True, default=None, help_text="Preferred interface language")
    email = Varchar(length=200, default="", help_text="Where notifications are e-mailed; empty: in the app only")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    password_changed_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    version = Integer(default=1, help_text="Bumped on every change, for optimistic locking")


class UserSession(Table, tablename="user_session"):
    # Only a SHA-256 of the cookie value is stored: a copy of the table does not let anyone log in.
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=AppUser, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow(), index=True)
    client_address = Varchar(length=64, default="")
    user_agent = Varchar(length=255, default="")


class LoginFailure(Table, tablename="login_failure"):
    username = Varchar(length=64, index=True)
    client_address = Varchar(length=64, index=True)
    failed_at = Timestamptz(default=TimestamptzNow(), index=True)

"""Server-side sessions in the database, so any app instance can serve any request."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from export_mgmt import prepared
from export_mgmt.accounts.tables import AppUser, UserSession
from export_mgmt.clock import utcnow
from export_mgmt.prepared import Slot
from export_mgmt.settings import get_settings

# last_seen_at is written at most this often, not on every request.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionUser:
    session_id: int
    user: dict


async def create_session(user_id: int, client_address: str, user_agent: str) -> str:
    token = secrets.token_urlsafe(32)
    await UserSession.insert(
        UserSession(
            token_hash=token_hash(token),
            user=user_id,
            client_address=client_address[:64],
            user_agent=user_agent[:255],
        )
    )
    return token


def _expired(row: dict, now: dt.datetime) -> bool:
    settings = get_settings()
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    absolute = dt.timedelta(hours=settings.session_absolute_hours)
    return now - row["last_seen_at"] > idle or now - row["created_at"] > absolute


# What a request needs of the signed-in user (accounts.services.actor_from_row, and whether the account is
# active); not every column: each time stamp read is a Python call converting text (SQLite) per request.
ACTOR_COLUMNS = ("id", "username", "display_name", "role", "county_code", "agency", "locale", "active")


def _session_sql() -> str:
    """The session and its user in one statement, written out and prepared once (load_session): Piccolo's query
    builder, with the user joined and nested, cost about 3 ms of every request (two thirds of the time of a
    small list page); the statement itself costs a fraction of that."""
    picked = ", ".join(f'u."{name}" AS "{name}"' for name in ACTOR_COLUMNS)
    return (f'SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at, '
            f'{picked} FROM {UserSession._meta.tablename} s JOIN {AppUser._meta.tablename} u ON u.id = s."user" '
            "WHERE s.token_hash = {}")


async def load_session(token: str) -> SessionUser | None:
    """The session's user if the session is alive; an expired session is deleted on sight."""
    rows = await prepared.rows("session and user", lambda: UserSession.raw(_session_sql(), Slot("hash")),
                               {"hash": token_hash(token)})
    if not rows:
        return None
    user = dict(rows[0])
    session_id = user.pop("session_id")
    times = {"created_at": user.pop("session_created_at"), "last_seen_at": user.pop("session_last_seen_at")}
    now = utcnow()
    if _expired(times, now) or not user["active"]:
        await UserSession.delete().where(UserSession.id == session_id)
        return None
    if now - times["last_seen_at"] > TOUCH_INTERVAL:
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == session_id)
    return SessionUser(session_id=session_id, user=user)


async def end_session(token: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == token_hash(token))


async def end_user_sessions(user_id: int, keep_session_id: int | None = None) -> None:
    query = UserSession.delete().where(UserSession.user == user_id)
    if keep_session_id is not None:
        query = query.where(UserSession.id != keep_session_id)
    await query


async def purge_expired_sessions() -> int:
    """Delete sessions past their idle or absolute limit; returns how many went."""
    settings = get_settings()
    now = utcnow()
    idle_cutoff = now - dt.timedelta(minutes=settings.session_idle_minutes)
    absolute_cutoff = now - dt.timedelta(hours=settings.session_absolute_hours)
    stale = UserSession.delete().where(
        (UserSession.last_seen_at < idle_cutoff) | (UserSession.created_at < absolute_cutoff)
    )
    deleted = await stale.returning(UserSession.id)
    return len(deleted)

"""Server-side sessions in the database, so any app instance can serve any request."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from export_mgmt.accounts.tables import AppUser, UserSession
from export_mgmt.clock import utcnow
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


async def load_session(token: str) -> SessionUser | None:
    """The session's user if the session is alive; an expired session is deleted on sight."""
    rows = await UserSession.select(
        UserSession.id,
        UserSession.created_at,
        UserSession.last_seen_at,
        *UserSession.user.all_columns(exclude=[AppUser.password_hash]),
    ).where(UserSession.token_hash == token_hash(token)).output(nested=True)
    if not rows:
        return None
    row = rows[0]
    now = utcnow()
    if _expired(row, now) or not row["user"]["active"]:
        await UserSession.delete().where(UserSession.id == row["id"])
        return None
    if now - row["last_seen_at"] > TOUCH_INTERVAL:
        await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row["id"])
    return SessionUser(session_id=row["id"], user=row["user"])


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

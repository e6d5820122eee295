"""Login throttling per account and per client address, kept in the database for all instances."""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.tables import LoginFailure
from export_mgmt.clock import utcnow
from export_mgmt.settings import get_settings


def _window_start() -> dt.datetime:
    return utcnow() - dt.timedelta(minutes=get_settings().login_window_minutes)


async def is_throttled(username: str, client_address: str) -> bool:
    settings = get_settings()
    since = _window_start()
    by_account = await LoginFailure.count().where(
        (LoginFailure.username == username) & (LoginFailure.failed_at > since)
    )
    if by_account >= settings.login_max_failures_per_account:
        return True
    by_address = await LoginFailure.count().where(
        (LoginFailure.client_address == client_address) & (LoginFailure.failed_at > since)
    )
    return by_address >= settings.login_max_failures_per_address


async def record_failure(username: str, client_address: str) -> None:
    await LoginFailure.insert(LoginFailure(username=username[:64], client_address=client_address[:64]))


async def clear_failures(username: str) -> None:
    await LoginFailure.delete().where(LoginFailure.username == username)


async def purge_old_failures() -> int:
    deleted = await LoginFailure.delete().where(LoginFailure.failed_at < _window_start()).returning(
        LoginFailure.id
    )
    return len(deleted)

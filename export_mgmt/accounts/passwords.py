"""Argon2 password hashing, run in a worker thread so it never blocks the event loop."""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from export_mgmt.i18n import _
from export_mgmt.settings import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128


@cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher().hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(_verify, password_hash, password)


# Verifying against this when the account does not exist keeps the response time the same,
# so timing does not tell an attacker which user names are real.
@cache
def dummy_hash() -> str:
    return _hasher().hash("not-a-real-password-0000")


def password_problem(password: str, username: str = "") -> str | None:
    """A translated reason the password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return _("The password must have at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("The password may have at most %(n)s characters.", n=MAX_LENGTH)
    if username and username.lower() in password.lower():
        return _("The password must not contain the user name.")
    if password.isdigit() or password.isalpha():
        return _("The password must mix letters with digits or symbols.")
    return None

"""Which errors mean "the database is away, try again" (a 503 page) rather than a fault in the request (a 500)."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

from export_mgmt.db import is_unavailable


def _caused_by(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("query failed") from cause
    except RuntimeError as exc:
        return exc


@pytest.mark.parametrize("exc", [
    ConnectionRefusedError(111, "Connect call failed"),
    ConnectionResetError(),
    sqlite3.OperationalError("database is locked"),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
    _caused_by(ConnectionRefusedError(111, "Connect call failed")),
])
def test_the_database_being_away_is_unavailable(exc):
    assert is_unavailable(exc)


@pytest.mark.parametrize("exc", [
    ValueError("bad input"),
    sqlite3.OperationalError("no such table: worker"),
    sqlite3.IntegrityError("UNIQUE constraint failed: worker.id_number"),
    asyncpg.UniqueViolationError("duplicate key value violates unique constraint"),
    asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    _caused_by(KeyError("x")),
])
def test_a_fault_in_the_request_is_not(exc):
    assert not is_unavailable(exc)

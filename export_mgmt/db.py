"""Database engine, write transactions and schema helpers shared by every domain."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, AsyncIterator

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from export_mgmt.sqlite_engine import ReusingSQLiteEngine

if TYPE_CHECKING:
    from export_mgmt.settings import Settings

# SQLite waits this long for a competing writer before giving up ("database is locked").
SQLITE_BUSY_TIMEOUT_S = 30


def build_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return ReusingSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)


def engine() -> Engine:
    from piccolo.engine.finder import engine_finder

    found = engine_finder()
    assert found is not None, "PICCOLO_CONF does not name an engine"
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def prepare_sqlite_file(path: str) -> None:
    """WAL lets readers go on while one writer writes; the setting is stored in the file itself."""
    with sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S) as conn:
        # synchronous is per connection, so it is not set here: the application's connections keep
        # SQLite's default FULL, which loses no committed write on power failure.
        conn.execute("PRAGMA journal_mode=WAL")


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """One transaction for a whole service action.

    On SQLite it is BEGIN IMMEDIATE: the write lock is taken before the first read, so a
    read-then-write cannot fail half-way with SQLITE_BUSY when another writer got in between.
    """
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


async def start(db: Engine | None = None) -> None:
    db = db or engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
    elif isinstance(db, SQLiteEngine):
        prepare_sqlite_file(db.path)


async def stop(db: Engine | None = None) -> None:
    db = db or engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()
    elif isinstance(db, ReusingSQLiteEngine):
        await db.close_kept_connections()


def where_all(query, conditions):
    """AND together a list of Piccolo conditions (an empty list selects everything)."""
    for condition in conditions:
        query = query.where(condition)
    return query


async def update_versioned(table, row_id: int, values: dict) -> None:
    """Write a versioned record: the new values, version + 1 and updated_at now, in one UPDATE.

    The caller has already compared the version it read, inside the same write transaction.
    """
    update = {getattr(table, name): value for name, value in values.items()}
    update[table.version] = table.version + 1
    update[table.updated_at] = dt.datetime.now(dt.timezone.utc)
    await table.update(update).where(table.id == row_id)


def contains(column, text: str):
    """`column` contains `text`, ignoring case; LIKE wildcards the user typed are taken as nothing."""
    return like_ignoring_case(column, contains_pattern(text))


def contains_pattern(text: str) -> str:
    return "%" + text.strip().replace("%", "").replace("_", "") + "%"


def like_ignoring_case(column, pattern: str):
    """SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE."""
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def is_unique_violation(exc: BaseException) -> bool:
    """Both drivers report a duplicate key differently; services turn it into a form error."""
    text = f"{type(exc).__name__} {exc}".lower()
    return "unique" in text or "duplicate key" in text


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot serve anyone just now (restarting, refusing connections, a connection it dropped, or on
    SQLite another writer holding the file past the busy timeout), as opposed to a fault in the request itself:
    the user is asked to try again in a moment. The exception's causes are looked at too."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _unavailable(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _unavailable(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError):  # refused, reset, broken pipe: nothing listening, or it went away
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return "database is locked" in str(exc)
    import asyncpg

    if isinstance(exc, (asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError,
                        asyncpg.CrashShutdownError, asyncpg.TooManyConnectionsError)):
        return True
    # A pooled connection the server closed under a query ("connection is closed"), or whose termination notice
    # arrived just before the query did (asyncpg's protocol is then still consuming that error: "cannot switch to
    # state ...; another operation (2) is in progress"). Either way the pool replaces the connection.
    if isinstance(exc, asyncpg.exceptions.InternalClientError):
        return "another operation" in str(exc)
    return isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc)


async def execute_counted(template: str, *args) -> int:
    """Run one set-based statement inside the current write transaction and return the rows it touched.

    `template` uses Piccolo's {} placeholders, compiled for the engine in use; Piccolo's own queries do not
    report a row count, and sweeps are judged by theirs.
    """
    from piccolo.querystring import QueryString

    db = engine()
    transaction = db.current_transaction.get()
    if transaction is None:
        raise RuntimeError("execute_counted() runs inside write_transaction()")
    sql, values = QueryString(template, *args).compile_string(engine_type=db.engine_type)
    if isinstance(db, PostgresEngine):
        status = await transaction.connection.execute(sql, *values)
        last = status.rsplit(" ", 1)[-1] if status else ""
        return int(last) if last.isdigit() else 0
    await transaction.connection.execute(sql, values)
    # The cursor's rowcount is -1 for a statement that starts with WITH; changes() is always right.
    cursor = await transaction.connection.execute("SELECT changes() AS n")
    row = await cursor.fetchone()
    return int(row["n"])


def sql_text(value: str) -> str:
    """A code from the application's own fixed lists as an SQL literal (never user text)."""
    return "'" + value.replace("'", "''") + "'"

"""Piccolo's SQLite engine, with its connections kept for the next query instead of one opened per query.

Piccolo's SQLiteEngine opens a new aiosqlite connection for every query outside a transaction, and an aiosqlite
connection is a new thread and a new sqlite3 connection (which reads the schema again): measured on a page
listing 50 workers, that was most of the request's time. This engine keeps a few connections open and hands
one to each such query in turn, and one more for the writes outside a transaction, which its thread runs one
after another. Everything else (transactions, migrations, the query builder) is Piccolo's.

- A query outside a transaction runs on a kept connection as it would on a new one: the statement, committed
  at once (the connections are in autocommit mode). A reading connection whose query failed is closed, not
  kept; the writes' connection stays, as a failed statement of its own leaves nothing open.
- Each statement is one trip to the connection's thread (execute and fetch together), where Piccolo made
  four (execute, commit, fetch, close the cursor) and sent "PRAGMA foreign_keys" before each statement of a
  transaction: every trip wakes a thread and then the event loop, about 0.2 ms.
- Every connection is set up as Piccolo sets up its own: foreign keys on, the busy timeout from the engine's
  settings, rows as dicts.
- The threads of kept connections are daemon threads, so that a command that ends without stop() still exits;
  stop() closes them.
- A SELECT first runs on the event loop's own thread, on a plain sqlite3 connection, with a budget of
  INLINE_BUDGET_S of CPU time (and a looser one by the clock): most of a page's statements take well under a
  millisecond, and the trips to and from an aiosqlite thread (a thread woken, then the event loop woken, each
  waiting for the interpreter lock) cost more than the statement. Measured on the worker list page: the
  raw-driver baseline served 211 requests/s calling sqlite3 directly and 118 through aiosqlite. A SELECT still
  running when its budget is spent is interrupted (SQLite's progress handler) and run again on a kept
  connection's thread, so a long report does not hold the event loop for long; the statement is remembered and
  goes to a thread for the next minute, then is tried inline again. Nothing is lost by the interruption: a
  SELECT writes nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

KEPT_CONNECTIONS = 4  # concurrent reads beyond this open a connection for the query alone, as Piccolo does
INLINE_BUDGET_S = 0.005  # a SELECT may run on the event loop's own thread for this much CPU time, then it moves
INLINE_WALL_BUDGET_S = 0.05  # or for this long by the clock (waiting for the disk)
PROGRESS_STEPS = 2_000  # SQLite virtual-machine steps between two looks at the clock
SLOW_REMEMBERED = 256  # statements that ran over the budget, sent straight to a connection's thread
SLOW_FOR_S = 60.0  # for this long; then the statement is tried on the event loop's thread again


# ---- reading values ------------------------------------------------------------------------------------------
# Piccolo registers a converter per declared column type, called for every value of such a column that is read;
# each of its converters goes through a wrapper that tests the value's type and decodes it, and its INTEGER
# converter goes through Decimal. These do the same for the bytes sqlite3 hands a converter, in one call:
# a worker's record reads nine such values, its session five (~1.5 µs → ~0.3 µs each). Registered in place of
# Piccolo's, for every connection of this process (sqlite3's converters are global).

def _integer(value: bytes) -> int:
    try:
        return int(value)
    except ValueError:  # stored as text such as "1.0": Piccolo's own reading
        return int(Decimal(value.decode()))


def _timestamptz(value: bytes) -> dt.datetime:
    return dt.datetime.fromisoformat(value.decode()).replace(tzinfo=dt.timezone.utc)


def _date(value: bytes) -> dt.date:
    return dt.date.fromisoformat(value.decode())


def _boolean(value: bytes) -> bool:
    return value == b"1"


for _type, _converter in (("INTEGER", _integer), ("TIMESTAMPTZ", _timestamptz), ("DATE", _date),
                          ("BOOLEAN", _boolean)):
    sqlite3.register_converter(_type, _converter)


class ReusingSQLiteEngine(SQLiteEngine):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._inline = threading.local()  # per thread: that thread's own sqlite3 connection for inline reads
        self._slow: OrderedDict[str, float] = OrderedDict()  # statement -> until when it goes to a thread
        self._writer: aiosqlite.Connection | None = None  # writes outside a transaction, one after another

    def _inline_connection(self) -> sqlite3.Connection:
        connection = getattr(self._inline, "connection", None)
        if connection is None:
            connection = sqlite3.connect(**self.connection_kwargs)
            connection.execute("PRAGMA foreign_keys = 1")
            # Installed once: SQLite calls it every PROGRESS_STEPS steps of a statement on this connection, and
            # it interrupts the statement once a deadline that _select_inline set for it has passed. The budget
            # is the thread's CPU time, with a looser one by the clock: measured on the record lookup under load,
            # a 0.14 ms statement was interrupted at 6 ms by the clock while the process waited for the CPU.
            deadline = self._inline.deadline = [0.0, 0.0]
            cpu, clock = time.thread_time, time.perf_counter
            connection.set_progress_handler(lambda: cpu() > deadline[0] or clock() > deadline[1], PROGRESS_STEPS)
            self._inline.connection = connection
        return connection

    def _select_inline(self, query: str, args: list[Any]) -> list | None:
        """The SELECT's rows, or None when it ran over its budget (it was interrupted, and is now known slow)."""
        connection = self._inline_connection()
        deadline = self._inline.deadline
        deadline[0] = time.thread_time() + INLINE_BUDGET_S
        deadline[1] = time.perf_counter() + INLINE_WALL_BUDGET_S
        try:
            cursor = connection.execute(query, args)
            rows = cursor.fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            self._slow[query] = time.monotonic() + SLOW_FOR_S
            if len(self._slow) > SLOW_REMEMBERED:
                self._slow.popitem(last=False)
            return None
        # Rows as dicts, as Piccolo's dict_factory makes them, but with the column names read once per statement
        # instead of once per row (its factory walks cursor.description in Python for every row): 50 rows of
        # 31 columns, 411 → 351 µs.
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row)) for row in rows]

    def _may_run_inline(self, query: str) -> bool:
        """Whether the SELECT may run on the event loop's thread: not while it is known slow. Known slow only for
        a while: a statement may have been interrupted only because the disk or the machine was busy, and one
        such stall used to send the record lookup to a thread for good, at 1.5× its cost."""
        until = self._slow.get(query)
        if until is None:
            return True
        if time.monotonic() < until:
            return False
        del self._slow[query]
        return True

    async def _open(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        thread = getattr(pending, "_thread", None)
        if thread is not None:
            thread.daemon = True  # not yet started: connect() starts it when awaited
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def _run_in_new_connection(self, query: str, args: list[Any] | None = None,
                                     query_type: str = "generic", table: Any = None):
        reads = query.lstrip()[:6].upper() == "SELECT"
        if reads and self._may_run_inline(query):
            rows = self._select_inline(query, args or [])
            if rows is not None:
                return rows
        if _without_returning(query_type, self):
            return await super()._run_in_new_connection(query, args, query_type, table)
        if reads:
            return await self._run_on_kept_connection(query, args)
        return await self._write_alone(query, args)

    async def _write_alone(self, query: str, args: list[Any] | None) -> list:
        """A write outside a transaction (a session's last-seen time, an audit row of a read, a job's log line), on
        the one connection kept for them. Its thread runs them one after another as they come, the way a single
        writer thread would: on several connections at once they made each other sleep in SQLite's busy handler
        (1, 2, 5, 10… ms), and taking turns in the event loop left the thread idle between two writes while the
        loop served other requests. Measured on the record API, which writes an audit row per read of a full
        number (20,000 workers, wrk with 8 connections): 1,100 requests/s taking turns, 1,650 on this
        connection, against 1,750 for the raw driver writing from one thread."""
        writer = self._writer
        if writer is None:
            opened = await self._open()
            if self._writer is None:
                self._writer = opened
            else:  # another write opened one meanwhile
                await opened.close()
            writer = self._writer
        try:
            rows = await writer.execute_fetchall(query, args or [])
        except ValueError:
            if self._writer is writer and not getattr(writer, "_running", True):
                self._writer = None  # closed meanwhile (stop()): the next write opens another
            raise
        if writer.in_transaction:  # a statement that opened one: committed, as on a connection of its own
            await writer.commit()
        return rows

    async def _run_on_kept_connection(self, query: str, args: list[Any] | None) -> list:
        connection = self._idle.pop() if self._idle else await self._open()
        try:
            rows = await connection.execute_fetchall(query, args or [])
            if connection.in_transaction:  # a statement that wrote: sqlite3 opened a transaction for it
                await connection.commit()
        except BaseException:
            await _close_quietly(connection)
            raise
        if len(self._idle) < KEPT_CONNECTIONS:
            self._idle.append(connection)
        else:
            await connection.close()
        return rows

    async def _run_in_existing_connection(self, connection, query: str, args: list[Any] | None = None,
                                          query_type: str = "generic", table: Any = None):
        # Piccolo sends "PRAGMA foreign_keys = 1" before every statement of a transaction; inside a transaction
        # that pragma does nothing (SQLite ignores it there), and the connection already has it from when it
        # was opened. One round trip to the connection's thread per statement saved.
        if _without_returning(query_type, self):
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        connection.row_factory = dict_factory
        return list(await connection.execute_fetchall(query, args or []))

    async def run_compiled(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        """A statement already compiled (prepared.py), sent where run_querystring would send it (the current
        transaction's connection, else inline or a kept connection) without building a QueryString and going
        through Piccolo's layers for it: about 6 µs a statement, a tenth of a small API request's four."""
        transaction = self.current_transaction.get()
        if transaction:
            return await self._run_in_existing_connection(transaction.connection, query, args, "select")
        if query.startswith("SELECT") and self._may_run_inline(query):  # a write goes to a connection's thread
            rows = self._select_inline(query, args)
            if rows is not None:
                return rows
        return await self._run_in_new_connection(query, args)

    async def close_kept_connections(self) -> None:
        inline = getattr(self._inline, "connection", None)
        if inline is not None:
            inline.close()
            self._inline.connection = None
        idle, self._idle = self._idle, []
        writer, self._writer = self._writer, None
        for connection in [*idle, *([writer] if writer else [])]:
            await _close_quietly(connection)


def _without_returning(query_type: str, engine: SQLiteEngine) -> bool:
    """An INSERT on SQLite before 3.35 (no RETURNING): Piccolo's own path, which reads the key back."""
    return query_type == "insert" and engine.get_version_sync() < 3.35


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    try:
        await connection.close()
    except Exception:  # already broken: nothing left to release
        pass

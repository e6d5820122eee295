"""Writing an import: the pool check and every insert inside ONE write transaction, all of it set-based.

- The identity numbers already in the pool: one SELECT for all of them (the numbers as one array / JSON text).
- Workers: COPY (PostgreSQL) or one prepared INSERT run by executemany (SQLite) per chunk of 10,000 rows, on
  the connection of Piccolo's own transaction (Piccolo's Worker.insert(*rows) costs several times as much per row
  in Python). PostgreSQL: the chunk's keys are drawn from the table's sequence first and copied with the rows;
  SQLite: the new keys are read back in one SELECT by identity number.
- Skills and languages: per chunk, by executemany (SQLite) or one INSERT … SELECT FROM unnest(arrays)
  (PostgreSQL).
- Audit: one row per worker ("created", with the masked number, the name, the county and the file), written per
  chunk by ONE INSERT … SELECT from the new worker rows, and one row for the import itself (who, which file,
  the counts).

Any failure rolls everything back: an import is never half-written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from piccolo.columns import Date
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import convert_date_in, convert_datetime_in

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import utcnow
from export_mgmt.db import engine
from export_mgmt.workers.tables import Worker, WorkerLanguage, WorkerSkill
from export_mgmt.workers.validation import CleanWorker

CHUNK_ROWS = 10_000  # rows per COPY / executemany (an import's batches are smaller; its held-back rows may not be)


def _is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def _connection():
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("imports write inside write_transaction()")
    return transaction.connection


async def fetch(sql: str, params: Sequence[Any]) -> list:
    """Rows of one statement on the current transaction's connection (placeholders as the engine writes them)."""
    connection = _connection()
    if _is_postgres():
        return await connection.fetch(sql, *params)
    cursor = await connection.execute(sql, params)
    try:
        return list(await cursor.fetchall())
    finally:
        await cursor.close()


async def execute(sql: str, params: Sequence[Any]) -> None:
    connection = _connection()
    if _is_postgres():
        await connection.execute(sql, *params)
    else:
        cursor = await connection.execute(sql, params)
        await cursor.close()


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


async def _insert_many(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Many rows, set-based: COPY on PostgreSQL, one prepared INSERT run by executemany on SQLite."""
    if not rows:
        return
    connection = _connection()
    if _is_postgres():
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
    else:
        await connection.executemany(_insert_sql(table, columns), rows)


def _sqlite_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return convert_datetime_in(value)
    if isinstance(value, dt.date):
        return convert_date_in(value)
    return value


# On PostgreSQL the numbers and ids are joined from unnest(array), not tested with "= ANY(array)": inside the
# import's transaction the statistics still describe the table before the import, and a plan made for a small
# table compares every row with every element of the array (seconds per 10,000-row batch, where a join costs
# milliseconds whatever the plan).


async def existing_numbers(numbers: Sequence[str]) -> dict[str, str]:
    """Identity number -> county code, for the given numbers already in the pool: ONE statement, the numbers
    passed as one array (PostgreSQL) or one JSON text (SQLite), so 100,000 numbers cost one round trip."""
    # Sorting and encoding 100,000 numbers in a thread: on the event loop it held up the server's other requests.
    unique = await asyncio.to_thread(lambda: sorted(set(numbers)))
    if not unique:
        return {}
    if _is_postgres():
        rows = await fetch("SELECT w.id_number, w.county_code FROM unnest($1::varchar[]) AS n(id_number) "
                           "JOIN worker w ON w.id_number = n.id_number", [unique])
    else:
        rows = await fetch("SELECT id_number, county_code FROM worker "
                           "WHERE id_number IN (SELECT value FROM json_each(?))", [await asyncio.to_thread(
                               json.dumps, unique)])
    return {row["id_number"]: row["county_code"] for row in rows}


async def _ids_by_number(numbers: Sequence[str]) -> dict[str, int]:
    """SQLite: the keys of the rows just inserted, by their identity numbers."""
    rows = await fetch("SELECT id, id_number FROM worker WHERE id_number IN (SELECT value FROM json_each(?))",
                       [json.dumps(list(numbers))])
    return {row["id_number"]: row["id"] for row in rows}


# A judged worker travels from the judging process to the writer as plain tuples (Packed): 100,000
# CleanWorkers, dataclasses holding dicts and dates, took about 2 s to pickle and 2 s to unpickle; the tuples
# a fraction of that. The judging process also fills in the table's defaults for the columns the form left
# out, so that the writer, the busier of the two processes, only adds the key and the stamps.
Packed = tuple  # (judged column values in _worker_columns() order, skill rows, language rows)
STAMPS = ("created_at", "updated_at", "created_by", "version")  # the same for every row of an import


@cache
def _worker_columns() -> tuple[tuple[str, ...], dict[str, Any]]:
    """Every worker column but the key and the stamps, with the table's default for any the form leaves out."""
    names, defaults = [], {}
    for column in Worker._meta.columns:
        name = column._meta.db_column_name
        if column._meta.primary_key or name in STAMPS:
            continue
        default = column.get_default_value()
        names.append(name)
        defaults[name] = default.python() if hasattr(default, "python") else default
    return tuple(names), defaults


def pack(worker: CleanWorker) -> Packed:
    values = worker.values
    names, defaults = _worker_columns()
    return (tuple([values[name] if name in values else defaults[name] for name in names]),
            tuple([(s["trade"], s["level"], s["certificate_no"]) for s in worker.skills]),
            tuple([(lg["language"], lg["level"], lg["test_name"], lg["score"]) for lg in worker.languages]))


@cache
def _number_index() -> int:
    return _worker_columns()[0].index("id_number")


def id_number_of(packed: Packed) -> str:
    return packed[0][_number_index()]


async def insert_workers(actor: Actor, workers: Sequence[Packed], note: str) -> list[int]:
    """Insert the workers (pack()ed), their skills and languages and their audit rows; return the new ids in row
    order."""
    names = _worker_columns()[0]
    now = utcnow()
    stamps: tuple = (now, now, actor.id or None, 1)
    columns = (*names, *STAMPS)
    ids: list[int] = []
    for start in range(0, len(workers), CHUNK_ROWS):
        chunk = workers[start:start + CHUNK_ROWS]
        if _is_postgres():
            # The keys drawn from the table's sequence first, in one statement, and copied with the rows.
            # (The sequence is looked up once: pg_get_serial_sequence() in the select list runs once per row,
            # and made drawing 100,000 keys cost 0.6 s instead of 0.07 s.)
            drawn = await fetch("WITH s AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence('worker', 'id') AS "
                                "regclass) AS seq) SELECT nextval(s.seq) AS id FROM s, generate_series(1, $1)",
                                [len(chunk)])
            chunk_ids = sorted(r["id"] for r in drawn)
            rows = await asyncio.to_thread(_postgres_rows, chunk_ids, chunk, stamps)
            await _insert_many("worker", ("id", *columns), rows)
        else:
            await _insert_many("worker", columns, await asyncio.to_thread(_sqlite_rows, names, chunk, stamps))
            # The keys SQLite gave, read back by the unique identity number (executemany returns none).
            numbers = [id_number_of(worker) for worker in chunk]
            by_number = await _ids_by_number(numbers)
            chunk_ids = [by_number[number] for number in numbers]
        ids.extend(chunk_ids)
        await _write_children(chunk, chunk_ids)
        await _audit_rows(actor, chunk_ids, now, note)
    return ids


# The rows of a chunk are made in a worker thread: thousands of rows are tens of milliseconds of Python, which on
# the event loop's thread would hold up every other request the server is answering meanwhile (in a thread the
# interpreter switches between the two every few milliseconds).


def _postgres_rows(keys: Sequence[int], chunk: Sequence[Packed], stamps: tuple) -> list[tuple]:
    return [(key, *worker[0], *stamps) for key, worker in zip(keys, chunk)]


def _sqlite_rows(names: Sequence[str], chunk: Sequence[Packed], stamps: tuple) -> list[tuple]:
    """Dates as the text Piccolo's sqlite3 adapters would make of them, but converted here: the adapters are a
    Python call per value from C, which costs more than the rest of the insert. The stamps are the same for
    every row, so they are converted once."""
    tail = tuple(_sqlite_text(value) for value in stamps)
    dates = [i for i, name in enumerate(names) if isinstance(Worker._meta.get_column_by_name(name), Date)]
    rows = []
    for values, _skills, _languages in chunk:
        picked = list(values)
        for i in dates:
            if picked[i] is not None:
                picked[i] = convert_date_in(picked[i])
        rows.append((*picked, *tail))
    return rows


async def _write_children(workers: Sequence[Packed], ids: Sequence[int]) -> None:
    """The skills and languages of the inserted workers."""
    skills = [(worker_id, *skill) for (_values, worker_skills, _langs), worker_id in zip(workers, ids)
              for skill in worker_skills]
    languages = [(worker_id, *language) for (_values, _skills, worker_langs), worker_id in zip(workers, ids)
                 for language in worker_langs]
    await _insert_rows(WorkerSkill._meta.tablename, ("worker", "trade", "level", "certificate_no"),
                       ("integer", "varchar", "varchar", "varchar"), skills)
    await _insert_rows(WorkerLanguage._meta.tablename, ("worker", "language", "level", "test_name", "score"),
                       ("integer", "varchar", "varchar", "varchar", "integer"), languages)


async def _insert_rows(table: str, columns: Sequence[str], types: Sequence[str], rows: Sequence[tuple]) -> None:
    """A batch's few thousand child rows. PostgreSQL: one INSERT … SELECT FROM unnest(arrays), not COPY, which
    first asks the server for the table's columns on every call, and that costs more than a batch's rows."""
    if not rows:
        return
    if not _is_postgres():
        await _insert_many(table, columns, rows)
        return
    names = ", ".join(f'"{c}"' for c in columns)
    arrays = ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(types, start=1))
    await execute(f'INSERT INTO "{table}" ({names}) SELECT * FROM unnest({arrays})', [list(c) for c in zip(*rows)])


async def _audit_rows(actor: Actor, ids: Sequence[int], at: dt.datetime, note: str) -> None:
    """One "created" entry per new worker, as the register form writes, in one INSERT … SELECT.

    The number is masked as audit entries always keep it (first 6 and last 4 of the 18 characters).
    """
    masked = "substr(w.id_number, 1, 6) || '********' || substr(w.id_number, 15)"
    actor_id = actor.id or None
    address = actor.client_address[:64]
    if _is_postgres():
        changes = (f"json_build_object('id_number', json_build_array(NULL, {masked}), "
                   "'name', json_build_array(NULL, w.name), 'county_code', json_build_array(NULL, w.county_code), "
                   "'note', json_build_array(NULL, $4::text))::text")
        head = ("INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, changes, "
                f"client_address) SELECT $1, $2, $3, 'worker', CAST(w.id AS VARCHAR), 'created', {changes}, $5 ")
        first, last = min(ids), max(ids)
        if last - first + 1 == len(ids):
            # The keys drawn are consecutive (as they are unless another import drew keys at the same moment):
            # the range names exactly these rows, and 5,000 keys need not be sent as an array.
            await execute(head + "FROM worker w WHERE w.id BETWEEN $6 AND $7 ORDER BY w.id",
                          [at, actor_id, actor.username, note, address, first, last])
        else:
            await execute(head + "FROM unnest($6::integer[]) AS n(id) JOIN worker w ON w.id = n.id ORDER BY w.id",
                          [at, actor_id, actor.username, note, address, list(ids)])
        return
    changes = (f"json_object('id_number', json_array(NULL, {masked}), 'name', json_array(NULL, w.name), "
               "'county_code', json_array(NULL, w.county_code), 'note', json_array(NULL, ?4))")
    sql = ("INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, changes, client_address) "
           f"SELECT ?1, ?2, ?3, 'worker', CAST(w.id AS TEXT), 'created', {changes}, ?5 "
           "FROM worker w WHERE w.id IN (SELECT value FROM json_each(?6)) ORDER BY w.id")
    await execute(sql, [at, actor_id, actor.username, note, address, json.dumps(list(ids))])


async def record_import(actor: Actor, token: str, summary: dict[str, Any]) -> None:
    """The import's own audit entry: who, which file, the mode and the counts."""
    await audit.record(actor, "worker_import", token, "loaded", audit.diff({}, summary))

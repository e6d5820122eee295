"""Writing an import: the pool check and every insert inside ONE write transaction, all of it set-based.

- The identity numbers already in the pool: one SELECT for all of them (the numbers as one array / JSON text).
- Workers: COPY (PostgreSQL) or one prepared INSERT run by executemany (SQLite) per chunk of 10,000 rows, on
  the connection of Piccolo's own transaction (Piccolo's Worker.insert(*rows) costs several times as much per row
  in Python); then the chunk's new ids in one SELECT by identity number.
- Skills and languages: the same, per chunk.
- Audit: one row per worker ("created", with the masked number, the name, the county and the file), written by
  ONE INSERT … SELECT from the new worker rows, and one row for the import itself (who, which file, the counts).

Any failure rolls everything back: an import is never half-written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from operator import itemgetter
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

CHUNK_ROWS = 10_000  # rows per COPY / executemany; progress is reported after each chunk


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


def _worker_columns() -> tuple[list[str], dict[str, Any]]:
    """Every worker column but the key, with the table's default for any the import does not set."""
    names, defaults = [], {}
    for column in Worker._meta.columns:
        if column._meta.primary_key:
            continue
        name = column._meta.db_column_name
        default = column.get_default_value()
        names.append(name)
        defaults[name] = default.python() if hasattr(default, "python") else default
    return names, defaults


def _sqlite_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return convert_datetime_in(value)
    if isinstance(value, dt.date):
        return convert_date_in(value)
    return value


async def existing_numbers(numbers: Sequence[str]) -> dict[str, str]:
    """Identity number -> county code, for the given numbers already in the pool: ONE statement, the numbers
    passed as one array (PostgreSQL) or one JSON text (SQLite), so 100,000 numbers cost one round trip."""
    unique = sorted(set(numbers))
    if not unique:
        return {}
    if _is_postgres():
        rows = await fetch('SELECT id_number, county_code FROM worker WHERE id_number = ANY($1::varchar[])',
                           [unique])
    else:
        rows = await fetch("SELECT id_number, county_code FROM worker "
                           "WHERE id_number IN (SELECT value FROM json_each(?))", [json.dumps(unique)])
    return {row["id_number"]: row["county_code"] for row in rows}


async def _ids_by_number(numbers: Sequence[str]) -> dict[str, int]:
    if _is_postgres():
        rows = await fetch("SELECT id, id_number FROM worker WHERE id_number = ANY($1::varchar[])", [list(numbers)])
    else:
        rows = await fetch("SELECT id, id_number FROM worker WHERE id_number IN (SELECT value FROM json_each(?))",
                           [json.dumps(list(numbers))])
    return {row["id_number"]: row["id"] for row in rows}


async def insert_workers(actor: Actor, workers: Sequence[CleanWorker], note: str,
                         progress: Callable[[int], None] | None = None) -> list[int]:
    """Insert the workers, their skills and languages and their audit rows; return the new ids in row order."""
    names, defaults = _worker_columns()
    now = utcnow()
    fixed = {**defaults, "created_at": now, "updated_at": now, "created_by": actor.id or None, "version": 1}
    pick = itemgetter(*names)
    row = pick
    if not _is_postgres():
        # Dates as the text Piccolo's sqlite3 adapters would make of them, but converted here: the adapters are
        # a Python call per value from C, which costs more than the rest of the insert. The timestamps are the
        # same for every row, so they are converted once.
        fixed = {name: _sqlite_text(value) for name, value in fixed.items()}
        dates = [i for i, name in enumerate(names) if isinstance(Worker._meta.get_column_by_name(name), Date)]

        def row(values: dict) -> tuple:
            picked = list(pick(values))
            for i in dates:
                if picked[i] is not None:
                    picked[i] = convert_date_in(picked[i])
            return tuple(picked)

    ids: list[int] = []
    for start in range(0, len(workers), CHUNK_ROWS):
        chunk = workers[start:start + CHUNK_ROWS]
        await _insert_many("worker", names, [row({**fixed, **worker.values}) for worker in chunk])
        # The keys the database gave, read back by the unique identity number (COPY and executemany return none).
        by_number = await _ids_by_number([worker.values["id_number"] for worker in chunk])
        chunk_ids = [by_number[worker.values["id_number"]] for worker in chunk]
        ids.extend(chunk_ids)
        await _children(chunk, chunk_ids)
        if progress:
            progress(len(ids))
    if ids:
        await _audit_rows(actor, ids, now, note)
    return ids


async def _children(chunk: Sequence[CleanWorker], ids: Sequence[int]) -> None:
    skills = [(worker_id, s["trade"], s["level"], s["certificate_no"])
              for worker, worker_id in zip(chunk, ids) for s in worker.skills]
    languages = [(worker_id, lg["language"], lg["level"], lg["test_name"], lg["score"])
                 for worker, worker_id in zip(chunk, ids) for lg in worker.languages]
    await _insert_many(WorkerSkill._meta.tablename, ("worker", "trade", "level", "certificate_no"), skills)
    await _insert_many(WorkerLanguage._meta.tablename, ("worker", "language", "level", "test_name", "score"),
                       languages)


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
        sql = ("INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, changes, client_address) "
               f"SELECT $1, $2, $3, 'worker', CAST(w.id AS VARCHAR), 'created', {changes}, $5 "
               "FROM worker w WHERE w.id = ANY($6::integer[]) ORDER BY w.id")
        await execute(sql, [at, actor_id, actor.username, note, address, list(ids)])
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

"""import_workbook(): an uploaded register, checked, read, validated and written, or refused with reasons.

The steps, and where they run:

1. the untrusted-file checks (checks.py): CPU work, in a worker thread;
2. reading the sheet (reader.py) and every row through the register form's validation (validate.py), a batch
   at a time: in the import pool's process for a large file, in worker threads for a small one (judging.py);
   meanwhile
3. in ONE write transaction (BEGIN IMMEDIATE on SQLite) the pool is asked once about every number the file
   carries, and each batch judged is written, set-based, with its audit rows (store.py), unless the mode and
   the errors say nothing may be written;
4. the duplicates inside the file, then the rows they held back, in the same transaction.

Modes: ALL_OR_NOTHING writes nothing when any row has an error; VALID_ROWS writes the rows without errors and
reports the others. Either way the write is one transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import today, utcnow
from export_mgmt.db import is_unique_violation, write_transaction
from export_mgmt.errors import AccessDenied
from export_mgmt.i18n import _, format_datetime, get_locale
from export_mgmt.spreadsheets import Sheet, xlsx_bytes
from export_mgmt.workers.imports import judging, store
from export_mgmt.workers.imports.checks import FileRefused, check_workbook
from export_mgmt.workers.imports.columns import BY_KEY
from export_mgmt.workers.imports.kept import end_if_orphaned
from export_mgmt.workers.imports.reader import MAX_ROWS, ParsedSheet
from export_mgmt.workers.imports.validate import (
    RowError,
    RowValidator,
    Validated,
    repeated_numbers,
)
from export_mgmt.workers.services import duplicate_message

ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES = (ALL_OR_NOTHING, VALID_ROWS)

# Rows judged in one go, and written as one batch while the next ones are judged. Each batch comes back from
# the judging process as one pickle, unpickled holding the interpreter lock; at 5,000 rows that held up the web
# server's other requests by tens of milliseconds during an upload (p99 21–33 ms against 12 at 2,000).
BATCH_ROWS = 2_000

# Phases a progress callback hears about: (phase, done, total).
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    token: str
    filename: str
    mode: str
    county: str = ""  # the clerk's county or the administrator's choice; "" when each row names its own
    sheet_name: str = ""
    rows_read: int = 0
    imported: int = 0
    refused: int = 0  # rows with at least one error
    example_rows: int = 0  # the template's example row, skipped
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    worker_ids: list[int] = field(default_factory=list)
    finished_at: dt.datetime | None = None

    @property
    def held_back(self) -> int:
        """Good rows not written because the mode is all-or-nothing and another row had an error."""
        return self.rows_read - self.imported - self.refused

    @property
    def nothing_imported_because_of_errors(self) -> bool:
        return self.imported == 0 and bool(self.errors)


def new_token() -> str:
    return secrets.token_urlsafe(18)


def _noop(phase: str, done: int, total: int) -> None:
    return None


async def import_workbook(actor: Actor, filename: str, data: bytes, mode: str = ALL_OR_NOTHING,
                          progress: Progress | None = None, token: str | None = None,
                          max_rows: int = MAX_ROWS, checked: bool = False, county: str = "") -> ImportResult:
    """Import the workbook for `actor`; FileRefused when the file as a whole cannot be imported.

    checked=True: the caller has already run check_workbook on these bytes (the upload form does, to answer
    at once); the checks are not repeated. county: an administrator's choice for rows without a County cell
    (a clerk's rows always go to her own county).
    """
    if not actor.can_write_workers:
        raise AccessDenied()
    if mode not in MODES:
        raise ValueError(f"unknown import mode {mode!r}")
    report = progress or _noop
    result = ImportResult(token=token or new_token(), filename=filename, mode=mode,
                          county=actor.county_scope or county)
    if not checked:
        report("checking", 0, 0)
        await asyncio.to_thread(check_workbook, data)
    report("reading", 0, 0)
    place = judging.place_for(data, result.token)
    try:
        opened = await place.open(data, max_rows, get_locale())
        if not opened.row_count:
            raise FileRefused(_("The file has no data rows under its header line."))
        result.sheet_name, result.ignored_columns = opened.sheet_name, opened.ignored
        report("validating", 0, opened.row_count)
        # (The cyclic garbage collector is paused where rows are judged, not here: this process makes few
        # long-lived objects, and the event loop's short-lived cycles should be freed as usual.)
        await _judge_and_write(actor, opened, place, result, mode, report, "" if actor.county_scope else county)
    finally:
        await place.close()
    result.finished_at = utcnow()
    report("done", result.imported, result.rows_read)
    return result


class _RolledBack(Exception):
    """All or nothing, and some row had an error: whatever was written is rolled back."""


async def _judge_and_write(actor: Actor, opened: judging.Opened, place: judging.InThread | judging.InProcess,
                           result: ImportResult, mode: str, report: Progress, default_county: str) -> None:
    """The rows judged a batch at a time where the file was read (judging.py: in the pool's process for a large
    file) while, in ONE write transaction, each batch judged is written: the checks of the next batches then run
    while the database works on this one, instead of all of them before it. The pool is asked once, before the
    first batch, about every number the file carries.

    Rows whose identity number the file repeats are held back until every row is judged (finish() decides which
    are really duplicates). In all-or-nothing mode writing stops at the first error, and the transaction rolls
    back once the whole file was judged, so the report lists every error either way.
    """
    validator = RowValidator(ParsedSheet(sheet_name=opened.sheet_name, columns=opened.columns), actor, today(),
                             default_county=default_county)
    numbers = opened.numbers
    # 100,000 numbers take tens of milliseconds of Python: in a thread, so the server's other requests go on.
    repeated = await asyncio.to_thread(repeated_numbers, numbers)
    work = judging.ranges(opened.row_count, BATCH_ROWS)
    note = _("Imported from %(file)s", file=result.filename)
    in_pool: set[int] = set()
    held: list[tuple[int, store.Packed]] = []
    ids: list[int] = []
    judged = 0
    place.start(judging.judge_how(actor, today(), default_county), work)
    try:
        async with write_transaction():
            # The pool, checked once for every number the file may carry (a superset of the valid ones).
            in_the_pool = await store.existing_numbers(list(numbers.values()))
            numbers.clear()  # asked; from here on each batch brings its own numbers (memory: 100,000 of them)
            for k, (start, stop) in enumerate(work):
                part = await place.result(k)
                # Kept: the workers are written below (or held back), the numbers only where finish() needs them.
                validator.merge(part, details_for=repeated)
                judged += stop - start
                report("validating", judged, opened.row_count)
                # A batch is thousands of rows of Python between two database calls: let the event loop answer
                # what waits meanwhile (a small upload is imported in the web server's own event loop).
                await asyncio.sleep(0)
                hits = _pool_errors(actor, part, in_the_pool)
                validator.result.errors.extend(hits)
                in_pool.update(e.row for e in hits)
                ready = [(row, packed) for row, packed in part.good if row not in in_pool]
                held.extend(item for item in ready if item[0] in repeated)
                await asyncio.sleep(0)
                if mode == VALID_ROWS or not validator.result.errors:
                    ids += await store.insert_workers(actor, [p for row, p in ready if row not in repeated], note)
            validated = validator.result
            validated.good = [item for item in validated.good if item[0] not in in_pool]
            validator.finish()  # the duplicates inside the file, and the errors in row order
            result.rows_read, result.example_rows = validated.rows_read, validated.example_rows
            if not validated.rows_read:
                raise FileRefused(_("The file has no data rows besides the template's example row."))
            result.errors, result.refused = validated.errors, len(validated.refused_rows)
            if validated.errors and mode == ALL_OR_NOTHING:
                raise _RolledBack()
            kept = {row for row, _packed in validated.good}
            late = [packed for row, packed in held if row in kept]
            # The batches were written as they were judged; the progress shows the checking, then this.
            report("writing", len(ids), len(ids) + len(late))
            if late:
                ids += await store.insert_workers(actor, late, note)
                report("writing", len(ids), len(ids))
            result.worker_ids, result.imported = ids, len(ids)
            if ids:
                await store.record_import(actor, result.token, _summary(actor, result))
            end_if_orphaned()  # the server that took the upload is gone: nothing is committed
    except _RolledBack:
        result.worker_ids, result.imported = [], 0
    except Exception as exc:
        # Someone registered one of these people while the import ran: the unique index refused the whole write.
        if is_unique_violation(exc):
            raise FileRefused(_("Another user registered one of these workers while the import was running, so "
                                "nothing was imported. Import the file again.")) from exc
        raise


def _pool_errors(actor: Actor, part: Validated, in_the_pool: dict[str, str]) -> list[RowError]:
    """Errors for the batch's rows whose identity number is already in the pool."""
    return [RowError(row, part.typed_ids.get(row, number), "id_number", duplicate_message(actor, in_the_pool[number]))
            for row, number in sorted(part.numbers.items()) if number in in_the_pool]


def _summary(actor: Actor, result: ImportResult) -> dict:
    return {"file": result.filename, "mode": result.mode, "county_code": result.county,
            "rows": result.rows_read, "count": result.imported, "refused": result.refused,
            "first_id": result.worker_ids[0] if result.worker_ids else None,
            "last_id": result.worker_ids[-1] if result.worker_ids else None}


def column_label(key: str) -> str:
    column = BY_KEY.get(key)
    return _(column.header) if column else ""


def mode_label(mode: str) -> str:
    return _("All or nothing") if mode == ALL_OR_NOTHING else _("Import the valid rows")


def report_bytes(result: ImportResult) -> bytes:
    """The per-row error report: row number in the file, identity number as typed, column, message."""
    notes = [
        _("Import of %(file)s, %(when)s", file=result.filename,
          when=format_datetime(result.finished_at or utcnow())),
        _("Rows read: %(read)s. Imported: %(imported)s. Rows with errors: %(refused)s. Mode: %(mode)s.",
          read=result.rows_read, imported=result.imported, refused=result.refused, mode=mode_label(result.mode)),
    ]
    if result.mode == ALL_OR_NOTHING and result.errors:
        notes.append(_("Nothing was imported: correct these rows and import the whole file again."))
    elif result.errors:
        notes.append(_("The other rows were imported: correct these rows and import only them again."))
    rows = [(e.row, e.id_number, column_label(e.column), e.message) for e in result.errors]
    return xlsx_bytes([Sheet(title=_("Errors"), headers=[_("Row"), _("Identity number"), _("Column"), _("Message")],
                             rows=rows, notes=notes)])

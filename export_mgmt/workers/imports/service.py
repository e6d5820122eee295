"""import_workbook(): an uploaded register, checked, read, validated and written, or refused with reasons.

The steps, and where they run:

1. the untrusted-file checks (checks.py) and reading the sheet (reader.py): CPU work, in a worker thread;
2. every row through the register form's validation, then duplicates inside the file (validate.py): worker thread;
3. in ONE write transaction (BEGIN IMMEDIATE on SQLite): the identity numbers already in the pool, then, unless
   the mode and the errors say nothing may be written, the set-based inserts and the audit (store.py).

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
from export_mgmt.i18n import _, format_datetime
from export_mgmt.spreadsheets import Sheet, xlsx_bytes
from export_mgmt.workers.imports import store
from export_mgmt.workers.imports.checks import FileRefused, check_workbook
from export_mgmt.workers.imports.columns import BY_KEY
from export_mgmt.workers.imports.reader import MAX_ROWS, read_workbook
from export_mgmt.workers.imports.validate import RowError, Validated, validate_rows
from export_mgmt.workers.services import duplicate_message

ALL_OR_NOTHING = "all_or_nothing"
VALID_ROWS = "valid_rows"
MODES = (ALL_OR_NOTHING, VALID_ROWS)

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
    sheet = await asyncio.to_thread(read_workbook, data, max_rows)
    if not sheet.rows:
        raise FileRefused(_("The file has no data rows under its header line."))
    result.sheet_name, result.ignored_columns = sheet.sheet_name, sheet.ignored
    report("validating", 0, len(sheet.rows))
    validated = await asyncio.to_thread(validate_rows, sheet, actor, today(), report,
                                        "" if actor.county_scope else county)
    result.rows_read, result.example_rows = validated.rows_read, validated.example_rows
    if not validated.rows_read:
        raise FileRefused(_("The file has no data rows besides the template's example row."))
    try:
        async with write_transaction():
            await _check_pool(actor, validated)
            result.errors = validated.errors
            result.refused = len(validated.refused_rows)
            if validated.good and not (mode == ALL_OR_NOTHING and validated.errors):
                total = len(validated.good)
                report("writing", 0, total)
                note = _("Imported from %(file)s", file=filename)
                result.worker_ids = await store.insert_workers(
                    actor, [cleaned for _row, cleaned in validated.good], note,
                    lambda done: report("writing", done, total))
                result.imported = len(result.worker_ids)
                await store.record_import(actor, result.token, _summary(actor, result))
    except Exception as exc:
        # Someone registered one of these people while the import ran: the unique index refused the whole write.
        if is_unique_violation(exc):
            raise FileRefused(_("Another user registered one of these workers while the import was running, so "
                                "nothing was imported. Import the file again.")) from exc
        raise
    result.finished_at = utcnow()
    report("done", result.imported, result.rows_read)
    return result


async def _check_pool(actor: Actor, validated: Validated) -> None:
    """Rows whose identity number is already in the pool, by one set-based query."""
    existing = await store.existing_numbers(list(validated.numbers.values()))
    if not existing:
        return
    hits = {row for row, number in validated.numbers.items() if number in existing}
    for row in sorted(hits):
        number = validated.numbers[row]
        validated.errors.append(RowError(row, validated.typed_ids.get(row, number), "id_number",
                                         duplicate_message(actor, existing[number])))
    validated.errors.sort(key=lambda e: e.row)
    validated.good = [(row, cleaned) for row, cleaned in validated.good if row not in hits]


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

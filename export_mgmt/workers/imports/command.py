"""`export-mgmt import-workers FILE --county CODE [--valid-only] [--report errors.xlsx]`.

The same import as the web page, for one county (the command acts as that county's clerk, so rows for another
county are refused). A plain-text progress bar goes to stderr, the outcome to stdout. Exit status: 0 when
workers were imported (with --valid-only, also when some rows were skipped), 1 when nothing was imported because
rows had errors, 2 when the file as a whole was refused or cannot be read.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from export_mgmt.accounts.actor import Actor, Role, command_user
from export_mgmt.i18n import _, format_number, ngettext, set_locale
from export_mgmt.regions import county_name, is_shenyang_county
from export_mgmt.workers.imports.checks import FileRefused
from export_mgmt.workers.imports.service import ALL_OR_NOTHING, VALID_ROWS, column_label, import_workbook, report_bytes

EXIT_OK, EXIT_ROW_ERRORS, EXIT_REFUSED = 0, 1, 2
SHOWN_ERRORS = 20
BAR_WIDTH = 30


class ProgressBar:
    """`[#########---------]  45 %  Checking rows 45,000 / 100,000` redrawn in place on a terminal; on a pipe or
    a log file, one line per phase and per tenth of the way."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = stream.isatty()
        self.last_phase = ""
        self.last_tenth = -1
        self.last_draw = 0.0

    def _label(self, phase: str, done: int, total: int) -> str:
        labels = {"checking": _("Checking the file"), "reading": _("Reading the workbook"),
                  "validating": _("Checking rows"), "writing": _("Saving workers"), "done": _("Done")}
        label = labels.get(phase, phase)
        return f"{label} {format_number(done)} / {format_number(total)}" if total else label

    def __call__(self, phase: str, done: int, total: int) -> None:
        share = done / total if total else (1.0 if phase == "done" else 0.0)
        tenth = int(share * 10)
        now = time.monotonic()
        if self.tty:
            if phase == self.last_phase and now - self.last_draw < 0.1 and phase != "done":
                return
            filled = int(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            end = "\n" if phase == "done" else ""
            self.stream.write(f"\r[{bar}] {int(share * 100):3d} %  {self._label(phase, done, total)}\033[K{end}")
        elif phase != self.last_phase or tenth != self.last_tenth:
            self.stream.write(f"[{'#' * tenth}{'-' * (10 - tenth)}] {int(share * 100):3d} %  "
                              f"{self._label(phase, done, total)}\n")
        self.stream.flush()
        self.last_phase, self.last_tenth, self.last_draw = phase, tenth, now


def command_actor(county: str) -> Actor:
    """The command works as a clerk of `county`: the same scope rules as the web page."""
    return Actor(id=0, username=command_user(), display_name=command_user(), role=Role.county_clerk.value,
                 county_code=county)


async def execute(path: str, county: str, valid_only: bool = False, report: str | None = None,
                  locale: str | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the import against an already started database; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    if locale:
        set_locale(locale)
    if not is_shenyang_county(county):
        err.write(_("%(code)s is not a county code of Shenyang.", code=county) + "\n")
        return EXIT_REFUSED
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        err.write(_("Cannot read %(path)s: %(reason)s", path=path, reason=exc.strerror or str(exc)) + "\n")
        return EXIT_REFUSED
    mode = VALID_ROWS if valid_only else ALL_OR_NOTHING
    try:
        result = await import_workbook(command_actor(county), Path(path).name, data, mode, progress=ProgressBar(err))
    except FileRefused as exc:
        err.write("\n" + _("The file was refused: %(reason)s", reason=exc.message) + "\n")
        return EXIT_REFUSED
    write = out.write
    write(_("File: %(file)s (sheet %(sheet)s), county %(county)s", file=Path(path).name, sheet=result.sheet_name,
            county=f"{county_name(county)} ({county})") + "\n")
    write(_("Rows read: %(n)s", n=format_number(result.rows_read)) + "\n")
    write(_("Imported: %(n)s", n=format_number(result.imported)) + "\n")
    write(_("Rows with errors: %(n)s", n=format_number(result.refused)) + "\n")
    if result.ignored_columns:
        write(_("These columns were not recognised and were ignored: %(columns)s",
                columns=", ".join(result.ignored_columns)) + "\n")
    for error in result.errors[:SHOWN_ERRORS]:
        column = column_label(error.column)
        write(_("Row %(row)s", row=error.row) + (f" [{error.id_number}]" if error.id_number else "") +
              (f" {column}" if column else "") + f": {error.message}\n")
    if len(result.errors) > SHOWN_ERRORS:
        more = len(result.errors) - SHOWN_ERRORS
        write(ngettext("… and %(num)s more error.", "… and %(num)s more errors.", more) + "\n")
    if report and result.errors:
        Path(report).write_bytes(report_bytes(result))
        write(_("Error report: %(path)s", path=report) + "\n")
    if result.nothing_imported_because_of_errors:
        write((_("Nothing was imported, because some rows have errors. Correct them and import the whole file "
                 "again.") if mode == ALL_OR_NOTHING else _("No row could be imported: every row has an error."))
              + "\n")
        return EXIT_ROW_ERRORS
    return EXIT_OK

"""`export-mgmt backup [FILE]` and `export-mgmt restore FILE [--yes]`, on whichever engine DATABASE_URL names.

A backup may be taken while the application runs. A restore checks the file first and, without --yes, stops
there: it says what the file holds and what it would replace, and changes nothing. With --yes it saves the
database as it is (a backup beside the others, named ...-before-restore-...), restores, applies any migration
the backup's release did not have, and records the restore in the audit trail of the restored database.
Exit status: 0 done, 1 restore not confirmed (nothing changed), 2 refused or failed (nothing changed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import TextIO

from export_mgmt.accounts.actor import command_actor
from export_mgmt.accounts.tables import UserSession
from export_mgmt.audit import services as audit
from export_mgmt.clock import BUREAU_TZ
from export_mgmt.db import write_transaction
from export_mgmt.i18n import _, format_number, ngettext, set_locale
from export_mgmt.operations.backups import BackupError, Written, postgres, sqlite
from export_mgmt.settings import Settings, get_settings

EXIT_OK, EXIT_NOT_CONFIRMED, EXIT_FAILED = 0, 1, 2
ENTITY = "database"


def default_path(settings: Settings, label: str = "") -> Path:
    """A new file in DATA_DIR/backups named by the bureau's local time: export-mgmt-20261129-154403.sqlite3
    (-2, -3 … after the time when that name is taken)."""
    stamp = dt.datetime.now(BUREAU_TZ).strftime("%Y%m%d-%H%M%S")
    suffix = ".dump" if settings.is_postgres else ".sqlite3"
    folder = settings.data_dir / "backups"
    path, n = folder / f"export-mgmt{label}-{stamp}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"export-mgmt{label}-{stamp}-{n}{suffix}"
    return path


def database_name(settings: Settings) -> str:
    """The database as messages name it (a PostgreSQL URL without its password)."""
    return postgres.connection(settings.database_url)[0] if settings.is_postgres else str(settings.sqlite_path)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_number(round(size / (1024 * 1024), 1)))
    return _("%(size)s KB", size=format_number(max(1, round(size / 1024))))


def workers_text(n: int) -> str:
    return ngettext("%(num)s worker", "%(num)s workers", n, num=format_number(n))


async def back_up(settings: Settings, destination: Path | None = None, label: str = "") -> Written:
    path = destination or default_path(settings, label)
    if destination is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if settings.is_postgres:
            return await postgres.back_up(settings.database_url, path)
        return await asyncio.to_thread(sqlite.back_up, settings.sqlite_path, path)
    except OSError as exc:
        raise BackupError(_("Cannot write %(path)s: %(reason)s", path=path, reason=exc.strerror or str(exc))) from exc


async def _record(action: str, values: dict[str, object], end_sessions: bool = False) -> None:
    async with write_transaction():
        if end_sessions:
            # Sessions come back with the backup, those signed out since included: everyone signs in again.
            values["sessions_ended"] = await UserSession.count()
            await UserSession.delete(force=True)
        await audit.record(command_actor(), ENTITY, "", action, {k: [None, v] for k, v in values.items()})


async def execute_backup(file: str | None, locale: str | None = None, out: TextIO | None = None,
                         err: TextIO | None = None) -> int:
    """Back up the database of the started engine; return the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    if locale:
        set_locale(locale)
    settings = get_settings()
    try:
        written = await back_up(settings, Path(file) if file else None)
    except BackupError as exc:
        err.write(_("No backup was made: %(reason)s", reason=exc) + "\n")
        return EXIT_FAILED
    await _record("backed_up", {"file": str(written.path), "bytes": written.size, "workers": written.workers})
    out.write(_("Backup written: %(path)s (%(size)s, %(workers)s)", path=written.path, size=size_text(written.size),
                workers=workers_text(written.workers)) + "\n")
    return EXIT_OK


async def _current_workers(settings: Settings) -> int | None:
    """Workers in the database a restore would replace; None when it has no tables yet."""
    from export_mgmt.workers.tables import Worker

    if settings.is_postgres:
        present = await postgres.holds_data(settings.database_url)
    else:
        present = await asyncio.to_thread(sqlite.holds_data, settings.sqlite_path)
    return await Worker.count() if present else None


async def execute_restore(file: str, yes: bool = False, locale: str | None = None, out: TextIO | None = None,
                          err: TextIO | None = None) -> int:
    """Check `file` and, with `yes`, restore it into the database of the started engine; return the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    if locale:
        set_locale(locale)
    settings = get_settings()
    path, database = Path(file), database_name(settings)
    checked: Written | None = None
    try:
        if settings.is_postgres:
            tables = await postgres.check(path)
            out.write(_("%(path)s is a backup of an export-mgmt database (%(tables)s tables).", path=path,
                        tables=format_number(tables)) + "\n")
        else:
            checked = await asyncio.to_thread(sqlite.check, path, settings.sqlite_path)
            out.write(_("%(path)s is an intact export-mgmt database with %(workers)s.", path=path,
                        workers=workers_text(checked.workers)) + "\n")
        current = await _current_workers(settings)
        if not yes:
            now = _("now empty") if current is None else _("now %(workers)s", workers=workers_text(current))
            out.write(_("Restoring it replaces everything in %(database)s (%(now)s). Nothing was changed; run the "
                        "command again with --yes to restore.", database=database, now=now) + "\n")
            return EXIT_NOT_CONFIRMED
        saved = None if current is None else await back_up(settings, label="-before-restore")
        if saved is not None:
            out.write(_("The database as it was is saved in %(path)s.", path=saved.path) + "\n")
        if settings.is_postgres:
            await postgres.restore(settings.database_url, path)
        else:
            assert checked is not None
            await asyncio.to_thread(sqlite.restore, checked.path, settings.sqlite_path)
    except BackupError as exc:
        err.write(_("Nothing was restored: %(reason)s", reason=exc) + "\n")
        return EXIT_FAILED
    finally:
        if checked is not None:
            checked.path.unlink(missing_ok=True)
    return await _after_restore(path, database, saved, out)


async def _after_restore(path: Path, database: str, saved: Written | None, out: TextIO) -> int:
    from export_mgmt.schema import migrate
    from export_mgmt.workers.tables import Worker

    await migrate()  # a backup made by an earlier release gets the tables and columns this release added
    workers = await Worker.count()
    values: dict[str, object] = {"file": str(path.resolve()), "bytes": path.stat().st_size, "workers": workers}
    if saved is not None:
        values["replaced_copy"] = str(saved.path)
    await _record("restored", values, end_sessions=True)
    out.write(_("Restored %(path)s into %(database)s; it now holds %(workers)s.", path=path, database=database,
                workers=workers_text(workers)) + "\n")
    return EXIT_OK

"""SQLite: backups with SQLite's online backup API, restores through the same API into the live file.

A backup is one read transaction on the live file: in WAL mode the application's writers carry on meanwhile and
the copy is the database as it stood when the read began, every transaction in it whole or absent.

A restore first copies the named file next to the database and checks that copy (integrity, the application's
tables), then copies it into the live file with the backup API as one write transaction. Running processes keep
their connections and see the restored data at their next read; a crash half-way is rolled back by SQLite like
any write, so the database is either the old one or the restored one. Renaming a file over the live one would
leave running processes reading the replaced file through their open handles, and writing into it.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from export_mgmt.db import SQLITE_BUSY_TIMEOUT_S, prepare_sqlite_file
from export_mgmt.i18n import _
from export_mgmt.operations.backups import (
    PG_DUMP_HEADER,
    REQUIRED_TABLES,
    SQLITE_HEADER,
    BackupError,
    Written,
    create_private,
    partial_path,
    publish,
    read_header,
)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)


def holds_data(path: Path) -> bool:
    """Whether `path` is a database with the application's tables in it (not a missing or empty file)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(_connect(path)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return "migration" in names


def _workers(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM worker").fetchone()[0]


def back_up(live: Path, destination: Path) -> Written:
    """Copy the live database to `destination`, a new file; raises BackupError if it exists."""
    if not holds_data(live):
        raise BackupError(_("There is no export-mgmt database at %(path)s.", path=live))
    if destination.exists():
        raise BackupError(_("%(path)s already exists; name another file.", path=destination))
    partial = partial_path(destination)
    partial.unlink(missing_ok=True)  # left by a backup that was killed
    create_private(partial)
    try:
        with closing(_connect(live)) as source, closing(_connect(partial)) as copy:
            # One step (pages=-1) copies every page inside one read transaction: a snapshot. Copied in several
            # steps, every write by the application would start the copy again.
            try:
                source.backup(copy)
                # The copy stands alone: no -wal file beside it to lose when it is moved.
                copy.execute("PRAGMA journal_mode=DELETE")
                workers = _workers(copy)
            except sqlite3.Error as exc:
                raise BackupError(_("The database could not be copied: %(reason)s", reason=exc)) from exc
        if destination.exists():
            raise BackupError(_("%(path)s already exists; name another file.", path=destination))
        publish(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return Written(destination, destination.stat().st_size, workers)


def check(backup: Path, beside: Path) -> Written:
    """A checked private copy of `backup` next to the database `beside`, to restore from; the caller removes it.

    The named file itself is only read: opening it with SQLite could leave -wal and -shm files beside it.
    """
    if backup.resolve() == beside.resolve():
        raise BackupError(_("%(path)s is the database itself; name a backup file.", path=backup))
    header = read_header(backup)
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(_("%(path)s is a backup of a PostgreSQL database; this installation runs on SQLite.",
                            path=backup))
    if header != SQLITE_HEADER:
        raise BackupError(_("%(path)s is not a SQLite database.", path=backup))
    beside.parent.mkdir(parents=True, exist_ok=True)
    copy = beside.with_name(f".{beside.name}.restoring")
    copy.unlink(missing_ok=True)  # left by a restore that was killed
    create_private(copy)
    try:
        with backup.open("rb") as source, copy.open("wb") as target:
            shutil.copyfileobj(source, target)
        return Written(copy, copy.stat().st_size, _checked_workers(copy, backup))
    except BaseException:
        copy.unlink(missing_ok=True)
        raise


def _checked_workers(copy: Path, named: Path) -> int:
    try:
        with closing(_connect(copy)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(_("%(path)s is damaged: %(problem)s", path=named, problem=problems[0]))
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = sorted(REQUIRED_TABLES - names)
            if missing:
                raise BackupError(_("%(path)s is not an export-mgmt database (it has no table %(table)s).",
                                    path=named, table=missing[0]))
            conn.execute("PRAGMA journal_mode=DELETE")
            return _workers(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError(_("%(path)s is not a usable database: %(reason)s", path=named, reason=exc)) from exc


def restore(copy: Path, live: Path) -> None:
    """Replace the live database's content with the checked copy's, in one write transaction."""
    prepare_sqlite_file(str(live))
    with closing(_connect(copy)) as source, closing(_connect(live)) as target:
        page_size = target.execute("PRAGMA page_size").fetchone()[0]
        if source.execute("PRAGMA page_size").fetchone()[0] != page_size:
            # The backup API cannot change the page size of a database in WAL mode: the copy is rewritten.
            source.execute(f"PRAGMA page_size={int(page_size)}")
            source.execute("VACUUM")
        try:
            source.backup(target)
        except sqlite3.Error as exc:
            raise BackupError(_("The database could not be replaced: %(reason)s", reason=exc)) from exc

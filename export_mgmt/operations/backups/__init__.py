"""Backing up and restoring the whole database: a SQLite file, or a PostgreSQL database through pg_dump."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from export_mgmt.i18n import _

# A file without these is not an export-mgmt database, whatever else it holds.
REQUIRED_TABLES = frozenset({"migration", "app_user", "agency", "worker", "audit_log"})
# How each engine's backup file begins.
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why and nothing was changed."""


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    workers: int


def read_header(path: Path) -> bytes:
    """The first bytes of the file to restore, enough to tell the two engines' backups apart."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(_("Cannot read %(path)s: %(reason)s", path=path, reason=exc.strerror or str(exc))) from exc


def create_private(path: Path) -> None:
    """A new empty file only its owner can read: a backup holds every identity number in the registry."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def partial_path(final: Path) -> Path:
    """Where a backup is written before it takes its name, so that a file by that name is always whole."""
    return final.with_name(f".{final.name}.partial")


def publish(partial: Path, final: Path) -> None:
    sync(partial)
    os.replace(partial, final)
    try:
        dir_fd = os.open(final.parent, os.O_RDONLY)
    except OSError:  # a directory that cannot be opened (some platforms): the rename is still done
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)

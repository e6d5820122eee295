"""PostgreSQL: backups with pg_dump in its custom format, restores with pg_restore into the configured database.

The password in DATABASE_URL goes to the tools in PGPASSWORD, never on their command line (which every user of
the machine can read). A restore is one transaction (--single-transaction): if anything in it fails, the database
is left as it was.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

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

# A table's entry in `pg_restore --list`: "215; 1259 16390 TABLE public worker postgres".
TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) ", re.MULTILINE)


def connection(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that gives the password to the tools."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    netloc = f"{user}@{hostport}" if at else hostport
    env = dict(os.environ)
    if colon:
        env["PGPASSWORD"] = unquote(password)
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), env


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(_("%(tool)s was not found. Install the PostgreSQL client programs (of the server's major "
                            "version or newer) and put them on PATH.", tool=name))
    return found


async def _run(args: list[str], env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(*args, env=env, stdin=asyncio.subprocess.DEVNULL,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    if process.returncode:
        raise BackupError(_("%(tool)s failed (exit status %(status)s): %(error)s", tool=Path(args[0]).name,
                            status=process.returncode, error=err.decode(errors="replace").strip()))
    return out.decode(errors="replace")


async def _tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return {row["table_name"] for row in rows}


async def holds_data(url: str) -> bool:
    """Whether the database already has the application's tables."""
    conn = await asyncpg.connect(url)
    try:
        return "migration" in await _tables(conn)
    finally:
        await conn.close()


async def back_up(url: str, destination: Path) -> Written:
    """pg_dump the database into `destination`, a new file; the worker count is read in pg_dump's own snapshot."""
    if destination.exists():
        raise BackupError(_("%(path)s already exists; name another file.", path=destination))
    pg_dump = tool("pg_dump")
    dsn, env = connection(url)
    partial = partial_path(destination)
    partial.unlink(missing_ok=True)  # left by a backup that was killed
    create_private(partial)
    try:
        try:
            workers = await _dump(url, dsn, env, pg_dump, partial)
        except (OSError, asyncpg.PostgresError) as exc:
            raise BackupError(_("The database could not be copied: %(reason)s", reason=exc)) from exc
        if destination.exists():
            raise BackupError(_("%(path)s already exists; name another file.", path=destination))
        publish(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return Written(destination, destination.stat().st_size, workers)


async def _dump(url: str, dsn: str, env: dict[str, str], pg_dump: str, partial: Path) -> int:
    conn = await asyncpg.connect(url)
    try:
        if not REQUIRED_TABLES <= await _tables(conn):
            raise BackupError(_("There is no export-mgmt database at %(path)s.", path=dsn))
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            workers = await conn.fetchval("SELECT count(*) FROM worker")
            await _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", f"--dbname={dsn}"],
                       env)
        return workers
    finally:
        await conn.close()


async def check(backup: Path) -> int:
    """The number of tables in the archive `backup`; BackupError unless it is an export-mgmt database's dump."""
    header = read_header(backup)
    if header == SQLITE_HEADER:
        raise BackupError(_("%(path)s is a backup of a SQLite database; this installation runs on PostgreSQL.",
                            path=backup))
    if not header.startswith(PG_DUMP_HEADER):
        raise BackupError(_("%(path)s is not a PostgreSQL backup made by pg_dump in its custom format.",
                            path=backup))
    try:
        listing = await _run([tool("pg_restore"), "--list", str(backup)], dict(os.environ))
    except BackupError as exc:
        raise BackupError(_("%(path)s cannot be read as a backup: %(reason)s", path=backup, reason=exc)) from exc
    tables = set(TABLE_ENTRY.findall(listing))
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        raise BackupError(_("%(path)s is not an export-mgmt database (it has no table %(table)s).",
                            path=backup, table=missing[0]))
    return len(tables)


async def restore(url: str, backup: Path) -> None:
    """Replace every object the archive holds, in one transaction; owners and grants are the connecting user's."""
    dsn, env = connection(url)
    await _run([tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                "--single-transaction", f"--dbname={dsn}", str(backup)], env)

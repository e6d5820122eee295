"""`export-mgmt backup` and `restore` against the suite's own database, on whichever engine the suite runs.

A restore brings back exactly what the backup held and the application reads and writes it afterwards; a file
that is not a whole export-mgmt backup is refused with the database untouched. On SQLite a backup taken while
another connection writes holds whole transactions only, and every one committed before it began.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Agency
from export_mgmt.audit.tables import AuditLog
from export_mgmt.db import is_sqlite
from export_mgmt.operations.backups import SQLITE_HEADER, BackupError, command
from export_mgmt.operations.backups import postgres as pg_backups
from export_mgmt.operations.backups import sqlite as sqlite_backups
from export_mgmt.settings import get_settings
from export_mgmt.workers.tables import Worker, WorkerSkill
from tests.conftest import create_agency, create_user, login
from tests.integration.workers.helpers import KANGPING, LIAOZHONG, add_skill, add_worker, number

ROOT = Path(__file__).resolve().parents[3]
sqlite_only = pytest.mark.skipif(not is_sqlite(), reason="SQLite's own backup API and WAL readers")
postgres_only = pytest.mark.skipif(is_sqlite(), reason="pg_dump and pg_restore")
SUFFIX = ".sqlite3" if is_sqlite() else ".dump"


async def backup(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await command.execute_backup(str(path), locale="en", out=out, err=err)
    return status, out.getvalue(), err.getvalue()


async def restore(path: Path, yes: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await command.execute_restore(str(path), yes=yes, locale="en", out=out, err=err)
    return status, out.getvalue(), err.getvalue()


async def snapshot() -> dict[str, list[dict]]:
    return {table._meta.tablename: await table.select().order_by(table.id)
            for table in (Agency, AppUser, Worker, WorkerSkill)}


async def registry() -> dict[str, int]:
    """Three workers with skills, an agency and an administrator: data on several tables with references."""
    await create_agency("沈阳劳务合作有限公司")
    await create_user("admin", "admin")
    ids = {"keep": await add_worker("王芳", number(LIAOZHONG, seq=122), phone="13800000001"),
           "rename": await add_worker("李强", number(LIAOZHONG, seq=133)),
           "delete": await add_worker("赵敏", number(KANGPING, seq=144), village="北村")}
    await add_skill(ids["keep"], "welder", "senior")
    await add_skill(ids["delete"], "cook")
    return ids


def audit_changes(row: dict) -> dict:
    return {field: after for field, (_before, after) in json.loads(row["changes"]).items()}


async def test_a_restore_brings_back_exactly_what_the_backup_held(client, tmp_path):
    ids = await registry()
    assert (await login(client, "admin")).status_code in (302, 303)
    before = await snapshot()
    file = tmp_path / f"registry{SUFFIX}"

    status, out, err = await backup(file)

    assert status == 0, err
    assert str(file) in out and "3 workers" in out
    assert stat.S_IMODE(file.stat().st_mode) == 0o600  # every identity number is in it
    written = await AuditLog.select().where((AuditLog.entity == "database") & (AuditLog.action == "backed_up"))
    assert len(written) == 1 and written[0]["actor_name"].startswith("cli:")
    assert audit_changes(written[0]) == {"file": str(file), "bytes": file.stat().st_size, "workers": 3}

    await Worker.update({Worker.name: "李强强"}).where(Worker.id == ids["rename"])
    await WorkerSkill.delete().where(WorkerSkill.worker == ids["delete"])
    await Worker.delete().where(Worker.id == ids["delete"])
    await add_worker("新来的", number(LIAOZHONG, seq=155))
    changed = await snapshot()

    status, out, _ = await restore(file, yes=False)
    assert status == command.EXIT_NOT_CONFIRMED and "--yes" in out
    assert await snapshot() == changed  # without --yes nothing changes

    status, out, err = await restore(file)

    assert status == 0, err
    assert await snapshot() == before
    assert "now holds 3 workers" in out
    restored = await AuditLog.select().where((AuditLog.entity == "database") & (AuditLog.action == "restored"))
    assert len(restored) == 1 and audit_changes(restored[0])["file"] == str(file)

    # Sessions come back with the backup; the restore ends them, so the administrator signs in again.
    assert (await client.get("/workers/", follow_redirects=False)).status_code in (302, 303)
    assert (await login(client, "admin")).status_code in (302, 303)
    page = await client.get(f"/workers/{ids['delete']}")
    assert page.status_code == 200 and "赵敏" in page.text and "北村" in page.text
    # New rows take new keys: the key sequences came back with the rows.
    new_id = await add_worker("又一个", number(LIAOZHONG, seq=166))
    assert new_id > max(r["id"] for r in before["worker"])


async def test_the_database_a_restore_replaced_is_kept_and_can_be_restored(tmp_path):
    ids = await registry()
    file = tmp_path / f"old{SUFFIX}"
    assert (await backup(file))[0] == 0
    await Worker.update({Worker.name: "李强强"}).where(Worker.id == ids["rename"])
    await add_worker("新来的", number(LIAOZHONG, seq=155))
    changed = await snapshot()

    status, out, err = await restore(file)
    assert status == 0, err
    assert len(await Worker.select()) == 3
    restored = await AuditLog.select().where((AuditLog.entity == "database") & (AuditLog.action == "restored"))
    saved = Path(audit_changes(restored[0])["replaced_copy"])
    assert str(saved) in out and saved.parent == get_settings().data_dir / "backups"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600

    status, _, err = await restore(saved)

    assert status == 0, err
    assert await snapshot() == changed


def backup_files() -> set[Path]:
    return set((get_settings().data_dir / "backups").glob("*"))


@pytest.mark.parametrize("content", [b"", b"name,id_number\n\xe7\x8e\x8b\xe8\x8a\xb3,1\n", b"PGDMP" + bytes(200),
                                     SQLITE_HEADER + bytes(4080)], ids=["empty", "csv", "fake-dump", "fake-sqlite"])
async def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(tmp_path, content):
    await registry()
    before, saved = await snapshot(), backup_files()
    file = tmp_path / "upload.bin"
    file.write_bytes(content)

    status, out, err = await restore(file)

    assert status == command.EXIT_FAILED
    assert "Nothing was restored" in err and str(file) in err
    assert await snapshot() == before
    assert not await AuditLog.exists().where(AuditLog.entity == "database")
    assert backup_files() == saved  # refused before anything was done


async def test_another_applications_database_is_refused(tmp_path):
    await registry()
    before = await snapshot()
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE worker (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO worker (name) VALUES ('x')")
        conn.commit()

    status, _, err = await restore(other)

    assert status == command.EXIT_FAILED
    assert ("not an export-mgmt database" in err) if is_sqlite() else ("SQLite database" in err)
    assert await snapshot() == before


async def test_a_truncated_backup_is_refused_and_nothing_changes(tmp_path):
    await registry()
    full = tmp_path / f"full{SUFFIX}"
    assert (await backup(full))[0] == 0
    await add_worker("备份之后", number(LIAOZHONG, seq=177))
    before = await snapshot()
    cut = tmp_path / f"cut{SUFFIX}"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])

    status, _, err = await restore(cut)

    assert status == command.EXIT_FAILED and "Nothing was restored" in err
    assert await snapshot() == before


def damage(file: Path) -> None:
    """Spoil the backup where only restoring it finds out: on SQLite the worker table's first page, on PostgreSQL
    an index's definition (indexes are built after the data is loaded, so the restore fails near its end)."""
    data = bytearray(file.read_bytes())
    if is_sqlite():
        with closing(sqlite3.connect(file)) as conn:
            page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'worker'").fetchone()[0]
            size = conn.execute("PRAGMA page_size").fetchone()[0]
        data[(page - 1) * size] = 0x77  # no such b-tree page type
    else:
        at = data.index(b"CREATE INDEX")
        data[at:at + 12] = b"CREATE INDEZ"
    file.write_bytes(bytes(data))


async def test_a_backup_that_fails_to_restore_leaves_the_database_as_it_was(tmp_path):
    await registry()
    file = tmp_path / f"damaged{SUFFIX}"
    assert (await backup(file))[0] == 0
    damage(file)
    await add_worker("备份之后", number(LIAOZHONG, seq=177))
    before = await snapshot()

    status, _, err = await restore(file)

    assert status == command.EXIT_FAILED and "Nothing was restored" in err
    assert await snapshot() == before
    assert not await AuditLog.exists().where((AuditLog.entity == "database") & (AuditLog.action == "restored"))


async def test_a_backup_never_overwrites_a_file(tmp_path):
    await registry()
    file = tmp_path / f"taken{SUFFIX}"
    file.write_bytes(b"an earlier backup")

    status, _, err = await backup(file)

    assert status == command.EXIT_FAILED and "already exists" in err
    assert file.read_bytes() == b"an earlier backup"
    assert not await AuditLog.exists().where(AuditLog.entity == "database")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "export_mgmt.cli", *args], env=dict(os.environ), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


async def test_the_commands_name_the_file_and_default_to_the_data_directory():
    await registry()
    result = run_cli("backup", "--locale", "en")
    assert result.returncode == 0, result.stderr
    written = Path(result.stdout.split("Backup written: ", 1)[1].split(" (", 1)[0])
    assert written.parent == get_settings().data_dir / "backups" and written.name.endswith(SUFFIX)

    result = run_cli("restore", str(written), "--locale", "en")
    assert result.returncode == 1 and "--yes" in result.stdout and "3 workers" in result.stdout

    result = run_cli("restore", str(written.parent / "missing.dump"))
    assert result.returncode == 2 and "missing.dump" in result.stderr


def sqlite_writer() -> sqlite3.Connection:
    return sqlite3.connect(get_settings().sqlite_path, timeout=30, isolation_level=None)


def write_batch(conn: sqlite3.Connection, batch: str, rows: int = 5) -> None:
    """One transaction of `rows` audit rows sharing an entity_id."""
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, changes, "
                     "client_address) VALUES (datetime('now'), NULL, 'writer', 'probe', ?, 'created', '{}', '')",
                     [(batch,)] * rows)


def batches(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(conn.execute("SELECT entity_id, count(*) FROM audit_log WHERE entity = 'probe' "
                                 "GROUP BY entity_id").fetchall())


@sqlite_only
async def test_a_backup_while_another_connection_writes_holds_whole_transactions(tmp_path):
    await registry()
    committed: list[str] = []
    started, stop = threading.Event(), threading.Event()

    def keep_writing() -> None:
        with closing(sqlite_writer()) as conn:
            while not stop.is_set():
                name = f"b{len(committed)}"
                write_batch(conn, name)
                conn.execute("COMMIT")
                committed.append(name)
                if len(committed) == 3:
                    started.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(60)
        before = list(committed)
        status, _, err = await backup(tmp_path / "busy.sqlite3")
    finally:
        stop.set()
        writer.join()

    assert status == 0, err
    found = batches(tmp_path / "busy.sqlite3")
    assert set(before) <= set(found)  # committed before the backup began (still in the -wal file)
    assert set(found.values()) == {5}  # no transaction half in


@sqlite_only
async def test_a_backup_leaves_out_a_transaction_still_open(tmp_path):
    await registry()
    with closing(sqlite_writer()) as conn:
        write_batch(conn, "done")
        conn.execute("COMMIT")
        write_batch(conn, "open")  # the writer holds the write lock, mid-transaction, through the backup
        written = await asyncio.to_thread(sqlite_backups.back_up, get_settings().sqlite_path, tmp_path / "mid.sqlite3")
        conn.execute("COMMIT")

    assert written.workers == 3
    assert batches(tmp_path / "mid.sqlite3") == {"done": 5}
    assert batches(get_settings().sqlite_path) == {"done": 5, "open": 5}


def digest(path: Path) -> str:
    """The file's checksum, read by another process: closing a file this process opened on the database would
    drop the locks SQLite holds on it here (POSIX locks belong to the process), and corrupt it."""
    return subprocess.run([sys.executable, "-c", "import hashlib, sys; "
                           "print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())", str(path)],
                          capture_output=True, text=True, check=True).stdout


@sqlite_only
async def test_a_refused_restore_leaves_the_database_file_as_it_was(tmp_path):
    await registry()
    live = get_settings().sqlite_path
    with closing(sqlite_writer()) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    content = digest(live)
    garbage = tmp_path / "notes.sqlite3"
    garbage.write_bytes(b"not a database at all" * 200)

    assert (await restore(garbage))[0] == command.EXIT_FAILED

    assert digest(live) == content
    assert not list(live.parent.glob(f".{live.name}.*"))  # no work file left beside the database


@postgres_only
async def test_without_pg_dump_the_backup_says_so(tmp_path, monkeypatch):
    await registry()
    monkeypatch.setenv("PATH", str(tmp_path))

    status, _, err = await backup(tmp_path / f"none{SUFFIX}")

    assert status == command.EXIT_FAILED and "pg_dump was not found" in err
    assert list(tmp_path.iterdir()) == []
    assert not await AuditLog.exists().where(AuditLog.entity == "database")


@postgres_only
async def test_a_failing_pg_dump_is_reported_and_gets_the_password_only_in_its_environment(tmp_path, monkeypatch):
    await registry()
    bin_dir, record = tmp_path / "bin", tmp_path / "pg_dump.log"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(f'#!/bin/sh\necho "$@" > {record}\necho "PGPASSWORD=$PGPASSWORD" >> {record}\n'
                    'echo "pg_dump: error: connection lost" >&2\nexit 3\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # The suite's server trusts local connections, so the password is not checked, only passed on.
    parts = urlsplit(get_settings().database_url)
    url = parts._replace(netloc=f"{parts.username}:Pa55%21word@{parts.hostname}:{parts.port or 5432}").geturl()
    destination = tmp_path / f"failed{SUFFIX}"

    with pytest.raises(BackupError) as refused:
        await pg_backups.back_up(url, destination)

    assert "pg_dump failed (exit status 3): pg_dump: error: connection lost" in str(refused.value)
    arguments, password = record.read_text().splitlines()
    assert "Pa55" not in arguments and "--format=custom" in arguments
    assert password == "PGPASSWORD=Pa55!word"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "pg_dump.log"]  # no partial file left

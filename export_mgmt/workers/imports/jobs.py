"""Imports started from the web: a background task per upload, its state and error report kept on disk.

Each import gets a random token and a directory DATA_DIR/imports/<token>/ (outside the web root) holding
state.json (who started it, the phase, the counts, the first errors) and, when rows were refused, errors.xlsx.
Only the user who started an import can see its page or download its report; anyone else gets a 404.
Any web worker process can show the state, since it lives on disk.

Where the import runs: a small file in the process that took the upload, one import at a time per process
(SQLite takes one writer at a time anyway). A large one in the import process (IMPORT_PROCESS), started at the
first large upload and kept: 100,000 rows are seconds of Python holding the interpreter lock between database
calls, which in the server's process held up every other request (a record page's p99 went from 5 to 18 ms on
SQLite during an upload). In its own process, at a lower priority, the import shares only the processor, and the
kernel gives that to the pages first. It imports one file at a time, with its own judging process (judging.py),
as the command-line import does. Should it die (killed, out of memory), its transaction is rolled back by the
database and the import shows as interrupted; the next large upload starts a new one. Should the server itself die
(the import process then ends with it), the import shows as interrupted as soon as a server on the same machine
finds both processes gone, instead of once its state is STALE_SECONDS old.

The upload form waits up to WAIT_SECONDS for the task, so a small file goes straight to its result; a longer
import shows a status page that reloads itself (<meta http-equiv="refresh">, no script) until it is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import shutil
import socket
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from export_mgmt import db
from export_mgmt.accounts.actor import Actor
from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import RecordNotFound
from export_mgmt.i18n import get_locale, set_locale
from export_mgmt.settings import get_settings
from export_mgmt.uploads import safe_name
from export_mgmt.workers.imports import judging
from export_mgmt.workers.imports.checks import FileRefused
from export_mgmt.workers.imports.kept import KeptPool, pool_gone
from export_mgmt.workers.imports.service import ImportResult, import_workbook, new_token, report_bytes

log = logging.getLogger("export_mgmt.workers.imports")

WAIT_SECONDS = 3.0
KEEP_SECONDS = 7 * 24 * 3600  # imports (and their reports) older than a week are removed
STALE_SECONDS = 600  # a running import whose state has not moved for this long was interrupted
PAGE_ERRORS = 100  # errors kept in the state for the result page; all of them are in the report
STATE_EVERY_SECONDS = 0.5
REPORT_NAME = "errors.xlsx"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
# Progress per phase, as a share of the bar: (start, end) in percent.
PHASES = {"queued": (0, 0), "checking": (0, 5), "reading": (5, 20), "validating": (20, 60),
          "writing": (60, 95), "report": (95, 100), "done": (100, 100)}

# Uploads at least this large are imported in the import process: the size above which an import judges its
# rows in a process of its own anyway (about 10,000 rows), where a second to start a process is worth it.
OWN_PROCESS_MIN_BYTES = judging.PROCESS_MIN_BYTES
IMPORT_PROCESS = KeptPool()

_tasks: dict[str, asyncio.Task] = {}
_one_at_a_time: asyncio.Semaphore | None = None


def imports_dir() -> Path:
    path = get_settings().data_dir / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _job_dir(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise RecordNotFound()
    return imports_dir() / token


def _write_state(token: str, state: dict[str, Any]) -> None:
    state["updated_at"] = time.time()
    path = _job_dir(token)
    path.mkdir(mode=0o700, exist_ok=True)
    temporary = path / f"state.json.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path / "state.json")


def _read_state(token: str) -> dict[str, Any] | None:
    try:
        return json.loads((_job_dir(token) / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(actor: Actor, token: str) -> dict[str, Any]:
    """The import's state, for the user who started it only."""
    state = _read_state(token)
    if state is None or state.get("user_id") != actor.id:
        raise RecordNotFound()
    running = state["status"] in ("queued", "running")
    if running and token not in _tasks and (time.time() - state.get("updated_at", 0) > STALE_SECONDS
                                            or _abandoned(state)):
        state["status"] = "interrupted"
    start, end = PHASES.get(state.get("phase", ""), (0, 0))
    total = state.get("total") or 0
    share = (state.get("done", 0) / total) if total else 0
    state["percent"] = 100 if state["status"] == "done" else int(start + (end - start) * min(share, 1))
    return state


async def settled(actor: Actor, token: str) -> dict[str, Any]:
    """load(), and for an import found interrupted, how many workers it had saved (from its audit entry)."""
    state = load(actor, token)
    if state["status"] == "interrupted" and "saved" not in state:
        state["saved"] = await _saved_count(token)
    return state


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _abandoned(state: dict[str, Any]) -> bool:
    """The server process that took the upload ended (killed, or the machine restarted) without saying how the
    import ended, and so did the process importing it: nothing is left to finish it. Only a process on the same
    machine can tell; elsewhere the import shows as interrupted once its state is STALE_SECONDS old."""
    host, _colon, pid = str(state.get("owner", "")).rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return not _alive(int(pid)) and not _alive(int(state.get("pid") or 0))


def _alive(pid: int) -> bool:
    """The process exists and has not ended (an ended process may stay a zombie until its parent reaps it)."""
    if pid <= 0:
        return False
    if not os.path.isdir("/proc/self"):  # no /proc here: ask the kernel whether the process exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def report_path(actor: Actor, token: str) -> Path:
    load(actor, token)  # the owner check
    path = _job_dir(token) / REPORT_NAME
    if not path.is_file():
        raise RecordNotFound()
    return path


def _sweep_old() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in imports_dir().iterdir():
        try:
            if path.is_dir() and path.stat().st_mtime < cutoff and path.name not in _tasks:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def discard(token: str) -> None:
    """Forget an import that was refused before anything was written (its message went back to the form)."""
    shutil.rmtree(_job_dir(token), ignore_errors=True)


async def start(actor: Actor, filename: str, data: bytes, mode: str, county: str = "") -> str:
    """Start the import in the background and return its token."""
    await asyncio.to_thread(_sweep_old)
    token = new_token()
    state = {"token": token, "user_id": actor.id, "filename": safe_name(filename or "workers.xlsx"), "mode": mode,
             "county": county, "status": "queued", "phase": "queued", "done": 0, "total": 0, "started_at": time.time(),
             "owner": _owner()}
    await asyncio.to_thread(_write_state, token, state)
    # The task inherits this request's context: the user's language for every message and report.
    elsewhere = len(data) >= OWN_PROCESS_MIN_BYTES
    task = asyncio.create_task(_run_elsewhere(actor, token, state, data) if elsewhere else
                               _run(actor, token, state, data))
    _tasks[token] = task
    task.add_done_callback(lambda _task: _tasks.pop(token, None))
    return token


async def wait(token: str, seconds: float = WAIT_SECONDS) -> None:
    task = _tasks.get(token)
    if task is not None:
        await asyncio.wait({task}, timeout=seconds)


def _semaphore() -> asyncio.Semaphore:
    global _one_at_a_time
    if _one_at_a_time is None:
        _one_at_a_time = asyncio.Semaphore(1)
    return _one_at_a_time


def _summary(result: ImportResult) -> dict[str, Any]:
    return {
        "sheet_name": result.sheet_name, "rows_read": result.rows_read, "imported": result.imported,
        "refused": result.refused, "held_back": result.held_back, "example_rows": result.example_rows,
        "ignored_columns": result.ignored_columns, "error_count": len(result.errors),
        "errors": [[e.row, e.id_number, e.column, e.message] for e in result.errors[:PAGE_ERRORS]],
        "has_report": bool(result.errors),
    }


def shutdown() -> None:
    """Stop the import process, after the import it is running (the server's shutdown calls this)."""
    IMPORT_PROCESS.shutdown()


async def _run_elsewhere(actor: Actor, token: str, state: dict[str, Any], data: bytes) -> None:
    """Hand the import to the import process and wait for it there; where no process can be started, run it
    here."""
    try:
        executor = IMPORT_PROCESS.get()
        future: Future = executor.submit(_in_import_process, actor, token, state, data, get_locale())
    except Exception as exc:
        if not (pool_gone(exc) or isinstance(exc, OSError)):
            raise
        log.warning("worker import %s runs in the web server's process: %s", token, exc)
        await _run(actor, token, state, data)
        return
    try:
        await asyncio.wrap_future(future)
    except Exception as exc:
        if not pool_gone(exc):
            raise
        # The process died (killed, out of memory) before or while importing: the database rolled its
        # transaction back, so nothing of this file was written, and it can be imported again. Unless it died
        # in the moment between the commit and the state's last write: the import's audit entry says so.
        IMPORT_PROCESS.discard(executor)
        log.error("the import process ended during worker import %s: %s", token, exc)
        current = await asyncio.to_thread(_read_state, token) or state
        if current["status"] in ("queued", "running"):
            current.update(status="interrupted", saved=await _saved_count(token))
            await asyncio.to_thread(_write_state, token, current)


async def _saved_count(token: str) -> int | None:
    """How many workers an import committed, from its audit entry; None when it committed nothing."""
    entry = await AuditLog.select(AuditLog.changes).where(
        (AuditLog.entity == "worker_import") & (AuditLog.entity_id == token)).first()
    return json.loads(entry["changes"])["count"][1] if entry else None


def _in_import_process(actor: Actor, token: str, state: dict[str, Any], data: bytes, locale: str) -> None:
    """In the import process: one import, in an event loop and database connections of its own."""

    async def main() -> None:
        set_locale(locale)
        await db.start()
        try:
            await _run(actor, token, state, data, alone=True)
        finally:
            await db.stop()

    asyncio.run(main())


async def _run(actor: Actor, token: str, state: dict[str, Any], data: bytes, alone: bool = False) -> None:
    """The import and its state on disk. alone: nothing else imports in this process (the import process takes
    one at a time), so the semaphore, which belongs to the server's event loop, is not used."""
    last = 0.0
    state["pid"] = os.getpid()  # which process imported it, for whoever looks into a slow or stuck import

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if phase == state["phase"] and now - last < STATE_EVERY_SECONDS:
            return
        last = now
        state.update(status="running", phase=phase, done=done, total=total)
        _write_state(token, dict(state))

    try:
        async with contextlib.nullcontext() if alone else _semaphore():
            state["status"] = "running"
            result = await import_workbook(actor, state["filename"], data, state["mode"], progress=progress,
                                           token=token, checked=True, county=state.get("county", ""))
            if result.errors:
                progress("report", 0, 1)
                content = await asyncio.to_thread(report_bytes, result)
                await asyncio.to_thread((_job_dir(token) / REPORT_NAME).write_bytes, content)
            state.update(status="done", phase="done", result=_summary(result))
    except FileRefused as exc:
        state.update(status="refused", message=exc.message)
    except asyncio.CancelledError:
        state.update(status="interrupted")
        await asyncio.to_thread(_write_state, token, dict(state))
        raise
    except Exception:
        log.exception("worker import %s failed", token)
        state.update(status="failed")
    await asyncio.to_thread(_write_state, token, dict(state))

"""The page benchmark's baseline: the application's worker pages served by a bare ASGI callable and the raw driver.

It does the work the application does, without the framework and the ORM, each step one SQL statement through
sqlite3 (called directly, no thread) or an asyncpg pool:

- `/workers/?…` (the list, or a search by identity number): the session looked up by the cookie's token hash
  (with the user), the unread-notification count, the page of 50 workers and their count; then the
  application's own template, rendered by the application's own Jinja environment, with the same context;
- `/api/v1/workers/by-id-number/{number}`: the session, then the worker (within the user's county) with its skills
  and languages in one statement, the application's own; the same record (workers.services.record) encoded as
  JSON.

As the application does: the session is checked against its idle and absolute limits (and its last-seen time
written at most once a minute), a record shown with the identity number in full writes a row to the audit trail,
and every response carries the application's security headers.

Two ways to serve it, both run by uvicorn as the application is:

- `framework_app`: the same work in handlers of a bare Litestar application (routing, path parameters and
  responses by the framework the product is built on; no middleware, guards or dependency injection): the
  baseline the targets are set against, the limit of the database and the framework together;
- `app`: a bare ASGI callable, no framework at all: the floor, reported beside it.

    DATABASE_URL=… uvicorn export_mgmt.bench.raw_pages:framework_app

Not part of the product: the benchmark's measuring stick.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Litestar, Request, Response, get

from export_mgmt.accounts.services import actor_from_row
from export_mgmt.accounts.sessions import TOUCH_INTERVAL, _expired, token_hash
from export_mgmt.clock import today, utcnow
from export_mgmt.i18n import set_locale
from export_mgmt.idnumber import IdNumberError, parse
from export_mgmt.settings import get_settings
from export_mgmt.web.security import headers_for
from export_mgmt.web.session import SESSION_COOKIE, _cookies, csrf_token_for
from export_mgmt.web.templating import build_environment
from export_mgmt.workers.schemas import WorkerPage
from export_mgmt.workers.services import (
    LANGUAGE_FIELDS,
    SKILL_FIELDS,
    WorkerFilter,
    _summary,
    children_json,
    decode_children,
    record,
)
from export_mgmt.workers.tables import WorkerLanguage, WorkerSkill

USER_COLUMNS = ("id", "username", "display_name", "role", "county_code", "agency", "locale", "active")
LIST_COLUMNS = "id, id_number, name, sex, birth_date, county_code, township_name, status, intention"
PAGE_SIZE = 50


@dataclass
class Database:
    """The raw driver: sqlite3 on the application's file, or an asyncpg pool."""

    sqlite: sqlite3.Connection | None = None
    writer: ThreadPoolExecutor | None = None
    pool: Any = None

    async def rows(self, sql: str, *params: Any) -> list[dict]:
        if self.pool is not None:
            return [dict(r) for r in await self.pool.fetch(_numbered(sql), *params)]
        assert self.sqlite is not None
        return [dict(r) for r in self.sqlite.execute(sql, params).fetchall()]

    async def execute(self, sql: str, *params: Any) -> None:
        """A write. On SQLite on a connection of its own, in a thread of its own, as the application writes: a
        commit waits for the disk, and waiting on the event loop's thread would hold every other request."""
        if self.pool is not None:
            await self.pool.execute(_numbered(sql), *params)
            return
        assert self.writer is not None
        # A time stamp goes in as Piccolo writes it (its sqlite3 adapter).
        await asyncio.get_running_loop().run_in_executor(self.writer, _write, sql, params)


_writer_connection = threading.local()


def _write(sql: str, params: tuple) -> None:
    connection = getattr(_writer_connection, "connection", None)
    if connection is None:
        connection = _writer_connection.connection = sqlite3.connect(
            get_settings().sqlite_path, timeout=30, isolation_level=None)
    connection.execute(sql, params)


def _numbered(sql: str) -> str:
    """asyncpg's $1, $2… for sqlite3's ?s."""
    for i in range(1, sql.count("?") + 1):
        sql = sql.replace("?", f"${i}", 1)
    return sql


_db = Database()
_env = None


async def _start() -> None:
    global _env
    settings = get_settings()
    _env = build_environment(settings)
    if settings.is_postgres:
        import asyncpg

        _db.pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10)
    else:
        _db.sqlite = sqlite3.connect(settings.sqlite_path, timeout=30, isolation_level=None,
                                     detect_types=0, check_same_thread=False)
        _db.sqlite.row_factory = sqlite3.Row
        _db.writer = ThreadPoolExecutor(1, thread_name_prefix="baseline-writer")
        _db.sqlite.execute("PRAGMA foreign_keys = 1")


def _date(value: Any) -> Any:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _timestamp(value: Any) -> Any:
    """A stored time stamp as Piccolo reads it: aware, in UTC (SQLite's CURRENT_TIMESTAMP text has no zone)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


async def _actor(scope: dict):
    """The signed-in user, as the application's session middleware finds it: the session by the cookie's token
    hash with its user, alive (idle and absolute limits) and active, its last-seen time written at most once a
    minute."""
    token = _cookies(scope).get(SESSION_COOKIE, "")
    users = await _db.rows(
        "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at AS session_last_seen_at, "
        + ", ".join(f"u.{c}" for c in USER_COLUMNS)
        + " FROM user_session s JOIN app_user u ON u.id = s.\"user\" WHERE s.token_hash = ?",
        token_hash(token))
    if not users:
        return None, token
    user = users[0]
    times = {"created_at": _timestamp(user["session_created_at"]),
             "last_seen_at": _timestamp(user["session_last_seen_at"])}
    now = utcnow()
    if _expired(times, now) or not user["active"]:
        return None, token
    if now - times["last_seen_at"] > TOUCH_INTERVAL:
        await _db.execute("UPDATE user_session SET last_seen_at = ? WHERE id = ?", now, user["session_id"])
    return actor_from_row(user, "127.0.0.1"), token


async def _list_page(scope: dict) -> tuple[int, bytes]:
    actor, token = await _actor(scope)
    if actor is None:
        return 302, b""
    unread = (await _db.rows("SELECT count(*) AS n FROM notification WHERE \"user\" = ? AND read_at IS NULL",
                             actor.id))[0]["n"]
    query = dict(parse_qsl(scope.get("query_string", b"").decode()))
    flt = WorkerFilter(q=query.get("q", ""), county_code=query.get("county", ""))
    where, params = [], []
    if actor.county_scope:
        where.append("county_code = ?")
        params.append(actor.county_scope)
    # As the application's search: a whole identity number, else a name or (for roles that see numbers in full)
    # a number's beginning.
    number = _number(flt.q) if flt.q else None
    if number:
        where.append("id_number = ?")
        params.append(number)
    elif flt.q:
        like = "LIKE" if _db.sqlite is not None else "ILIKE"
        if actor.sees_full_id_numbers and flt.q.isalnum():
            where.append(f"(name {like} ? OR id_number LIKE ?)")
            params += [f"%{flt.q}%", f"{flt.q.upper()}%"]
        else:
            where.append(f"name {like} ?")
            params.append(f"%{flt.q}%")
    if flt.county_code:
        where.append("county_code = ?")
        params.append(flt.county_code)
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    rows = await _db.rows(f"SELECT {LIST_COLUMNS} FROM worker{condition} ORDER BY id DESC LIMIT {PAGE_SIZE}",
                          *params)
    total = (await _db.rows(f"SELECT count(*) AS n FROM worker{condition}", *params))[0]["n"]
    on = today()
    for row in rows:
        row["birth_date"] = _date(row["birth_date"])
    result = WorkerPage(items=[_summary(r, on) for r in rows], total=total, page=1, page_size=PAGE_SIZE)
    set_locale(actor.locale or "zh_CN")
    request = SimpleNamespace(url=SimpleNamespace(path=scope["path"], query=scope.get("query_string", b"").decode()))
    assert _env is not None
    html = _env.get_template("workers/list.html").render(
        request=request, actor=actor, csrf_token=csrf_token_for(token), unread=unread, result=result, filter=flt,
        pages=max(1, -(-total // PAGE_SIZE)), query={k: v for k, v in query.items() if k != "page"})
    return 200, html.encode()


def _number(text: str) -> str | None:
    try:
        return parse(text.strip(), today=today()).number
    except IdNumberError:
        return None


async def _record(scope: dict, raw: str) -> tuple[int, bytes]:
    actor, _token = await _actor(scope)
    if actor is None:
        return 401, b""
    number = _number(urllib.parse.unquote(raw))
    if number is None:
        return 404, b""
    where, params = "id_number = ?", [number]
    if actor.county_scope:
        where += " AND county_code = ?"
        params.append(actor.county_scope)
    rows = await _db.rows(f"SELECT {_RECORD_COLUMNS[_db.pool is not None]} FROM worker WHERE {where}", *params)
    if not rows:
        return 404, b""
    row = rows[0]
    for key in ("birth_date", "health_check_date"):
        row[key] = _date(row[key])
    for key in ("created_at", "updated_at"):
        row[key] = _timestamp(row[key])
    skills, languages = decode_children(row)
    if actor.sees_full_id_numbers:  # the number is shown in full: a row in the audit trail, as the application
        await _db.execute("INSERT INTO audit_log (at, actor_id, actor_name, entity, entity_id, action, changes, "
                          "client_address) VALUES (?, ?, ?, 'worker', ?, 'viewed_full_id', '{}', ?)",
                          utcnow(), actor.id, actor.username, str(row["id"]), actor.client_address)
    return 200, msgspec.json.encode(record(actor, row, skills, languages, today()))


# The worker with its skills and languages in one statement, as the application reads a record (on PostgreSQL,
# True, and on SQLite).
_RECORD_COLUMNS = {
    pg: "worker.*, " + ", ".join(
        children_json(child, fields, "postgres" if pg else "sqlite", "worker.id") + " AS " + alias
        for child, fields, alias in ((WorkerSkill, SKILL_FIELDS, "skills"),
                                     (WorkerLanguage, LANGUAGE_FIELDS, "languages")))
    for pg in (False, True)
}


RECORD_PATH = "/api/v1/workers/by-id-number/"


async def app(scope: dict, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _db.pool is not None:
                    await _db.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    kind = b"text/html; charset=utf-8"
    if scope["path"] == "/workers/":
        status, body = await _list_page(scope)
    elif scope["path"].startswith(RECORD_PATH):
        status, body = await _record(scope, scope["path"][len(RECORD_PATH):])
        kind = b"application/json"
    else:
        status, body = 404, b"not found"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            *headers_for(scope["path"])]})
    await send({"type": "http.response.body", "body": body})


# The headers the application's middleware adds to every response (security.headers_for), sent by the
# baseline's handlers too: the client gets the same response, and uvicorn checks each header of both.
_SECURITY_HEADERS = {name.decode(): value.decode() for name, value in headers_for("/")}


def _framework_app() -> Litestar:
    @get("/workers/")
    async def list_page(request: Request) -> Response:
        status, body = await _list_page(request.scope)
        return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=_SECURITY_HEADERS)

    @get("/api/v1/workers/by-id-number/{number:str}")
    async def by_id_number(request: Request, number: str) -> Response:
        status, body = await _record(request.scope, number)
        return Response(body, status_code=status, media_type="application/json", headers=_SECURITY_HEADERS)

    async def stop() -> None:
        if _db.pool is not None:
            await _db.pool.close()

    return Litestar([list_page, by_id_number], on_startup=[_start], on_shutdown=[stop], openapi_config=None)


framework_app = _framework_app()

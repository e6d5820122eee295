"""Benchmark: the city dashboard for a year, on N workers, against the raw SQL aggregates it needs.

    .venv/bin/python -m export_mgmt.bench.bench_dashboard --engine both --workers 1000000
    .venv/bin/python -m export_mgmt.bench.bench_dashboard --engine sqlite --workers 2000 --repeat 3

It builds its own database (PostgreSQL: a new database beside the server's; SQLite: a file in a temporary
directory), migrates it with export_mgmt.schema.migrate(), and loads with set-based statements (INSERT … SELECT
from generate_series / a recursive CTE, executemany for the few reference rows):

- N workers over Shenyang's 13 counties; 40 agencies; 200 employers;
- 30 % of N placements (export_mgmt.bench.bench_followups.placement_insert, its departures squeezed into the
  benchmark year and the year before), then set to a mix of statuses: most working, some only reported, some
  departed, completed or returned; their placement_event rows ('reported', then 'departed' and/or 'working',
  then 'completed'/'returned');
- the schedule's arrival and first six monthly follow-ups of every departed placement, done on time, late,
  overdue or not yet due;
- 5 % of N complaints over the benchmark year and the one before, with 1–3 complaint_worker rows each, routed to
  the counties, CITY or OVERSEAS, in every status, some closed;
- export targets for both years (export_mgmt.targets.services.demo_targets, scaled to the placements).

The benchmark year is the current year and "today" is the real day (the dashboard's own default). Then it
times, alternately, after one warm-up of each:

- page: a supervisor signed in to the real application (litestar app through httpx's ASGI transport, in this
  process and event loop, on the application's own connection pool) GETs /dashboard/?year=YYYY: session,
  services.build(), the Jinja template and the SVG charts, the whole HTTP response;
- build: `await export_mgmt.dashboards.services.build(supervisor, year)` alone;
- baseline: the SQL statements that side issued, recorded from Piccolo's engine during the warm-up (same text,
  same arguments), replayed with the raw driver (sqlite3 / asyncpg) on a connection opened beforehand,
  fetching every row. The replay must return the same number of rows for every statement.

--keep reuses (and keeps) a generated database of the same size: /tmp/export-mgmt-bench-dashboard/ on SQLite,
export_mgmt_bench_dashboard_<N> on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from export_mgmt.bench.bench_followups import (
    DEFAULT_SERVER_URL,
    Clock,
    PostgresBench,
    Progress,
    SqliteBench,
    _q,
    machine_facts,
    placement_insert,
)

AGENCIES, EMPLOYERS = 40, 200
PLACEMENT_SHARE, COMPLAINT_SHARE = 0.30, 0.05
TARGET_RATIO = 2.0
FOLLOWUP_MONTHS = 6  # the arrival check and the first six monthly checks
ARRIVAL_GRACE = "CASE WHEN x.kind = 'arrival' THEN 7 ELSE 10 END"  # the default schedule's grace days
KEEP_DIR = Path("/tmp/export-mgmt-bench-dashboard")
CURRENCIES = ("CNY", "KRW", "JPY", "SGD", "CNY")
ROUTES_EXTRA = ("CITY", "OVERSEAS")
# Complaint status by id % 20; "closed" ones received too recently to be closed are "investigating" instead.
COMPLAINT_STATUS = ("closed",) * 5 + ("rejected", "received", "received", "received", "supplement_requested",
                                     "accepted", "accepted", "accepted", "investigating", "investigating",
                                     "investigating", "rectification_ordered", "payment_ordered", "transferred",
                                     "closed")
USERNAME, PASSWORD = "bench-supervisor", "Bench-pass-12345"


# ---------------------------------------------------------------------------------------------------------------
# The two dialects of the generator's SQL


class PgSql:
    def numbers(self, n: int) -> str:
        return f"generate_series(CAST(1 AS BIGINT), {int(n)}) AS g(i)"

    def small(self, upto: int) -> str:
        return f"generate_series(0, {int(upto)}) AS m(k)"

    def date(self, day: dt.date) -> str:
        return f"DATE {_q(day.isoformat())}"

    def plus(self, expr: str, days: str) -> str:
        return f"({expr} + CAST({days} AS INTEGER))"

    def pad(self, expr: str) -> str:
        return f"lpad(CAST({expr} AS TEXT), 12, '0')"


class LiteSql:
    def numbers(self, n: int) -> str:
        return (f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(n)}) "
                f"SELECT i FROM n) AS g")

    def small(self, upto: int) -> str:
        return (f"(WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < {int(upto)}) "
                f"SELECT k FROM s) AS m")

    def date(self, day: dt.date) -> str:
        return _q(day.isoformat())

    def plus(self, expr: str, days: str) -> str:
        return f"date({expr}, printf('%+d days', {days}))"

    def pad(self, expr: str) -> str:
        return f"printf('%012d', {expr})"


def _case(expr: str, values: tuple[str, ...]) -> str:
    return f"CASE {expr} % {len(values)} " + " ".join(f"WHEN {n} THEN {_q(v)}" for n, v in enumerate(values)) + " END"


def generation_sql(d, counts: dict[str, int], on: dt.date, first: dict[str, int]) -> list[tuple[str, str]]:
    """(label, statement) in order; `first` holds the first ids of the reference rows (agency, employer)."""
    from export_mgmt.regions import shenyang_counties

    counties = tuple(c.code for c in shenyang_counties())
    workers, placements, complaints = counts["workers"], counts["placements"], counts["complaints"]
    start = dt.date(on.year - 1, 1, 1)
    span = (on - start).days  # departures and complaints fall between start and on
    today_ = d.date(on)
    county = _case("g.i", counties)
    statements = [("workers", (
        "INSERT INTO worker (id_number, name, sex, birth_date, id_region_code, county_code, education, "
        "health_check_result, training, intention, status, created_by) "
        f"SELECT x.county || {d.pad('x.i')}, '工人' || x.i, CASE WHEN x.i % 2 = 1 THEN 'M' ELSE 'F' END, "
        f"{d.plus(d.date(dt.date(1966, 1, 1)), '(x.i * 7919) % 12419')}, x.county, x.county, 'junior_secondary', "
        "'fit', CASE WHEN x.i % 3 = 0 THEN '焊工培训' ELSE '' END, 'overseas', 'abroad', 0 "
        f"FROM (SELECT g.i AS i, {county} AS county FROM {d.numbers(workers)}) x"))]

    # Departures 0–1,825 "days" before on in bench_followups' generator, squeezed into [start, on].
    def days_before_on(days: str) -> str:
        return d.plus(today_, f"-(({days}) * {span} / 1826)")

    statements.append(("placements", placement_insert(d.numbers(placements), days_before_on, first["worker"],
                                                      workers, first["agency"])))
    r = "(id % 100)"
    statements.append(("placement statuses, agencies, employers", (
        f"UPDATE placement SET agency = {first['agency']} + id % {AGENCIES}, "
        f"employer = {first['employer']} + id % {EMPLOYERS}, "
        f"status = CASE WHEN {r} < 5 THEN 'reported' WHEN {r} < 8 THEN 'departed' "
        f"WHEN {r} < 16 AND departure_date <= {d.plus(today_, '-200')} THEN 'completed' "
        f"WHEN {r} < 20 AND departure_date <= {d.plus(today_, '-120')} THEN 'returned' ELSE 'working' END, "
        f"status_changed_on = CASE WHEN {r} < 5 THEN {d.plus('departure_date', '-30')} "
        f"WHEN {r} < 8 THEN departure_date "
        f"WHEN {r} < 16 AND departure_date <= {d.plus(today_, '-200')} "
        f"THEN {d.plus('departure_date', '180 + id % 20')} "
        f"WHEN {r} < 20 AND departure_date <= {d.plus(today_, '-120')} "
        f"THEN {d.plus('departure_date', '90 + id % 30')} "
        "ELSE departure_date END")))
    statements.append(("placements not yet departed", "UPDATE placement SET departure_date = NULL "
                                                       "WHERE status = 'reported'"))
    statements.append(("placement events", (
        "INSERT INTO placement_event (placement, status, on_date, actor_name) "
        f"SELECT id, 'reported', {d.plus('contract_start', '-30')}, 'bench' FROM placement "
        "UNION ALL SELECT id, 'departed', departure_date, 'bench' FROM placement "
        "WHERE status <> 'reported' AND id % 3 <> 0 "
        f"UNION ALL SELECT id, 'working', {d.plus('departure_date', '2 + id % 5')}, 'bench' FROM placement "
        "WHERE status NOT IN ('reported', 'departed') "
        "UNION ALL SELECT id, status, status_changed_on, 'bench' FROM placement "
        "WHERE status IN ('completed', 'returned')")))
    late = d.plus(today_, "-30")
    statements.append(("follow-ups", (
        "INSERT INTO followup (placement, kind, seq, inspection_case, due_date, overdue_after, status, done_on, "
        "recorded_by) "
        "SELECT y.placement, y.kind, y.seq, 0, y.due, y.oa, "
        f"CASE WHEN y.oa < {late} AND y.h < 85 THEN 'done' WHEN y.oa < {today_} AND y.h >= 95 THEN 'overdue' "
        "ELSE 'pending' END, "
        f"CASE WHEN y.oa < {late} AND y.h < 70 THEN {d.plus('y.due', 'y.h % 8')} "
        f"WHEN y.oa < {late} AND y.h < 85 THEN {d.plus('y.oa', '1 + y.h % 15')} END, 'bench' "
        f"FROM (SELECT x.*, {d.plus('x.due', ARRIVAL_GRACE)} AS oa FROM ("
        "SELECT p.id AS placement, CASE WHEN m.k = 0 THEN 'arrival' ELSE 'periodic' END AS kind, "
        "CASE WHEN m.k = 0 THEN 1 ELSE m.k END AS seq, "
        f"{d.plus('p.departure_date', 'CASE WHEN m.k = 0 THEN 14 ELSE 30 * m.k END')} AS due, "
        "(p.id * 7 + m.k * 13) % 100 AS h, p.status AS status, p.status_changed_on AS ended "
        f"FROM placement p CROSS JOIN {d.small(FOLLOWUP_MONTHS)} WHERE p.status <> 'reported') x "
        f"WHERE x.due <= {d.plus(today_, '7')} "
        "AND (x.status NOT IN ('completed', 'returned') OR x.due <= x.ended)) y")))
    status = _case("x.i", COMPLAINT_STATUS)
    route = _case("x.i", counties + ROUTES_EXTRA)
    statements.append(("complaints", (
        "INSERT INTO complaint (tracking_no, kind, channel, complainant_name, respondent_name, agency, route, "
        "status, received_on, first_received_on, decide_by, investigate_by, rectify_by, closed_on, created_by) "
        "SELECT 'B' || x.pad, CASE WHEN x.i % 10 = 0 THEN 'report' ELSE 'complaint' END, "
        f"{_case('x.i', ('online', 'walk_in', 'phone', 'letter'))}, '投诉人' || x.i, '被投诉单位', "
        f"CASE WHEN x.i % 10 < 7 THEN {first['agency']} + (x.i / 10) % {AGENCIES} END, x.route, "
        f"CASE WHEN x.status = 'closed' AND x.received > {d.plus(today_, '-80')} THEN 'investigating' "
        "ELSE x.status END, x.received, "
        f"CASE WHEN x.i % 7 = 0 THEN {d.plus('x.received', '-15')} END, {d.plus('x.received', '7')}, "
        f"{d.plus('x.received', '84')}, "
        f"CASE WHEN x.status IN ('rectification_ordered', 'payment_ordered') THEN {d.plus('x.received', '100')} END, "
        f"CASE WHEN x.status = 'closed' AND x.received <= {d.plus(today_, '-80')} "
        f"THEN {d.plus('x.received', '20 + x.i % 60')} END, 'bench' "
        f"FROM (SELECT g.i AS i, {d.pad('g.i')} AS pad, {status.replace('x.i', 'g.i')} AS status, "
        f"{route.replace('x.i', 'g.i')} AS route, "
        f"{d.plus(d.date(start), f'(g.i * 7919) % {span + 1}')} AS received FROM {d.numbers(complaints)}) x")))
    statements.append(("complaint workers", (
        "INSERT INTO complaint_worker (complaint, worker, name, representative, months_owed, currency, "
        "amount_owed, amount_ordered, amount_recovered, recovered_cny) "
        f"SELECT c.id, {first['worker']} + (c.id * 7 + m.k * 104729) % {workers}, '工人', m.k = 0, 1 + c.id % 6, "
        f"{_case('c.id', CURRENCIES)}, 100000 + (c.id * 31 + m.k) % 5000000, 0, 0, "
        "CASE WHEN c.status = 'closed' THEN 50000 + (c.id * 17 + m.k) % 2000000 ELSE 0 END "
        f"FROM complaint c CROSS JOIN {d.small(2)} WHERE m.k <= c.id % 3")))
    return statements


def target_rows(year: int, placements: int) -> list[tuple]:
    from export_mgmt.targets.services import demo_targets

    def hundreds(x: float) -> int:
        return max(100, int(x) // 100 * 100)

    rows = []
    for y in (year - 1, year):
        for t in demo_targets(hundreds(placements * 0.5), hundreds(placements * 0.35)):
            v = t.values()
            rows.append((y, t.county_code, v["exported"], v["overseas"], v["domestic"], v["trained"],
                         v["placed_4050"], "bench"))
    return rows


TARGET_INSERT = ("INSERT INTO export_target (year, county_code, exported, overseas, domestic, trained, placed_4050, "
                 "updated_by) VALUES ({})")


# ---------------------------------------------------------------------------------------------------------------
# Engines: bench_followups' classes, with a fixed reusable database for --keep, a generator and a replayer


class PgSide(PostgresBench):
    sql = PgSql()

    def __init__(self, server_url: str, workers: int, keep: bool):
        super().__init__(server_url)
        self.keep = keep
        if keep:
            self.name = f"export_mgmt_bench_dashboard_{workers}"
            self.url = server_url.rsplit("/", 1)[0] + "/" + self.name

    async def create(self) -> str:
        import asyncpg

        if not self.keep:
            return await super().create()
        conn = await asyncpg.connect(self.server_url)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", self.name):
                await conn.execute(f"CREATE DATABASE {self.name}")
        finally:
            await conn.close()
        return self.url

    async def drop(self) -> None:
        if self.keep:
            print(f"kept database {self.name}", file=sys.stderr)
            shutil.rmtree(self.tmp, ignore_errors=True)  # DATA_DIR only; the database stays
            return
        await super().drop()

    async def run(self, sql: str) -> str:
        return await self.conn.execute(sql)

    async def many(self, sql: str, rows: list[tuple]) -> None:
        marks = ", ".join(f"${n}" for n in range(1, len(rows[0]) + 1))
        await self.conn.executemany(sql.format(marks), rows)

    async def value(self, sql: str) -> Any:
        return await self.conn.fetchval(sql)

    async def finish_load(self) -> None:
        with Progress("load: VACUUM ANALYZE (what autovacuum would have done)"):
            await self.conn.execute("VACUUM ANALYZE")

    async def replay(self, statements: list[tuple[str, tuple]]) -> list[int]:
        return [len(await self.conn.fetch(sql, *args)) for sql, args in statements]


class LiteSide(SqliteBench):
    sql = LiteSql()

    def __init__(self, workers: int, keep: bool):
        super().__init__(keep=keep)
        if keep:
            os.rmdir(self.tmp)
            self.tmp = KEEP_DIR
            self.tmp.mkdir(parents=True, exist_ok=True)
            self.path = self.tmp / f"dashboard-{workers}.sqlite3"

    async def run(self, sql: str) -> str:
        assert self.conn is not None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.conn.execute(sql)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return f"{cursor.rowcount:,} rows"

    async def many(self, sql: str, rows: list[tuple]) -> None:
        assert self.conn is not None
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(sql.format(", ".join("?" for _ in rows[0])), rows)
        self.conn.execute("COMMIT")

    async def value(self, sql: str) -> Any:
        return self._one(sql)[0]

    async def finish_load(self) -> None:
        # No ANALYZE: the application never runs it, so a county office's file has no sqlite_stat1 either.
        await self.settle()

    async def replay(self, statements: list[tuple[str, tuple]]) -> list[int]:
        assert self.conn is not None
        return [len(self.conn.execute(sql, args).fetchall()) for sql, args in statements]


async def generate(bench, counts: dict[str, int], on: dt.date) -> float:
    """Load the data set; returns the seconds it took. A table bench_meta marks a finished load (for --keep)."""
    started = time.perf_counter()
    agencies = [(f"沈阳基准国际劳务合作有限公司{n:02d}", code, "bench")
                for n, code in zip(range(1, AGENCIES + 1), _cycle_counties())]
    with Progress(f"load: {AGENCIES} agencies, {EMPLOYERS} employers, targets"):
        await bench.many("INSERT INTO agency (name, county_code, contact_name) VALUES ({})", agencies)
        countries = ("KR", "JP", "SG", "CN")
        await bench.many("INSERT INTO employer (kind, name, country, sector) VALUES ({})",
                         [("domestic" if countries[n % 4] == "CN" else "foreign", f"基准雇主{n:03d}",
                           countries[n % 4], "manufacturing") for n in range(EMPLOYERS)])
        await bench.many(TARGET_INSERT, target_rows(on.year, counts["placements"]))
    first = {"agency": await bench.value("SELECT min(id) FROM agency"),
             "employer": await bench.value("SELECT min(id) FROM employer"), "worker": 1}
    for label, sql in generation_sql(bench.sql, counts, on, first):
        with Progress(f"load: {label}") as step:
            step.note = str(await bench.run(sql))
        if label == "workers":
            first["worker"] = await bench.value("SELECT min(id) FROM worker")
            if first["worker"] != 1:
                raise SystemExit("the worker table was not empty")
    await bench.finish_load()
    await bench.run(f"CREATE TABLE bench_meta (workers INTEGER, loaded_on DATE DEFAULT {bench.sql.date(on)})")
    await bench.run(f"INSERT INTO bench_meta (workers) VALUES ({counts['workers']})")
    return time.perf_counter() - started


def _cycle_counties():
    from export_mgmt.regions import shenyang_counties

    codes = [c.code for c in shenyang_counties()]
    return (codes[n % len(codes)] for n in range(AGENCIES))


async def loaded(bench, workers: int) -> bool:
    try:
        return await bench.value("SELECT workers FROM bench_meta") == workers
    except Exception:  # no such table: never loaded, or the load stopped half-way
        return False


async def table_counts(bench) -> dict[str, int]:
    return {t: await bench.value(f"SELECT COUNT(*) FROM {t}") for t in (
        "worker", "agency", "employer", "placement", "placement_event", "followup", "complaint", "complaint_worker",
        "export_target")}


# ---------------------------------------------------------------------------------------------------------------
# Recording the application's statements


class Recorder:
    """Wraps the Piccolo engine's run_querystring / run_ddl: while `log` is a list, every statement the
    application sends (compiled text and arguments, exactly as the driver receives them) and the number of rows
    it got back are appended to it."""

    def __init__(self, engine):
        # Piccolo's engines have __slots__: the wrappers go on the engine's class, for this process only.
        self.engine, self.log = engine, None
        cls = type(engine)
        run_querystring, run_ddl = cls.run_querystring, cls.run_ddl
        recorder = self

        async def recorded_querystring(engine_, querystring, *args, **kwargs):
            response = await run_querystring(engine_, querystring, *args, **kwargs)
            if recorder.log is not None:
                sql, values = querystring.compile_string(engine_type=engine_.engine_type)
                recorder.log.append((sql, tuple(values), len(response) if isinstance(response, list) else 0))
            return response

        async def recorded_ddl(engine_, ddl, *args, **kwargs):
            response = await run_ddl(engine_, ddl, *args, **kwargs)
            if recorder.log is not None:
                recorder.log.append((ddl, (), len(response) if isinstance(response, list) else 0))
            return response

        cls.run_querystring, cls.run_ddl = recorded_querystring, recorded_ddl

    async def record(self, side) -> tuple[Any, list[tuple[str, tuple, int]]]:
        self.log = []
        try:
            result = await side()
            return result, self.log
        finally:
            self.log = None


# ---------------------------------------------------------------------------------------------------------------
# The benchmark


async def sign_in(client) -> None:
    import re

    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert token, "the login page has no CSRF token"
    response = await client.post("/login", data={"username": USERNAME, "password": PASSWORD,
                                                 "csrf_token": token.group(1), "next": "/"}, follow_redirects=False)
    if response.status_code not in (302, 303):
        raise SystemExit(f"sign-in failed: {response.status_code} {response.text[:300]}")


async def supervisor():
    from export_mgmt.accounts.actor import Actor
    from export_mgmt.accounts.passwords import hash_password
    from export_mgmt.accounts.tables import AppUser

    row = await AppUser.select(AppUser.id).where(AppUser.username == USERNAME).first()
    if row is None:
        rows = await AppUser.insert(AppUser(username=USERNAME, display_name="Bench Supervisor",
                                            password_hash=await hash_password(PASSWORD), role="supervisor")
                                    ).returning(AppUser.id)
        row = rows[0]
    return Actor(id=row["id"], username=USERNAME, display_name="Bench Supervisor", role="supervisor")


async def measure(bench, repeat: int, year: int) -> tuple[list[dict], dict[str, list], dict[str, Any]]:
    import httpx

    from export_mgmt import db
    from export_mgmt.app import create_app
    from export_mgmt.dashboards import services

    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request
    actor = await supervisor()
    recorder = Recorder(db.engine())
    app = create_app(manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    info: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        await sign_in(client)

        async def page() -> int:
            response = await client.get(f"/dashboard/?year={year}")
            if response.status_code != 200 or "chart-league" not in response.text:
                raise SystemExit(f"the dashboard page failed: {response.status_code} {response.text[:500]}")
            return len(response.content)

        async def build() -> int:
            board = await services.build(actor, year)
            return sum(len(f.rows) for f in board.figures)

        scenarios = {"page": page, "build": build}
        recorded: dict[str, list] = {}
        with Progress("warm-up: each scenario once, recording its SQL") as step:
            for name, side in scenarios.items():
                info[f"{name} result"], recorded[name] = await recorder.record(side)
            step.note = ", ".join(f"{n}: {len(s)} statements" for n, s in recorded.items())
        for name, statements in recorded.items():  # the baseline's warm-up, and its check
            got = await bench.replay([(sql, args) for sql, args, _ in statements])
            expected = [n for _, _, n in statements]
            if got != expected:
                raise SystemExit(f"MISMATCH: the replay of {name} returned {got} rows, the application {expected}")
        runs: list[dict] = []
        for r in range(1, repeat + 1):
            for name, side in scenarios.items():
                statements = [(sql, args) for sql, args, _ in recorded[name]]
                pair = {"scenario": side, "baseline": lambda s=statements: bench.replay(s)}
                for which in ("scenario", "baseline") if r % 2 else ("baseline", "scenario"):
                    with Progress(f"[{r}/{repeat}] {name} {which}") as step:
                        async with Clock(bench) as clock:
                            await pair[which]()
                        step.note = f"{clock.seconds:.3f} s"
                    runs.append({"repeat": r, "scenario": name, "side": which, "seconds": clock.seconds,
                                 "cpu": clock.cpu})
        # Where the baseline's time goes: each statement of the page once more, on its own.
        info["statement seconds"] = []
        for sql, args, rows in recorded["page"]:
            started = time.perf_counter()
            await bench.replay([(sql, args)])
            info["statement seconds"].append((time.perf_counter() - started, rows, sql))
    return runs, recorded, info


def _median(values: list) -> float | None:
    return None if not values or any(v is None for v in values) else statistics.median(values)


def summarise(engine: str, workers: int, runs: list[dict]) -> list[dict[str, Any]]:
    rows = []
    for name in ("page", "build"):
        side = {s: [r for r in runs if r["scenario"] == name and r["side"] == s] for s in ("scenario", "baseline")}
        value = statistics.median(r["seconds"] for r in side["scenario"])
        baseline = statistics.median(r["seconds"] for r in side["baseline"])
        cpu_s, cpu_b = _median([r["cpu"] for r in side["scenario"]]), _median([r["cpu"] for r in side["baseline"]])
        rows.append({"scenario": name, "engine": engine, "workers": workers, "value": value, "baseline": baseline,
                     "ratio": value / baseline, "cpu ratio": cpu_s / cpu_b if cpu_s and cpu_b else None,
                     "target": TARGET_RATIO, "met": value / baseline <= TARGET_RATIO,
                     "scenario runs": [r["seconds"] for r in side["scenario"]],
                     "baseline runs": [r["seconds"] for r in side["baseline"]]})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| scenario | engine | workers | value (s) | baseline (s) | ratio | CPU ratio | target | met |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        cpu = "n/a" if r["cpu ratio"] is None else f"{r['cpu ratio']:.2f}"
        lines.append(f"| {r['scenario']} | {r['engine']} | {r['workers']:,} | {r['value']:.3f} | {r['baseline']:.3f} "
                     f"| {r['ratio']:.2f} | {cpu} | ≤ {r['target']:.0f}× | {'yes' if r['met'] else 'NO'} |")
    return "\n".join(lines)


async def run_engine(engine: str, args) -> dict[str, Any]:
    """One engine, in a child process of its own: export_mgmt binds its engine to DATABASE_URL at import."""
    workers = args.workers
    counts = {"workers": workers, "placements": max(1, round(workers * PLACEMENT_SHARE)),
              "complaints": max(1, round(workers * COMPLAINT_SHARE))}
    bench = PgSide(args.server_url, workers, args.keep) if engine == "postgres" else LiteSide(workers, args.keep)
    url = await bench.create()
    os.environ["DATABASE_URL"] = url
    os.environ["DATA_DIR"] = str(bench.tmp)
    os.environ["SECRET_KEY"] = "bench-secret-key-not-for-production"
    os.environ["PICCOLO_CONF"] = "export_mgmt.piccolo_conf"
    os.environ.setdefault("ARGON2_TIME_COST", "1")  # one sign-in, not timed
    os.environ.setdefault("ARGON2_MEMORY_KIB", "8192")
    machine = machine_facts()
    try:
        from export_mgmt import db
        from export_mgmt.clock import today
        from export_mgmt.schema import migrate

        on = today()
        with Progress(f"migrate the {engine} database"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*SQLITE doesn't support changes in length")
            await migrate()
        await db.start()
        try:
            await bench.connect()
            load_seconds = None
            if args.keep and await loaded(bench, workers):
                print(f"reusing the generated database ({workers:,} workers)", file=sys.stderr)
            else:
                if await bench.value("SELECT COUNT(*) FROM worker"):
                    raise SystemExit("the kept database holds a half-finished load: drop it and start again")
                load_seconds = await generate(bench, counts, on)
            found = await table_counts(bench)
            print("rows: " + ", ".join(f"{t} {n:,}" for t, n in found.items()), file=sys.stderr)
            runs, recorded, info = await measure(bench, args.repeat, on.year)
            machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
            facts = await bench.facts()
        finally:
            await bench.close()
            await db.stop()
    finally:
        await bench.drop()
    return {"engine": engine, "year": on.year, "on": on.isoformat(), "rows": found, "load_seconds": load_seconds,
            "summary": summarise(engine, workers, runs), "runs": runs, "machine": machine, "engine_facts": facts,
            "statements": {n: [{"sql": s, "args": [str(a) for a in v], "rows": k} for s, v, k in st]
                           for n, st in recorded.items()}, "info": info}


def report(result: dict[str, Any], args) -> str:
    lines = [f"City dashboard benchmark — {result['engine']}, {args.workers:,} workers, year {result['year']}, "
             f"on {result['on']}, median of {args.repeat}", "", table(result["summary"]), ""]
    for row in result["summary"]:
        lines.append(f"  {row['scenario']}: scenario runs " + ", ".join(f"{s:.3f}" for s in row["scenario runs"])
                     + "; baseline runs " + ", ".join(f"{s:.3f}" for s in row["baseline runs"]))
    for name, statements in result["statements"].items():
        lines.append(f"  {name}: {len(statements)} statements, {sum(s['rows'] for s in statements)} rows")
    lines.append("rows: " + ", ".join(f"{t} {n:,}" for t, n in result["rows"].items()))
    if result["load_seconds"] is not None:
        lines.append(f"data load: {result['load_seconds']:.1f} s")
    lines.append(f"page: {result['info'].get('page result', 0):,} bytes of HTML")
    timed = sorted(result["info"]["statement seconds"], key=lambda t: -t[0])
    total = sum(t[0] for t in timed) or 1
    lines.append(f"the page's statements on the raw driver, one run each ({total:.3f} s in all), slowest first:")
    for seconds, rows, sql in timed[:8]:
        lines.append(f"  {seconds:7.3f} s {seconds / total:4.0%} {rows:5} rows  {' '.join(sql.split())[:110]}")
    for key, value in {**result["machine"], **result["engine_facts"]}.items():
        lines.append(f"- {key}: {value}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(prog="python -m export_mgmt.bench.bench_dashboard",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=1_000_000,
                        help="workers (1,000,000); placements are 30 %% of it, complaints 5 %%")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each side; medians reported (5)")
    parser.add_argument("--keep", action="store_true", help="reuse and keep a generated database of this size")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL, help="PostgreSQL server")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if args.workers < 20 or args.repeat < 1:
        parser.error("--workers must be at least 20 and --repeat at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    import subprocess
    import tempfile

    args = parse_args(argv)
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    if len(engines) == 1:
        result = asyncio.run(run_engine(engines[0], args))
        print(report(result, args))
        results = [result]
    else:
        # export_mgmt picks its database engine once per process: each engine runs in a process of its own.
        results = []
        for engine in engines:
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                child = [sys.executable, "-m", "export_mgmt.bench.bench_dashboard", "--engine", engine,
                         "--workers", str(args.workers), "--repeat", str(args.repeat), "--server-url",
                         args.server_url, "--json", out.name, *(["--keep"] if args.keep else [])]
                if subprocess.call(child) != 0:
                    return 1
                results.append(json.loads(Path(out.name).read_text()))
        print("\nBoth engines:\n" + table([row for r in results for row in r["summary"]]))
    if args.json:
        payload = results[0] if len(results) == 1 else {"results": results}
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

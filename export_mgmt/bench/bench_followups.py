"""Benchmark: the nightly follow-up sweep, generate_due(on), over N active placements, against raw SQL.

    .venv/bin/python -m export_mgmt.bench.bench_followups --placements 1000000 --engine postgres
    .venv/bin/python -m export_mgmt.bench.bench_followups --placements 1000000 --engine sqlite --repeat 3

It builds its own database (PostgreSQL: a new database export_mgmt_bench_<pid> on the server, dropped at the end;
SQLite: a file in a temporary directory, removed at the end), migrates it, loads one agency, a few thousand
workers and N placements in the status 'working' with set-based statements, then times, on an empty follow-up
table and again on the filled one (the idempotent re-run, which must create nothing):

- scenario: `await export_mgmt.followups.sweeps.generate_due(on)`, the application's own code: it reads the
  schedule, then runs one transaction and one INSERT … SELECT per schedule rule through Piccolo's engine;
- baseline: the raw driver (asyncpg / sqlite3) on a connection opened beforehand, running hand-written SQL for
  the default schedule on the same database in the same run: with --baseline single (the default) ONE
  INSERT … SELECT, a UNION ALL of the five rules, in one transaction; with --baseline per-rule five, a
  transaction each, as the application runs them. It computes the due dates the same way (every month of a
  periodic rule, then the window), so the difference is what the application's way of running the work costs,
  not a different algorithm.

Runs alternate (scenario first in odd repeats, baseline first in even ones), the follow-up table is emptied
before every first run and the table reports medians. Both sides must produce the same (placement, kind, seq,
due_date, overdue_after) rows, compared by count and an order-independent checksum computed in SQL, or the
benchmark stops with an error. The data are a function of the row number, so the checksum is the same on both
engines for the same --placements and --on.

It imports the rest of export_mgmt only after it has set
DATABASE_URL, DATA_DIR, SECRET_KEY and PICCOLO_CONF.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_ON = dt.date(2026, 11, 28)
DEFAULT_WORKERS = 5000

# What the hand-written baseline is written for. check_assumptions() stops the benchmark when the application's
# schedule or constants no longer say the same (the checksum would catch it too, later and less clearly).
TRACKED = ("departed", "working", "employer_changed", "unreachable")
FINISHED = ("completed", "returned", "terminated")
LEAD_DAYS, LOOKBACK_DAYS, MAX_MONTHS = 7, 90, 72
DEFAULT_SCHEDULE = (
    # kind, offset_days, first_month, last_month, every_months, grace_days
    ("arrival", 14, 0, 0, 0, 7),
    ("periodic", 0, 1, 12, 1, 10),
    ("periodic", 0, 15, 0, 3, 14),
    ("before_end", 45, 0, 0, 0, 14),
    ("after_return", 30, 0, 0, 0, 14),
)


@dataclass(frozen=True)
class Share:
    """One programme's part of the placements; contract lengths spread evenly from min to max months."""

    programme: str
    percent: int
    country: str
    currency: str
    basic_wage: int  # monthly, minor units of the currency
    gross_wage: int
    min_months: int
    max_months: int
    city: str
    sector: str


# Roughly the bureau's mix: Korea's EPS first, Japan's intern schemes next, domestic placements a fifth.
MIX = (
    Share("kr_eps_e9", 30, "KR", "KRW", 2_060_740, 2_600_000, 36, 58, "Ansan", "manufacturing"),
    Share("kr_eps_h2", 8, "KR", "KRW", 2_060_740, 2_450_000, 36, 58, "Seoul", "services"),
    Share("jp_trainee", 4, "JP", "JPY", 120_000, 150_000, 12, 12, "Osaka", "manufacturing"),
    Share("jp_technical_intern", 18, "JP", "JPY", 180_000, 215_000, 12, 58, "Nagoya", "manufacturing"),
    Share("jp_ssw", 8, "JP", "JPY", 220_000, 260_000, 12, 58, "Tokyo", "care"),
    Share("sg_work_permit", 10, "SG", "SGD", 120_000, 160_000, 12, 24, "Singapore", "construction"),
    Share("domestic", 22, "CN", "CNY", 500_000, 650_000, 12, 36, "", "manufacturing"),
)
assert sum(s.percent for s in MIX) == 100 and MIX[-1].programme == "domestic"
DOMESTIC_PLACES = (("YRD", "苏州"), ("PRD", "东莞"), ("WEST", "成都"), ("OTHER", "天津"))
# Shenyang's rural counties and outer districts, where the labour pool's workers come from.
COUNTIES = ("210111", "210112", "210113", "210114", "210115", "210123", "210124", "210181")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英",
         "建华", "国强", "海燕", "志刚", "玉兰", "春梅", "德明")
KIND_CODES = {"arrival": 1, "periodic": 2, "before_end": 3, "after_return": 4, "recheck": 5, "adhoc": 6}


# ---------------------------------------------------------------------------------------------------------------
# Terminal progress


class Progress:
    """One line per step: its label and a running clock (redrawn on a terminal; a line every 15 s otherwise),
    then how long it took and an optional note. A thread draws it, so a blocking driver call does not stop it."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label, self.stream, self.note = label, stream, ""
        self.tty = stream.isatty()
        self._stop = threading.Event()

    def __enter__(self) -> Progress:
        self.started = time.perf_counter()
        if not self.tty:
            self._write(f"… {self.label}\n")
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()
        return self

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def _tick(self) -> None:
        n, spinner = 0, "|/-\\"
        while not self._stop.wait(0.25 if self.tty else 15):
            elapsed = time.perf_counter() - self.started
            if self.tty:
                self._write(f"\r{spinner[n % 4]} {self.label} … {elapsed:7.1f} s")
            else:
                self._write(f"  … {self.label}: {elapsed:.0f} s\n")
            n += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop.set()
        self._thread.join()
        elapsed = time.perf_counter() - self.started
        line = f"{'✗' if exc_type else '✓'} {self.label}: {elapsed:.1f} s{' — ' + self.note if self.note else ''}"
        self._write(f"\r{line}\033[K\n" if self.tty else f"{line}\n")


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a local process (a PostgreSQL backend), from /proc; None when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Clock:
    """Wall-clock seconds of one timed run, and the CPU seconds spent on it: this Python process (the driver,
    Piccolo, and on SQLite the engine itself) plus, on PostgreSQL, the server backends of the benchmark's
    database. CPU time is less disturbed than wall-clock time by other work on a shared machine."""

    def __init__(self, bench):
        self.bench = bench

    async def __aenter__(self) -> Clock:
        self.backends = await self.bench.backend_cpu()
        self.process = time.process_time()
        self.started = time.perf_counter()
        return self

    async def __aexit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        process = time.process_time() - self.process
        after = await self.bench.backend_cpu()
        server = sum(cpu - self.backends.get(pid, 0.0) for pid, cpu in after.items() if cpu is not None)
        unreadable = after and any(cpu is None for cpu in after.values())
        self.cpu = None if unreadable else process + server


# ---------------------------------------------------------------------------------------------------------------
# SQL. Engine differences are passed in as small functions.


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _by_share(values: list[str], draw: str = "y.b") -> str:
    """A CASE over the programme draw (0..99) picking each share's value."""
    upper, parts = 0, []
    for share, value in zip(MIX, values, strict=True):
        upper += share.percent
        parts.append(f"WHEN {draw} < {upper} THEN {value}")
    return "CASE " + " ".join(parts) + " END"


def placement_insert(numbers: str, days_before_on: Callable[[str], str], first_worker: int, workers: int,
                     agency: int) -> str:
    """ONE INSERT … SELECT of every placement from a number series `numbers` (alias g, column i).

    Row i gets a programme by the mix, a departure within the last five years (0–1,825 days before `on`), a
    contract of the programme's length (12–58 months overall) ending departure + months × 30.44 days, and the
    status working since departure, last written (updated_at) then. Deterministic, so both engines load the same rows.
    """
    domestic = 100 - MIX[-1].percent
    group = "CASE y.u % 4 " + " ".join(f"WHEN {k} THEN {_q(g)}" for k, (g, _) in enumerate(DOMESTIC_PLACES)) + " END"
    city = "CASE y.u % 4 " + " ".join(f"WHEN {k} THEN {_q(c)}" for k, (_, c) in enumerate(DOMESTIC_PLACES)) + " END"
    months = _by_share([f"{s.min_months} + d.u % {s.max_months - s.min_months + 1}" for s in MIX], draw="d.b")
    draw = (f"SELECT g.i, (g.i * 2654435761) % 4294967291 % 100 AS b, (g.i * 48271) % 2147483647 AS u, "
            f"((g.i * 1103515245 + 12345) % 2147483647) % 1826 AS off FROM {numbers}")
    departure = days_before_on("y.off")
    contract_end = days_before_on("y.off - y.months * 1461 / 48")
    columns = ("worker, agency, destination_country, destination_city, destination_group, programme, job_title, "
               "sector, contract_start, contract_end, wage_currency, basic_wage, gross_wage, departure_date, "
               "accident_insurance, insurance_policy_no, status, status_changed_on, created_by, updated_at")
    return (
        f"INSERT INTO placement ({columns}) "
        f"SELECT {int(first_worker)} + y.i % {int(workers)}, {int(agency)}, {_by_share([_q(s.country) for s in MIX])}, "
        f"CASE WHEN y.b >= {domestic} THEN {city} ELSE {_by_share([_q(s.city) for s in MIX])} END, "
        f"CASE WHEN y.b >= {domestic} THEN {group} ELSE '' END, "
        f"{_by_share([_q(s.programme) for s in MIX])}, 'worker', {_by_share([_q(s.sector) for s in MIX])}, "
        f"{departure}, {contract_end}, {_by_share([_q(s.currency) for s in MIX])}, "
        f"{_by_share([str(s.basic_wage) for s in MIX])}, {_by_share([str(s.gross_wage) for s in MIX])}, "
        f"{departure}, TRUE, 'BENCH-' || y.i, 'working', {departure}, 'bench', {departure} "
        f"FROM (SELECT d.*, {months} AS months FROM ({draw}) d) y"
    )


def worker_rows(count: int) -> list[tuple]:
    """Workers with well-formed, unique identity numbers (region, birth date, sequence, check character)."""
    from export_mgmt.idnumber import make_number

    rows, seen = [], set()
    for i in range(1, count + 1):
        region = COUNTIES[i % len(COUNTIES)]
        birth = dt.date(1972, 1, 1) + dt.timedelta(days=(i * 7919) % 10950)  # born 1972–2001
        # (county, birth date, i % 1000) repeats every 219,000 rows; each further block shifts the sequence
        sequence = (i + 137 * (i // 219_000)) % 1000
        number = make_number(region, birth, sequence)
        if number in seen:
            raise RuntimeError(f"duplicate identity number {number}")
        seen.add(number)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        sex = "M" if sequence % 2 else "F"
        rows.append((number, name, sex, birth, region, region, "junior_secondary", "overseas", "abroad",
                     dt.date(2021, 3, 1), "fit"))
    return rows


WORKER_COLUMNS = ("id_number", "name", "sex", "birth_date", "id_region_code", "county_code", "education",
                  "intention", "status", "health_check_date", "health_check_result")


def baseline_statements(engine: str, per_rule: bool = False) -> list[str]:
    """The hand-written sweep for the default schedule.

    Single (the default): ONE INSERT … SELECT, a UNION ALL of the five rules. Per rule: five INSERT … SELECTs,
    one per rule, which the caller runs in a transaction each, as the application does. Each rule's branch has
    its own window (due between lookback and horizon) and stop conditions. Every programme follows the general
    rules, so there is no programme filter. Parameters: 1 horizon, 2 lookback, 3 created_at.
    (Filtering outside the UNION ALL instead makes SQLite run the union as a co-routine that hands every
    candidate row, 32 million for a million placements, to the outer query: about 20 % slower.)
    """
    anchor = "COALESCE(p.departure_date, p.contract_start)"
    tracked = "(" + ", ".join(_q(s) for s in TRACKED) + ")"
    finished = "(" + ", ".join(_q(s) for s in FINISHED) + ")"
    if engine == "postgres":
        def plus(expr: str, days: int) -> str:
            return f"({expr} {'+' if days >= 0 else '-'} {abs(days)})"

        def plus_months(expr: str) -> str:
            return f"CAST({expr} + m.k * INTERVAL '1 month' AS DATE)"

        ctes = {"monthly": "", "quarterly": ""}
        monthly, quarterly = "generate_series(1, 12) AS m(k)", f"generate_series(15, {MAX_MONTHS}, 3) AS m(k)"
        overdue, (horizon, lookback, created) = "s.due + s.grace", ("$1", "$2", "$3")
    else:
        def plus(expr: str, days: int) -> str:
            return f"date({expr}, '{days:+d} days')"

        def plus_months(expr: str) -> str:
            # Calendar months, clamped to the month's last day as PostgreSQL does (31 Jan + 1 month = 28/29 Feb).
            return (f"min(date({expr}, 'start of month', printf('%+d months', m.k), "
                    f"printf('%+d days', CAST(strftime('%d', {expr}) AS INTEGER) - 1)), "
                    f"date({expr}, 'start of month', printf('%+d months', m.k + 1), '-1 day'))")

        ctes = {"monthly": "monthly(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM monthly WHERE k < 12)",
                "quarterly": (f"quarterly(k) AS (SELECT 15 UNION ALL SELECT k + 3 FROM quarterly "
                              f"WHERE k + 3 <= {MAX_MONTHS})")}
        monthly, quarterly = "monthly AS m", "quarterly AS m"
        overdue, (horizon, lookback, created) = "date(s.due, printf('%+d days', s.grace))", ("?1", "?2", "?3")

    def window(due: str) -> str:
        return f"{due} <= {horizon} AND {due} >= {lookback}"

    arrival, every_month = plus(anchor, 14), plus_months(anchor)
    before_end, after_return = plus("p.contract_end", -45), plus("p.status_changed_on", 30)
    columns = "AS placement, {} AS kind, {} AS seq, {} AS due, {} AS grace"

    def rule(kind: str, seq: str, due: str, grace: int, source: str) -> str:
        return f"SELECT p.id {columns.format(_q(kind), seq, due, grace)} {source}"

    periodic = f"WHERE p.status IN {tracked} AND {window(every_month)} AND {every_month} < p.contract_end"
    branches = [  # (the month series it needs, the rule's rows)
        ("", rule("arrival", "1", arrival, 7, f"FROM placement p WHERE p.status IN {tracked} AND {window(arrival)}")),
        ("monthly", rule("periodic", "m.k", every_month, 10, f"FROM placement p CROSS JOIN {monthly} {periodic}")),
        ("quarterly", rule("periodic", "m.k", every_month, 14, f"FROM placement p CROSS JOIN {quarterly} {periodic}")),
        ("", rule("before_end", "1", before_end, 14, f"FROM placement p WHERE p.status IN {tracked} "
                  f"AND {before_end} > {anchor} AND {window(before_end)}")),
        ("", rule("after_return", "1", after_return, 14, f"FROM placement p WHERE p.status IN {finished} "
                  f"AND EXISTS (SELECT 1 FROM placement_event e WHERE e.placement = p.id AND e.status IN {tracked}) "
                  f"AND {window(after_return)}")),
    ]

    def insert(needs: list[str], select: str) -> str:
        with_ = [ctes[name] for name in needs if ctes[name]]
        prefix = f"WITH RECURSIVE {', '.join(with_)} " if with_ else ""
        return (f"{prefix}INSERT INTO followup (placement, kind, seq, inspection_case, due_date, overdue_after, "
                f"status, created_at) SELECT s.placement, s.kind, s.seq, 0, s.due, {overdue}, 'pending', {created} "
                # WHERE true: SQLite needs a WHERE before ON CONFLICT in an INSERT … SELECT (a parsing ambiguity).
                f"FROM ({select}) s WHERE true ON CONFLICT (placement, kind, seq, inspection_case) DO NOTHING")

    if per_rule:
        return [insert([needs] if needs else [], select) for needs, select in branches]
    return [insert([needs for needs, _ in branches if needs], " UNION ALL ".join(select for _, select in branches))]


def checksum_sql(days_since_2000: Callable[[str], str]) -> str:
    """Count and two order-independent sums of a per-row hash of (placement, kind, seq, due_date, overdue_after);
    `plain` counts the rows that are pending schedule follow-ups (inspection_case 0), which all must be."""
    kind = "CASE kind " + " ".join(f"WHEN {_q(k)} THEN {v}" for k, v in KIND_CODES.items()) + " ELSE 0 END"
    row = (f"((CAST(placement AS BIGINT) * 1000003 + {kind} * 7919 + CAST(seq AS BIGINT) * 104729 "
           f"+ {days_since_2000('due_date')} * 31 + {days_since_2000('overdue_after')} * 131071) % 4294967291) "
           f"* 1000000007 % 4294967291")
    return (f"SELECT COUNT(*) AS n, COALESCE(SUM(h), 0) AS s1, "
            f"COALESCE(SUM((h % 2147483647) * (h % 2147483647) % 2147483629), 0) AS s2, "
            f"COALESCE(SUM(plain), 0) AS plain FROM (SELECT {row} AS h, "
            f"CASE WHEN status = 'pending' AND inspection_case = 0 THEN 1 ELSE 0 END AS plain FROM followup) c")


# ---------------------------------------------------------------------------------------------------------------
# Engines


class PostgresBench:
    engine = "postgres"

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.name = f"export_mgmt_bench_{os.getpid()}"
        self.url = server_url.rsplit("/", 1)[0] + "/" + self.name
        self.tmp = Path(tempfile.mkdtemp(prefix="export-mgmt-bench-"))
        self.conn: Any = None
        self.created = False

    async def create(self) -> str:
        import asyncpg

        conn = await asyncpg.connect(self.server_url)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            await conn.execute(f"CREATE DATABASE {self.name}")
            self.created = True
        finally:
            await conn.close()
        return self.url

    async def connect(self) -> None:
        import asyncpg

        self.conn = await asyncpg.connect(self.url)

    async def load(self, placements: int, workers: int, on: dt.date) -> None:
        with Progress(f"load: agency and {workers:,} workers (COPY)"):
            agency = await self.conn.fetchval(
                "INSERT INTO agency (name, county_code, contact_name) VALUES ($1, '210115', 'bench') RETURNING id",
                "沈阳基准国际劳务合作有限公司")
            await self.conn.copy_records_to_table("worker", records=worker_rows(workers), columns=WORKER_COLUMNS)
            first = await self.conn.fetchval("SELECT min(id) FROM worker")
        sql = placement_insert(f"generate_series(CAST(1 AS BIGINT), {int(placements)}) AS g(i)",
                               lambda days: f"(DATE {_q(on.isoformat())} - CAST({days} AS INTEGER))",
                               first, workers, agency)
        with Progress(f"load: {placements:,} placements (one INSERT … SELECT from generate_series)") as step:
            status = await self.conn.execute(sql)
            step.note = status
        with Progress("load: VACUUM ANALYZE"):
            # What autovacuum would have done by the night of the sweep; then it is kept out of the timings.
            for table in ("agency", "worker", "placement", "followup"):
                await self.conn.execute(f"VACUUM ANALYZE {table}")
            await self.conn.execute("ALTER TABLE followup SET (autovacuum_enabled = off)")
            await self.conn.execute("ALTER TABLE placement SET (autovacuum_enabled = off)")

    async def empty_followups(self) -> None:
        # With what the sweeps remember covering: a first run is a first run.
        await self.conn.execute("TRUNCATE followup, followup_sweep RESTART IDENTITY CASCADE")

    async def settle(self) -> None:
        await self.conn.execute("CHECKPOINT")

    async def backend_cpu(self) -> dict[int, float | None]:
        rows = await self.conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND backend_type = 'client backend'")
        return {r["pid"]: proc_cpu_seconds(r["pid"]) for r in rows}

    async def after_fill(self) -> None:
        """Before the re-run: the filled table as a night later, vacuumed and analysed."""
        await self.conn.execute("VACUUM ANALYZE followup")
        await self.conn.execute("CHECKPOINT")

    async def baseline(self, on: dt.date, per_rule: bool) -> int:
        """One transaction per statement: one in all, or one per rule like the application."""
        horizon, lookback = on + dt.timedelta(days=LEAD_DAYS), on - dt.timedelta(days=LOOKBACK_DAYS)
        created = 0
        for sql in baseline_statements("postgres", per_rule):
            async with self.conn.transaction():
                status = await self.conn.execute(sql, horizon, lookback, dt.datetime.now(dt.timezone.utc))
            created += int(status.rsplit(" ", 1)[-1])
        return created

    async def checksum(self) -> tuple[int, ...]:
        row = await self.conn.fetchrow(checksum_sql(lambda c: f"CAST({c} - DATE '2000-01-01' AS BIGINT)"))
        return tuple(int(v) for v in row.values())

    async def count_by_kind(self) -> dict[str, int]:
        return {r["kind"]: r["n"] for r in await self.conn.fetch(
            "SELECT kind, COUNT(*) AS n FROM followup GROUP BY kind ORDER BY kind")}

    async def placements(self) -> int:
        return await self.conn.fetchval("SELECT COUNT(*) FROM placement")

    async def facts(self) -> dict[str, str]:
        facts = {"engine version": "PostgreSQL " + await self.conn.fetchval("SHOW server_version")}
        for name in ("shared_buffers", "work_mem", "synchronous_commit", "max_wal_size", "jit"):
            facts[name] = await self.conn.fetchval(f"SHOW {name}")
        facts["database size"] = await self.conn.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return facts

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()

    async def drop(self) -> None:
        import asyncpg

        if self.created:
            conn = await asyncpg.connect(self.server_url)
            try:
                await conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            finally:
                await conn.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class SqliteBench:
    engine = "sqlite"

    def __init__(self, keep: bool = False):
        self.tmp = Path(tempfile.mkdtemp(prefix="export-mgmt-bench-"))
        self.path = self.tmp / "bench.sqlite3"
        self.keep = keep
        self.conn: sqlite3.Connection | None = None
        self.pragmas: dict[str, Any] = {}

    async def create(self) -> str:
        return f"sqlite:///{self.path}"

    async def connect(self) -> None:
        """The baseline's connection, set up as Piccolo sets up the application's: autocommit, foreign keys on,
        and whatever synchronous level the application's connections get."""
        from export_mgmt import db

        app_conn = await db.engine().get_connection()
        try:
            for name in ("synchronous", "journal_mode", "foreign_keys", "cache_size"):
                cursor = await app_conn.execute(f"PRAGMA {name}")
                self.pragmas[name] = list((await cursor.fetchone()).values())[0]
        finally:
            await app_conn.close()
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        self.conn.execute("PRAGMA foreign_keys = 1")
        self.conn.execute(f"PRAGMA synchronous = {int(self.pragmas['synchronous'])}")
        self.conn.execute(f"PRAGMA cache_size = {int(self.pragmas['cache_size'])}")

    def _one(self, sql: str, params: tuple = ()) -> tuple:
        assert self.conn is not None
        return self.conn.execute(sql, params).fetchone()

    async def load(self, placements: int, workers: int, on: dt.date) -> None:
        conn = self.conn
        assert conn is not None
        with Progress(f"load: agency and {workers:,} workers (executemany)"):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO agency (name, county_code, contact_name) VALUES (?, '210115', 'bench')",
                         ("沈阳基准国际劳务合作有限公司",))
            agency = self._one("SELECT last_insert_rowid()")[0]
            marks = ", ".join("?" for _ in WORKER_COLUMNS)
            conn.executemany(f"INSERT INTO worker ({', '.join(WORKER_COLUMNS)}) VALUES ({marks})",
                             [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)
                              for row in worker_rows(workers)])
            conn.execute("COMMIT")
            first = self._one("SELECT min(id) FROM worker")[0]
        numbers = f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {int(placements)}) " \
                  f"SELECT i FROM n) AS g"
        sql = placement_insert(numbers, lambda days: f"date({_q(on.isoformat())}, printf('%+d days', -({days})))",
                               first, workers, agency)
        with Progress(f"load: {placements:,} placements (one INSERT … SELECT from a recursive CTE)") as step:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(sql)
            step.note = f"{self._one('SELECT changes()')[0]:,} rows"
            conn.execute("COMMIT")
        # No ANALYZE: the application never runs it, so a county office's file has no sqlite_stat1 either.
        await self.settle()

    async def empty_followups(self) -> None:
        assert self.conn is not None
        self.conn.execute("DELETE FROM followup")
        self.conn.execute("DELETE FROM followup_sweep")  # what the sweeps remember covering: a first run is a first run

    async def settle(self) -> None:
        self._one("PRAGMA wal_checkpoint(TRUNCATE)")

    async def backend_cpu(self) -> dict[int, float | None]:
        return {}  # the engine runs inside this process

    async def after_fill(self) -> None:
        await self.settle()

    async def baseline(self, on: dt.date, per_rule: bool) -> int:
        """One transaction per statement: one in all, or one per rule like the application."""
        conn = self.conn
        assert conn is not None
        horizon, lookback = on + dt.timedelta(days=LEAD_DAYS), on - dt.timedelta(days=LOOKBACK_DAYS)
        count = 0
        for sql in baseline_statements("sqlite", per_rule):
            # Stored as Piccolo stores a timestamptz on SQLite: str() of the UTC datetime.
            created = str(dt.datetime.now(dt.timezone.utc))
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(sql, (horizon.isoformat(), lookback.isoformat(), created))
                count += self._one("SELECT changes()")[0]
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        return count

    async def checksum(self) -> tuple[int, ...]:
        return tuple(int(v) for v in self._one(checksum_sql(
            lambda c: f"CAST(julianday({c}) - julianday('2000-01-01') AS INTEGER)")))

    async def count_by_kind(self) -> dict[str, int]:
        assert self.conn is not None
        return dict(self.conn.execute("SELECT kind, COUNT(*) FROM followup GROUP BY kind ORDER BY kind").fetchall())

    async def placements(self) -> int:
        return self._one("SELECT COUNT(*) FROM placement")[0]

    async def facts(self) -> dict[str, str]:
        facts = {"engine version": f"SQLite {sqlite3.sqlite_version}"}
        facts.update({f"PRAGMA {k} (app connection)": str(v) for k, v in self.pragmas.items()})
        facts["database size"] = f"{self.path.stat().st_size / 2**20:,.0f} MB"
        return facts

    async def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    async def drop(self) -> None:
        if self.keep:
            print(f"kept {self.path}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------------
# The benchmark


async def check_assumptions() -> None:
    """The baseline spells out the default schedule and the sweep's constants; stop if the app says otherwise."""
    from export_mgmt.followups import schedule, sweeps
    from export_mgmt.placements.lifecycle import FINISHED as APP_FINISHED

    problems = []
    if set(sweeps.TRACKED) != set(TRACKED) or set(APP_FINISHED) != set(FINISHED):
        problems.append("tracked/finished statuses changed")
    if (sweeps.LEAD_DAYS, sweeps.LOOKBACK_DAYS, schedule.MAX_MONTHS) != (LEAD_DAYS, LOOKBACK_DAYS, MAX_MONTHS):
        problems.append("LEAD_DAYS / LOOKBACK_DAYS / MAX_MONTHS changed")
    rules = await schedule.load_rules(active_only=True)
    got = sorted((r.kind, r.offset_days, r.first_month, r.last_month, r.every_months, r.grace_days) for r in rules)
    if any(r.destination or r.programme for r in rules) or got != sorted(DEFAULT_SCHEDULE):
        problems.append(f"the seeded schedule is not the default one: {got}")
    if problems:
        raise SystemExit("The hand-written baseline no longer matches the application: " + "; ".join(problems))


def machine_facts() -> dict[str, str]:
    facts = {"date": dt.date.today().isoformat(), "CPUs (os.cpu_count)": str(os.cpu_count())}
    try:
        info = Path("/proc/cpuinfo").read_text()
        facts["CPU"] = next(line.split(":", 1)[1].strip() for line in info.splitlines()
                            if line.startswith("model name"))
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        facts["memory"] = f"{int(mem) / 2**20:.0f} GiB"
    except (OSError, StopIteration, IndexError, ValueError):
        pass
    facts["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    facts["Python"] = platform.python_version()
    facts["OS"] = platform.platform()
    return facts


@dataclass
class Run:
    repeat: int
    side: str  # scenario | baseline
    phase: str  # first | rerun
    seconds: float
    cpu: float | None  # seconds, None when the server's processes cannot be read
    created: int


async def measure(bench, on: dt.date, repeat: int, per_rule: bool
                  ) -> tuple[list[Run], tuple[int, ...], dict[str, int]]:
    from export_mgmt.followups.sweeps import generate_due

    async def scenario() -> int:
        return await generate_due(on)

    async def baseline() -> int:
        return await bench.baseline(on, per_rule)

    sides: dict[str, Callable[[], Awaitable[int]]] = {"scenario": scenario, "baseline": baseline}
    labels = {"scenario": "scenario generate_due()", "baseline": "baseline raw SQL      "}
    runs: list[Run] = []
    reference: tuple[int, ...] | None = None
    by_kind: dict[str, int] = {}
    for r in range(1, repeat + 1):
        for side in ("scenario", "baseline") if r % 2 else ("baseline", "scenario"):
            await bench.empty_followups()
            await bench.settle()
            with Progress(f"[{r}/{repeat}] {labels[side]} on an empty table") as step:
                async with Clock(bench) as clock:
                    created = await sides[side]()
                step.note = f"{created:,} created"
            runs.append(Run(r, side, "first", clock.seconds, clock.cpu, created))
            check = await bench.checksum()
            n, _, _, plain = check
            if n != created or plain != n:
                raise SystemExit(f"MISMATCH: {side} reported {created} created, the table holds {n} ({plain} "
                                 f"pending schedule rows)")
            if reference is None:
                reference, by_kind = check, await bench.count_by_kind()
            elif check != reference:
                raise SystemExit(f"MISMATCH: {side} in repeat {r} produced different rows: (count, sum1, sum2, plain) "
                                 f"{check} != {reference}; by kind {await bench.count_by_kind()} vs {by_kind}")
            await bench.after_fill()
            with Progress(f"[{r}/{repeat}] {labels[side]} re-run on the filled table") as step:
                async with Clock(bench) as clock:
                    created = await sides[side]()
                step.note = f"{created:,} created"
            runs.append(Run(r, side, "rerun", clock.seconds, clock.cpu, created))
            if created != 0 or await bench.checksum() != reference:
                raise SystemExit(f"MISMATCH: the {side} re-run created {created} rows or changed the table")
    assert reference is not None
    return runs, reference, by_kind


def _median(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else statistics.median(values)  # type: ignore


def summarise(runs: list[Run]) -> list[dict[str, Any]]:
    rows = []
    for phase, title in (("first", "generate_due, empty follow-up table"), ("rerun", "re-run on the filled table")):
        mine = [r for r in runs if r.phase == phase]
        wall = {side: [r.seconds for r in mine if r.side == side] for side in ("scenario", "baseline")}
        cpu = {side: [r.cpu for r in mine if r.side == side] for side in ("scenario", "baseline")}
        s, b = statistics.median(wall["scenario"]), statistics.median(wall["baseline"])
        cs, cb = _median(cpu["scenario"]), _median(cpu["baseline"])
        rows.append({"step": title, "rows created": mine[0].created, "scenario s": s, "baseline s": b,
                     "ratio": s / b, "scenario cpu s": cs, "baseline cpu s": cb,
                     "cpu ratio": cs / cb if cs is not None and cb else None,
                     "scenario runs": wall["scenario"], "baseline runs": wall["baseline"],
                     "scenario cpu runs": cpu["scenario"], "baseline cpu runs": cpu["baseline"]})
    return rows


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def report(args, placements: int, machine: dict[str, str], engine_facts: dict[str, str], summary, reference,
           by_kind, load_seconds: float) -> str:
    lines = [f"Follow-up generation benchmark — {args.engine}, {placements:,} active placements, on {args.on}, "
             f"baseline {args.baseline}, median of {args.repeat}", ""]
    lines.append("| step | rows created | scenario s | baseline s | ratio scenario/baseline "
                 "| scenario CPU s | baseline CPU s | CPU ratio |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in summary:
        lines.append(f"| {row['step']} | {row['rows created']:,} | {row['scenario s']:.2f} | {row['baseline s']:.2f} "
                     f"| {row['ratio']:.2f} | {_s(row['scenario cpu s'])} | {_s(row['baseline cpu s'])} "
                     f"| {_s(row['cpu ratio'])} |")
    lines.append("")
    lines.append("Every run, in order (wall-clock s / CPU s):")
    for row in summary:
        for side in ("scenario", "baseline"):
            pairs = ", ".join(f"{w:.2f}/{_s(c)}" for w, c in zip(row[f"{side} runs"], row[f"{side} cpu runs"]))
            lines.append(f"  {row['step']}, {side}: {pairs}")
    lines.append("rows by kind: " + ", ".join(f"{k} {v:,}" for k, v in by_kind.items()))
    lines.append(f"checksum (count, sum1, sum2, pending): {reference}")
    lines.append(f"data load: {load_seconds:.1f} s")
    lines.append("CPU s = this Python process" + (" + the PostgreSQL backends serving the run" if
                                                  args.engine == "postgres" else " (SQLite runs inside it)"))
    lines.append("")
    for key, value in {**machine, **engine_facts}.items():
        lines.append(f"- {key}: {value}")
    return "\n".join(lines)


async def main_async(args) -> int:
    machine = machine_facts()
    bench = PostgresBench(args.server_url) if args.engine == "postgres" else SqliteBench(keep=args.keep)
    # The environment first: export_mgmt reads it when it is imported.
    url = await bench.create()
    os.environ["DATABASE_URL"] = url
    os.environ["DATA_DIR"] = str(bench.tmp)
    os.environ["SECRET_KEY"] = "bench-secret-key-not-for-production"
    os.environ["PICCOLO_CONF"] = "export_mgmt.piccolo_conf"
    try:
        from export_mgmt import db
        from export_mgmt.schema import migrate

        with Progress(f"migrate a new {args.engine} database"), warnings.catch_warnings():
            # Piccolo says, once per such migration, that SQLite enforces no column lengths; known and harmless.
            warnings.filterwarnings("ignore", message=".*SQLITE doesn't support changes in length")
            await migrate()
        await db.start()
        try:
            await check_assumptions()
            await bench.connect()
            started = time.perf_counter()
            await bench.load(args.placements, min(args.workers, args.placements), args.on)
            load_seconds = time.perf_counter() - started
            placements = await bench.placements()
            runs, reference, by_kind = await measure(bench, args.on, args.repeat, args.baseline == "per-rule")
            machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
            engine_facts = await bench.facts()
        finally:
            await bench.close()
            await db.stop()
    finally:
        await bench.drop()
    summary = summarise(runs)
    text = report(args, placements, machine, engine_facts, summary, reference, by_kind, load_seconds)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "engine": args.engine, "baseline": args.baseline,
            "placements": placements, "on": args.on.isoformat(), "repeat": args.repeat,
            "summary": summary, "runs": [r.__dict__ for r in runs], "rows_by_kind": by_kind,
            "checksum": reference, "load_seconds": load_seconds, "machine": machine, "engine_facts": engine_facts,
        }, indent=2, ensure_ascii=False))
    return 0


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(prog="python -m export_mgmt.bench.bench_followups",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--placements", type=int, default=1_000_000, help="active placements to load (1,000,000)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="workers they belong to (5,000)")
    parser.add_argument("--baseline", choices=("single", "per-rule"), default="single",
                        help="the raw SQL: one INSERT … SELECT for all rules in one transaction (single), or one "
                             "per rule, a transaction each, as the application runs them (per-rule)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side; the median is reported (3)")
    parser.add_argument("--on", type=dt.date.fromisoformat, default=DEFAULT_ON, help="the sweep's date (2026-11-28)")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL,
                        help="PostgreSQL server; the benchmark creates and drops its own database beside this one")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the database file")
    args = parser.parse_args(argv)
    if args.placements < 1 or args.repeat < 1 or args.workers < 1:
        parser.error("--placements, --workers and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

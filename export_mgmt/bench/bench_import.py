"""Benchmark: the Excel import of a generated 100,000-row workbook into an empty pool, against calamine + raw driver.

    .venv/bin/python -m export_mgmt.bench.bench_import --rows 100000 --engine postgres
    .venv/bin/python -m export_mgmt.bench.bench_import --rows 100000 --engine sqlite --repeat 3

It builds its own database (PostgreSQL: a new database export_mgmt_bench_<pid> beside the server's, dropped at the
end; SQLite: a file in a temporary directory, removed at the end), migrates it, writes an .xlsx of N valid workers
(Chinese headers as the template has them, every value a clerk would type: county code, education and intention
by their Chinese labels, a phone number; a third of the rows with a trade and level, a fifth with a language and a
score), then times, each on an empty pool:

- scenario: `export_mgmt.workers.imports.service.import_workbook(...)` in "import the valid rows" mode for a city
  administrator, the function the web page and `export-mgmt import-workers` call: the untrusted-file checks,
  reading with python-calamine, every row through the register form's validation (for 10,000 rows or more in
  the import's judging process, batch by batch, while this process writes the batches judged), the duplicate
  checks (in the file and against the pool), and the set-based write with one audit row per worker and one for
  the import, in one transaction;
- baseline: the same bytes read with python-calamine, each row turned into the same column values with no checks
  (sex, birth date and region sliced from the identity number, labels mapped to codes by a dict), and inserted
  with the raw driver in one transaction: sqlite3 executemany on SQLite, asyncpg COPY on PostgreSQL; workers
  first, then their ids read back, then skills and languages. No audit rows, no validation.

Runs alternate (scenario first in odd repeats, baseline first in even ones); the tables are emptied before every
run and the report gives medians. The CPU columns count this process only: the judging process's CPU is not
in the scenario's, and the first scenario run includes starting that process. Both sides must leave the same
rows (count and an order-independent digest of the workers, skills and languages), or the benchmark stops with
an error.

It imports the rest of export_mgmt only after it has set
DATABASE_URL, DATA_DIR, SECRET_KEY and PICCOLO_CONF.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from export_mgmt.bench.bench_followups import Clock, PostgresBench, Progress, SqliteBench, machine_facts

COUNTIES = ("210111", "210112", "210113", "210114", "210115", "210123", "210124", "210181")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华")
EDUCATION = ("junior_secondary", "senior_secondary", "vocational", "primary")
INTENTION = ("overseas", "domestic", "either")
TRADES = ("焊工", "电工", "瓦工", "厨师", "叉车司机", "缝纫工")
# (header key, Chinese header): the template's first line in the default language.
COLUMNS = ("id_number", "name", "county_code", "phone", "education", "intention", "skill_trade", "skill_level",
           "language", "language_score")
WORKER_COLUMNS = ("id_number", "name", "sex", "birth_date", "id_region_code", "county_code", "township_code",
                  "township_name", "village", "phone", "education", "health_check_date", "health_check_result",
                  "training", "intention", "preferred_destinations", "status", "notes", "created_at",
                  "updated_at", "created_by", "version")
TABLES = ("worker_language", "worker_skill", "worker", "audit_log")


def source_row(i: int) -> tuple:
    """Row i of the workbook as typed (labels still labels); a function of i only."""
    from export_mgmt.idnumber import make_number

    county = COUNTIES[i % len(COUNTIES)]
    born = dt.date(1970, 1, 1) + dt.timedelta(days=(i // len(COUNTIES)) % 7000)
    number = make_number(county, born, i // (len(COUNTIES) * 7000) + 1)
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)]
    trade, level = (TRADES[i % len(TRADES)], str(3 + i % 3)) if i % 3 == 0 else ("", "")
    language, score = ("ko", 100 + i % 100) if i % 5 == 0 else ("", None)
    return (number, name, county, f"138{i:08d}", EDUCATION[i % len(EDUCATION)], INTENTION[i % len(INTENTION)],
            trade, level, language, score)


def build_workbook(rows: int, first: int = 0) -> bytes:
    """A register of `rows` workers: source_row(first) onwards."""
    import xlsxwriter

    from export_mgmt.workers import labels
    from export_mgmt.workers.imports.columns import BY_KEY, header_text, in_locale

    def label(choices: dict[str, str], code: str) -> str:
        return in_locale("zh_CN", choices[code])

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("劳动力资源")
    for col, key in enumerate(COLUMNS):
        sheet.write_string(0, col, header_text(BY_KEY[key], "zh_CN"))
    for i in range(rows):
        number, name, county, phone, education, intention, trade, level, language, score = source_row(first + i)
        values = (number, name, county, phone, label(labels.EDUCATION, education),
                  label(labels.INTENTION, intention), trade, level, label(labels.LANGUAGES, language)
                  if language else "", score)
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(i + 1, col, value)
            elif value:
                sheet.write_string(i + 1, col, value)
    book.close()
    return out.getvalue()


class Baseline:
    """Calamine, then the values the application would store, computed without any check."""

    def __init__(self):
        from export_mgmt.workers import labels
        from export_mgmt.workers.imports.columns import in_locale

        self.codes = {in_locale("zh_CN", text): code for choices in (labels.EDUCATION, labels.INTENTION,
                                                                        labels.LANGUAGES)
                      for code, text in choices.items()}

    def rows(self, data: bytes) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """(worker rows, (id_number, skill…) rows, (id_number, language…) rows)."""
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells = book.get_sheet_by_index(0).to_python()
        now = dt.datetime.now(dt.timezone.utc)
        codes = self.codes
        workers, skills, languages = [], [], []
        for row in cells[1:]:
            number, name, county, phone, education, intention, trade, level, language, score = row
            born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            workers.append((number, name, "M" if int(number[16]) % 2 else "F", born, number[:6], county, None, "",
                            "", phone, codes[education], None, "", "", codes[intention], "", "available", "", now,
                            now, 1, 1))
            if trade:
                skills.append((number, trade, level, ""))
            if language:
                languages.append((number, codes[language], "", "", int(score)))
        return workers, skills, languages


class SqliteSide(SqliteBench):
    def empty(self) -> None:
        assert self.conn is not None
        for table in TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self._one("PRAGMA wal_checkpoint(TRUNCATE)")

    def insert(self, workers: list[tuple], skills: list[tuple], languages: list[tuple]) -> int:
        conn = self.conn
        assert conn is not None
        marks = ", ".join("?" for _ in WORKER_COLUMNS)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO worker ({', '.join(WORKER_COLUMNS)}) VALUES ({marks})",
                         [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in workers])
        ids = dict(conn.execute("SELECT id_number, id FROM worker").fetchall())
        conn.executemany("INSERT INTO worker_skill (worker, trade, level, certificate_no) VALUES (?, ?, ?, ?)",
                         [(ids[n], *rest) for n, *rest in skills])
        conn.executemany("INSERT INTO worker_language (worker, language, level, test_name, score) "
                         "VALUES (?, ?, ?, ?, ?)", [(ids[n], *rest) for n, *rest in languages])
        conn.execute("COMMIT")
        return len(workers)

    def fetch(self, sql: str) -> list[tuple]:
        assert self.conn is not None
        return self.conn.execute(sql).fetchall()


class PostgresSide(PostgresBench):
    async def empty_async(self) -> None:
        await self.conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        await self.conn.execute("CHECKPOINT")

    async def insert_async(self, workers: list[tuple], skills: list[tuple], languages: list[tuple]) -> int:
        async with self.conn.transaction():
            await self.conn.copy_records_to_table("worker", records=workers, columns=WORKER_COLUMNS)
            ids = dict(await self.conn.fetch("SELECT id_number, id FROM worker"))
            await self.conn.copy_records_to_table("worker_skill", records=[(ids[n], *rest) for n, *rest in skills],
                                                  columns=("worker", "trade", "level", "certificate_no"))
            await self.conn.copy_records_to_table(
                "worker_language", records=[(ids[n], *rest) for n, *rest in languages],
                columns=("worker", "language", "level", "test_name", "score"))
        return len(workers)


DIGEST_SQL = (
    "SELECT id_number, name, sex, CAST(birth_date AS TEXT), id_region_code, county_code, phone, education, "
    "intention, status FROM worker",
    "SELECT w.id_number, s.trade, s.level FROM worker_skill s JOIN worker w ON w.id = s.worker",
    "SELECT w.id_number, l.language, CAST(l.score AS TEXT) FROM worker_language l JOIN worker w ON w.id = l.worker",
)


async def digest(bench) -> tuple[int, int, int, str]:
    """Row counts and an order-independent digest of what either side left in the three tables."""
    counts, summed = [], hashlib.sha256()
    for sql in DIGEST_SQL:
        rows = bench.fetch(sql) if isinstance(bench, SqliteSide) else [tuple(r) for r in await bench.conn.fetch(sql)]
        counts.append(len(rows))
        for line in sorted("\x1f".join(str(v) for v in row) for row in rows):
            summed.update(line.encode() + b"\n")
    return counts[0], counts[1], counts[2], summed.hexdigest()[:16]


async def empty(bench) -> None:
    """The tables emptied before every run."""
    if isinstance(bench, SqliteSide):
        bench.empty()
    else:
        await bench.empty_async()


async def measure(bench, data: bytes, repeat: int) -> tuple[list[dict[str, Any]], tuple]:
    from export_mgmt.accounts.actor import Actor
    from export_mgmt.workers.imports.service import VALID_ROWS, import_workbook

    admin = Actor(id=1, username="bench", display_name="bench", role="admin", county_code=None)
    baseline = Baseline()

    phases: list[dict[str, float]] = []

    async def scenario() -> int:
        marks: list[tuple[str, float]] = []

        def progress(phase: str, done: int, total: int) -> None:
            if not marks or marks[-1][0] != phase:
                marks.append((phase, time.perf_counter()))

        result = await import_workbook(admin, "bench.xlsx", data, VALID_ROWS, progress=progress)
        # Where the time went: checks, reading, validating (with the pool check), writing (with the audit rows).
        phases.append({phase: end - start for (phase, start), (_next, end) in zip(marks, marks[1:])})
        if result.errors:
            raise SystemExit(f"the generated workbook has errors: {result.errors[:5]}")
        return result.imported

    async def raw() -> int:
        workers, skills, languages = baseline.rows(data)
        if isinstance(bench, SqliteSide):
            return bench.insert(workers, skills, languages)
        return await bench.insert_async(workers, skills, languages)

    sides = {"scenario": scenario, "baseline": raw}
    runs: list[dict[str, Any]] = []
    reference = None
    for r in range(1, repeat + 1):
        for side in (("scenario", "baseline") if r % 2 else ("baseline", "scenario")):
            await empty(bench)
            with Progress(f"[{r}/{repeat}] {side}") as step:
                async with Clock(bench) as clock:
                    written = await sides[side]()
                step.note = f"{written:,} workers"
            runs.append({"repeat": r, "side": side, "seconds": clock.seconds, "cpu": clock.cpu, "rows": written})
            check = await digest(bench)
            if reference is None:
                reference = check
            elif check != reference:
                raise SystemExit(f"MISMATCH: {side} in repeat {r} left {check}, expected {reference}")
    assert reference is not None
    if phases:
        runs.append({"side": "phases", **{k: statistics.median(p.get(k, 0.0) for p in phases) for k in phases[0]}})
    return runs, reference


# ---- peak memory -------------------------------------------------------------------------------------------
# Each side in a fresh process of its own, so that its peak resident set is its own: the import as the command
# line runs it (its judging process's peak added to its own), against python-calamine alone reading the file.

def peak_kib() -> int:
    """This process's peak resident set (VmHWM), in KiB. Not getrusage's ru_maxrss: Linux carries that over
    from the parent's size at fork across exec, so a fresh process would report the benchmark's own size."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def _pool_peak_kib() -> int:
    """The judging process's peak, if the pool was started: asked of it before it is stopped."""
    from export_mgmt.workers.imports import judging

    if judging.JUDGING.current is None:
        return 0
    return judging.JUDGING.current.submit(_pid_and_peak).result()[1]


def _pid_and_peak() -> tuple[int, int]:
    return os.getpid(), peak_kib()


def probe_calamine(path: str) -> dict[str, int]:
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    return {"rows": len(rows) - 1, "peak kib": peak_kib()}


async def probe_import(path: str) -> dict[str, int]:
    from export_mgmt import db
    from export_mgmt.accounts.actor import Actor
    from export_mgmt.workers.imports import judging
    from export_mgmt.workers.imports.service import VALID_ROWS, import_workbook

    await db.start()
    try:
        admin = Actor(id=1, username="bench", display_name="bench", role="admin", county_code=None)
        result = await import_workbook(admin, "bench.xlsx", Path(path).read_bytes(), VALID_ROWS)
        pool_kib = _pool_peak_kib()
    finally:
        await db.stop()
        judging.shutdown()
    return {"rows": result.imported, "peak kib": peak_kib() + pool_kib, "judging kib": pool_kib}


async def measure_memory(bench, data: bytes) -> dict[str, Any]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        path.write_bytes(data)
        found = {}
        for side in ("baseline", "scenario"):
            await empty(bench)
            with Progress(f"peak memory: {side}") as step:
                out = subprocess.run([sys.executable, "-m", "export_mgmt.bench.bench_import", "--memory-probe",
                                      "calamine" if side == "baseline" else "import", "--file", str(path)],
                                     capture_output=True, text=True, env=os.environ.copy())
                if out.returncode != 0:
                    raise SystemExit(f"the {side} memory probe failed:\n{out.stderr[-2000:]}")
                found[side] = json.loads(out.stdout.strip().splitlines()[-1])
                step.note = f"{found[side]['peak kib'] / 1024:.0f} MiB"
    if found["scenario"]["rows"] != found["baseline"]["rows"]:
        raise SystemExit(f"the memory probes saw different rows: {found}")
    scenario, baseline = found["scenario"]["peak kib"], found["baseline"]["peak kib"]
    return {"scenario kib": scenario, "baseline kib": baseline, "ratio": scenario / baseline,
            "judging kib": found["scenario"]["judging kib"]}


def _median(values: list) -> float | None:
    return None if not values or any(v is None for v in values) else statistics.median(values)


def report(args, machine: dict[str, str], facts: dict[str, str], runs, reference, size: int,
           generate_seconds: float) -> tuple[str, dict[str, Any]]:
    phases = next((r for r in runs if r["side"] == "phases"), {})
    runs = [r for r in runs if r["side"] != "phases"]
    wall = {s: [r["seconds"] for r in runs if r["side"] == s] for s in ("scenario", "baseline")}
    cpu = {s: [r["cpu"] for r in runs if r["side"] == s] for s in ("scenario", "baseline")}
    s, b = statistics.median(wall["scenario"]), statistics.median(wall["baseline"])
    cs, cb = _median(cpu["scenario"]), _median(cpu["baseline"])
    summary = {"phases": {k: v for k, v in phases.items() if k != "side"},
               "scenario s": s, "baseline s": b, "ratio": s / b, "scenario cpu s": cs, "baseline cpu s": cb,
               "cpu ratio": cs / cb if cs is not None and cb else None}

    def f(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2f}"

    lines = [f"Worker import benchmark — {args.engine}, {args.rows:,} rows ({size / 2**20:.1f} MiB xlsx), "
             f"median of {args.repeat}", "",
             "| scenario s | baseline s | ratio | scenario CPU s | baseline CPU s | CPU ratio |",
             "|---:|---:|---:|---:|---:|---:|",
             f"| {s:.2f} | {b:.2f} | {s / b:.2f} | {f(cs)} | {f(cb)} | {f(summary['cpu ratio'])} |", "",
             "Every run (wall-clock s / CPU s): " + ", ".join(
                 f"{r['side']} {r['seconds']:.2f}/{f(r['cpu'])}" for r in runs),
             "scenario phases, median s: " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items() if k != "side"),
             f"rows left (workers, skills, languages, digest): {reference}",
             f"workbook generation: {generate_seconds:.1f} s", ""]
    lines += [f"- {k}: {v}" for k, v in {**machine, **facts}.items()]
    return "\n".join(lines), summary


async def main_async(args) -> int:
    machine = machine_facts()
    bench = PostgresSide(args.server_url) if args.engine == "postgres" else SqliteSide(keep=args.keep)
    url = await bench.create()
    os.environ["DATABASE_URL"] = url
    os.environ["DATA_DIR"] = str(bench.tmp)
    os.environ["SECRET_KEY"] = "bench-secret-key-not-for-production"
    os.environ["PICCOLO_CONF"] = "export_mgmt.piccolo_conf"
    try:
        from export_mgmt import db
        from export_mgmt.i18n import set_locale
        from export_mgmt.schema import migrate

        set_locale("zh_CN")
        with Progress(f"migrate a new {args.engine} database"), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*SQLITE doesn't support changes in length")
            await migrate()
        await db.start()
        try:
            await bench.connect()
            started = time.perf_counter()
            with Progress(f"generate a {args.rows:,}-row workbook (xlsxwriter)"):
                data = build_workbook(args.rows)
            generate_seconds = time.perf_counter() - started
            runs, reference = await measure(bench, data, args.repeat)
            memory = await measure_memory(bench, data)
            machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
            facts = await bench.facts() if isinstance(bench, PostgresSide) else {
                "engine version": "SQLite " + sqlite3.sqlite_version,
                **{f"PRAGMA {k}": str(v) for k, v in bench.pragmas.items()}}
        finally:
            await bench.close()
            await db.stop()
    finally:
        await bench.drop()
    text, summary = report(args, machine, facts, runs, reference, len(data), generate_seconds)
    summary["memory"] = memory
    text += (f"\npeak memory: import {memory['scenario kib'] / 1024:.0f} MiB (of which its judging process "
             f"{memory['judging kib'] / 1024:.0f} MiB), "
             f"python-calamine alone {memory['baseline kib'] / 1024:.0f} MiB, ratio {memory['ratio']:.2f}")
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "engine": args.engine, "rows": args.rows, "repeat": args.repeat, "summary": summary, "runs": runs,
            "digest": reference, "machine": machine, "engine_facts": facts}, indent=2, ensure_ascii=False))
    return 0


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(prog="python -m export_mgmt.bench.bench_import",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the workbook (100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side; the median is reported (3)")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server; the benchmark creates and drops its own database beside this one")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the database file")
    parser.add_argument("--memory-probe", choices=("import", "calamine"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.rows <= 100_000 or args.repeat < 1:
        parser.error("--rows must be 1 to 100,000 (the import's limit) and --repeat at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_probe:  # one side of the memory measurement, in this fresh process (see measure_memory)
        found = (probe_calamine(args.file) if args.memory_probe == "calamine"
                 else asyncio.run(probe_import(args.file)))
        print(json.dumps(found))
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())

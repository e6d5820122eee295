"""Benchmark: the worker pages under a load generator, against the same pages served by the raw driver.

    .venv/bin/python -m export_mgmt.bench.bench_pages --workers 1000000 --engine sqlite
    .venv/bin/python -m export_mgmt.bench.bench_pages --workers 100000 --engine postgres --seconds 10

It builds its own database (as the other benchmarks do: a new PostgreSQL database beside the server's, or a
temporary SQLite file), loads N seeded workers, makes a city administrator and a session for her, and starts
two servers with uvicorn, one process each, on loopback:

- scenario: the application itself (`export_mgmt.asgi:app`), every middleware and guard as in production;
- baseline: `export_mgmt.bench.raw_pages:framework_app`, the same work done with the raw driver — session
  and user by the cookie's token hash, the unread count, the page of 50 rows and their count — rendering the
  same template with the application's Jinja environment, in handlers of a bare Litestar application (the
  framework the product is built on, without middleware, guards or dependency injection): what the database
  and the framework can do together;
- bare: `export_mgmt.bench.raw_pages:app`, the same handlers as a bare ASGI callable with no framework at all,
  reported beside the others (no target: it shows what the framework itself costs).

The pages asked for, logged in (PAGES):

- the list: a county filter plus a name search, `/workers/?county=…&q=王`;
- a worker's record by identity number, as a clerk looks one up: the search box given the whole number
  (`/workers/?q=<number>`, one row), and the API (`/api/v1/workers/by-id-number/<number>`, JSON).

For each, both servers must answer 200 with the same content (the same table body; the same JSON) before
anything is timed. Then wrk (a C load generator; Debian's package `wrk`) drives each in turn, alternating,
with the same connections and duration, and the report gives requests per second (medians of the repeats) and
wrk's 99th-percentile latency. The ratio is scenario ÷ baseline requests per second; the target is at least 0.8.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from export_mgmt.bench.bench_followups import COUNTIES, PostgresBench, Progress, SqliteBench, machine_facts

SEARCH = "王"  # a surname: one name in twenty
TARGET = 0.8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], env=env)


def fetch(url: str, cookie: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and the response's security headers (those the application adds to every response)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), _security_headers(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), _security_headers(exc.headers)


def _security_headers(headers) -> dict[str, str]:
    from export_mgmt.web.security import headers_for

    return {name.decode(): headers.get(name.decode(), "") for name, _value in headers_for("/")}


def wait_ready(url: str, cookie: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server for {url} exited with status {server.returncode}")
        try:
            fetch(url, cookie)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {seconds:.0f} s")


def table_body(html: str) -> str:
    found = re.search(r'<table class="table" id="worker-list">.*?<tbody>(.*?)</tbody>', html, re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


def json_body(text: str) -> str:
    try:
        return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return ""


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    path: str
    content: Callable[[str], str]  # what both servers must agree on


def pages(id_number: str) -> list[Page]:
    return [
        Page("list", "worker list page, county + name search", f"/workers/?county={COUNTIES[0]}&q="
             f"{urllib.parse.quote(SEARCH)}", table_body),
        Page("record page", "worker record by identity number, search page", f"/workers/?q={id_number}",
             table_body),
        Page("record api", "worker record by identity number, API", f"/api/v1/workers/by-id-number/{id_number}",
             json_body),
    ]


def run_wrk(url: str, cookie: str, seconds: int, connections: int) -> dict[str, float]:
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}",
                           url], capture_output=True, text=True, check=True)
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if errors:
        raise SystemExit(f"{url} answered {errors.group(1)} requests with an error status:\n{text}")
    return {"rps": rps, "p99 ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan")}


async def prepare(args) -> tuple[Any, str, str]:
    """The database with its workers, a city administrator and her session; returns (bench, session token, the
    identity number of a worker halfway through the pool)."""
    bench = PostgresBench(args.server_url) if args.engine == "postgres" else SqliteBench()
    url = await bench.create()
    os.environ.update(DATABASE_URL=url, DATA_DIR=str(bench.tmp), SECRET_KEY="bench-secret-key-not-for-production",
                      PICCOLO_CONF="export_mgmt.piccolo_conf")
    from export_mgmt import db
    from export_mgmt.accounts import sessions
    from export_mgmt.accounts.tables import AppUser
    from export_mgmt.clock import today
    from export_mgmt.schema import migrate
    from export_mgmt.workers.tables import Worker

    with Progress(f"migrate a new {args.engine} database"):
        await migrate()
    await db.start()
    try:
        await bench.connect()
        await bench.load(1, args.workers, today())
        await bench.close()
        rows = await AppUser.insert(AppUser(username="bench", display_name="基准", role="admin", county_code=None,
                                            password_hash="!", locale="zh_CN")).returning(AppUser.id)
        token = await sessions.create_session(rows[0]["id"], "127.0.0.1", "bench")
        with Progress("skills and languages (two INSERT … SELECT)"):
            await add_skills_and_languages()
        # Halfway through the pool, a worker with a skill and a language (id divisible by 15).
        middle = (await Worker.raw("SELECT id_number FROM worker WHERE id >= {} AND id % 15 = 0 ORDER BY id LIMIT 1",
                                   args.workers // 2))[0]
    finally:
        await db.stop()
    return bench, token, middle["id_number"]


async def add_skills_and_languages() -> None:
    """A third of the workers with a trade, a fifth with a language, as in the import benchmark's register: the
    record's lookup reads them with the worker."""
    from export_mgmt.workers.tables import Worker

    await Worker.raw("INSERT INTO worker_skill (worker, trade, level, certificate_no) SELECT id, CASE WHEN id % 2 = 0 "
                     "THEN '电工' ELSE '焊工' END, '4', 'GZ' || id FROM worker WHERE id % 3 = 0")
    await Worker.raw("INSERT INTO worker_language (worker, language, level, test_name, score) "
                     "SELECT id, 'ko', '2', 'EPS-TOPIK', 150 + id % 50 FROM worker WHERE id % 5 = 0")


def measure(args, token: str, id_number: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from export_mgmt.web.session import SESSION_COOKIE

    cookie = f"{SESSION_COOKIE}={token}"
    env = {**os.environ}
    apps = {"scenario": "export_mgmt.asgi:app", "baseline": "export_mgmt.bench.raw_pages:framework_app",
            "bare": "export_mgmt.bench.raw_pages:app"}
    ports = {side: free_port() for side in apps}
    servers = {side: start_server(apps[side], ports[side], env) for side in apps}
    try:
        for side in apps:
            wait_ready(f"http://127.0.0.1:{ports[side]}/workers/", cookie, servers[side])
        runs: list[dict[str, Any]] = []
        check: dict[str, Any] = {}
        for page in pages(id_number):
            urls = {side: f"http://127.0.0.1:{ports[side]}{page.path}" for side in apps}
            check[page.key] = same_content(page, urls, cookie)
            for side in apps:  # warm-up: caches, connections, the first compilation of each query
                run_wrk(urls[side], cookie, 2, args.connections)
            order = list(apps)
            for r in range(1, args.repeat + 1):
                for side in order[r % 3:] + order[:r % 3]:  # each side first in turn
                    with Progress(f"{page.key} [{r}/{args.repeat}] {side}") as step:
                        measured = run_wrk(urls[side], cookie, args.seconds, args.connections)
                        step.note = f"{measured['rps']:,.0f} requests/s, p99 {measured['p99 ms']:.1f} ms"
                    runs.append({"page": page.key, "repeat": r, "side": side, **measured})
        check["during import"] = import_latency(args, ports["scenario"], token, id_number)
        return runs, check
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def same_content(page: Page, urls: dict[str, str], cookie: str) -> dict[str, int]:
    """Both servers answer the page with 200, the same content and the same security headers, or the benchmark
    stops."""
    seen, headers = {}, {}
    for side, url in urls.items():
        status, body, headers[side] = fetch(url, cookie)
        if status != 200:
            raise SystemExit(f"{side} answered {status} for {url}")
        seen[side] = page.content(body)
    for side, content in seen.items():
        if headers[side] != headers["scenario"]:
            raise SystemExit(f"the {side} server's headers for {page.path} are not the application's: "
                             f"{headers[side]} / {headers['scenario']}")
        if not content or content != seen["scenario"]:
            raise SystemExit(f"the {side} server does not answer {page.path} as the application does:\n"
                             + seen["scenario"][:500] + "\n---\n" + content[:500])
    return {"rows": seen["scenario"].count("<tr>"), "bytes compared": len(seen["scenario"])}


# ---- other requests while an import runs -------------------------------------------------------------------
# A county clerk uploads a register of IMPORT_ROWS workers through the import page, and the server judges and
# writes it, while other users keep using the pages. A sampler asks for the record page (the search by identity
# number) every SAMPLE_INTERVAL_S on one kept-alive connection, first with nothing else going on (as long as one
# timed wrk run), then for as long as the upload takes; the target: a p99 during the import of at most 3× the idle
# p99.
SAMPLE_INTERVAL_S = 0.01
WARM_UP_ROWS = 20_000  # above the size imported in the import process (jobs.OWN_PROCESS_MIN_BYTES)
OTHER_WORKERS = 200_000  # offset between the workbooks' rows (bench_import.source_row), so none repeats another
IMPORT_TARGET = 3.0


class Sampler(threading.Thread):
    """Requests one path at a steady pace (or back to back while the answers are slower than the pace) and
    keeps every answer's latency in ms."""

    def __init__(self, port: int, path: str, cookie: str):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.latencies: list[float] = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        next_at = time.perf_counter()
        while not self.stop.is_set():
            started = time.perf_counter()
            connection.request("GET", self.path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            response.read()
            self.latencies.append((time.perf_counter() - started) * 1000)
            self.failures += response.status != 200
            next_at = max(next_at + SAMPLE_INTERVAL_S, time.perf_counter())
            self.stop.wait(max(0.0, next_at - time.perf_counter()))
        connection.close()


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")


def sample(port: int, path: str, cookie: str, during: Callable[[], Any] | None, seconds: float = 0) -> dict[str, Any]:
    sampler = Sampler(port, path, cookie)
    sampler.start()
    started = time.perf_counter()
    outcome = during() if during is not None else time.sleep(seconds)
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if sampler.failures:
        raise SystemExit(f"{sampler.failures} requests for {path} failed while sampling")
    return {"p99 ms": p99(sampler.latencies), "median ms": statistics.median(sampler.latencies),
            "samples": len(sampler.latencies), "seconds": elapsed, "outcome": outcome, "latencies": sampler.latencies}


def upload_workbook(port: int, token: str, data: bytes) -> str:
    """POST the workbook to the import page as the browser's form would (import the valid rows), then follow
    the result page until the import has finished (the upload answers after a few seconds at most, the page
    then reloads itself while the import runs). Returns the finished page."""
    from export_mgmt.web.session import SESSION_COOKIE, csrf_token_for

    cookie = f"{SESSION_COOKIE}={token}"
    boundary = uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nvalid_rows\r\n".encode(),
             (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.xlsx\"\r\n"
              "Content-Type: application/octet-stream\r\n\r\n").encode(), data, f"\r\n--{boundary}--\r\n".encode()]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("POST", "/workers/import", body=b"".join(parts), headers={
            "Cookie": cookie, "X-CSRF-Token": csrf_token_for(token),
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        body = response.read()
        if response.status not in (302, 303):
            raise SystemExit(f"the import upload answered {response.status}: {body[:500]!r}")
        location = response.getheader("location")
        while True:
            connection.request("GET", location, headers={"Cookie": cookie})
            response = connection.getresponse()
            page = response.read().decode()
            if response.status != 200:
                raise SystemExit(f"the import's page answered {response.status}")
            if 'id="import-progress"' not in page:
                break
            time.sleep(0.1)
    finally:
        connection.close()
    if 'id="import-failed"' in page:
        raise SystemExit("the import failed:\n" + page[:2000])
    return page


def import_latency(args, port: int, token: str, id_number: str) -> dict[str, Any]:
    """The record page's p99 idle, then while the server imports workbooks of args.import_rows workers, one after
    another (args.repeat of them, each of other workers; the samples of all are pooled)."""
    from export_mgmt.bench.bench_import import build_workbook
    from export_mgmt.web.session import SESSION_COOKIE

    cookie = f"{SESSION_COOKIE}={token}"
    path = pages(id_number)[1].path
    with Progress(f"build {args.repeat} workbooks of {args.import_rows:,} workers"):
        books = [build_workbook(args.import_rows, first=k * OTHER_WORKERS) for k in range(args.repeat)]
    # The server's first large import starts its judging process (a Python interpreter importing the application,
    # about a second of a core, before it lowers its priority), which a server does once and keeps. That first
    # import is made with other workers, and timed too; the measured ones come next.
    with Progress(f"first import of {WARM_UP_ROWS:,} other workers (starts the import and judging processes)") as step:
        first = sample(port, path, cookie, lambda: upload_workbook(port, token, build_workbook(
            WARM_UP_ROWS, first=args.repeat * OTHER_WORKERS)))
        step.note = f"p99 {first['p99 ms']:.1f} ms over {first['samples']:,} requests; import {first['seconds']:.1f} s"
    with Progress(f"record page idle, {args.seconds} s") as step:
        idle = sample(port, path, cookie, None, args.seconds)
        step.note = f"p99 {idle['p99 ms']:.1f} ms over {idle['samples']:,} requests"
    latencies: list[float] = []
    seconds = []
    for k, data in enumerate(books, start=1):
        with Progress(f"[{k}/{len(books)}] record page while {args.import_rows:,} workers are imported") as step:
            busy = sample(port, path, cookie, lambda data=data: upload_workbook(port, token, data))
            step.note = f"p99 {busy['p99 ms']:.1f} ms over {busy['samples']:,} requests; import {busy['seconds']:.1f} s"
        latencies += busy["latencies"]
        seconds.append(busy["seconds"])
    return {"rows": args.import_rows, "imports": len(books), "first import p99 ms": first["p99 ms"],
            "first import rows": WARM_UP_ROWS, "idle p99 ms": idle["p99 ms"], "idle median ms": idle["median ms"],
            "idle samples": idle["samples"], "import p99 ms": p99(latencies),
            "import median ms": statistics.median(latencies), "import samples": len(latencies),
            "import s": statistics.median(seconds), "ratio": p99(latencies) / idle["p99 ms"]}


def summarise(runs: list[dict[str, Any]], id_number: str) -> list[dict[str, Any]]:
    """Per page: the medians of the repeats on each side and the ratio."""
    found = []
    for page in pages(id_number):
        def median(side: str, key: str, page: Page = page) -> float:
            return statistics.median(r[key] for r in runs if r["side"] == side and r["page"] == page.key)

        scenario, baseline, bare = median("scenario", "rps"), median("baseline", "rps"), median("bare", "rps")
        found.append({"page": page.key, "title": page.title, "path": page.path, "scenario rps": scenario,
                      "baseline rps": baseline, "ratio": scenario / baseline, "bare rps": bare,
                      "ratio to bare": scenario / bare,
                      "scenario p99 ms": median("scenario", "p99 ms"), "baseline p99 ms": median("baseline", "p99 ms"),
                      "bare p99 ms": median("bare", "p99 ms")})
    return found


async def main_async(args) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 69
    machine = machine_facts()
    bench, token, id_number = await prepare(args)
    try:
        runs, check = measure(args, token, id_number)
    finally:
        await bench.drop()
    summary = summarise(runs, id_number)
    print(f"Worker pages, logged in as a city administrator — {args.engine}, {args.workers:,} workers, "
          f"wrk {args.connections} connections × {args.seconds} s, median of {args.repeat}\n")
    print("| page | scenario req/s | baseline req/s (Litestar + raw driver) | ratio | target | bare ASGI + raw driver "
          "req/s | ratio to bare | p99 ms: scenario / baseline / bare |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for row in summary:
        print(f"| {row['title']} | {row['scenario rps']:,.0f} | {row['baseline rps']:,.0f} | {row['ratio']:.2f} "
              f"| ≥ {TARGET} | {row['bare rps']:,.0f} | {row['ratio to bare']:.2f} | {row['scenario p99 ms']:.1f} / "
              f"{row['baseline p99 ms']:.1f} / {row['bare p99 ms']:.1f} |")
    print("\nEvery run (requests/s): " + ", ".join(f"{r['page']} {r['side']} {r['rps']:,.0f}" for r in runs))
    during = check.pop("during import")
    print(f"\nThe record page while the server imports {during['rows']:,} workers (uploaded through the import page, "
          f"{during['imports']} imports one after another): p99 {during['import p99 ms']:.1f} ms over "
          f"{during['import samples']:,} requests (an import took {during['import s']:.1f} s), against "
          f"{during['idle p99 ms']:.1f} ms idle ({during['idle samples']:,} requests): ratio {during['ratio']:.2f}, "
          f"target ≤ {IMPORT_TARGET}. The server's first import "
          f"({during['first import rows']:,} other workers, starting the import and judging processes): p99 "
          f"{during['first import p99 ms']:.1f} ms")
    print(f"content checked: {check}")
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in machine.items()))
    if args.json:
        Path(args.json).write_text(json.dumps({"engine": args.engine, "workers": args.workers, "summary": summary,
                                               "during import": during,
                                               "runs": runs, "check": check, "machine": machine}, indent=2,
                                              ensure_ascii=False))
    return 0


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="length of each timed wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=100_000,
                        help="workers in the workbook uploaded while the record page is sampled")
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the worker list page under a load generator, against the same page served by the raw driver.

    .venv/bin/python -m export_mgmt.bench.bench_pages --workers 1000000 --engine sqlite
    .venv/bin/python -m export_mgmt.bench.bench_pages --workers 100000 --engine postgres --seconds 10

It builds its own database (as the other benchmarks do: a new PostgreSQL database beside the server's, or a
temporary SQLite file), loads N seeded workers, makes a city administrator and a session for her, and starts
two servers with uvicorn, one process each, on loopback:

- scenario: the application itself (`export_mgmt.asgi:app`), every middleware and guard as in production;
- baseline: `export_mgmt.bench.raw_pages`, a bare ASGI callable doing the same work with the raw driver —
  session and user by the cookie's token hash, the unread count, the page of 50 rows and their count — and
  rendering the same template with the application's Jinja environment.

The page asked for is a county filter plus a name search, logged in: `/workers/?county=…&q=王`. Both servers
must answer 200 with the same rows (the same table body) before anything is timed. Then wrk (a C load
generator; Debian's package `wrk`) drives each in turn, alternating, with the same connections and duration,
and the report gives requests per second (medians of the repeats) and wrk's 99th-percentile latency. The ratio
is scenario ÷ baseline requests per second; the target is at least 0.8.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
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


def fetch(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


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


async def prepare(args) -> tuple[Any, str]:
    """The database with its workers, a city administrator and her session; returns (bench, session token)."""
    bench = PostgresBench(args.server_url) if args.engine == "postgres" else SqliteBench()
    url = await bench.create()
    os.environ.update(DATABASE_URL=url, DATA_DIR=str(bench.tmp), SECRET_KEY="bench-secret-key-not-for-production",
                      PICCOLO_CONF="export_mgmt.piccolo_conf")
    from export_mgmt import db
    from export_mgmt.accounts import sessions
    from export_mgmt.accounts.tables import AppUser
    from export_mgmt.clock import today
    from export_mgmt.schema import migrate

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
    finally:
        await db.stop()
    return bench, token


def measure(args, token: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from export_mgmt.web.session import SESSION_COOKIE

    cookie = f"{SESSION_COOKIE}={token}"
    env = {**os.environ}
    ports = {"scenario": free_port(), "baseline": free_port()}
    apps = {"scenario": "export_mgmt.asgi:app", "baseline": "export_mgmt.bench.raw_pages:app"}
    path = f"/workers/?county={COUNTIES[0]}&q={urllib.parse.quote(SEARCH)}"
    servers = {side: start_server(apps[side], ports[side], env) for side in apps}
    try:
        urls = {side: f"http://127.0.0.1:{ports[side]}{path}" for side in apps}
        pages = {}
        for side, url in urls.items():
            wait_ready(url, cookie, servers[side])
            status, html = fetch(url, cookie)
            if status != 200:
                raise SystemExit(f"{side} answered {status} for {url}")
            pages[side] = table_body(html)
        if not pages["scenario"] or pages["scenario"] != pages["baseline"]:
            raise SystemExit("the two servers do not list the same rows:\n" + pages["scenario"][:500] + "\n---\n"
                             + pages["baseline"][:500])
        check = {"rows on the page": pages["scenario"].count("<tr>"), "bytes of the table": len(pages["scenario"])}
        for side in apps:  # warm-up: caches, connections, the first compilation of each query
            run_wrk(urls[side], cookie, 2, args.connections)
        runs: list[dict[str, Any]] = []
        for r in range(1, args.repeat + 1):
            for side in (("scenario", "baseline") if r % 2 else ("baseline", "scenario")):
                with Progress(f"[{r}/{args.repeat}] {side}") as step:
                    measured = run_wrk(urls[side], cookie, args.seconds, args.connections)
                    step.note = f"{measured['rps']:,.0f} requests/s, p99 {measured['p99 ms']:.1f} ms"
                runs.append({"repeat": r, "side": side, **measured})
        return runs, check
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def summarise(runs: list[dict[str, Any]]) -> dict[str, float]:
    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["side"] == side)

    scenario, baseline = median("scenario", "rps"), median("baseline", "rps")
    return {"scenario rps": scenario, "baseline rps": baseline, "ratio": scenario / baseline,
            "scenario p99 ms": median("scenario", "p99 ms"), "baseline p99 ms": median("baseline", "p99 ms")}


async def main_async(args) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 69
    machine = machine_facts()
    bench, token = await prepare(args)
    try:
        runs, check = measure(args, token)
    finally:
        await bench.drop()
    summary = summarise(runs)
    print(f"Worker list page (county + name search, 50 rows, logged in) — {args.engine}, {args.workers:,} workers, "
          f"wrk {args.connections} connections × {args.seconds} s, median of {args.repeat}\n")
    print("| scenario req/s | baseline req/s | ratio | target | scenario p99 ms | baseline p99 ms |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {summary['scenario rps']:,.0f} | {summary['baseline rps']:,.0f} | {summary['ratio']:.2f} | ≥ {TARGET} "
          f"| {summary['scenario p99 ms']:.1f} | {summary['baseline p99 ms']:.1f} |\n")
    print("Every run (requests/s): " + ", ".join(f"{r['side']} {r['rps']:,.0f}" for r in runs))
    print(f"page checked: {check}")
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in machine.items()))
    if args.json:
        Path(args.json).write_text(json.dumps({"engine": args.engine, "workers": args.workers, "summary": summary,
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
    parser.add_argument("--server-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

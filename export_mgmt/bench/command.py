"""`export-mgmt bench`: the benchmarks, on each engine, in one table of scenario, value, baseline, ratio and target.

Each benchmark module (bench_followups, bench_import, bench_dashboard, bench_pages) builds its own seeded data set in a
database of its own, runs its scenario and the raw-driver baseline alternately in the same run, and writes its
results as JSON. This command runs each of them in a process of its own (export_mgmt picks its database engine
once per process), at a chosen scale, collects the JSON and prints the table; `--json FILE` writes the same
rows. The full report of every run (each repeat, the phases, the machine, the engine's settings) is kept in
the output folder.

Scales: "small" runs in a minute or two and is what CI runs, so that the benchmark code cannot rot (CI checks
that it runs, not the ratios); "full" is the scale the targets are set for and takes tens of minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

ENGINES = ("sqlite", "postgres")
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Result:
    scenario: str
    engine: str
    value: float
    baseline: float
    ratio: float
    target: float  # the ratio must be at most this (at least, for a rate: higher is better)
    met: bool
    unit: str = "s"  # of value and baseline: seconds, MiB for memory, or requests/s
    higher_is_better: bool = False


def _result(scenario: str, engine: str, value: float, baseline: float, target: float, unit: str = "s",
            higher_is_better: bool = False) -> Result:
    ratio = value / baseline if baseline else float("inf")
    met = ratio >= target if higher_is_better else ratio <= target
    return Result(scenario, engine, value, baseline, ratio, target, met, unit, higher_is_better)


def _followups(engine: str, data: dict[str, Any]) -> list[Result]:
    first, rerun = data["summary"]
    return [
        _result("follow-up generation (vs raw INSERT … SELECT)", engine, first["scenario s"], first["baseline s"], 1.5),
        # The re-run's own baseline is the first run: an immediate re-run must find almost nothing to do.
        _result("follow-up re-run (vs the first run)", engine, rerun["scenario s"], first["scenario s"], 0.1),
    ]


def _import(engine: str, data: dict[str, Any]) -> list[Result]:
    summary = data["summary"]
    memory = summary["memory"]
    return [_result("import of an .xlsx (vs calamine + raw insert)", engine, summary["scenario s"],
                    summary["baseline s"], 2.0),
            _result("import peak memory (vs calamine reading the file)", engine, memory["scenario kib"] / 1024,
                    memory["baseline kib"] / 1024, 2.0, unit="MiB")]


def _dashboard(engine: str, data: dict[str, Any]) -> list[Result]:
    names = {"page": "city dashboard page (vs its raw SQL)", "build": "city dashboard figures (vs its raw SQL)"}
    return [_result(names[row["scenario"]], engine, row["value"], row["baseline"], row["target"])
            for row in data["summary"]]


def _pages(engine: str, data: dict[str, Any]) -> list[Result]:
    during = data["during import"]
    return [*(_result(f"{row['title']} (vs raw driver, same output)", engine, row["scenario rps"],
                      row["baseline rps"], 0.8, unit="req/s", higher_is_better=True) for row in data["summary"]),
            _result(f"record page p99 while {during['rows']:,} workers are imported (vs idle)", engine,
                    during["import p99 ms"], during["idle p99 ms"], 3.0, unit="ms")]


@dataclass(frozen=True)
class Benchmark:
    module: str
    scales: dict[str, list[str]]  # scale -> the module's own size options
    repeat: dict[str, int]
    results: Callable[[str, dict[str, Any]], list[Result]]


BENCHMARKS: dict[str, Benchmark] = {
    "followups": Benchmark("export_mgmt.bench.bench_followups",
                           {"small": ["--placements", "2000", "--workers", "500"],
                            "full": ["--placements", "300000", "--workers", "100000"]},
                           {"small": 1, "full": 3}, _followups),
    "import": Benchmark("export_mgmt.bench.bench_import",
                        {"small": ["--rows", "2000"], "full": ["--rows", "100000"]},
                        {"small": 1, "full": 5}, _import),
    "dashboard": Benchmark("export_mgmt.bench.bench_dashboard",
                           {"small": ["--workers", "2000"], "full": ["--workers", "1000000"]},
                           {"small": 1, "full": 5}, _dashboard),
    "pages": Benchmark("export_mgmt.bench.bench_pages",
                       {"small": ["--workers", "2000", "--seconds", "2", "--import-rows", "2000"],
                        "full": ["--workers", "1000000", "--seconds", "10", "--import-rows", "100000"]},
                       {"small": 1, "full": 3}, _pages),
}


def table(results: list[Result]) -> str:
    lines = ["| scenario | engine | value | baseline | unit | ratio | target | met |",
             "|---|---|---:|---:|---|---:|---:|---|"]
    for r in results:
        digits = 3 if r.unit == "s" else 0
        lines.append(f"| {r.scenario} | {r.engine} | {r.value:.{digits}f} | {r.baseline:.{digits}f} | {r.unit} "
                     f"| {r.ratio:.2f} | {'≥' if r.higher_is_better else '≤'} {r.target:g}× "
                     f"| {'yes' if r.met else 'NO'} |")
    return "\n".join(lines)


def run_one(name: str, engine: str, args: argparse.Namespace, out_dir: Path) -> list[Result]:
    """One benchmark on one engine, in its own process; its report goes to out_dir, its progress to stderr."""
    bench = BENCHMARKS[name]
    data_file = out_dir / f"{name}-{engine}.json"
    command = [sys.executable, "-m", bench.module, "--engine", engine, *bench.scales[args.scale],
               "--repeat", str(args.repeat or bench.repeat[args.scale]), "--server-url", args.server_url,
               "--json", str(data_file)]
    started = time.perf_counter()
    print(f"… {name} on {engine} ({args.scale} scale)", file=sys.stderr, flush=True)
    with (out_dir / f"{name}-{engine}.txt").open("w") as report:
        status = subprocess.call(command, stdout=report)
    if status != 0:
        raise RuntimeError(f"{name} on {engine} failed (exit status {status}); see {out_dir / f'{name}-{engine}.txt'}")
    print(f"✓ {name} on {engine}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return bench.results(engine, json.loads(data_file.read_text()))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="export-mgmt bench", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", choices=("small", "full"), default="small",
                        help="small: a minute or two, as CI runs it; full: the scale of the targets (default small)")
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated benchmarks to run (default: all of {', '.join(BENCHMARKS)})")
    parser.add_argument("--repeat", type=int, help="timed runs of each side (default: 1 small, 3–5 full)")
    parser.add_argument("--server-url", default=DEFAULT_SERVER_URL,
                        help="PostgreSQL server; each benchmark creates and drops its own database beside it")
    parser.add_argument("--json", help="also write the table's rows to this JSON file")
    parser.add_argument("--out", help="folder for each run's full report and data (default: a new temporary one)")
    parser.add_argument("--strict", action="store_true", help="exit with status 2 when a target is not met")


def run(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown or not names:
        print(f"unknown benchmark: {', '.join(unknown) or '(none)'}; choose from {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 64
    if args.repeat is not None and args.repeat < 1:
        print("--repeat must be at least 1", file=sys.stderr)
        return 64
    engines = ENGINES if args.engine == "both" else (args.engine,)
    out_dir = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="export-mgmt-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    for name in names:
        for engine in engines:
            try:
                results += run_one(name, engine, args, out_dir)
            except RuntimeError as exc:
                print(str(exc), file=sys.stderr)
                return 1
    print(table(results))
    print(f"\nReports of every run: {out_dir}")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False))
    return 2 if args.strict and not all(r.met for r in results) else 0


def main(argv: list[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""`export-mgmt bench` at the small scale, on the engine this run of the suite uses: every benchmark runs, and
the table and its JSON carry each scenario against its baseline. The ratios are not judged here (timing is for
the benchmarks, not the tests); that the code runs at all is, so that it cannot rot."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
ENGINE = "postgres" if SERVER_URL else "sqlite"
SCENARIOS = ["follow-up generation (vs raw INSERT … SELECT)", "follow-up re-run (vs the first run)",
             "import of an .xlsx (vs calamine + raw insert)", "import peak memory (vs calamine reading the file)",
             "city dashboard page (vs its raw SQL)",
             "city dashboard figures (vs its raw SQL)",
             "worker list page, county + name search (vs raw driver, same output)",
             "worker record by identity number, search page (vs raw driver, same output)",
             "worker record by identity number, API (vs raw driver, same output)",
             "record page p99 while 2,000 workers are imported (vs idle)"]


def test_every_benchmark_runs_at_the_small_scale(tmp_path):
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "export_mgmt.cli", "bench", "--scale", "small", "--engine", ENGINE,
               "--json", str(out), "--out", str(tmp_path / "reports"),
               *(["--server-url", SERVER_URL] if SERVER_URL else [])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(out.read_text())
    assert [r["scenario"] for r in rows] == SCENARIOS
    for row in rows:
        assert row["engine"] == ENGINE
        assert row["value"] > 0 and row["baseline"] > 0
        assert abs(row["ratio"] - row["value"] / row["baseline"]) < 1e-9
        rate = row["unit"] == "req/s"
        assert row["higher_is_better"] == rate and rate == ("raw driver" in row["scenario"])
        assert row["met"] == (row["ratio"] >= row["target"] if rate else row["ratio"] <= row["target"])
        assert row["unit"] == ("MiB" if "memory" in row["scenario"] else "req/s" if rate
                               else "ms" if "p99" in row["scenario"] else "s")
        assert f"| {row['scenario']} | {ENGINE} |" in done.stdout
    # Each run's own full report is kept beside the table.
    assert (tmp_path / "reports" / f"import-{ENGINE}.txt").read_text().startswith("Worker import benchmark")


def test_an_unknown_benchmark_is_refused_before_anything_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "export_mgmt.cli", "bench", "--only", "imports,dashboard",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 64
    assert "unknown benchmark: imports" in done.stderr
    assert list(tmp_path.iterdir()) == []

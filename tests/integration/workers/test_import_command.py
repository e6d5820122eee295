"""`export-mgmt import-workers`: exit status, the report file, the progress bar; and a write that loses a race."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from export_mgmt.i18n import set_locale
from export_mgmt.workers.imports import service, store
from export_mgmt.workers.imports.checks import FileRefused
from export_mgmt.workers.imports.command import EXIT_OK, EXIT_REFUSED, EXIT_ROW_ERRORS, command_actor, execute
from tests.integration.workers.helpers import KANGPING, LIAOZHONG, add_worker, count_all, number, worker_rows
from tests.integration.workers.import_helpers import report_rows, workbook

HEADERS = ["Identity number", "Name", "County"]


def mixed() -> bytes:
    return workbook([[number(seq=61), "甲", ""], ["210115198503041234", "乙", ""], [number(seq=63), "丙", "康平县"]],
                    HEADERS)


async def run(path: Path, *, county: str = LIAOZHONG, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await execute(str(path), county, out=out, err=err, locale="en", **options)
    return status, out.getvalue(), err.getvalue()


async def test_all_or_nothing_exits_1_writes_the_report_and_nothing_else(tmp_path):
    source, report = tmp_path / "register.xlsx", tmp_path / "errors.xlsx"
    source.write_bytes(mixed())
    status, out, err = await run(source, report=str(report))
    assert status == EXIT_ROW_ERRORS
    assert "Nothing was imported" in out
    assert "Rows with errors: 2" in out
    assert "Checking rows" in err and "100 %" in err  # the progress bar, on stderr
    errors = report_rows(report.read_bytes())
    assert [(row, column) for row, _id, column, _message in errors] == [(3, "Identity number"), (4, "County")]
    assert await count_all() == (0, 0, 0)


async def test_valid_only_exits_0_and_imports_the_good_rows(tmp_path):
    source, report = tmp_path / "register.xlsx", tmp_path / "errors.xlsx"
    source.write_bytes(mixed())
    status, out, _err = await run(source, valid_only=True, report=str(report))
    assert status == EXIT_OK
    assert "Imported: 1" in out
    assert report.exists()
    assert [w["name"] for w in await worker_rows(county_code=LIAOZHONG)] == ["甲"]


async def test_refused_file_and_bad_county_exit_2(tmp_path):
    source = tmp_path / "register.csv"
    source.write_text("id,name\n")
    status, _out, err = await run(source)
    assert status == EXIT_REFUSED
    assert "not an Excel workbook" in err
    status, _out, err = await run(source, county="999999")
    assert status == EXIT_REFUSED
    assert "not a county code" in err
    status, _out, err = await run(tmp_path / "missing.xlsx")
    assert status == EXIT_REFUSED
    assert "Cannot read" in err


def test_the_installed_command_runs_end_to_end(tmp_path):
    """The real entry point in a child process, on the suite's database (its tables are empty here)."""
    source = tmp_path / "register.xlsx"
    source.write_bytes(workbook([[number(seq=64), "丁", ""]], HEADERS))
    report = tmp_path / "errors.xlsx"
    done = subprocess.run([sys.executable, "-m", "export_mgmt.cli", "import-workers", str(source), "--county",
                           LIAOZHONG, "--locale", "en", "--report", str(report)],
                          capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert done.returncode == EXIT_OK, done.stderr
    assert "Imported: 1" in done.stdout
    assert "Saving workers" in done.stderr
    assert not report.exists()  # no errors, no report


async def test_a_number_registered_during_the_import_refuses_the_whole_write(monkeypatch):
    """Another clerk registers a person after the pool was checked (here: the check is made to miss her): the
    unique index refuses the insert, and the whole import is rolled back with a message, not a crash."""
    set_locale("en")
    late = number(seq=65)
    await add_worker("抢先", late, LIAOZHONG)

    async def nothing_in_the_pool_yet(numbers):
        return {}

    monkeypatch.setattr(store, "existing_numbers", nothing_in_the_pool_yet)
    data = workbook([[number(seq=66), "甲", ""], [late, "乙", ""]], HEADERS)
    with pytest.raises(FileRefused, match="while the import was running"):
        await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx", data, service.VALID_ROWS)
    assert [w["name"] for w in await worker_rows()] == ["抢先"]
    assert await count_all() == (1, 0, 0)


async def test_a_number_registered_by_another_county_gets_the_register_forms_message():
    taken = number(KANGPING, seq=67)
    await add_worker("甲", taken, KANGPING)
    result = await service.import_workbook(command_actor(LIAOZHONG), "a.xlsx",
                                           workbook([[taken, "甲", ""]], HEADERS), service.VALID_ROWS)
    assert result.imported == 0
    assert "康平县" in result.errors[0].message

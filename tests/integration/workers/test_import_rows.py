"""An Excel import with good and bad rows: the per-row error report, and what each mode writes."""

import datetime as dt
import json

from export_mgmt.audit.tables import AuditLog
from tests.integration.workers.helpers import HEPING, KANGPING, LIAOZHONG, add_worker, count_all, number, worker_rows
from tests.integration.workers.import_helpers import count, report_rows, run_import, workbook


def mixed_rows() -> tuple[list[list[object]], dict]:
    """Rows 2-4 are good; rows 5-10 each have one problem. Returns the rows and the numbers used."""
    good = [number(seq=11), number(seq=12), number(seq=13)]
    bad_checksum = number(seq=14)[:17] + ("0" if number(seq=14)[17] != "0" else "1")
    twice = number(seq=15)
    registered_elsewhere = number(KANGPING, seq=16)
    rows = [
        [good[0], "张一", "", "初中", "焊工", "4", "ko", 150],
        [good[1], "张二", LIAOZHONG, "Senior secondary", "", "", "", None],
        [good[2], "张三", "辽中区", "", "电工", "", "", None],
        [bad_checksum, "李四", "", "", "", "", "", None],  # row 5: check character
        [number(seq=17), "", "", "", "", "", "", None],  # row 6: no name
        [number(seq=18), "王五", "", "PhD", "", "", "", None],  # row 7: unknown education
        [twice, "赵六", "", "", "", "", "", None],  # row 8: same number as row 9
        [twice, "赵六", "", "", "", "", "", None],  # row 9
        [registered_elsewhere, "孙七", "", "", "", "", "", None],  # row 10: in the pool, for 康平县
        [number(seq=19), "周八", HEPING, "", "", "", "", None],  # row 11: another county
    ]
    return rows, {"good": good, "twice": twice, "elsewhere": registered_elsewhere}


EXPECTED_ERRORS = {
    (5, "Identity number"): "check character",
    (6, "Name"): "",
    (7, "Education"): "Allowed values",
    (8, "Identity number"): "also on row 9",
    (9, "Identity number"): "also on row 8",
    (10, "Identity number"): "康平县",
    (11, "County"): "your own county",
}


async def _set_up_pool(numbers: dict) -> None:
    await add_worker("孙七", numbers["elsewhere"], KANGPING)


def _check_report(rows: list[tuple[int, str, str, str]]) -> None:
    found = {(row, column): message for row, _id, column, message in rows}
    assert set(found) == set(EXPECTED_ERRORS), rows
    for key, fragment in EXPECTED_ERRORS.items():
        assert fragment in found[key], (key, found[key])


async def test_all_or_nothing_writes_nothing_and_reports_every_bad_row(clerk_client):
    rows, numbers = mixed_rows()
    await _set_up_pool(numbers)
    location, page = await run_import(clerk_client, workbook(rows), "all_or_nothing")
    assert "Nothing was imported" in page.text
    assert (count(page.text, "read"), count(page.text, "imported"), count(page.text, "refused")) == (10, 0, 7)
    assert count(page.text, "held-back") == 3
    report = await clerk_client.get(f"{location}/errors.xlsx")
    assert report.status_code == 200
    assert "attachment" in report.headers["content-disposition"]
    _check_report(report_rows(report.content))
    assert await count_all() == (1, 0, 0)
    assert await AuditLog.count().where(AuditLog.entity == "worker_import") == 0


async def test_valid_rows_mode_writes_the_good_rows_with_children_and_audit(clerk_client):
    await import_mixed_rows_keeping_the_valid_ones(clerk_client)


async def import_mixed_rows_keeping_the_valid_ones(clerk_client) -> str:
    """mixed_rows() imported in valid-rows mode, checked through the page, the report and the database; returns
    the import's page address."""
    rows, numbers = mixed_rows()
    await _set_up_pool(numbers)
    location, page = await run_import(clerk_client, workbook(rows), "valid_rows")
    assert "3 workers were imported" in page.text
    assert (count(page.text, "read"), count(page.text, "imported"), count(page.text, "refused")) == (10, 3, 7)
    report = await clerk_client.get(f"{location}/errors.xlsx")
    _check_report(report_rows(report.content))
    imported = {w["id_number"]: w for w in await worker_rows(county_code=LIAOZHONG)}
    assert set(imported) == set(numbers["good"])
    first = imported[numbers["good"][0]]
    assert (first["name"], first["education"], first["sex"], first["birth_date"]) == (
        "张一", "junior_secondary", "M", dt.date(1985, 3, 4))
    assert imported[numbers["good"][1]]["education"] == "senior_secondary"
    assert await count_all() == (4, 2, 1)
    created = await AuditLog.select().where((AuditLog.entity == "worker") & (AuditLog.action == "created"))
    assert len(created) == 3
    changes = json.loads(created[0]["changes"])
    assert changes["id_number"][1].count("*") == 8  # masked, as every audit entry keeps it
    summary = await AuditLog.select().where(AuditLog.entity == "worker_import").first()
    assert json.loads(summary["changes"])["count"] == [None, 3]
    return location


async def test_a_clean_file_imports_everything_and_offers_no_report(clerk_client):
    rows = [[number(seq=s), f"工人{s}", "", "", "", "", "", None] for s in range(21, 31)]
    location, page = await run_import(clerk_client, workbook(rows), "all_or_nothing")
    assert "10 workers were imported" in page.text
    assert 'id="import-report"' not in page.text
    assert (await clerk_client.get(f"{location}/errors.xlsx")).status_code == 404
    assert await count_all() == (10, 0, 0)


async def test_chinese_headers_and_labels_are_read(clerk_client):
    headers = ["身份证号码", "姓名", "文化程度", "就业意向", "体检日期"]
    rows = [[number(seq=31), "钱九", "高中", "出国（境）务工", "2024年3月5日"]]
    _location, page = await run_import(clerk_client, workbook(rows, headers), "all_or_nothing")
    assert count(page.text, "imported") == 1
    worker = (await worker_rows())[0]
    assert (worker["education"], worker["intention"], worker["health_check_date"]) == (
        "senior_secondary", "overseas", dt.date(2024, 3, 5))


async def test_identity_number_stored_as_a_number_is_explained(clerk_client):
    rows = [[210115198503041235.0, "吴十"]]
    location, page = await run_import(clerk_client, workbook(rows, ["Identity number", "Name"]), "valid_rows")
    assert count(page.text, "imported") == 0
    report = report_rows((await clerk_client.get(f"{location}/errors.xlsx")).content)
    assert "Format the column as text" in report[0][3]


async def test_admin_imports_rows_into_the_counties_on_their_numbers(admin_client):
    rows = [[number(LIAOZHONG, seq=41), "甲", "", "", "", "", "", None],
            [number(KANGPING, seq=42), "乙", "", "", "", "", "", None],
            [number(seq=43), "丙", "和平区", "", "", "", "", None]]
    _location, page = await run_import(admin_client, workbook(rows), "all_or_nothing")
    assert count(page.text, "imported") == 3
    counties = {w["name"]: w["county_code"] for w in await worker_rows()}
    assert counties == {"甲": LIAOZHONG, "乙": KANGPING, "丙": HEPING}


async def test_report_messages_are_in_the_users_language(clerk_client):
    taken = number(seq=35)
    await add_worker("甲", taken, LIAOZHONG)
    clerk_client.headers["Accept-Language"] = "zh-CN"
    location, page = await run_import(clerk_client, workbook([[taken, "甲"]], ["身份证号码", "姓名"]), "valid_rows")
    assert 'lang="zh-CN"' in page.text
    report = report_rows((await clerk_client.get(f"{location}/errors.xlsx")).content)
    assert [(row, message) for row, _id, _column, message in report] == [(2, "该身份证号码已登记。")]

"""The audit log page: everything recorded, newest first, filtered by record type or user name."""

from __future__ import annotations

from export_mgmt.audit.tables import AuditLog
from tests.conftest import create_user
from tests.integration.accounts.helpers import post_form, table_rows, translated


async def _worker_change_by_clerk() -> None:
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await AuditLog.insert(AuditLog(actor_id=clerk_id, actor_name="clerk", entity="worker", entity_id="7",
                                   action="updated", changes='{"phone": ["", "13800000000"]}'))


async def _rename_clerk(admin_client) -> None:
    clerk = (await AuditLog.select(AuditLog.actor_id).where(AuditLog.actor_name == "clerk"))[0]["actor_id"]
    await post_form(admin_client, f"/admin/users/{clerk}", {
        "display_name": "王五", "role": "county_clerk", "county_code": "210115", "active": "on"},
        token_page=f"/admin/users/{clerk}")


async def test_audit_log_lists_entries_newest_first(admin_client):
    await _worker_change_by_clerk()
    await _rename_clerk(admin_client)
    page = await admin_client.get("/admin/audit/")
    assert page.status_code == 200
    rows = table_rows(page.text)
    assert len(rows) == await AuditLog.count() == 3  # admin's sign-in, the clerk's worker change, the rename
    assert f"<td>{translated('Changed')}</td>" in rows[0] and "王五" in rows[0]
    assert "13800000000" in rows[1]
    assert f"<td>{translated('Signed in')}</td>" in rows[2]
    assert "127.0.0.1" in rows[2]


async def test_audit_log_filters_by_record_type(admin_client):
    await _worker_change_by_clerk()
    await _rename_clerk(admin_client)
    rows = table_rows((await admin_client.get("/admin/audit/", params={"entity": "worker"})).text)
    assert len(rows) == 1
    assert 'href="/workers/7"' in rows[0]


async def test_audit_log_filters_by_user_name(admin_client):
    await _worker_change_by_clerk()
    await _rename_clerk(admin_client)
    rows = table_rows((await admin_client.get("/admin/audit/", params={"by": "clerk"})).text)
    assert len(rows) == 1
    assert "<td>clerk</td>" in rows[0]
    admin_rows = table_rows((await admin_client.get("/admin/audit/", params={"by": " Admin "})).text)
    assert len(admin_rows) == 2


async def test_audit_log_filter_with_no_match_shows_no_rows(admin_client):
    page = await admin_client.get("/admin/audit/", params={"by": "nobody"})
    assert page.status_code == 200
    assert table_rows(page.text) == []
    assert 'name="by" value="nobody"' in page.text  # the filter stays filled in

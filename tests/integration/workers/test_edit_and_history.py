"""Editing a worker: changes saved, rows replaced, stale edits refused, every change in the history."""

import re

from export_mgmt.accounts.tables import AppUser
from export_mgmt.workers.tables import WorkerLanguage, WorkerSkill
from tests.conftest import create_user, login
from tests.integration.workers.helpers import (
    LIAOZHONG,
    api_sign_in,
    audit_rows,
    field_error,
    form_error,
    masked,
    number,
    open_edit,
    redirected_id,
    submit_edit,
    submit_new,
    worker_rows,
)

FULL = number(LIAOZHONG, seq=123)


async def register(client, **fields) -> int:
    return redirected_id(await submit_new(client, id_number=FULL, name="张三", **fields))


async def user_id(username: str) -> int:
    return (await AppUser.select(AppUser.id).where(AppUser.username == username).first())["id"]


async def test_edit_is_saved_and_shown(clerk_client):
    worker_id = await register(clerk_client)
    values, csrf = await open_edit(clerk_client, worker_id)
    assert values["name"] == "张三" and values["id_number"] == FULL and values["version"] == "1"
    changed = {**values, "phone": "13812345678", "village": "东村", "status": "in_training", "notes": "已报名培训",
               "preferred_destinations": ["KR", "JP"]}
    assert redirected_id(await submit_edit(clerk_client, worker_id, changed, csrf)) == worker_id
    page = (await clerk_client.get(f"/workers/{worker_id}")).text
    for shown in ("13812345678", "东村", "In training", "已报名培训", "Korea", "Japan"):
        assert shown in page
    row = (await worker_rows(id=worker_id))[0]
    assert (row["phone"], row["status"], row["version"]) == ("13812345678", "in_training", 2)


async def test_edit_form_shows_the_saved_values(clerk_client):
    worker_id = await register(clerk_client, phone="13800000000", township_code="210115101",
                               preferred_destinations=["SG"], **{"skills.0.trade": "电焊", "skills.0.level": "4"})
    values, _ = await open_edit(clerk_client, worker_id)
    assert values["phone"] == "13800000000"
    assert values["township_code"] == "210115101"
    assert values["township_name"] == "于家房镇"
    assert values["preferred_destinations"] == ["SG"]
    assert (values["skills.0.trade"], values["skills.0.level"]) == ("电焊", "4")


async def test_edit_replaces_skills_and_languages(clerk_client):
    worker_id = await register(clerk_client, **{
        "skills.0.trade": "电焊", "skills.0.level": "3", "skills.1.trade": "瓦工",
        "languages.0.language": "ko", "languages.0.level": "basic", "languages.0.test_name": "EPS-TOPIK",
        "languages.0.score": "150"})
    values, csrf = await open_edit(clerk_client, worker_id)
    assert (values["skills.1.trade"], values["languages.0.score"]) == ("瓦工", "150")
    changed = {**values, "skills.0.trade": "木工", "skills.0.level": "4", "skills.1.trade": "",
               "skills.1.level": "", "languages.0.language": "ja", "languages.0.level": "intermediate",
               "languages.0.test_name": "JLPT N3", "languages.0.score": ""}
    redirected_id(await submit_edit(clerk_client, worker_id, changed, csrf))
    skills = await WorkerSkill.select(WorkerSkill.trade, WorkerSkill.level).where(WorkerSkill.worker == worker_id)
    languages = await WorkerLanguage.select(WorkerLanguage.language, WorkerLanguage.test_name,
                                            WorkerLanguage.score).where(WorkerLanguage.worker == worker_id)
    assert skills == [{"trade": "木工", "level": "4"}]
    assert languages == [{"language": "ja", "test_name": "JLPT N3", "score": None}]
    page = (await clerk_client.get(f"/workers/{worker_id}")).text
    record = page.split('<section class="history">')[0]
    assert "木工" in record and "JLPT N3" in record
    assert "电焊" not in record and "瓦工" not in record and "EPS-TOPIK" not in record


async def test_stale_edit_is_refused_and_the_other_change_kept(clerk_client, other_client):
    worker_id = await register(clerk_client)
    mine, my_csrf = await open_edit(clerk_client, worker_id)

    await create_user("colleague", "county_clerk", county_code=LIAOZHONG)
    await login(other_client, "colleague")
    theirs, their_csrf = await open_edit(other_client, worker_id)
    redirected_id(await submit_edit(other_client, worker_id, {**theirs, "phone": "13900000000"}, their_csrf))

    response = await submit_edit(clerk_client, worker_id, {**mine, "phone": "13800000000", "village": "西村"},
                                 my_csrf)
    assert response.status_code == 400
    assert "Someone else changed this record" in form_error(response.text)
    assert 'value="西村"' in response.text  # what the user typed is still there to copy
    row = (await worker_rows(id=worker_id))[0]
    assert (row["phone"], row["village"], row["version"]) == ("13900000000", "", 2)


async def test_edit_with_bad_input_changes_nothing(clerk_client):
    worker_id = await register(clerk_client, **{"skills.0.trade": "电焊"})
    values, csrf = await open_edit(clerk_client, worker_id)
    response = await submit_edit(clerk_client, worker_id, {**values, "name": "", "skills.0.trade": "木工"}, csrf)
    assert response.status_code == 400
    assert field_error(response.text, "name")
    row = (await worker_rows(id=worker_id))[0]
    assert (row["name"], row["version"]) == ("张三", 1)
    assert await WorkerSkill.select(WorkerSkill.trade).where(WorkerSkill.worker == worker_id) == [
        {"trade": "电焊"}]
    assert [entry["action"] for entry in await audit_rows(worker_id)] == ["created"]


async def test_registration_is_audited_with_the_number_masked(clerk_client):
    worker_id = await register(clerk_client, phone="13812345678", **{"skills.0.trade": "电焊"})
    [entry] = await audit_rows(worker_id)
    assert (entry["action"], entry["actor_name"], entry["actor_id"]) == ("created", "clerk",
                                                                          await user_id("clerk"))
    changes = entry["changes"]
    assert changes["name"] == [None, "张三"]
    assert changes["phone"] == [None, "13812345678"]
    assert changes["id_number"] == [None, masked(FULL)]
    assert "电焊" in changes["skills"][1]
    assert FULL not in str(changes)


async def test_update_is_audited_with_only_the_changed_fields(clerk_client):
    worker_id = await register(clerk_client, phone="13800000000")
    values, csrf = await open_edit(clerk_client, worker_id)
    redirected_id(await submit_edit(clerk_client, worker_id, {**values, "phone": "13900000000",
                                                              "skills.0.trade": "电焊"}, csrf))
    created, updated = await audit_rows(worker_id)
    assert created["action"] == "created"
    assert (updated["action"], updated["actor_name"]) == ("updated", "clerk")
    assert updated["changes"]["phone"] == ["13800000000", "13900000000"]
    assert updated["changes"]["skills"] == ["", "电焊"]
    assert "name" not in updated["changes"] and "id_number" not in updated["changes"]


async def test_a_changed_number_is_masked_on_both_sides_of_the_audit(admin_client):
    worker_id = await register(admin_client)
    corrected = number(LIAOZHONG, seq=124)
    values, csrf = await open_edit(admin_client, worker_id)
    redirected_id(await submit_edit(admin_client, worker_id, {**values, "id_number": corrected}, csrf))
    updated = (await audit_rows(worker_id))[-1]
    assert updated["changes"]["id_number"] == [masked(FULL), masked(corrected)]
    assert FULL not in str(updated["changes"]) and corrected not in str(updated["changes"])
    assert updated["changes"]["sex"] == ["M", "F"]


async def test_saving_an_unchanged_form_adds_no_history(clerk_client):
    worker_id = await register(clerk_client)
    values, csrf = await open_edit(clerk_client, worker_id)
    redirected_id(await submit_edit(clerk_client, worker_id, values, csrf))
    assert [entry["action"] for entry in await audit_rows(worker_id)] == ["created"]


async def test_record_page_history_lists_creation_and_changes_newest_first(clerk_client):
    worker_id = await register(clerk_client, phone="13800000000")
    values, csrf = await open_edit(clerk_client, worker_id)
    redirected_id(await submit_edit(clerk_client, worker_id, {**values, "phone": "13900000000"}, csrf))
    page = (await clerk_client.get(f"/workers/{worker_id}")).text
    history = page.split('<section class="history">')[1]
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", history, re.S)
    assert len(rows) == 2
    assert "Changed" in rows[0] and "Created" in rows[1]
    assert all("clerk" in row for row in rows)
    assert "<del>13800000000</del> → <ins>13900000000</ins>" in rows[0]
    assert masked(FULL) in rows[1]
    assert FULL not in history


async def test_update_fails_whole_when_the_audit_row_cannot_be_written(clerk_client, monkeypatch):
    worker_id = await register(clerk_client, **{"skills.0.trade": "电焊"})
    values, csrf = await open_edit(clerk_client, worker_id)

    async def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("export_mgmt.audit.services.record", broken_audit)
    response = await submit_edit(clerk_client, worker_id, {**values, "phone": "13900000000",
                                                           "skills.0.trade": "木工"}, csrf)
    assert response.status_code == 500
    row = (await worker_rows(id=worker_id))[0]
    assert (row["phone"], row["version"]) == ("", 1)
    assert await WorkerSkill.select(WorkerSkill.trade).where(WorkerSkill.worker == worker_id) == [
        {"trade": "电焊"}]


async def test_browser_edit_keeps_skills_and_languages_the_form_has_no_rows_for(client, other_client):
    """A worker registered through the API may have more skills than the form's three rows."""
    headers = await api_sign_in(other_client, "importer", "county_clerk", LIAOZHONG)
    skills = [{"trade": trade} for trade in ("电焊", "瓦工", "木工", "钢筋工")]
    languages = [{"language": code} for code in ("ko", "ja", "en")]
    response = await other_client.post("/api/v1/workers", json={"id_number": FULL, "name": "张三", "skills": skills,
                                                                "languages": languages}, headers=headers)
    assert response.status_code == 201, response.text
    worker_id = response.json()["id"]

    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    await login(client, "clerk")
    values, csrf = await open_edit(client, worker_id)
    redirected_id(await submit_edit(client, worker_id, {**values, "phone": "13900000000"}, csrf))
    assert len(await WorkerSkill.select().where(WorkerSkill.worker == worker_id)) == 4
    assert len(await WorkerLanguage.select().where(WorkerLanguage.worker == worker_id)) == 3

"""The employer pages: add, list with filters, record with history, edit and deactivate."""

import re

import pytest

from export_mgmt.settings import get_settings
from tests.conftest import csrf_from
from tests.integration.employers.helpers import (
    DOMESTIC,
    FOREIGN,
    add_employer,
    audit_rows,
    employer_rows,
    field_error,
    form_error,
    listed_names,
    open_edit,
    redirected_id,
    sign_in,
    submit_edit,
    submit_new,
)


@pytest.fixture
async def admin(client):
    await sign_in(client, "admin", "admin")
    return client


async def test_add_foreign_employer_through_the_form(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN, address="蔚山市东区", contact="金经理 052-000-0000"))
    row = (await employer_rows(id=employer_id))[0]
    assert (row["name"], row["country"], row["programme"], row["contact"]) == (
        "现代重工株式会社", "KR", "kr_eps_e9", "金经理 052-000-0000")
    page = (await admin.get(f"/employers/{employer_id}")).text
    for shown in ("现代重工株式会社", "Foreign employer", "Korea", "蔚山", "610-81-00001", "Marine shipyard",
                  "Korea EPS (E-9)", "蔚山市东区"):
        assert shown in page


async def test_add_domestic_employer_through_the_form(admin):
    employer_id = redirected_id(await submit_new(admin, **DOMESTIC))
    page = (await admin.get(f"/employers/{employer_id}")).text
    for shown in ("苏州电子厂", "Domestic employer", "Yangtze River Delta", "江苏省苏州市", "Manufacturing"):
        assert shown in page


async def test_refused_form_comes_back_as_typed_with_messages(admin):
    response = await submit_new(admin, **{**DOMESTIC, "country": "KR", "destination_group": "", "name": ""})
    assert response.status_code == 400
    assert form_error(response.text) == "Please correct the marked fields."
    assert field_error(response.text, "name") == "This field is required."
    assert field_error(response.text, "country") == (
        "A domestic employer is in China: choose Domestic (other provinces).")
    assert field_error(response.text, "destination_group") == "Choose the destination group of a domestic employer."
    assert 'value="江苏省苏州市"' in response.text
    assert '<option value="KR" selected>' in response.text
    assert await employer_rows() == []


async def test_wrong_programme_is_marked(admin):
    response = await submit_new(admin, **{**FOREIGN, "programme": "sg_work_permit"})
    assert response.status_code == 400
    assert field_error(response.text, "programme") == "Choose a programme of the employer's country, or none."
    assert await employer_rows() == []


async def test_duplicate_registration_number_links_the_existing_record(admin):
    first = redirected_id(await submit_new(admin, **FOREIGN))
    response = await submit_new(admin, **{**FOREIGN, "name": "另一家"})
    assert response.status_code == 400
    assert field_error(response.text, "registration_no") == (
        "An employer with this registration number is already registered in Korea.")
    assert f'href="/employers/{first}"' in response.text
    assert len(await employer_rows()) == 1


async def test_stale_form_is_shown_again_and_nothing_written(admin):
    response = await admin.post("/employers/new", data={**FOREIGN, "csrf_token": "0" * 64})
    assert response.status_code == 400
    assert form_error(response.text) == "This form had expired, so nothing was done. Please send it again."
    assert 'value="现代重工株式会社"' in response.text
    assert csrf_from(response.text) != "0" * 64
    assert await employer_rows() == []


async def test_new_form_takes_the_country_from_the_link(admin):
    page = (await admin.get("/employers/new?country=CN")).text
    assert '<option value="CN" selected>' in page and '<option value="domestic" selected>' in page
    page = (await admin.get("/employers/new?country=jp")).text
    assert '<option value="JP" selected>' in page and '<option value="foreign" selected>' in page


async def test_list_filters(admin):
    await add_employer("Hyundai Heavy", "KR")
    await add_employer("Tanaka Seiki", "JP")
    await add_employer("深圳电子厂", "CN")
    await add_employer("Closed Hyundai", "KR", active=False)
    assert listed_names((await admin.get("/employers/")).text) == [
        "Hyundai Heavy", "Tanaka Seiki", "深圳电子厂", "Closed Hyundai"]
    assert listed_names((await admin.get("/employers/?country=KR")).text) == ["Hyundai Heavy", "Closed Hyundai"]
    assert listed_names((await admin.get("/employers/?kind=domestic")).text) == ["深圳电子厂"]
    assert listed_names((await admin.get("/employers/?q=HYUNDAI&active=1")).text) == ["Hyundai Heavy"]
    page = (await admin.get("/employers/?country=SG")).text
    assert listed_names(page) == [] and "No employer matches these filters." in page
    assert "0 employers found" in page


async def test_list_pages_keep_the_filters(admin):
    size = get_settings().page_size
    for i in range(size + 1):
        await add_employer(f"Employer {i:03d}", "JP")
    await add_employer("Korean", "KR")
    first = (await admin.get("/employers/?country=JP")).text
    assert len(listed_names(first)) == size
    assert "?country=JP&page=2" in first
    second = (await admin.get("/employers/?country=JP&page=2")).text
    assert listed_names(second) == [f"Employer {size:03d}"]


async def test_unknown_employer_is_404(admin):
    assert (await admin.get("/employers/999999")).status_code == 404
    assert (await admin.get("/employers/999999/edit")).status_code == 404


async def test_create_is_audited(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    [entry] = await audit_rows(employer_id)
    assert (entry["action"], entry["actor_name"], entry["client_address"]) == ("created", "admin", "127.0.0.1")
    assert entry["changes"]["name"] == [None, "现代重工株式会社"]
    assert entry["changes"]["country"] == [None, "KR"]
    assert entry["changes"]["programme"] == [None, "kr_eps_e9"]
    assert entry["changes"]["active"] == [None, True]


async def test_edit_is_saved_audited_and_shown_in_history(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    assert (values["name"], values["country"], values["programme"], values["version"], values["active"]) == (
        "现代重工株式会社", "KR", "kr_eps_e9", "1", "on")
    changed = {**values, "region": "巨济", "programme": "kr_eps_h2", "sector": "manufacturing"}
    assert redirected_id(await submit_edit(admin, employer_id, changed, csrf)) == employer_id
    row = (await employer_rows(id=employer_id))[0]
    assert (row["region"], row["programme"], row["version"]) == ("巨济", "kr_eps_h2", 2)
    created, updated = await audit_rows(employer_id)
    assert updated["action"] == "updated"
    assert updated["changes"] == {"region": ["蔚山", "巨济"], "programme": ["kr_eps_e9", "kr_eps_h2"],
                                  "sector": ["marine", "manufacturing"]}
    page = (await admin.get(f"/employers/{employer_id}")).text
    history = page[page.index('<section class="history">'):]
    for shown in ("Changed", "Created", "City or province", "Programme", "Korea visit-work (H-2)",
                  "Korea EPS (E-9)", "Marine shipyard", "Manufacturing"):
        assert shown in history


async def test_edit_can_switch_kind_and_country_together(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    changed = {**values, **DOMESTIC, "programme": "", "registration_no": ""}
    assert redirected_id(await submit_edit(admin, employer_id, changed, csrf)) == employer_id
    row = (await employer_rows(id=employer_id))[0]
    assert (row["kind"], row["country"], row["destination_group"]) == ("domestic", "CN", "YRD")


async def test_refused_edit_changes_nothing(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    response = await submit_edit(admin, employer_id, {**values, "country": "CN"}, csrf)
    assert response.status_code == 400
    assert field_error(response.text, "country") == (
        "A foreign employer is in Korea, Japan or Singapore: choose one of them.")
    assert 'name="version" value="1"' in response.text
    assert (await employer_rows(id=employer_id))[0]["country"] == "KR"
    assert len(await audit_rows(employer_id)) == 1


async def test_stale_edit_is_refused(admin, other_client):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    await sign_in(other_client, "admin2", "admin")
    other_values, other_csrf = await open_edit(other_client, employer_id)
    assert redirected_id(await submit_edit(other_client, employer_id, {**other_values, "region": "釜山"},
                                           other_csrf)) == employer_id
    response = await submit_edit(admin, employer_id, {**values, "region": "巨济"}, csrf)
    assert response.status_code == 400
    assert form_error(response.text) == ("Someone else changed this record while you were editing. "
                                         "Reload it and make your change again.")
    assert (await employer_rows(id=employer_id))[0]["region"] == "釜山"


async def test_edit_may_not_take_another_employers_registration_number(admin):
    await add_employer("先有的", "KR", registration_no="111-11-11111")
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    response = await submit_edit(admin, employer_id, {**values, "registration_no": "111-11-11111"}, csrf)
    assert response.status_code == 400
    assert field_error(response.text, "registration_no") is not None
    assert (await employer_rows(id=employer_id))[0]["registration_no"] == "610-81-00001"


async def test_unticking_active_in_the_edit_form_deactivates(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    values, csrf = await open_edit(admin, employer_id)
    values.pop("active")
    assert redirected_id(await submit_edit(admin, employer_id, values, csrf)) == employer_id
    assert (await employer_rows(id=employer_id))[0]["active"] is False
    assert (await audit_rows(employer_id))[-1]["changes"] == {"active": [True, False]}


async def test_deactivate_and_reactivate_buttons(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    page = (await admin.get(f"/employers/{employer_id}")).text
    assert 'name="active" value="0"' in page
    response = await admin.post(f"/employers/{employer_id}/active",
                                data={"active": "0", "version": "1", "csrf_token": csrf_from(page)},
                                follow_redirects=False)
    assert redirected_id(response) == employer_id
    row = (await employer_rows(id=employer_id))[0]
    assert (row["active"], row["version"]) == (False, 2)
    page = (await admin.get(f"/employers/{employer_id}")).text
    assert "This employer is inactive" in page and 'name="active" value="1"' in page
    assert re.search(r"Active: <del>Yes</del> → <ins>No</ins>", page)
    response = await admin.post(f"/employers/{employer_id}/active",
                                data={"active": "1", "version": "2", "csrf_token": csrf_from(page)},
                                follow_redirects=False)
    assert redirected_id(response) == employer_id
    assert (await employer_rows(id=employer_id))[0]["active"] is True
    assert [e["changes"] for e in (await audit_rows(employer_id))[1:]] == [
        {"active": [True, False]}, {"active": [False, True]}]


async def test_deactivate_with_a_stale_version_or_form_is_refused(admin):
    employer_id = redirected_id(await submit_new(admin, **FOREIGN))
    page = (await admin.get(f"/employers/{employer_id}")).text
    stale = await admin.post(f"/employers/{employer_id}/active",
                             data={"active": "0", "version": "7", "csrf_token": csrf_from(page)})
    assert stale.status_code == 400 and "Someone else changed this record" in form_error(stale.text)
    expired = await admin.post(f"/employers/{employer_id}/active", data={"active": "0", "version": "1",
                                                                         "csrf_token": "0" * 64})
    assert expired.status_code == 400
    assert form_error(expired.text) == "This form had expired, so nothing was done. Please send it again."
    assert (await employer_rows(id=employer_id))[0]["active"] is True


async def test_pages_are_chinese_by_default(admin):
    admin.headers.pop("Accept-Language")
    await add_employer("现代重工", "KR", sector="marine")
    page = (await admin.get("/employers/")).text
    assert "现代重工" in page and '<html lang="zh-CN">' in page

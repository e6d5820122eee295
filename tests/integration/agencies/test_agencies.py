"""The agency register: credit codes checked, duplicates refused, edits versioned, every change audited."""

import pytest

from export_mgmt.agencies import services
from export_mgmt.agencies.schemas import AgencyCreate, AgencyUpdate
from export_mgmt.agencies.tables import Agency
from export_mgmt.errors import AccessDenied, FormErrors
from tests.conftest import create_user, login
from tests.integration.agencies.helpers import (
    ADMIN,
    LIAOZHONG,
    VALID_CODE,
    add_agency,
    audit_rows,
    credit_code,
    field_error,
    form_error,
    post_form,
    redirected_to,
    sign_in,
    staff,
    text_of,
)

FORM = {"name": "沈阳对外劳务合作有限公司", "credit_code": VALID_CODE, "county_code": LIAOZHONG,
        "address": "辽中区蒲西街1号", "legal_representative": "李明", "contact_name": "赵丽",
        "contact_phone": "024-87880000", "contact_email": "info@example.com", "active": "on"}


async def create_by_form(client, **fields):
    return await post_form(client, "/agencies/new", "/agencies/new", **{**FORM, **fields})


async def test_admin_registers_an_agency(admin_client):
    response = await create_by_form(admin_client, credit_code=" 9111 0000 6000 37341l ")
    agency_id = int(redirected_to(response, r"/agencies/(\d+)").group(1))
    row = await Agency.select().where(Agency.id == agency_id).first()
    assert (row["credit_code"], row["county_code"], row["active"]) == (VALID_CODE, LIAOZHONG, True)
    page = text_of((await admin_client.get(f"/agencies/{agency_id}")).text)
    for shown in ("沈阳对外劳务合作有限公司", VALID_CODE, "辽中区", "李明", "024-87880000"):
        assert shown in page
    [entry] = await audit_rows("agency", agency_id)
    assert entry["action"] == "created" and entry["changes"]["credit_code"] == [None, VALID_CODE]
    assert "History" in page and "Created" in page


@pytest.mark.parametrize("code, message", [
    ("91110000600037341M", "The check character does not match"),
    ("9111000060003734", "18 characters"),
    ("", "Enter the unified social credit code."),
    ("911100006000373I1L", "not a valid unified social credit code"),
])
async def test_credit_code_is_checked(admin_client, code, message):
    response = await create_by_form(admin_client, credit_code=code)
    assert response.status_code == 400
    assert message in field_error(response.text, "credit_code")
    assert await Agency.count() == 0


async def test_duplicate_credit_code_is_a_field_error(admin_client):
    existing = await add_agency("已有公司", 7)
    response = await create_by_form(admin_client, credit_code=credit_code(7))
    assert response.status_code == 400
    assert "already registered" in field_error(response.text, "credit_code")
    assert f'href="/agencies/{existing}"' in response.text
    assert await Agency.count() == 1


async def test_other_problems_are_reported_together(admin_client):
    response = await create_by_form(admin_client, name="", county_code="110101", contact_phone="abc",
                                    contact_email="not-an-address")
    assert response.status_code == 400
    assert form_error(response.text) == "Please correct the marked fields."
    for name in ("name", "county_code", "contact_phone", "contact_email"):
        assert field_error(response.text, name), name
    assert 'value="not-an-address"' in response.text  # shown again as typed


async def test_edit_is_versioned_and_audited(admin_client):
    agency_id = await services.create(ADMIN, AgencyCreate(**{**FORM, "active": True}))
    page = await admin_client.get(f"/agencies/{agency_id}/edit")
    assert 'name="version" value="1"' in page.text
    response = await post_form(admin_client, f"/agencies/{agency_id}/edit", f"/agencies/{agency_id}/edit",
                               **{**FORM, "address": "新民市", "version": "1"})
    redirected_to(response, rf"/agencies/{agency_id}")
    stale = await post_form(admin_client, f"/agencies/{agency_id}/edit", f"/agencies/{agency_id}/edit",
                            **{**FORM, "address": "别处", "version": "1"})
    assert stale.status_code == 400 and "Someone else changed this record" in text_of(stale.text)
    row = await Agency.select().where(Agency.id == agency_id).first()
    assert (row["address"], row["version"]) == ("新民市", 2)
    entries = await audit_rows("agency", agency_id)
    assert [e["action"] for e in entries] == ["created", "updated"]
    assert entries[1]["changes"] == {"address": ["辽中区蒲西街1号", "新民市"]}


async def test_edit_refuses_another_agencys_credit_code(admin_client):
    await add_agency("甲公司", 1)
    agency_id = await add_agency("乙公司", 2)
    with pytest.raises(FormErrors) as caught:
        await services.update(ADMIN, agency_id, AgencyUpdate(name="乙公司", credit_code=credit_code(1),
                                                             county_code=LIAOZHONG, version=1))
    assert "credit_code" in caught.value.errors


async def test_only_administrators_write_the_register(client):
    agency_id = await add_agency("甲公司", 1)
    with pytest.raises(AccessDenied):
        await services.create(staff(agency_id), AgencyCreate(name="x", credit_code=VALID_CODE, county_code=LIAOZHONG))
    await sign_in(client, "inspector", "inspector")
    assert (await client.get("/agencies/new")).status_code == 403
    assert (await client.get(f"/agencies/{agency_id}/edit")).status_code == 403
    page = await client.get(f"/agencies/{agency_id}")
    assert page.status_code == 200 and f'href="/agencies/{agency_id}/edit"' not in page.text


async def test_list_searches_by_name_and_credit_code(client):
    await add_agency("沈阳国际劳务公司", 1)
    await add_agency("辽中人力资源服务中心", 2, county="210115")
    await sign_in(client, "clerk", "county_clerk", county_code="210123")  # clerks read every county's agencies
    page = (await client.get("/agencies/")).text
    assert "沈阳国际劳务公司" in page and "辽中人力资源服务中心" in page
    page = (await client.get("/agencies/", params={"q": "国际"})).text
    assert "沈阳国际劳务公司" in page and "辽中人力资源服务中心" not in page
    page = (await client.get("/agencies/", params={"q": credit_code(2).lower()})).text
    assert "沈阳国际劳务公司" not in page and "辽中人力资源服务中心" in page


async def test_agency_staff_are_sent_to_their_own_agency(client):
    agency_id = await add_agency("甲公司", 1)
    await create_user("staff", "agency_staff", agency_id=agency_id)
    await login(client, "staff")
    response = await client.get("/agencies/", follow_redirects=False)
    redirected_to(response, rf"/agencies/{agency_id}")
    assert (await client.get(f"/agencies/{agency_id}")).status_code == 200


async def test_a_stale_form_is_shown_again_with_what_was_typed(admin_client):
    response = await admin_client.post("/agencies/new", data={**FORM, "csrf_token": "stale"})
    assert response.status_code == 400
    assert form_error(response.text) == "This form had expired, so nothing was done. Please send it again."
    assert 'value="沈阳对外劳务合作有限公司"' in response.text
    assert await Agency.count() == 0

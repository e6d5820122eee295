"""Who may do what: everyone signed in reads; administrators and agency staff add; administrators change."""

import pytest

from export_mgmt.employers import services
from export_mgmt.employers.schemas import EmployerCreate, EmployerUpdate
from export_mgmt.errors import AccessDenied
from tests.conftest import csrf_from
from tests.integration.employers.helpers import (
    FOREIGN,
    ROLES,
    actor,
    add_employer,
    api_sign_in,
    employer_rows,
    redirected_id,
    sign_in,
    submit_new,
)

CREATORS = {"admin", "agency_staff"}
EDITORS = {"admin"}


@pytest.mark.parametrize("role", ROLES)
async def test_service_create_is_for_admins_and_agency_staff(role):
    if role in CREATORS:
        assert await services.create(actor(role), EmployerCreate(**FOREIGN)) > 0
    else:
        with pytest.raises(AccessDenied):
            await services.create(actor(role), EmployerCreate(**FOREIGN))
        assert await employer_rows() == []


@pytest.mark.parametrize("role", ROLES)
async def test_service_update_and_deactivate_are_for_admins(role):
    employer_id = await add_employer("雇主", "KR")
    change = EmployerUpdate(**{**FOREIGN, "name": "新名字"}, version=1)
    if role in EDITORS:
        await services.update(actor(role), employer_id, change)
        await services.set_active(actor(role), employer_id, False, 2)
        assert (await services.get_employer(employer_id))["active"] is False
    else:
        with pytest.raises(AccessDenied):
            await services.update(actor(role), employer_id, change)
        with pytest.raises(AccessDenied):
            await services.set_active(actor(role), employer_id, False, 1)
        row = await services.get_employer(employer_id)
        assert (row["name"], row["active"], row["version"]) == ("雇主", True, 1)


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_reads_list_and_record(client, role):
    employer_id = await add_employer("现代重工", "KR")
    await sign_in(client, "someone", role)
    listing = await client.get("/employers/")
    assert listing.status_code == 200 and "现代重工" in listing.text
    record = await client.get(f"/employers/{employer_id}")
    assert record.status_code == 200 and "现代重工" in record.text
    assert (await client.get(f"/api/v1/employers/{employer_id}")).status_code == 200
    assert (await client.get("/api/v1/employers")).json()["total"] == 1


@pytest.mark.parametrize("role", ROLES)
async def test_add_page_and_button_only_for_creators(client, role):
    await sign_in(client, "someone", role)
    listing = (await client.get("/employers/")).text
    assert ('href="/employers/new"' in listing) == (role in CREATORS)
    page = await client.get("/employers/new")
    assert page.status_code == (200 if role in CREATORS else 403)


@pytest.mark.parametrize("role", sorted(set(ROLES) - CREATORS))
async def test_posting_the_add_form_is_refused_for_other_roles(client, role):
    await sign_in(client, "someone", role)
    token = csrf_from((await client.get("/employers/")).text)
    response = await client.post("/employers/new", data={**FOREIGN, "csrf_token": token})
    assert response.status_code == 403
    assert await employer_rows() == []


async def test_agency_staff_add_an_employer_through_the_form(client):
    await sign_in(client, "agent", "agency_staff")
    employer_id = redirected_id(await submit_new(client, **FOREIGN))
    page = (await client.get(f"/employers/{employer_id}")).text
    assert "现代重工株式会社" in page
    assert f'href="/employers/{employer_id}/edit"' not in page  # agency staff do not edit
    assert "/active" not in page


@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS))
async def test_edit_and_deactivate_refused_for_other_roles(client, role):
    employer_id = await add_employer("雇主", "KR")
    await sign_in(client, "someone", role)
    assert (await client.get(f"/employers/{employer_id}/edit")).status_code == 403
    token = csrf_from((await client.get("/employers/")).text)
    edit = await client.post(f"/employers/{employer_id}/edit",
                             data={**FOREIGN, "name": "改名", "version": "1", "csrf_token": token})
    assert edit.status_code == 403
    deactivate = await client.post(f"/employers/{employer_id}/active",
                                   data={"active": "0", "version": "1", "csrf_token": token})
    assert deactivate.status_code == 403
    row = (await employer_rows(id=employer_id))[0]
    assert (row["name"], row["active"], row["version"]) == ("雇主", True, 1)


@pytest.mark.parametrize("role", ROLES)
async def test_api_create_and_update_by_role(client, role):
    headers = await api_sign_in(client, "someone", role)
    created = await client.post("/api/v1/employers", json=FOREIGN, headers=headers)
    assert created.status_code == (201 if role in CREATORS else 403), created.text
    employer_id = created.json()["id"] if role in CREATORS else await add_employer("雇主", "KR")
    updated = await client.put(f"/api/v1/employers/{employer_id}", headers=headers,
                               json={**FOREIGN, "name": "改名", "version": 1})
    assert updated.status_code == (200 if role in EDITORS else 403), updated.text


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    employer_id = await add_employer("雇主", "KR")
    for path in ("/employers/", "/employers/new", f"/employers/{employer_id}", f"/employers/{employer_id}/edit"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303) and response.headers["location"].startswith("/login"), path
    assert (await client.get("/api/v1/employers")).status_code == 401
    assert (await client.get(f"/api/v1/employers/{employer_id}")).status_code == 401
    assert (await client.post("/api/v1/employers", json=FOREIGN)).status_code in (401, 403)
    assert len(await employer_rows()) == 1

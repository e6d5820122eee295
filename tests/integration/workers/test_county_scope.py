"""Who sees and changes which workers: clerks their own county, city-wide roles everything they may."""

import pytest

from tests.conftest import csrf_from
from tests.integration.workers.helpers import (
    HEPING,
    LIAOZHONG,
    add_worker,
    api_body,
    api_sign_in,
    count_all,
    field_error,
    listed_names,
    number,
    open_edit,
    sign_in,
    submit_edit,
    submit_new,
    worker_rows,
)

SECRET_NAME = "和平秘密工人"


@pytest.fixture
async def two_counties():
    """One worker in 辽中区 and one in 和平区."""
    own = await add_worker("辽中工人", number(LIAOZHONG, seq=11), LIAOZHONG)
    other = await add_worker(SECRET_NAME, number(HEPING, seq=13), HEPING)
    return own, other


async def test_clerk_list_shows_only_their_county(clerk_client, two_counties):
    page = await clerk_client.get("/workers/")
    assert listed_names(page.text) == ["辽中工人"]
    assert SECRET_NAME not in page.text
    filtered = await clerk_client.get("/workers/", params={"county": HEPING})
    assert listed_names(filtered.text) == []


async def test_clerk_api_search_shows_only_their_county(client, two_counties):
    await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    result = (await client.get("/api/v1/workers")).json()
    assert [w["name"] for w in result["items"]] == ["辽中工人"]
    assert result["total"] == 1
    assert (await client.get("/api/v1/workers", params={"q": number(HEPING, seq=13)})).json()["total"] == 0
    assert (await client.get("/api/v1/workers", params={"county": HEPING})).json()["total"] == 0


@pytest.mark.parametrize("path", ["/workers/{id}", "/workers/{id}/edit"])
async def test_clerk_opening_another_countys_worker_gets_a_bare_404(clerk_client, two_counties, path):
    _, other = two_counties
    response = await clerk_client.get(path.format(id=other))
    assert response.status_code == 404
    assert SECRET_NAME not in response.text
    assert number(HEPING, seq=13) not in response.text


async def test_clerk_posting_an_edit_to_another_countys_worker_gets_404(clerk_client, two_counties):
    own, other = two_counties
    values, csrf = await open_edit(clerk_client, own)
    response = await submit_edit(clerk_client, other, {**values, "name": "改名"}, csrf)
    assert response.status_code == 404
    assert SECRET_NAME not in response.text
    assert (await worker_rows(id=other))[0]["name"] == SECRET_NAME


@pytest.mark.parametrize("path", ["/api/v1/workers/{id}", "/api/v1/workers/by-id-number/{number}"])
async def test_clerk_api_read_of_another_countys_worker_is_404(client, two_counties, path):
    _, other = two_counties
    await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    response = await client.get(path.format(id=other, number=number(HEPING, seq=13)))
    assert response.status_code == 404
    assert SECRET_NAME not in response.text


async def test_clerk_api_put_of_another_countys_worker_is_404(client, two_counties):
    _, other = two_counties
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    body = api_body(number(HEPING, seq=13), "改名", version=1)
    response = await client.put(f"/api/v1/workers/{other}", json=body, headers=headers)
    assert response.status_code == 404
    assert SECRET_NAME not in response.text
    assert (await worker_rows(id=other))[0]["name"] == SECRET_NAME


async def test_clerk_cannot_register_a_worker_in_another_county_by_form(clerk_client):
    response = await submit_new(clerk_client, id_number=number(), name="张三", county_code=HEPING)
    assert response.status_code == 400
    assert "own county" in field_error(response.text, "county_code")
    assert await count_all() == (0, 0, 0)


async def test_clerk_cannot_move_their_worker_to_another_county_by_form(clerk_client, two_counties):
    own, _ = two_counties
    values, csrf = await open_edit(clerk_client, own)
    response = await submit_edit(clerk_client, own, {**values, "county_code": HEPING}, csrf)
    assert response.status_code == 400
    assert field_error(response.text, "county_code")
    assert (await worker_rows(id=own))[0]["county_code"] == LIAOZHONG


async def test_clerk_cannot_register_or_move_a_worker_to_another_county_by_api(client, two_counties):
    own, other = two_counties
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    response = await client.post("/api/v1/workers", json=api_body(number(seq=99), county_code=HEPING),
                                 headers=headers)
    assert response.status_code == 422
    assert "county_code" in response.json()["errors"]
    assert await worker_rows(id_number=number(seq=99)) == []

    body = api_body(number(LIAOZHONG, seq=11), "辽中工人", county_code=HEPING, version=1)
    response = await client.put(f"/api/v1/workers/{own}", json=body, headers=headers)
    assert response.status_code == 422
    assert (await worker_rows(id=own))[0]["county_code"] == LIAOZHONG

    # Nor can the other county's record be pulled over: refused, whatever the reason given.
    body = api_body(number(HEPING, seq=13), SECRET_NAME, county_code=HEPING, version=1)
    response = await client.put(f"/api/v1/workers/{other}", json=body, headers=headers)
    assert response.status_code in (404, 422)
    assert SECRET_NAME not in response.text
    assert (await worker_rows(id=other))[0]["county_code"] == HEPING


@pytest.mark.parametrize("role", ["admin", "inspector", "supervisor"])
async def test_city_wide_roles_see_every_county(client, two_counties, role):
    _, other = two_counties
    await sign_in(client, role, role)
    page = await client.get("/workers/")
    assert sorted(listed_names(page.text)) == sorted(["辽中工人", SECRET_NAME])
    record = await client.get(f"/workers/{other}")
    assert record.status_code == 200
    assert SECRET_NAME in record.text
    assert (await client.get("/api/v1/workers")).json()["total"] == 2


@pytest.mark.parametrize("role", ["inspector", "supervisor"])
async def test_read_only_roles_cannot_register_or_edit_on_pages(client, two_counties, role):
    own, _ = two_counties
    await sign_in(client, role, role)
    assert (await client.get("/workers/new")).status_code == 403
    assert (await client.get(f"/workers/{own}/edit")).status_code == 403
    token = csrf_from((await client.get("/workers/")).text)
    response = await client.post("/workers/new", data={"id_number": number(seq=77), "name": "张三",
                                                       "csrf_token": token})
    assert response.status_code == 403
    response = await client.post(f"/workers/{own}/edit", data={"id_number": number(LIAOZHONG, seq=11),
                                                               "name": "改名", "version": "1",
                                                               "csrf_token": token})
    assert response.status_code == 403
    assert [w["name"] for w in await worker_rows()] == ["辽中工人", SECRET_NAME]


@pytest.mark.parametrize("role", ["inspector", "supervisor"])
async def test_read_only_roles_cannot_register_or_edit_through_the_api(client, two_counties, role):
    own, _ = two_counties
    headers = await api_sign_in(client, role, role)
    response = await client.post("/api/v1/workers", json=api_body(number(seq=77), county_code=LIAOZHONG),
                                 headers=headers)
    assert response.status_code == 403
    body = api_body(number(LIAOZHONG, seq=11), "改名", version=1)
    response = await client.put(f"/api/v1/workers/{own}", json=body, headers=headers)
    assert response.status_code == 403
    assert [w["name"] for w in await worker_rows()] == ["辽中工人", SECRET_NAME]


async def test_read_only_roles_see_no_register_or_edit_buttons(client, two_counties):
    own, _ = two_counties
    await sign_in(client, "supervisor", "supervisor")
    assert 'href="/workers/new"' not in (await client.get("/workers/")).text
    assert f'href="/workers/{own}/edit"' not in (await client.get(f"/workers/{own}")).text


async def test_agency_staff_cannot_open_the_pool(client, two_counties):
    own, _ = two_counties
    await sign_in(client, "agent", "agency_staff")
    for path in ("/workers/", f"/workers/{own}", "/workers/new"):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "辽中工人" not in response.text


async def test_agency_staff_cannot_use_the_worker_api(client, two_counties):
    own, _ = two_counties
    headers = await api_sign_in(client, "agent", "agency_staff")
    assert (await client.get("/api/v1/workers")).status_code == 403
    assert (await client.get(f"/api/v1/workers/{own}")).status_code == 403
    response = await client.post("/api/v1/workers", json=api_body(number(seq=5), county_code=LIAOZHONG),
                                 headers=headers)
    assert response.status_code == 403
    assert len(await worker_rows()) == 2


async def test_signed_out_visitor_is_sent_to_sign_in(client, two_counties):
    own, _ = two_counties
    response = await client.get(f"/workers/{own}", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=")
    assert "辽中工人" not in response.text

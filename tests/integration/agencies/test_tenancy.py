"""Agency staff see their own agency only: another agency's pages, brokers and rows are "not found" to them."""

import pytest

from export_mgmt.agencies import brokers, services
from export_mgmt.errors import RecordNotFound
from tests.conftest import create_user, csrf_from, login
from tests.integration.agencies.helpers import (
    add_agency,
    add_broker,
    add_licence,
    api_sign_in,
    broker_number,
    staff,
)


@pytest.fixture
async def two_agencies():
    a = await add_agency("甲劳务公司", 1)
    b = await add_agency("乙劳务公司", 2)
    licence_b = await add_licence(b, number="B-LIC")
    broker_a = await add_broker(a, name="甲经纪", seq=123)
    broker_b = await add_broker(b, name="乙经纪", seq=125)
    return {"a": a, "b": b, "licence_b": licence_b, "broker_a": broker_a, "broker_b": broker_b}


@pytest.fixture
async def staff_a(client, two_agencies):
    await create_user("staff_a", "agency_staff", agency_id=two_agencies["a"])
    await login(client, "staff_a")
    return client


async def test_other_agency_pages_are_not_found(staff_a, two_agencies):
    b, licence_b, broker_b = two_agencies["b"], two_agencies["licence_b"], two_agencies["broker_b"]
    for path in (f"/agencies/{b}", f"/agencies/{b}/edit", f"/agencies/{b}/brokers/", f"/agencies/{b}/brokers/new",
                 f"/agencies/{b}/brokers/{broker_b}", f"/agencies/{b}/brokers/{broker_b}/edit",
                 f"/agencies/{b}/licences/{licence_b}", f"/agencies/{b}/licences/{licence_b}/certificate",
                 f"/agencies/{b}/licences/new"):
        response = await staff_a.get(path)
        assert response.status_code == 404, path
        assert "乙" not in response.text, path


async def test_other_agency_broker_cannot_be_reached_through_own_agency(staff_a, two_agencies):
    a, broker_b = two_agencies["a"], two_agencies["broker_b"]
    assert (await staff_a.get(f"/agencies/{a}/brokers/{broker_b}")).status_code == 404
    token = csrf_from((await staff_a.get(f"/agencies/{a}")).text)
    response = await staff_a.post(f"/agencies/{a}/brokers/{broker_b}/strike-off",
                                  data={"on_date": "2020-01-01", "reason": "x", "csrf_token": token})
    assert response.status_code == 404


async def test_posts_to_another_agency_are_not_found(staff_a, two_agencies):
    b = two_agencies["b"]
    token = csrf_from((await staff_a.get("/agencies/", follow_redirects=True)).text)
    response = await staff_a.post(f"/agencies/{b}/brokers/new", data={
        "id_number": broker_number(127), "name": "冒名", "csrf_token": token})
    assert response.status_code == 404
    assert await brokers.Broker.count() == 2


async def test_own_pages_show_only_own_rows(staff_a, two_agencies):
    a = two_agencies["a"]
    page = (await staff_a.get(f"/agencies/{a}")).text
    assert "甲经纪" in page and "乙经纪" not in page and "B-LIC" not in page
    assert "API tokens" not in page  # administrators only
    listing = (await staff_a.get(f"/agencies/{a}/brokers/")).text
    assert "甲经纪" in listing and "乙经纪" not in listing
    assert (await staff_a.get(f"/agencies/{a}/edit")).status_code == 403


async def test_services_scope_agency_staff(two_agencies):
    a, b = two_agencies["a"], two_agencies["b"]
    actor = staff(a)
    result = await services.search(actor)
    assert [item.id for item in result.items] == [a]
    with pytest.raises(RecordNotFound):
        await services.get(actor, b)
    page = await brokers.search(actor)
    assert [item.name for item in page.items] == ["甲经纪"]
    assert (await brokers.search(actor, agency_id=b)).total == 0
    with pytest.raises(RecordNotFound):
        await brokers.get(actor, two_agencies["broker_b"])


async def test_api_keeps_agency_staff_to_their_own_agency(client, two_agencies):
    a, b = two_agencies["a"], two_agencies["b"]
    headers = await api_sign_in(client, "staff_a", "agency_staff", agency_id=a)
    listed = (await client.get("/api/v1/brokers")).json()
    assert [item["name"] for item in listed["items"]] == ["甲经纪"]
    assert (await client.get("/api/v1/brokers", params={"agency_id": b})).json()["total"] == 0
    assert (await client.get(f"/api/v1/brokers/{two_agencies['broker_b']}")).status_code == 404
    assert (await client.get(f"/api/v1/agencies/{b}")).status_code == 404
    assert (await client.get(f"/api/v1/agencies/{a}")).status_code == 200
    response = await client.post("/api/v1/brokers", json={"agency_id": b, "id_number": broker_number(127),
                                                          "name": "冒名"}, headers=headers)
    assert response.status_code == 404
    assert await brokers.Broker.count() == 2

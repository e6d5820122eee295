"""One person, one record: a second registration of the same number is refused."""

import asyncio
import datetime as dt

from tests.integration.workers.helpers import (
    KANGPING,
    LIAOZHONG,
    add_worker,
    api_body,
    api_sign_in,
    field_error,
    fifteen_digit,
    number,
    open_edit,
    sign_in,
    submit_edit,
    submit_new,
    worker_rows,
)


async def test_second_registration_links_to_the_existing_record(clerk_client):
    full = number()
    existing = await add_worker("张三", full, LIAOZHONG)
    response = await submit_new(clerk_client, id_number=full, name="张三丰")
    assert response.status_code == 400
    assert "already registered" in field_error(response.text, "id_number")
    assert f'href="/workers/{existing}"' in response.text
    assert len(await worker_rows()) == 1


async def test_fifteen_digit_form_of_a_registered_number_is_a_duplicate(admin_client):
    full = number(LIAOZHONG, dt.date(1970, 5, 6), 123)
    existing = await add_worker("张三", full)
    response = await submit_new(admin_client, id_number=fifteen_digit(full), name="张三")
    assert response.status_code == 400
    assert "already registered" in field_error(response.text, "id_number")
    assert f'href="/workers/{existing}"' in response.text
    assert len(await worker_rows()) == 1


async def test_clerk_of_another_county_is_told_which_county_holds_the_number(client):
    full = number()
    existing = await add_worker("张三", full, LIAOZHONG)
    await sign_in(client, "kangping", "county_clerk", KANGPING)
    response = await submit_new(client, id_number=full, name="张三")
    assert response.status_code == 400
    message = field_error(response.text, "id_number")
    assert "辽中区" in message
    assert f"/workers/{existing}" not in response.text
    assert len(await worker_rows()) == 1


async def test_changing_a_number_to_one_already_registered_is_refused(clerk_client):
    taken = number(seq=1)
    await add_worker("甲", taken, LIAOZHONG)
    mine = await add_worker("乙", number(seq=2), LIAOZHONG)
    values, csrf = await open_edit(clerk_client, mine)
    response = await submit_edit(clerk_client, mine, {**values, "id_number": taken}, csrf)
    assert response.status_code == 400
    assert "already registered" in field_error(response.text, "id_number")
    assert (await worker_rows(id=mine))[0]["id_number"] == number(seq=2)


async def test_api_duplicate_is_422_with_the_existing_id(client):
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    full = number()
    existing = await add_worker("张三", full, LIAOZHONG)
    response = await client.post("/api/v1/workers", json=api_body(full), headers=headers)
    assert response.status_code == 422
    assert "id_number" in response.json()["errors"]
    assert response.json()["duplicate_id"] == existing


async def test_api_duplicate_in_another_county_names_the_county_without_the_id(client):
    headers = await api_sign_in(client, "kangping", "county_clerk", KANGPING)
    full = number()
    await add_worker("张三", full, LIAOZHONG)
    response = await client.post("/api/v1/workers", json=api_body(full), headers=headers)
    assert response.status_code == 422
    assert "辽中区" in response.json()["errors"]["id_number"]
    assert "duplicate_id" not in response.json()


async def test_two_clerks_registering_the_same_person_at_once_make_one_record(client, other_client):
    full = number()
    first = await api_sign_in(client, "clerk1", "county_clerk", LIAOZHONG)
    second = await api_sign_in(other_client, "clerk2", "county_clerk", LIAOZHONG)
    responses = await asyncio.gather(
        client.post("/api/v1/workers", json=api_body(full, "张三"), headers=first),
        other_client.post("/api/v1/workers", json=api_body(full, "张叁"), headers=second),
    )
    assert sorted(r.status_code for r in responses) == [201, 422]
    refused = next(r for r in responses if r.status_code == 422)
    assert "already registered" in refused.json()["errors"]["id_number"]
    assert len(await worker_rows()) == 1

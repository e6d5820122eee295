"""Identity-number rules, through the register form and through the API."""

import datetime as dt

import pytest

from tests.integration.workers.helpers import (
    HEPING,
    LIAOZHONG,
    api_body,
    api_sign_in,
    count_all,
    en_date,
    field_error,
    fifteen_digit,
    number,
    redirected_id,
    shown_id_number,
    submit_new,
    today,
    worker_by_number,
)

BEIJING = "11010519491231002X"

BAD_NUMBERS = {
    "checksum": ("36042619910102009X", "check character does not match"),
    "month 13": ("360426199113010079", "does not exist"),
    "no such region": ("990426199112010074", "not a region code"),
    "too long": ("2101151985030412345", "18 characters"),
    "letters": ("21011519850304ABCD", "18 characters"),
}


def future_number() -> str:
    return number(LIAOZHONG, today() + dt.timedelta(days=400), 123)


# ---- accepted numbers -----------------------------------------------------------------------------------

async def test_clerk_registers_a_beijing_number_in_their_own_county(clerk_client):
    response = await submit_new(clerk_client, id_number=BEIJING, name="北京人")
    worker = await worker_by_number(BEIJING)
    assert redirected_id(response) == worker["id"]
    assert worker["county_code"] == LIAOZHONG
    assert worker["id_region_code"] == "110105"


async def test_admin_must_choose_the_county_for_a_beijing_number(admin_client):
    response = await submit_new(admin_client, id_number=BEIJING, name="北京人")
    assert response.status_code == 400
    assert "household" in field_error(response.text, "county_code")
    assert await worker_by_number(BEIJING) is None

    response = await submit_new(admin_client, id_number=BEIJING, name="北京人", county_code=HEPING)
    redirected_id(response)
    assert (await worker_by_number(BEIJING))["county_code"] == HEPING


async def test_heping_number_of_someone_born_in_1965_is_accepted(admin_client):
    full = number(HEPING, dt.date(1965, 7, 1), 55)
    response = await submit_new(admin_client, id_number=full, name="和平人")
    redirected_id(response)
    assert (await worker_by_number(full))["county_code"] == HEPING


async def test_fifteen_digit_number_is_stored_and_shown_in_eighteen_digit_form(admin_client):
    full = number(HEPING, dt.date(1965, 3, 15), 123)
    response = await submit_new(admin_client, id_number=fifteen_digit(full), name="老证件")
    worker_id = redirected_id(response)
    assert (await worker_by_number(full))["id"] == worker_id
    page = await admin_client.get(f"/workers/{worker_id}")
    assert shown_id_number(page.text) == full


async def test_retired_liaozhong_county_number_lands_in_liaozhong_district(admin_client):
    full = number("210122", dt.date(1980, 1, 1), 12)  # 辽中县, replaced by 辽中区 in 2016
    response = await submit_new(admin_client, id_number=full, name="辽中人", county_code="")
    redirected_id(response)
    worker = await worker_by_number(full)
    assert worker["county_code"] == LIAOZHONG
    assert worker["id_region_code"] == "210122"
    page = (await admin_client.get(f"/workers/{worker['id']}")).text
    assert "辽中县 (210122) → 辽中区" in page


async def test_record_page_shows_sex_and_birth_date_read_from_the_number(admin_client):
    man = number(LIAOZHONG, dt.date(1985, 3, 4), 123)
    woman = number(LIAOZHONG, dt.date(1990, 11, 20), 124)
    for full, name, sex, born in ((man, "男工", "Male", dt.date(1985, 3, 4)),
                                  (woman, "女工", "Female", dt.date(1990, 11, 20))):
        worker_id = redirected_id(await submit_new(admin_client, id_number=full, name=name))
        page = (await admin_client.get(f"/workers/{worker_id}")).text
        assert f"<dd>{sex}</dd>" in page
        assert en_date(born) in page


async def test_number_typed_with_a_lower_case_x_is_stored_upper_case(clerk_client):
    redirected_id(await submit_new(clerk_client, id_number=BEIJING.lower(), name="北京人"))
    assert await worker_by_number(BEIJING) is not None


# ---- refused numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", list(BAD_NUMBERS))
async def test_bad_number_is_refused_next_to_the_field_and_kept_in_the_form(clerk_client, case):
    bad, message = BAD_NUMBERS[case]
    response = await submit_new(clerk_client, id_number=bad, name="王五", village="西村")
    assert response.status_code == 400
    assert message in field_error(response.text, "id_number")
    assert f'value="{bad}"' in response.text
    assert 'value="王五"' in response.text and 'value="西村"' in response.text
    assert await count_all() == (0, 0, 0)


async def test_number_with_a_future_birth_date_is_refused(clerk_client):
    response = await submit_new(clerk_client, id_number=future_number(), name="未来人")
    assert response.status_code == 400
    assert "future" in field_error(response.text, "id_number")
    assert await count_all() == (0, 0, 0)


# ---- the same rules through the API ---------------------------------------------------------------------

async def test_api_registers_a_beijing_number_for_a_clerk(client):
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    response = await client.post("/api/v1/workers", json=api_body(BEIJING, "北京人"), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["county_code"] == LIAOZHONG
    assert response.json()["sex"] == "F"
    assert response.json()["birth_date"] == "1949-12-31"


async def test_api_asks_an_admin_to_choose_the_county_for_a_beijing_number(client):
    headers = await api_sign_in(client, "admin", "admin")
    response = await client.post("/api/v1/workers", json=api_body(BEIJING), headers=headers)
    assert response.status_code == 422
    assert "county_code" in response.json()["errors"]
    response = await client.post("/api/v1/workers", json=api_body(BEIJING, county_code=LIAOZHONG),
                                 headers=headers)
    assert response.status_code == 201, response.text


async def test_api_accepts_a_1965_heping_number(client):
    headers = await api_sign_in(client, "admin", "admin")
    full = number(HEPING, dt.date(1965, 7, 1), 55)
    response = await client.post("/api/v1/workers", json=api_body(full), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["county_code"] == HEPING


async def test_api_normalises_a_fifteen_digit_number(client):
    headers = await api_sign_in(client, "admin", "admin")
    full = number(HEPING, dt.date(1965, 3, 15), 123)
    response = await client.post("/api/v1/workers", json=api_body(fifteen_digit(full)), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["id_number"] == full
    assert response.json()["sex"] == "M"
    assert response.json()["birth_date"] == "1965-03-15"


async def test_api_places_a_retired_liaozhong_number_in_liaozhong_district(client):
    headers = await api_sign_in(client, "admin", "admin")
    full = number("210122", dt.date(1980, 1, 1), 12)
    response = await client.post("/api/v1/workers", json=api_body(full, county_code=""), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["county_code"] == LIAOZHONG
    assert response.json()["id_region_code"] == "210122"


@pytest.mark.parametrize("bad", [value for value, _ in BAD_NUMBERS.values()] + ["future"])
async def test_api_refuses_bad_numbers_with_a_field_error(client, bad):
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    bad = future_number() if bad == "future" else bad
    response = await client.post("/api/v1/workers", json=api_body(bad), headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"]["id_number"]
    assert await count_all() == (0, 0, 0)

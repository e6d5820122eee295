"""Identity numbers are masked in lists always, and on records for roles that only read statistics."""

import re

import pytest

from tests.integration.workers.helpers import (
    LIAOZHONG,
    add_worker,
    api_sign_in,
    listed_numbers,
    masked,
    number,
    shown_id_number,
    sign_in,
)

FULL = number(LIAOZHONG, seq=123)


@pytest.fixture
async def worker_id():
    return await add_worker("张三", FULL, LIAOZHONG)


def masked_number_pattern(full: str) -> str:
    return rf"^{full[:6]}\*{{8}}{re.escape(full[-4:])}$"


@pytest.mark.parametrize("role", ["admin", "county_clerk", "inspector", "supervisor"])
async def test_list_always_shows_masked_numbers(client, worker_id, role):
    await sign_in(client, role, role, LIAOZHONG if role == "county_clerk" else None)
    page = await client.get("/workers/")
    assert listed_numbers(page.text) == [masked(FULL)]
    assert re.match(masked_number_pattern(FULL), listed_numbers(page.text)[0])
    assert FULL not in page.text


@pytest.mark.parametrize("role", ["admin", "county_clerk", "inspector", "supervisor"])
async def test_api_search_always_returns_masked_numbers(client, worker_id, role):
    await api_sign_in(client, role, role, LIAOZHONG if role == "county_clerk" else None)
    response = await client.get("/api/v1/workers")
    assert [w["id_number"] for w in response.json()["items"]] == [masked(FULL)]
    assert FULL not in response.text


@pytest.mark.parametrize("role", ["admin", "county_clerk", "inspector"])
async def test_record_page_shows_the_full_number_to_roles_that_act_on_people(client, worker_id, role):
    await sign_in(client, role, role, LIAOZHONG if role == "county_clerk" else None)
    page = await client.get(f"/workers/{worker_id}")
    assert shown_id_number(page.text) == FULL


async def test_record_page_masks_the_number_for_a_supervisor(client, worker_id):
    await sign_in(client, "supervisor", "supervisor")
    page = await client.get(f"/workers/{worker_id}")
    assert shown_id_number(page.text) == masked(FULL)
    assert FULL not in page.text


@pytest.mark.parametrize("role, hidden", [("admin", False), ("county_clerk", False), ("inspector", False),
                                          ("supervisor", True)])
async def test_api_record_follows_the_same_masking_rule(client, worker_id, role, hidden):
    await api_sign_in(client, role, role, LIAOZHONG if role == "county_clerk" else None)
    for path in (f"/api/v1/workers/{worker_id}", f"/api/v1/workers/by-id-number/{FULL}"):
        record = (await client.get(path)).json()
        assert record["id_number_masked"] is hidden
        assert record["id_number"] == (masked(FULL) if hidden else FULL)

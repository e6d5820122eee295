"""Finding workers: by name, number, county, township, status, skill, intention, the 4050 group; paging."""

import datetime as dt

import pytest

from export_mgmt.workers.tables import Worker
from tests.integration.workers.helpers import (
    HEPING,
    KANGPING,
    LIAOZHONG,
    add_skill,
    add_worker,
    api_sign_in,
    born_aged,
    fifteen_digit,
    list_rows,
    listed_names,
    number,
    sign_in,
)


async def names(client, **params) -> list[str]:
    page = await client.get("/workers/", params=params)
    assert page.status_code == 200, page.text
    return sorted(listed_names(page.text))


async def api_names(client, **params) -> list[str]:
    response = await client.get("/api/v1/workers", params=params)
    assert response.status_code == 200, response.text
    return sorted(w["name"] for w in response.json()["items"])


@pytest.fixture
async def pool():
    """A small mixed pool across three counties."""
    await add_worker("王小明", number(LIAOZHONG, dt.date(1990, 1, 2), 11), LIAOZHONG,
                     township_code="210115101", township_name="于家房镇", status="available", intention="overseas")
    await add_worker("王大明", number(LIAOZHONG, dt.date(1988, 5, 6), 13), LIAOZHONG,
                     township_name="新立屯村", status="placed", intention="domestic")
    welder = await add_worker("李焊工", number(HEPING, dt.date(1975, 3, 4), 15), HEPING, status="abroad",
                              intention="overseas")
    await add_skill(welder, "电焊工", "3")
    await add_worker("赵康平", number(KANGPING, dt.date(1965, 8, 9), 17), KANGPING, intention="either")


async def test_search_by_part_of_the_name(admin_client, pool):
    assert await names(admin_client, q="明") == ["王大明", "王小明"]
    assert await names(admin_client, q="小明") == ["王小明"]


async def test_search_by_full_identity_number(admin_client, pool):
    full = number(HEPING, dt.date(1975, 3, 4), 15)
    assert await names(admin_client, q=full) == ["李焊工"]


async def test_search_by_the_old_fifteen_digit_number(admin_client, pool):
    full = number(HEPING, dt.date(1975, 3, 4), 15)
    assert await names(admin_client, q=fifteen_digit(full)) == ["李焊工"]


async def test_admin_filters_by_county(admin_client, pool):
    assert await names(admin_client, county=LIAOZHONG) == ["王大明", "王小明"]
    assert await names(admin_client, county=KANGPING) == ["赵康平"]


async def test_filter_by_township_code_or_name(admin_client, pool):
    assert await names(admin_client, township="210115101") == ["王小明"]
    assert await names(admin_client, township="于家房") == ["王小明"]
    assert await names(admin_client, township="新立屯") == ["王大明"]


async def test_filter_by_status(admin_client, pool):
    assert await names(admin_client, status="placed") == ["王大明"]
    assert await names(admin_client, status="abroad") == ["李焊工"]


async def test_filter_by_skill_trade(admin_client, pool):
    assert await names(admin_client, skill="电焊") == ["李焊工"]
    assert await names(admin_client, skill="木工") == []


async def test_filter_by_intention(admin_client, pool):
    assert await names(admin_client, intention="overseas") == ["李焊工", "王小明"]


async def test_filters_combine(admin_client, pool):
    assert await names(admin_client, county=LIAOZHONG, intention="overseas") == ["王小明"]
    assert await names(admin_client, q="王", status="placed") == ["王大明"]


async def test_api_search_uses_the_same_filters(client, pool):
    await api_sign_in(client, "admin", "admin")
    assert await api_names(client, q="明") == ["王大明", "王小明"]
    assert await api_names(client, q=fifteen_digit(number(HEPING, dt.date(1975, 3, 4), 15))) == ["李焊工"]
    assert await api_names(client, county=KANGPING) == ["赵康平"]
    assert await api_names(client, township="于家房") == ["王小明"]
    assert await api_names(client, status="placed") == ["王大明"]
    assert await api_names(client, skill="电焊") == ["李焊工"]
    assert await api_names(client, intention="domestic") == ["王大明"]


@pytest.fixture
async def ages():
    await add_worker("女四十一", number(LIAOZHONG, born_aged(41), 22))
    await add_worker("女三十九", number(LIAOZHONG, born_aged(39), 24))
    await add_worker("男四十五", number(LIAOZHONG, born_aged(45), 31))
    await add_worker("男五十一", number(LIAOZHONG, born_aged(51), 33))


async def test_4050_group_is_women_from_40_and_men_from_50(admin_client, ages):
    assert await names(admin_client, group_4050="1") == ["女四十一", "男五十一"]
    assert len(await names(admin_client)) == 4


async def test_list_tags_the_4050_group(admin_client, ages):
    page = await admin_client.get("/workers/")
    tagged = {name: ">4050</span>" in row for name, row in zip(listed_names(page.text), list_rows(page.text))}
    assert tagged == {"女四十一": True, "女三十九": False, "男四十五": False, "男五十一": True}


async def test_api_4050_filter(client, ages):
    await api_sign_in(client, "admin", "admin")
    assert await api_names(client, group_4050="true") == ["女四十一", "男五十一"]
    items = (await client.get("/api/v1/workers")).json()["items"]
    assert {w["name"]: w["is_4050"] for w in items} == {"女四十一": True, "女三十九": False, "男四十五": False,
                                                        "男五十一": True}
    assert {w["name"]: w["age"] for w in items} == {"女四十一": 41, "女三十九": 39, "男四十五": 45, "男五十一": 51}


@pytest.fixture
async def many_workers():
    rows = []
    for i in range(55):
        born = dt.date(1980, 1, 1) + dt.timedelta(days=i)
        full = number(LIAOZHONG, born, 100 + i)
        rows.append(Worker(id_number=full, name=f"工人{i:02d}", sex="M" if i % 2 else "F", birth_date=born,
                           id_region_code=LIAOZHONG, county_code=LIAOZHONG))
    await Worker.insert(*rows)


async def test_list_pages_by_fifty(admin_client, many_workers):
    first = await admin_client.get("/workers/")
    assert len(list_rows(first.text)) == 50
    assert "55 workers found" in first.text
    assert "page=2" in first.text
    second = await admin_client.get("/workers/", params={"page": "2"})
    assert len(list_rows(second.text)) == 5
    assert not set(listed_names(first.text)) & set(listed_names(second.text))
    assert len(set(listed_names(first.text)) | set(listed_names(second.text))) == 55


async def test_page_links_keep_the_filters(admin_client, many_workers):
    first = await admin_client.get("/workers/", params={"county": LIAOZHONG})
    assert "county=210115" in first.text and "page=2" in first.text


async def test_api_pages_by_fifty(client, many_workers):
    await api_sign_in(client, "admin", "admin")
    first = (await client.get("/api/v1/workers")).json()
    second = (await client.get("/api/v1/workers", params={"page": 2})).json()
    assert (first["total"], first["page"], first["page_size"], len(first["items"])) == (55, 1, 50, 50)
    assert (second["total"], second["page"], len(second["items"])) == (55, 2, 5)
    assert len({w["id"] for w in first["items"] + second["items"]}) == 55


async def test_clerk_filters_stay_inside_their_county(client, pool):
    await sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    assert await names(client, intention="overseas") == ["王小明"]
    assert await names(client, skill="电焊") == []


async def test_wildcards_typed_in_the_name_box_are_plain_text(admin_client):
    import datetime as dt

    from export_mgmt.idnumber import make_number
    from export_mgmt.workers.tables import Worker

    born = dt.date(1990, 1, 1)
    await Worker.insert(
        Worker(id_number=make_number("210115", born, 11), name="王小二", sex="M", birth_date=born,
               id_region_code="210115", county_code="210115"),
        Worker(id_number=make_number("210115", born, 13), name="李二", sex="M", birth_date=born,
               id_region_code="210115", county_code="210115"),
    )
    # "_" and "%" would match any character in SQL LIKE; here they are not wildcards.
    assert "王小二" not in (await admin_client.get("/workers/", params={"q": "王_二"})).text
    assert "王小二" not in (await admin_client.get("/workers/", params={"q": "王%二"})).text
    found = (await admin_client.get("/workers/", params={"q": "小二"})).text
    assert "王小二" in found and "李二" not in found

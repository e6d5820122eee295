"""What other domains call: get_employer() and list_for_country(), plus search and history."""

from export_mgmt.employers import services
from export_mgmt.employers.schemas import EmployerCreate, EmployerUpdate
from tests.integration.employers.helpers import FOREIGN, actor, add_employer

ADMIN = actor("admin")


async def test_get_employer_returns_the_row_or_none():
    employer_id = await add_employer("三星电子", "KR", region="水原", programme="kr_eps_e9", registration_no="124-81")
    row = await services.get_employer(employer_id)
    assert row is not None
    assert (row["id"], row["name"], row["kind"], row["country"], row["region"], row["programme"], row["active"]) == (
        employer_id, "三星电子", "foreign", "KR", "水原", "kr_eps_e9", True)
    assert await services.get_employer(employer_id + 1000) is None


async def test_get_employer_returns_inactive_employers_too():
    employer_id = await add_employer("停业雇主", "JP", active=False)
    assert (await services.get_employer(employer_id))["active"] is False


async def test_list_for_country_gives_active_employers_of_that_country_by_name():
    b = await add_employer("B 株式会社", "JP")
    a = await add_employer("A 株式会社", "JP")
    await add_employer("C 株式会社", "JP", active=False)
    await add_employer("韩国雇主", "KR")
    await add_employer("国内雇主", "CN")
    rows = await services.list_for_country("JP")
    assert [r["id"] for r in rows] == [a, b]
    assert all(r["country"] == "JP" and r["active"] for r in rows)
    assert [r["name"] for r in await services.list_for_country("CN")] == ["国内雇主"]
    assert [r["id"] for r in await services.list_for_country("jp")] == [a, b]
    assert await services.list_for_country("SG") == []


async def test_search_filters_by_country_kind_name_and_status():
    await add_employer("Hyundai Heavy", "KR", registration_no="610-81-00001")
    await add_employer("Tanaka Seiki", "JP")
    await add_employer("深圳电子厂", "CN")
    await add_employer("Closed Hyundai", "KR", active=False)

    async def names(**flt) -> list[str]:
        page = await services.search(ADMIN, services.EmployerFilter(**flt))
        return [item.name for item in page.items]

    assert await names() == ["Hyundai Heavy", "Tanaka Seiki", "深圳电子厂", "Closed Hyundai"]
    assert await names(country="KR") == ["Hyundai Heavy", "Closed Hyundai"]
    assert await names(kind="domestic") == ["深圳电子厂"]
    assert await names(kind="foreign", active="1") == ["Hyundai Heavy", "Tanaka Seiki"]
    assert await names(active="0") == ["Closed Hyundai"]
    assert await names(q="hyundai") == ["Hyundai Heavy", "Closed Hyundai"]  # any case, on both engines
    assert await names(q="电子") == ["深圳电子厂"]
    assert await names(q="610-81-00001") == ["Hyundai Heavy"]
    assert await names(q="nothing like it") == []


async def test_search_pages():
    for i in range(5):
        await add_employer(f"雇主{i}", "SG")
    page = await services.search(ADMIN, services.EmployerFilter(), page=2, page_size=2)
    assert (page.total, page.page, page.page_size) == (5, 2, 2)
    assert [item.name for item in page.items] == ["雇主2", "雇主3"]


async def test_update_without_changes_writes_nothing():
    employer_id = await services.create(ADMIN, EmployerCreate(**FOREIGN))
    same = EmployerUpdate(**FOREIGN, version=1)
    await services.update(ADMIN, employer_id, same)
    row = await services.get_employer(employer_id)
    assert row["version"] == 1
    assert len(await services.history(ADMIN, employer_id)) == 1

"""The employer rules, checked by the service every page and the API share: accepted and refused input."""

import pytest

from export_mgmt.employers import services
from export_mgmt.employers.schemas import EmployerCreate
from export_mgmt.errors import FormErrors
from tests.integration.employers.helpers import DOMESTIC, FOREIGN, actor, add_employer, employer_rows

ADMIN = actor("admin")


def body(base: dict, **changes) -> EmployerCreate:
    return EmployerCreate(**{**base, **changes})


async def refused(data: EmployerCreate) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        await services.create(ADMIN, data)
    assert await employer_rows() == []
    return caught.value.errors


@pytest.mark.parametrize("country", ["KR", "JP", "SG"])
async def test_foreign_employer_in_each_destination_is_accepted(country):
    programme = {"KR": "kr_eps_h2", "JP": "jp_technical_intern", "SG": "sg_work_permit"}[country]
    employer_id = await services.create(ADMIN, body(FOREIGN, country=country, programme=programme))
    row = (await employer_rows(id=employer_id))[0]
    assert (row["kind"], row["country"], row["programme"], row["destination_group"]) == (
        "foreign", country, programme, "")
    assert row["active"] is True and row["version"] == 1


@pytest.mark.parametrize("group", ["YRD", "PRD", "WEST", "OTHER"])
async def test_domestic_employer_with_each_group_is_accepted(group):
    employer_id = await services.create(ADMIN, body(DOMESTIC, destination_group=group))
    row = (await employer_rows(id=employer_id))[0]
    assert (row["kind"], row["country"], row["destination_group"], row["region"]) == (
        "domestic", "CN", group, "江苏省苏州市")


async def test_minimal_foreign_employer_is_accepted_and_text_is_tidied():
    employer_id = await services.create(ADMIN, EmployerCreate(
        kind="foreign", name="  Tanaka   Seiki  ", country="jp", region=" 名古屋 ", registration_no=" 1234 5678 ab "))
    row = (await employer_rows(id=employer_id))[0]
    assert (row["name"], row["country"], row["region"], row["registration_no"]) == (
        "Tanaka Seiki", "JP", "名古屋", "12345678AB")
    assert (row["sector"], row["programme"], row["address"], row["contact"]) == ("", "", "", "")


async def test_domestic_employer_may_name_the_domestic_programme():
    employer_id = await services.create(ADMIN, body(DOMESTIC, programme="domestic"))
    assert (await employer_rows(id=employer_id))[0]["programme"] == "domestic"


async def test_name_of_exactly_200_characters_is_accepted():
    employer_id = await services.create(ADMIN, body(FOREIGN, name="株" * 200))
    assert (await employer_rows(id=employer_id))[0]["name"] == "株" * 200


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "   "}, "name", "This field is required."),
    ({"name": "株" * 201}, "name", "At most 200 characters."),
    ({"kind": ""}, "kind", "Choose one of the listed values."),
    ({"kind": "overseas"}, "kind", "Choose one of the listed values."),
    ({"country": ""}, "country", "This field is required."),
    ({"country": "US", "programme": ""}, "country", "Choose one of the listed values."),
    ({"country": "CN", "programme": ""}, "country",
     "A foreign employer is in Korea, Japan or Singapore: choose one of them."),
    ({"region": ""}, "region", "Name the city where the employer is."),
    ({"region": "x" * 101}, "region", "At most 100 characters."),
    ({"destination_group": "YRD"}, "destination_group",
     "Only domestic employers have a destination group: leave it empty."),
    ({"programme": "jp_trainee"}, "programme", "Choose a programme of the employer's country, or none."),
    ({"programme": "domestic"}, "programme", "Choose a programme of the employer's country, or none."),
    ({"programme": "kr_eps_e10"}, "programme", "Choose a programme of the employer's country, or none."),
    ({"sector": "mining"}, "sector", "Choose one of the listed values."),
    ({"registration_no": "1" * 51}, "registration_no", "At most 50 characters."),
    ({"address": "x" * 201}, "address", "At most 200 characters."),
    ({"contact": "x" * 101}, "contact", "At most 100 characters."),
])
async def test_foreign_employer_refused(changes, field, message):
    errors = await refused(body(FOREIGN, **changes))
    assert errors == {field: message}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"country": "KR"}, "country", "A domestic employer is in China: choose Domestic (other provinces)."),
    ({"destination_group": ""}, "destination_group", "Choose the destination group of a domestic employer."),
    ({"destination_group": "NORTH"}, "destination_group", "Choose one of the listed values."),
    ({"region": ""}, "region", "Name the province (and city) where the employer is."),
    ({"programme": "kr_eps_e9"}, "programme", "Choose a programme of the employer's country, or none."),
])
async def test_domestic_employer_refused(changes, field, message):
    errors = await refused(body(DOMESTIC, **changes))
    assert errors == {field: message}


async def test_every_problem_is_reported_at_once():
    errors = await refused(EmployerCreate(kind="domestic", name="", country="CN", sector="x"))
    assert set(errors) == {"name", "region", "destination_group", "sector"}


async def test_same_registration_number_in_the_same_country_is_refused():
    first = await services.create(ADMIN, body(FOREIGN))
    with pytest.raises(FormErrors) as caught:
        await services.create(ADMIN, body(FOREIGN, name="另一家", registration_no="610-81-00001 "))
    assert caught.value.errors == {
        "registration_no": "An employer with this registration number is already registered in Korea."}
    assert caught.value.extra == {"duplicate_id": first}
    assert len(await employer_rows()) == 1


async def test_registration_numbers_compare_without_case_or_spaces():
    await services.create(ADMIN, body(FOREIGN, country="SG", registration_no="201912345K", programme=""))
    with pytest.raises(FormErrors):
        await services.create(ADMIN, body(FOREIGN, country="SG", registration_no=" 201912345k", programme=""))


async def test_same_registration_number_in_another_country_is_accepted():
    await services.create(ADMIN, body(FOREIGN))
    await services.create(ADMIN, body(FOREIGN, country="JP", programme=""))
    assert [r["country"] for r in await employer_rows()] == ["KR", "JP"]


async def test_employers_without_registration_number_are_never_duplicates():
    await services.create(ADMIN, body(FOREIGN, registration_no=""))
    await services.create(ADMIN, body(FOREIGN, registration_no=""))
    assert len(await employer_rows()) == 2


async def test_an_inactive_employer_still_holds_its_registration_number():
    await add_employer("旧雇主", "KR", registration_no="610-81-00001", active=False)
    with pytest.raises(FormErrors) as caught:
        await services.create(ADMIN, body(FOREIGN))
    assert "registration_no" in caught.value.errors

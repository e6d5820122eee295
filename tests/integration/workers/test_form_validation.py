"""Bad input on the register form: a message beside the field, the input kept, nothing written."""

import pytest

from export_mgmt.audit.tables import AuditLog
from tests.integration.workers.helpers import (
    api_body,
    api_sign_in,
    count_all,
    field_error,
    form_error,
    number,
    redirected_id,
    submit_new,
)


async def test_missing_name_is_refused(clerk_client):
    full = number()
    response = await submit_new(clerk_client, id_number=full, name="  ")
    assert response.status_code == 400
    assert field_error(response.text, "name") == "This field is required."
    assert f'value="{full}"' in response.text
    assert await count_all() == (0, 0, 0)


@pytest.mark.parametrize("field, limit", [("name", 50), ("village", 100), ("township_name", 50),
                                          ("training", 2000), ("notes", 2000)])
async def test_over_long_field_is_refused(clerk_client, field, limit):
    response = await submit_new(clerk_client, id_number=number(), **{"name": "张三", field: "长" * (limit + 1)})
    assert response.status_code == 400
    assert field_error(response.text, field) == f"At most {limit} characters."
    assert await count_all() == (0, 0, 0)


@pytest.mark.parametrize("phone", ["call me", "13x00000000", "1" * 25])
async def test_bad_phone_is_refused(clerk_client, phone):
    response = await submit_new(clerk_client, id_number=number(), name="张三", phone=phone)
    assert response.status_code == 400
    assert "phone" in field_error(response.text, "phone")
    assert f'value="{phone}"' in response.text
    assert await count_all() == (0, 0, 0)


async def test_ordinary_phone_numbers_are_accepted(clerk_client):
    redirected_id(await submit_new(clerk_client, id_number=number(seq=1), name="甲", phone="13812345678"))
    redirected_id(await submit_new(clerk_client, id_number=number(seq=2), name="乙", phone="+86 24-8765-4321"))


@pytest.mark.parametrize("value, message", [("2024-13-01", "YYYY-MM-DD"), ("yesterday", "YYYY-MM-DD"),
                                            ("2999-01-01", "future")])
async def test_bad_health_check_date_is_refused(clerk_client, value, message):
    response = await submit_new(clerk_client, id_number=number(), name="张三", health_check_date=value,
                                health_check_result="fit")
    assert response.status_code == 400
    assert message in field_error(response.text, "health_check_date")
    assert f'value="{value}"' in response.text
    assert await count_all() == (0, 0, 0)


async def test_health_result_without_a_date_is_refused(clerk_client):
    response = await submit_new(clerk_client, id_number=number(), name="张三", health_check_result="fit")
    assert response.status_code == 400
    assert field_error(response.text, "health_check_date")


async def test_township_of_another_county_is_refused(clerk_client):
    response = await submit_new(clerk_client, id_number=number(), name="张三", township_code="210102001")
    assert response.status_code == 400
    assert "not in the chosen county" in field_error(response.text, "township_code")
    assert await count_all() == (0, 0, 0)


async def test_coded_township_fills_in_its_name(clerk_client):
    worker_id = redirected_id(await submit_new(clerk_client, id_number=number(), name="张三",
                                               township_code="210115101"))
    assert "于家房镇 (210115101)" in (await clerk_client.get(f"/workers/{worker_id}")).text


async def test_every_problem_is_reported_at_once(clerk_client):
    response = await submit_new(clerk_client, id_number="36042619910102009X", name="", phone="abc",
                                health_check_date="soon", preferred_destinations=["KR", "YRD"], status="placed")
    assert response.status_code == 400
    assert form_error(response.text) == "Please correct the marked fields."
    for field in ("id_number", "name", "phone", "health_check_date"):
        assert field_error(response.text, field), field
    assert 'value="KR" checked' in response.text and 'value="YRD" checked' in response.text
    assert '<option value="placed" selected>' in response.text


async def test_names_with_markup_are_shown_as_text(clerk_client):
    worker_id = redirected_id(await submit_new(clerk_client, id_number=number(), name="<b>张三</b>"))
    page = (await clerk_client.get(f"/workers/{worker_id}")).text
    assert "&lt;b&gt;张三&lt;/b&gt;" in page
    assert "<b>张三</b>" not in page


async def test_bad_skill_level_writes_neither_worker_nor_skills(clerk_client):
    response = await submit_new(clerk_client, id_number=number(), name="张三",
                                **{"skills.0.trade": "电焊", "skills.0.level": "3",
                                   "skills.1.trade": "瓦工", "skills.1.level": "9"})
    assert response.status_code == 400
    assert field_error(response.text, "skills.1.level")
    assert 'value="电焊"' in response.text and 'value="瓦工"' in response.text
    assert await count_all() == (0, 0, 0)
    assert await AuditLog.count().where(AuditLog.entity == "worker") == 0


async def test_bad_language_score_writes_nothing(clerk_client):
    response = await submit_new(clerk_client, id_number=number(), name="张三",
                                **{"languages.0.language": "ko", "languages.0.score": "abc"})
    assert response.status_code == 400
    assert field_error(response.text, "languages.0.score")
    assert await count_all() == (0, 0, 0)


async def test_registration_fails_whole_when_the_audit_row_cannot_be_written(clerk_client, monkeypatch):
    async def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("export_mgmt.audit.services.record", broken_audit)
    response = await submit_new(clerk_client, id_number=number(), name="张三",
                                **{"skills.0.trade": "电焊", "languages.0.language": "ko"})
    assert response.status_code == 500
    assert await count_all() == (0, 0, 0)


# ---- the API reports the same problems as JSON --------------------------------------------------------

async def test_api_reports_every_bad_field_as_422(client):
    headers = await api_sign_in(client, "clerk", "county_clerk", "210115")
    body = api_body(number(), name="", phone="abc", health_check_date="2024-02-30", village="村" * 101,
                    skills=[{"trade": "电焊", "level": "9"}])
    response = await client.post("/api/v1/workers", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    errors = response.json()["errors"]
    assert set(errors) == {"name", "phone", "health_check_date", "village", "skills.0.level"}
    assert await count_all() == (0, 0, 0)

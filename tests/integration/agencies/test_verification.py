"""Public licence verification: no sign-in, today's status, nothing personal; and the printable certificate."""

import html
from urllib.parse import quote

import pytest
import segno

from tests.conftest import create_user, login
from tests.integration.agencies.helpers import add_agency, add_broker, add_licence, broker_number, credit_code, days

BROKER_NUMBER = broker_number(123)


@pytest.fixture
async def registered():
    a = await add_agency("沈阳国际劳务合作公司", 1, contact_phone="024-87881234", contact_name="赵丽",
                         legal_representative="李明")
    b = await add_agency("辽中人力资源服务中心", 2)
    await add_licence(a, number="辽商合〔2004〕001号", scope="KR,JP")
    await add_licence(a, number="LW-OLD", scope="SG", valid_from=days(-800), valid_to=days(-1))  # active, past its end
    await add_licence(b, number="ZJ-2004-17", scope="DOMESTIC", kind="employment_intermediary", status="suspended")
    await add_broker(a, name="王经纪", phone="13900001111")
    return a, b


def text(response) -> str:
    return html.unescape(response.text)


def assert_nothing_personal(page: str) -> None:
    for private in ("王经纪", BROKER_NUMBER, BROKER_NUMBER[:6] + "********", "13900001111", "024-87881234", "赵丽",
                    "李明"):
        assert private not in page, private


async def test_search_by_name(client, registered):
    response = await client.get("/verify", params={"q": "国际劳务"})
    assert response.status_code == 200
    page = text(response)
    assert "沈阳国际劳务合作公司" in page and credit_code(1) in page and "辽中区" in page
    assert "辽商合〔2004〕001号" in page and "Korea, Japan" in page and "In force" in page
    assert "辽中人力资源服务中心" not in page
    assert_nothing_personal(page)


async def test_an_active_licence_past_its_end_shows_as_expired(client, registered):
    page = text(await client.get("/verify", params={"q": "LW-OLD"}))
    assert "EXPIRED: this licence is no longer valid." in page
    assert_nothing_personal(page)


async def test_search_by_credit_code_and_licence_number(client, registered):
    page = text(await client.get("/verify", params={"q": credit_code(2).lower()}))
    assert "辽中人力资源服务中心" in page and "沈阳国际劳务合作公司" not in page
    assert "SUSPENDED" in page
    page = text(await client.get("/verify", params={"q": "ZJ-2004-17"}))
    assert "辽中人力资源服务中心" in page and "沈阳国际劳务合作公司" not in page


async def test_nothing_found_is_said_plainly(client, registered):
    response = await client.get("/verify", params={"q": "不存在的公司"})
    assert response.status_code == 200
    assert "Nothing found for “不存在的公司”." in text(response)
    assert "nothing-found" not in (await client.get("/verify")).text  # no search yet


async def test_one_licence_page(client, registered):
    response = await client.get("/verify/licence/" + quote("ZJ-2004-17"))
    page = text(response)
    assert response.status_code == 200
    assert "SUSPENDED: this agency may not recruit under this licence now." in page
    assert "辽中人力资源服务中心" in page and "Within China" in page
    response = await client.get("/verify/licence/" + quote("辽商合〔2004〕001号"))
    page = text(response)
    assert "In force" in page and "LW-OLD" not in page
    assert_nothing_personal(page)
    missing = await client.get("/verify/licence/NOPE-1")
    assert missing.status_code == 404 and "No licence with the number “NOPE-1” is registered." in text(missing)


async def test_verification_needs_no_sign_in_and_works_when_signed_in(client, registered):
    assert (await client.get("/verify", params={"q": "国际"}, follow_redirects=False)).status_code == 200
    await create_user("clerk", "county_clerk", county_code="210115")
    await login(client, "clerk")
    assert (await client.get("/verify", params={"q": "国际"})).status_code == 200


async def test_certificate_has_a_qr_code_to_the_public_page(admin_client, registered):
    a, _ = registered
    from export_mgmt.agencies.tables import Licence

    licence = await Licence.select(Licence.id).where(Licence.number == "辽商合〔2004〕001号").first()
    response = await admin_client.get(f"/agencies/{a}/licences/{licence['id']}/certificate")
    assert response.status_code == 200
    assert "<svg" in response.text and "&lt;svg" not in response.text
    assert "http://testserver.local/verify/licence/辽商合〔2004〕001号" in text(response)
    url = "http://testserver.local/verify/licence/" + quote("辽商合〔2004〕001号", safe="")
    assert segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff") in response.text
    assert "沈阳国际劳务合作公司" in response.text


async def test_certificate_for_own_staff_only(client, registered):
    a, b = registered
    from export_mgmt.agencies.tables import Licence

    licence = await Licence.select(Licence.id).where(Licence.number == "辽商合〔2004〕001号").first()
    await create_user("staff", "agency_staff", agency_id=a)
    await create_user("inspector", "inspector")
    await login(client, "staff")
    assert (await client.get(f"/agencies/{a}/licences/{licence['id']}/certificate")).status_code == 200
    await login(client, "inspector")
    assert (await client.get(f"/agencies/{a}/licences/{licence['id']}/certificate")).status_code == 403

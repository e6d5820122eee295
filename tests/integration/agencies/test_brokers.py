"""Brokers: one agency each, checked identity numbers, masked where they should be, struck off with a reason."""

import pytest

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies import brokers
from export_mgmt.agencies.brokers import active_broker
from export_mgmt.agencies.schemas import BrokerInput, StrikeOff
from export_mgmt.agencies.services import today
from export_mgmt.agencies.tables import Broker
from export_mgmt.errors import AccessDenied, FormErrors
from tests.conftest import create_user, login
from tests.integration.agencies.helpers import (
    ADMIN,
    add_agency,
    add_broker,
    audit_rows,
    broker_number,
    days,
    field_error,
    post_form,
    redirected_to,
    sign_in,
    staff,
    text_of,
)

FULL = broker_number(123)
MASKED = FULL[:6] + "*" * 8 + FULL[-4:]
INSPECTOR = Actor(id=9, username="inspector", display_name="Inspector", role="inspector")


@pytest.fixture
async def agencies():
    return await add_agency("甲劳务公司", 1), await add_agency("乙劳务公司", 2)


async def test_agency_staff_register_their_own_broker(client, agencies):
    a, _ = agencies
    await sign_in(client, "staff", "agency_staff", agency_id=a)
    path = f"/agencies/{a}/brokers/new"
    response = await post_form(client, path, path, id_number=f" {FULL.lower()} ", name="王经纪",
                               certificate_no="JJ-2004-01", phone="13900000000")
    broker_id = int(redirected_to(response, rf"/agencies/{a}/brokers/(\d+)").group(1))
    row = await Broker.select().where(Broker.id == broker_id).first()
    assert (row["agency"], row["id_number"], row["status"]) == (a, FULL, "active")
    page = (await client.get(f"/agencies/{a}/brokers/{broker_id}")).text
    assert f'<dd class="mono" id="id-number">{FULL}</dd>' in page  # own broker: in full
    listing = (await client.get(f"/agencies/{a}")).text
    assert MASKED in listing and FULL not in listing
    [entry] = await audit_rows("broker", broker_id)
    assert entry["changes"]["id_number"] == [None, MASKED] and entry["actor_name"] == "staff"


async def test_identity_number_is_checked(admin_client, agencies):
    a, _ = agencies
    path = f"/agencies/{a}/brokers/new"
    response = await post_form(admin_client, path, path, id_number=FULL[:-1] + ("0" if FULL[-1] != "0" else "1"),
                               name="王经纪", certificate_no="", phone="")
    assert response.status_code == 400
    assert "check character" in field_error(response.text, "id_number")


async def test_a_broker_belongs_to_one_agency(agencies):
    a, b = agencies
    await brokers.create(ADMIN, a, BrokerInput(id_number=FULL, name="王经纪"))
    with pytest.raises(FormErrors) as caught:
        await brokers.create(staff(b), b, BrokerInput(id_number=FULL, name="王经纪"))
    assert caught.value.errors == {"id_number": "This identity number is already registered with another agency."}
    assert caught.value.extra == {}  # nothing about the other agency
    with pytest.raises(FormErrors) as caught:
        await brokers.create(staff(a), a, BrokerInput(id_number=FULL, name="王经纪"))
    assert "already registered with this agency" in caught.value.errors["id_number"]
    assert await Broker.count() == 1


async def test_strike_off_needs_date_and_reason(admin_client, agencies):
    a, _ = agencies
    broker_id = await add_broker(a)
    assert await active_broker(a, broker_id) is not None
    path = f"/agencies/{a}/brokers/{broker_id}"
    response = await post_form(admin_client, path, path + "/strike-off", on_date=today().isoformat(), reason="")
    assert response.status_code == 400 and field_error(response.text, "reason")
    response = await post_form(admin_client, path, path + "/strike-off", on_date=today().isoformat(),
                               reason="收取工人押金")
    redirected_to(response, path)
    row = await Broker.select().where(Broker.id == broker_id).first()
    assert (row["status"], row["struck_off_on"], row["struck_off_reason"]) == ("struck_off", today(), "收取工人押金")
    assert await active_broker(a, broker_id) is None
    page = text_of((await admin_client.get(path)).text)
    assert "Struck off" in page and "收取工人押金" in page and "/strike-off" not in page
    with pytest.raises(FormErrors):
        await brokers.strike_off(ADMIN, a, broker_id, StrikeOff(on_date=today().isoformat(), reason="again"))
    with pytest.raises(FormErrors) as caught:
        await brokers.strike_off(ADMIN, a, await add_broker(a, seq=125),
                                 StrikeOff(on_date=days(1).isoformat(), reason="x"))
    assert "future" in caught.value.errors["on_date"]
    assert [e["action"] for e in await audit_rows("broker", broker_id)] == ["struck_off"]


async def test_active_broker_checks_the_agency(agencies):
    a, b = agencies
    broker_id = await add_broker(a)
    assert (await active_broker(a, broker_id))["name"] == "王经纪"
    assert await active_broker(b, broker_id) is None


async def test_edit_is_versioned(admin_client, agencies):
    a, _ = agencies
    broker_id = await add_broker(a)
    path = f"/agencies/{a}/brokers/{broker_id}/edit"
    fields = {"id_number": FULL, "name": "王二", "certificate_no": "JJ-9", "phone": "", "version": "1"}
    redirected_to(await post_form(admin_client, path, path, **fields), rf"/agencies/{a}/brokers/{broker_id}")
    stale = await post_form(admin_client, path, path, **fields)
    assert stale.status_code == 400 and "Someone else changed" in text_of(stale.text)
    entries = await audit_rows("broker", broker_id)
    assert entries[-1]["changes"] == {"name": ["王经纪", "王二"], "certificate_no": ["", "JJ-9"]}


async def test_readers_cannot_write_and_see_masked_numbers(client, agencies):
    a, _ = agencies
    broker_id = await add_broker(a)
    await create_user("supervisor", "supervisor")
    await login(client, "supervisor")
    page = (await client.get(f"/agencies/{a}/brokers/{broker_id}")).text
    assert f'<dd class="mono" id="id-number">{MASKED}</dd>' in page
    assert (await client.get(f"/agencies/{a}/brokers/new")).status_code == 403
    assert (await client.get(f"/agencies/{a}/brokers/{broker_id}/edit")).status_code == 403
    with pytest.raises(AccessDenied):
        await brokers.create(INSPECTOR, a, BrokerInput(id_number=broker_number(125), name="x"))


async def test_inspector_sees_the_full_number_on_the_record_only(client, agencies):
    a, _ = agencies
    broker_id = await add_broker(a)
    await sign_in(client, "inspector", "inspector")
    assert FULL in (await client.get(f"/agencies/{a}/brokers/{broker_id}")).text
    listing = (await client.get(f"/agencies/{a}/brokers/")).text
    assert MASKED in listing and FULL not in listing

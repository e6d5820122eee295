"""The reserve fund of an overseas licence: held = deposits + top-ups - draws; no draw beyond what is held."""

import pytest

from export_mgmt.agencies import reserve
from export_mgmt.agencies.schemas import ReserveEntryCreate
from export_mgmt.agencies.services import today
from export_mgmt.agencies.tables import ReserveFundEntry
from export_mgmt.errors import AccessDenied, FormErrors
from tests.integration.agencies.helpers import (
    ADMIN,
    add_agency,
    add_licence,
    audit_rows,
    field_error,
    post_form,
    redirected_to,
    staff,
    text_of,
)


def entry(kind, amount, note=""):
    return ReserveEntryCreate(kind=kind, amount=amount, on_date=today().isoformat(), note=note)


@pytest.fixture
async def licence():
    agency_id = await add_agency("沈阳国际劳务公司", 1)
    return agency_id, await add_licence(agency_id, reserve_required=300_000_000)  # 3,000,000 yuan


async def test_amount_held_and_shortfall(licence):
    agency_id, licence_id = licence
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("deposit", "2,000,000"))
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("top_up", "500000.50"))
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("draw", "300000", note="赔付工人"))
    state = await reserve.reserve_state(ADMIN, agency_id, licence_id)
    assert (state.required, state.held, state.short) == (300_000_000, 220_000_050, True)
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("top_up", "799999.50"))
    state = await reserve.reserve_state(ADMIN, agency_id, licence_id)
    assert (state.held, state.short) == (300_000_000, False)
    entries = await audit_rows("licence", licence_id)
    assert entries[2]["action"] == "reserve_entry"
    assert entries[2]["changes"]["reserve_held"] == ["2500000.50", "2200000.50"]


async def test_a_draw_beyond_the_amount_held_is_refused(licence):
    agency_id, licence_id = licence
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("deposit", "100"))
    with pytest.raises(FormErrors) as caught:
        await reserve.add_entry(ADMIN, agency_id, licence_id, entry("draw", "100.01"))
    assert "cannot be larger than the amount held" in caught.value.errors["amount"]
    await reserve.add_entry(ADMIN, agency_id, licence_id, entry("draw", "100"))
    assert (await reserve.reserve_state(ADMIN, agency_id, licence_id)).held == 0
    assert await ReserveFundEntry.count() == 2


@pytest.mark.parametrize("kind, amount, field", [("draw", "0", "amount"), ("deposit", "-5", "amount"),
                                                 ("deposit", "abc", "amount"), ("loan", "5", "kind")])
async def test_entries_are_checked(licence, kind, amount, field):
    agency_id, licence_id = licence
    with pytest.raises(FormErrors) as caught:
        await reserve.add_entry(ADMIN, agency_id, licence_id, entry(kind, amount))
    assert field in caught.value.errors


async def test_only_overseas_licences_and_administrators(licence):
    agency_id, licence_id = licence
    with pytest.raises(AccessDenied):
        await reserve.add_entry(staff(agency_id), agency_id, licence_id, entry("deposit", "5"))
    domestic = await add_licence(agency_id, number="D-1", scope="DOMESTIC", kind="employment_intermediary")
    with pytest.raises(FormErrors):
        await reserve.add_entry(ADMIN, agency_id, domestic, entry("deposit", "5"))


async def test_reserve_on_the_pages(admin_client, licence):
    agency_id, licence_id = licence
    path = f"/agencies/{agency_id}/licences/{licence_id}"
    response = await post_form(admin_client, path, path + "/reserve", kind="deposit", amount="1000000",
                               on_date=today().isoformat(), note="首次缴存")
    redirected_to(response, path + "#reserve")
    response = await post_form(admin_client, path, path + "/reserve", kind="draw", amount="2000000",
                               on_date=today().isoformat(), note="")
    assert response.status_code == 400 and "cannot be larger" in field_error(response.text, "amount")
    page = text_of((await admin_client.get(path)).text)
    assert "1,000,000.00" in page and "3,000,000.00" in page and "less than required" in page
    agency_page = text_of((await admin_client.get(f"/agencies/{agency_id}")).text)
    assert "Less than required is held." in agency_page

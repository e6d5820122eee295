"""Licences: recording and checking them, status transitions with dated reasons, and whether one is in force."""

import datetime as dt

import pytest

from export_mgmt.agencies import licence_status
from export_mgmt.agencies.licences import find_licence_for, licence_in_force, mark_expired_licences
from export_mgmt.agencies.schemas import StatusChange
from export_mgmt.agencies.services import today
from export_mgmt.agencies.tables import Licence, LicenceStatusChange
from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import FormErrors
from tests.integration.agencies.helpers import (
    ADMIN,
    add_agency,
    add_licence,
    audit_rows,
    days,
    field_error,
    licence_row,
    post_form,
    redirected_to,
    text_of,
)

LICENCE_FORM = {"kind": "overseas_cooperation", "number": "辽商合〔2004〕001号", "scope": ["KR", "JP"],
                "issuing_authority": "辽宁省商务厅", "valid_from": "2024-01-01", "valid_to": "2027-12-31",
                "reserve_required": "3,000,000"}


@pytest.fixture
async def agency_id():
    return await add_agency("沈阳国际劳务公司", 1)


async def new_licence(client, agency_id, **fields):
    path = f"/agencies/{agency_id}/licences/new"
    return await post_form(client, path, path, **{**LICENCE_FORM, **fields})


async def test_admin_records_a_licence(admin_client, agency_id):
    response = await new_licence(admin_client, agency_id)
    licence_id = int(redirected_to(response, rf"/agencies/{agency_id}/licences/(\d+)").group(1))
    row = await licence_row(licence_id)
    assert (row["scope"], row["status"], row["reserve_required"]) == ("KR,JP", "active", 300_000_000)
    assert (row["valid_from"], row["valid_to"]) == (dt.date(2024, 1, 1), dt.date(2027, 12, 31))
    [entry] = await audit_rows("licence", licence_id)
    assert entry["action"] == "created" and entry["changes"]["reserve_required"] == [None, "3000000.00"]
    page = text_of((await admin_client.get(f"/agencies/{agency_id}")).text)
    assert "辽商合〔2004〕001号" in page and "Korea, Japan" in page and "In force" in page


@pytest.mark.parametrize("fields, field, message", [
    ({"scope": []}, "scope", "Choose at least one scope."),
    ({"scope": ["XX"]}, "scope", "Choose one of the listed values."),
    ({"valid_to": "2023-12-31"}, "valid_to", "cannot be before its start"),
    ({"valid_from": "2024-02-30"}, "valid_from", "YYYY-MM-DD"),
    ({"reserve_required": ""}, "reserve_required", "Enter the reserve fund"),
    ({"reserve_required": "12.345"}, "reserve_required", "Enter an amount in yuan"),
    ({"kind": "employment_intermediary", "scope": ["DOMESTIC"]}, "reserve_required", "Only an overseas"),
    ({"kind": "employment_intermediary", "scope": ["KR"], "reserve_required": ""}, "scope", "domestic placements only"),
    ({"number": "A/1"}, "number", "cannot contain"),
    ({"number": ""}, "number", "This field is required."),
    ({"issuing_authority": ""}, "issuing_authority", "This field is required."),
])
async def test_licence_form_is_checked(admin_client, agency_id, fields, field, message):
    response = await new_licence(admin_client, agency_id, **fields)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert await Licence.count() == 0


async def test_licence_numbers_are_unique(admin_client, agency_id):
    other = await add_agency("别的公司", 2)
    await add_licence(other, number="LW-9")
    response = await new_licence(admin_client, agency_id, number="LW-9")
    assert response.status_code == 400
    assert "already registered" in field_error(response.text, "number")


async def test_licence_edit_is_versioned(admin_client, agency_id):
    licence_id = await add_licence(agency_id, number="LW-1")
    path = f"/agencies/{agency_id}/licences/{licence_id}/edit"
    page = (await admin_client.get(path)).text
    assert 'name="version" value="1"' in page and 'value="3000000.00"' in page
    fields = {**LICENCE_FORM, "number": "LW-1", "scope": ["KR", "SG"], "version": "1"}
    redirected_to(await post_form(admin_client, path, path, **fields), rf"/agencies/{agency_id}/licences/{licence_id}")
    stale = await post_form(admin_client, path, path, **fields)
    assert stale.status_code == 400 and "Someone else changed" in text_of(stale.text)
    assert (await licence_row(licence_id))["scope"] == "KR,SG"


# ---- status transitions ----------------------------------------------------------------------------------

def change(status, reason="检查发现违规", effective=None, new_valid_to=""):
    return StatusChange(status=status, effective_on=(effective or today()).isoformat(), reason=reason,
                        new_valid_to=new_valid_to)


@pytest.mark.parametrize("start, new", [
    ("active", "suspended"), ("active", "revoked"), ("active", "cancelled"), ("active", "expired"),
    ("suspended", "active"), ("suspended", "revoked"), ("suspended", "cancelled"),
])
async def test_allowed_transitions(agency_id, start, new):
    licence_id = await add_licence(agency_id, status=start)
    await licence_status.change_status(ADMIN, agency_id, licence_id, change(new, effective=days(-2)))
    row = await licence_row(licence_id)
    assert (row["status"], row["status_reason"], row["status_changed_on"]) == (new, "检查发现违规", days(-2))
    [history] = await LicenceStatusChange.select().where(LicenceStatusChange.licence == licence_id)
    assert (history["status"], history["effective_on"], history["actor_name"]) == (new, days(-2), "admin")
    [entry] = await audit_rows("licence", licence_id)
    assert entry["action"] == "status_changed"
    assert entry["changes"]["licence_status"] == [start, new]


@pytest.mark.parametrize("start, new, message", [
    ("revoked", "active", "revoked: its status cannot change"),
    ("cancelled", "active", "cancelled: its status cannot change"),
    ("revoked", "suspended", "revoked: its status cannot change"),
    ("expired", "suspended", "cannot go from “Expired” to “Suspended”"),
    ("expired", "revoked", "cannot go from"),
    ("suspended", "expired", "cannot go from"),
    ("active", "active", "already has this status"),
])
async def test_refused_transitions(agency_id, start, new, message):
    licence_id = await add_licence(agency_id, status=start)
    with pytest.raises(FormErrors) as caught:
        await licence_status.change_status(ADMIN, agency_id, licence_id, change(new))
    assert message in caught.value.errors["status"]
    assert (await licence_row(licence_id))["status"] == start
    assert await LicenceStatusChange.count() == 0 and await AuditLog.count() == 0


async def test_renewal_needs_a_new_end_of_validity_in_the_future(agency_id):
    licence_id = await add_licence(agency_id, status="expired", valid_to=days(-10))
    for new_valid_to in ("", days(0).isoformat()):
        with pytest.raises(FormErrors) as caught:
            await licence_status.change_status(ADMIN, agency_id, licence_id,
                                               change("active", new_valid_to=new_valid_to))
        assert "new end of validity" in caught.value.errors["new_valid_to"]
    await licence_status.change_status(ADMIN, agency_id, licence_id,
                                 change("active", reason="换证", new_valid_to=days(700).isoformat()))
    row = await licence_row(licence_id)
    assert (row["status"], row["valid_to"]) == ("active", days(700))


async def test_status_change_needs_date_and_reason(agency_id):
    licence_id = await add_licence(agency_id)
    with pytest.raises(FormErrors) as caught:
        await licence_status.change_status(ADMIN, agency_id, licence_id,
                                     StatusChange(status="suspended", effective_on="", reason="  "))
    assert set(caught.value.errors) == {"effective_on", "reason"}
    with pytest.raises(FormErrors) as caught:
        await licence_status.change_status(ADMIN, agency_id, licence_id, change("suspended", effective=days(3)))
    assert "future" in caught.value.errors["effective_on"]


async def test_status_form_on_the_licence_page(admin_client, agency_id):
    licence_id = await add_licence(agency_id)
    path = f"/agencies/{agency_id}/licences/{licence_id}"
    response = await post_form(admin_client, path, path + "/status", status="suspended",
                               effective_on=today().isoformat(), reason="")
    assert response.status_code == 400 and field_error(response.text, "reason")
    response = await post_form(admin_client, path, path + "/status", status="suspended",
                               effective_on=today().isoformat(), reason="未按规定缴纳备用金")
    redirected_to(response, path)
    page = text_of((await admin_client.get(path)).text)
    assert "This licence is suspended" in page and "未按规定缴纳备用金" in page
    response = await post_form(admin_client, path, path + "/status", status="revoked",
                               effective_on=today().isoformat(), reason="严重违规")
    redirected_to(response, path)
    page = text_of((await admin_client.get(path)).text)
    assert "This status is final." in page and 'action="' + path + '/status"' not in page


# ---- in force -------------------------------------------------------------------------------------------

async def test_licence_in_force(agency_id):
    row = await licence_row(await add_licence(agency_id, valid_from=days(-5), valid_to=days(5)))
    assert licence_in_force(row, today()) and licence_in_force(row, days(5)) and licence_in_force(row, days(-5))
    assert not licence_in_force(row, days(6)) and not licence_in_force(row, days(-6))
    assert not licence_in_force({**row, "status": "suspended"}, today())


async def test_find_licence_for_gives_the_reason(agency_id):
    assert await find_licence_for(agency_id, "KR", today()) == (None, "none")
    active = await add_licence(agency_id, number="A", scope="KR")
    licence, reason = await find_licence_for(agency_id, "KR", today())
    assert reason == "ok" and licence["id"] == active
    assert await find_licence_for(agency_id, "SG", today()) == (None, "none")  # scope not covered
    assert (await find_licence_for(agency_id, "KR", days(-400)))[1] == "not_yet_valid"
    assert (await find_licence_for(agency_id, "KR", days(400)))[1] == "expired"  # past its end of validity
    await Licence.update({Licence.status: "suspended"}).where(Licence.id == active)
    assert await find_licence_for(agency_id, "KR", today()) == (None, "suspended")
    await Licence.update({Licence.status: "expired"}).where(Licence.id == active)
    assert await find_licence_for(agency_id, "KR", today()) == (None, "expired")
    await Licence.update({Licence.status: "revoked"}).where(Licence.id == active)
    assert await find_licence_for(agency_id, "KR", today()) == (None, "revoked")


async def test_find_licence_for_prefers_one_in_force(agency_id):
    await add_licence(agency_id, number="OLD", scope="JP", status="revoked")
    current = await add_licence(agency_id, number="NEW", scope="JP,SG")
    licence, reason = await find_licence_for(agency_id, "JP", today())
    assert reason == "ok" and licence["id"] == current
    other = await add_agency("别的公司", 2)
    assert await find_licence_for(other, "JP", today()) == (None, "none")


async def test_domestic_scope_does_not_match_by_substring(agency_id):
    await add_licence(agency_id, number="D", scope="DOMESTIC", kind="employment_intermediary")
    assert (await find_licence_for(agency_id, "DOMESTIC", today()))[1] == "ok"
    assert (await find_licence_for(agency_id, "DOM", today()))[1] == "none"


async def test_mark_expired_licences_is_set_based_and_idempotent(agency_id):
    ended = await add_licence(agency_id, number="E1", valid_to=days(-1))
    ended_long_ago = await add_licence(agency_id, number="E2", valid_from=days(-900), valid_to=days(-400))
    current = await add_licence(agency_id, number="C", valid_to=today())
    suspended = await add_licence(agency_id, number="S", status="suspended", valid_to=days(-3))
    assert await mark_expired_licences(today()) == 2
    assert (await licence_row(ended))["status"] == "expired"
    assert (await licence_row(ended_long_ago))["status_changed_on"] == today()
    assert (await licence_row(current))["status"] == "active"
    assert (await licence_row(suspended))["status"] == "suspended"
    changes = await LicenceStatusChange.select().order_by(LicenceStatusChange.licence)
    assert [(c["licence"], c["status"], c["effective_on"], c["actor_name"]) for c in changes] == [
        (ended, "expired", today(), "system"), (ended_long_ago, "expired", days(-399), "system")]
    [summary] = await AuditLog.select().where(AuditLog.action == "expired")
    assert summary["actor_name"] == "system" and "E1, E2" in summary["changes"]
    assert await mark_expired_licences(today()) == 0
    assert await LicenceStatusChange.count() == 2 and await AuditLog.count() == 1

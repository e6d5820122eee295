"""The inspection-case JSON API: the same services as the pages, money in integer minor units."""

from __future__ import annotations

import pytest

from export_mgmt.inspections.tables import InspectionCase
from tests.integration.inspections.helpers_cases import (  # noqa: F401 (english is a fixture)
    api_sign_in,
    case_from_followup,
    case_row,
    day,
    english,
    user,
)
from tests.integration.placements.helpers_rules import add_employer, licensed_agency

pytestmark = pytest.mark.usefixtures("english")


async def test_an_inspector_works_a_case_through_the_api(client, other_client):
    me, headers = await api_sign_in(client, "li", "inspector")
    colleague = await user("wang", "inspector")
    employer_id = await add_employer("CN", name="沈阳建工集团")
    response = await client.post("/api/v1/cases", headers=headers, json={
        "source": "report", "respondent_type": "employer", "employer_id": employer_id, "jurisdiction": "210115",
        "finding": "wages_unpaid", "facts": "Wages unpaid since August.", "unpaid_months": 3, "currency": "CNY",
        "amount_owed": 1_200_050})
    assert response.status_code == 201, response.text
    case = response.json()
    assert (case["status"], case["amount_owed"], case["respondent_name"], case["jurisdiction"]) == (
        "opened", 1_200_050, "沈阳建工集团", "210115")
    assert case["next_statuses"] == ["investigating", "referred", "cancelled"] and case["can_act"] is True
    case_id = case["id"]

    response = await client.post(f"/api/v1/cases/{case_id}/assign", headers=headers,
                                 json={"inspector_ids": [me.id, colleague.id]})
    assert response.status_code == 200, response.text
    assert sorted(a["name"] for a in response.json()["assigned"]) == ["Li", "Wang"]

    response = await client.post(f"/api/v1/cases/{case_id}/status", headers=headers,
                                 json={"status": "investigating", "version": response.json()["version"]})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "investigating"

    response = await client.post(f"/api/v1/cases/{case_id}/referrals", headers=headers, json={
        "target": "police", "sent_on": day(0), "reference": "沈公移〔2026〕3号", "note": "Refusal to pay."})
    assert response.status_code == 201, response.text
    referral = response.json()
    assert (referral["target"], referral["reference"], referral["reply"]) == ("police", "沈公移〔2026〕3号", "")

    response = await client.post(f"/api/v1/cases/{case_id}/referrals/{referral['id']}/reply", headers=headers,
                                 json={"reply": "Case filed by the police.", "replied_on": day(0)})
    assert response.status_code == 200, response.text
    assert response.json()["reply"] == "Case filed by the police."

    mine = (await client.get("/api/v1/cases?mine=true")).json()
    assert [c["id"] for c in mine["items"]] == [case_id] and mine["items"][0]["inspectors"] == 2
    assert (await client.get("/api/v1/cases?status=closed")).json()["total"] == 0
    read = (await client.get(f"/api/v1/cases/{case_id}")).json()
    assert read["referrals"][0]["replied_on"] == day(0) and read["can_extend"] is False

    _, head_headers = await api_sign_in(other_client, "head", "supervisor")
    response = await other_client.post(f"/api/v1/cases/{case_id}/extend", headers=head_headers,
                                       json={"version": read["version"]})
    assert response.status_code == 200, response.text
    assert response.json()["extended"] is True
    response = await client.post(f"/api/v1/cases/{case_id}/extend", headers=headers, json={"version": 1})
    assert response.status_code == 403


async def test_refused_changes_come_back_as_422_with_the_field(client):
    me, headers = await api_sign_in(client, "li", "inspector")
    employer_id = await add_employer("CN")
    response = await client.post("/api/v1/cases", headers=headers, json={
        "source": "follow_up", "respondent_type": "employer", "employer_id": employer_id, "finding": "nothing",
        "facts": "x"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"source", "finding"}
    assert await InspectionCase.count() == 0

    response = await client.post("/api/v1/cases", headers=headers, json={
        "source": "routine", "respondent_type": "employer", "employer_id": employer_id, "finding": "wages_unpaid",
        "facts": "Unpaid."})
    case_id, version = response.json()["id"], response.json()["version"]

    response = await client.post(f"/api/v1/cases/{case_id}/status", headers=headers,
                                 json={"status": "investigating", "version": version})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "": "At least 2 inspectors must be assigned before the investigation starts."}
    response = await client.post(f"/api/v1/cases/{case_id}/status", headers=headers,
                                 json={"status": "cancelled", "version": version})
    assert response.status_code == 422 and response.json()["errors"] == {"note": "Say how the case ended."}
    response = await client.post(f"/api/v1/cases/{case_id}/status", headers=headers,
                                 json={"status": "cancelled", "version": version - 1, "note": "Withdrawn"})
    assert response.status_code == 422 and response.json()["errors"][""].startswith("Someone else changed")
    response = await client.post(f"/api/v1/cases/{case_id}/referrals", headers=headers,
                                 json={"target": "police", "sent_on": "28.11.2026"})
    assert response.status_code == 422 and response.json()["errors"] == {"sent_on": "Enter a date as YYYY-MM-DD."}
    response = await client.post(f"/api/v1/cases/{case_id}/assign", headers=headers, json={"inspector_ids": []})
    assert response.status_code == 422 and "inspector_ids" in response.json()["errors"]
    assert (await case_row(case_id))["status"] == "opened"


async def test_agency_staff_read_their_agencys_cases_through_the_api_and_nothing_else(client):
    case = await case_from_followup("KR")
    other = await case_from_followup("KR", agency_id=await licensed_agency("和平劳务"))
    _, headers = await api_sign_in(client, "staff", "agency_staff", agency_id=case.agency_id)
    listed = (await client.get("/api/v1/cases")).json()
    assert [c["id"] for c in listed["items"]] == [case.id] and listed["total"] == 1
    read = await client.get(f"/api/v1/cases/{case.id}")
    assert read.status_code == 200 and read.json()["can_act"] is False and read.json()["next_statuses"] == []
    assert (await client.get(f"/api/v1/cases/{other.id}")).status_code == 404
    response = await client.post(f"/api/v1/cases/{case.id}/status", headers=headers,
                                 json={"status": "cancelled", "version": read.json()["version"], "note": "x"})
    assert response.status_code == 403
    response = await client.post("/api/v1/cases", headers=headers, json={
        "source": "routine", "respondent_type": "agency", "agency_id": case.agency_id, "finding": "other",
        "facts": "x"})
    assert response.status_code == 403

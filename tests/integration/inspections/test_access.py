"""Who sees which case and who may act on it: agency staff, county clerks, supervisors, the signed-out."""

from __future__ import annotations

import pytest

from export_mgmt.inspections import workflow
from export_mgmt.inspections.schemas import ReferralCreate
from export_mgmt.inspections.tables import CaseInspector, CaseReferral
from tests.conftest import csrf_from
from tests.integration.inspections.helpers_cases import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    case_from_followup,
    case_row,
    day,
    english,
    has_form,
    listed_cases,
    sign_in,
    user,
    version_of,
)

pytestmark = pytest.mark.usefixtures("english")

FORMS = ("assign-form", "status-form", "referral-form", "extend-form")


async def _actions(case_id: int, referral_id: int, inspector_id: int) -> list[tuple[str, dict]]:
    """Every action of the case page, each with a body that an inspector could send successfully."""
    return [
        ("assign", {"inspector_ids": [str(inspector_id)]}),
        ("status", {"status": "cancelled", "version": str(await version_of(case_id)), "note": "Withdrawn"}),
        ("referrals", {"target": "commerce", "sent_on": day(0), "reference": "", "note": ""}),
        (f"referrals/{referral_id}/reply", {"reply": "Received", "replied_on": day(0)}),
        ("extend", {"version": str(await version_of(case_id))}),
    ]


async def _with_referral(case_id: int) -> tuple[int, int]:
    """A referral on the case (sent by an inspector) and an inspector who could be assigned."""
    inspector = await user("wang", "inspector")
    referral_id = await workflow.add_referral(inspector, case_id, ReferralCreate(target="sending_agency",
                                                                                  sent_on=day(0)))
    return referral_id, inspector.id


async def test_agency_staff_read_a_case_about_their_agency_but_every_action_is_refused(client):
    case = await case_from_followup("KR", worker_name="金外派")
    other = await case_from_followup("JP")
    referral_id, inspector_id = await _with_referral(case.id)
    await sign_in(client, "staff", "agency_staff", agency_id=case.agency_id)

    assert listed_cases((await client.get("/cases/")).text) == [case.id]
    page = await client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert "金外派" in page.text and f'href="/workers/{case.worker_id}"' not in page.text
    assert not any(has_form(page.text, form) for form in FORMS)
    assert 'id="reply-form-' not in page.text
    assert "Open a case" not in (await client.get("/cases/")).text

    version = await version_of(case.id)
    for action, data in await _actions(case.id, referral_id, inspector_id):
        response = await client.post(f"/cases/{case.id}/{action}",
                                     data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
        assert response.status_code == 403, action
    assert await version_of(case.id) == version and await CaseInspector.count() == 0
    assert (await CaseReferral.select().first())["reply"] == ""

    # A case about another agency does not exist for them.
    assert (await client.get(f"/cases/{other.id}")).status_code == 404
    response = await client.post(f"/cases/{other.id}/status", data={
        "status": "cancelled", "version": "1", "note": "x", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 404
    assert (await client.get("/cases/new")).status_code == 403


async def test_a_county_clerk_sees_the_cases_of_their_countys_workers_only(client, other_client):
    ours = await case_from_followup("KR", county_code=LIAOZHONG, worker_name="辽中工人")
    theirs = await case_from_followup("KR", county_code=HEPING, worker_name="和平工人")
    await sign_in(client, "heping", "county_clerk", county_code=HEPING)
    await sign_in(other_client, "liaozhong", "county_clerk", county_code=LIAOZHONG)

    assert listed_cases((await client.get("/cases/")).text) == [theirs.id]
    assert (await client.get(f"/cases/{ours.id}")).status_code == 404
    page = await client.get(f"/cases/{theirs.id}")
    response = await client.post(f"/cases/{ours.id}/status", data={
        "status": "cancelled", "version": str(await version_of(ours.id)), "note": "x",
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 404
    assert (await case_row(ours.id))["status"] == "opened"

    page = await other_client.get(f"/cases/{ours.id}")
    assert page.status_code == 200
    assert f'<a href="/workers/{ours.worker_id}">辽中工人</a>' in page.text  # clerks read their county's pool
    assert not any(has_form(page.text, form) for form in FORMS)
    response = await other_client.post(f"/cases/{ours.id}/status", data={
        "status": "cancelled", "version": str(await version_of(ours.id)), "note": "x",
        "csrf_token": csrf_from(page.text)})
    assert response.status_code == 403


async def test_supervisors_read_every_case_and_extend_but_do_not_work_cases(client):
    case = await case_from_followup("CN")
    referral_id, inspector_id = await _with_referral(case.id)
    await sign_in(client, "head", "supervisor")
    assert listed_cases((await client.get("/cases/")).text) == [case.id]
    page = await client.get(f"/cases/{case.id}")
    assert has_form(page.text, "extend-form")
    assert not any(has_form(page.text, form) for form in FORMS if form != "extend-form")
    for action, data in (await _actions(case.id, referral_id, inspector_id))[:4]:
        response = await client.post(f"/cases/{case.id}/{action}",
                                     data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
        assert response.status_code == 403, action


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    case = await case_from_followup("KR")
    response = await client.get(f"/cases/{case.id}", follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login?next=")
    assert (await client.get("/api/v1/cases")).status_code == 401

"""Correcting a placement's facts: the report's rules apply again, the worker and agency stay, all audited."""

import msgspec

from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import FormErrors, RecordNotFound
from export_mgmt.placements import services
from export_mgmt.placements.schemas import PlacementUpdate
from export_mgmt.placements.tables import FeeEntry, Placement
from tests.conftest import csrf_from, login
from tests.integration.placements.helpers_rules import (
    add_employer,
    add_months,
    add_worker,
    body,
    change,
    fee_body,
    form_errors,
    licensed_agency,
    staff,
    start_date,
)


def correction(report, version: int, **fields) -> PlacementUpdate:
    return PlacementUpdate(**{**msgspec.structs.asdict(report), **fields}, version=version)


async def _reported(programme: str = "kr_eps_e9", country: str = "KR"):
    agency = await licensed_agency()
    employer = await add_employer(country)
    _, number = await add_worker("金志浩")
    clerk = await staff(agency)
    report = body(number, programme, employer_id=employer)
    placement_id = await services.report(clerk, report)
    return clerk, placement_id, report


async def test_a_correction_is_saved_audited_and_bumps_the_version():
    clerk, placement_id, report = await _reported()
    await services.correct(clerk, placement_id, correction(report, 1, job_title="电焊工", gross_wage=2_700_000))
    row = await Placement.select().where(Placement.id == placement_id).first()
    assert (row["job_title"], row["gross_wage"], row["version"]) == ("电焊工", 2_700_000, 2)
    entry = await AuditLog.select().where((AuditLog.entity == "placement") & (AuditLog.action == "corrected")).first()
    assert "job_title" in entry["changes"] and "gross_wage" in entry["changes"]


async def test_a_correction_is_checked_by_the_programme_rules_and_writes_nothing_when_refused():
    clerk, placement_id, report = await _reported()
    too_long = add_months(start_date(), 59).isoformat()
    errors = await form_errors(services.correct(clerk, placement_id, correction(report, 1, contract_end=too_long)))
    assert "contract_end" in errors
    assert (await Placement.select(Placement.version).where(Placement.id == placement_id).first())["version"] == 1


async def test_the_worker_cannot_be_swapped_and_a_stale_version_is_refused():
    clerk, placement_id, report = await _reported()
    _, other_number = await add_worker("李四")
    errors = await form_errors(services.correct(clerk, placement_id, correction(report, 1,
                                                                                 worker_id_number=other_number)))
    assert "worker_id_number" in errors
    await services.correct(clerk, placement_id, correction(report, 1, job_title="电焊工"))
    errors = await form_errors(services.correct(clerk, placement_id, correction(report, 1, job_title="钳工")))
    assert "" in errors


async def test_a_lower_wage_re_judges_the_fee_ledger():
    clerk, placement_id, report = await _reported("sg_work_permit", "SG")
    await services.add_fee(clerk, placement_id, fee_body(report.basic_wage * 2, "SGD", payee="foreign_agency"))
    assert (await FeeEntry.select(FeeEntry.flag).first())["flag"] == "ok"
    await services.correct(clerk, placement_id, correction(report, 1, basic_wage=report.basic_wage // 2,
                                                           gross_wage=report.gross_wage // 2))
    assert (await FeeEntry.select(FeeEntry.flag).first())["flag"] == "over_cap"


async def test_an_ended_placement_and_another_agencys_placement_cannot_be_corrected():
    clerk, placement_id, report = await _reported()
    await services.change_status(clerk, placement_id, change("terminated"))
    try:
        await services.correct(clerk, placement_id, correction(report, 2, job_title="x"))
        raise AssertionError("accepted")
    except FormErrors as exc:
        assert "" in exc.errors
    stranger = await staff(await licensed_agency("乙"), "stranger")
    try:
        await services.correct(stranger, placement_id, correction(report, 2, job_title="x"))
        raise AssertionError("accepted")
    except RecordNotFound:
        pass


async def test_the_correction_form_shows_the_record_and_saves(client):
    clerk, placement_id, report = await _reported()
    await login(client, clerk.username)
    page = await client.get(f"/placements/{placement_id}/edit")
    assert page.status_code == 200 and report.worker_id_number in page.text
    assert 'name="version" value="1"' in page.text
    form = {"csrf_token": csrf_from(page.text), "version": "1", "worker_id_number": report.worker_id_number,
            "destination_country": "KR", "destination_city": report.destination_city, "programme": "kr_eps_e9",
            "employer_id": str(report.employer_id), "job_title": "电焊工", "sector": "manufacturing",
            "contract_start": report.contract_start, "contract_end": report.contract_end, "wage_currency": "KRW",
            "basic_wage": str(report.basic_wage), "gross_wage": str(report.gross_wage), "accident_insurance": "on",
            "insurance_policy_no": report.insurance_policy_no}
    response = await client.post(f"/placements/{placement_id}/edit", data=form, follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:500]
    assert (await Placement.select(Placement.job_title).first())["job_title"] == "电焊工"


async def test_the_api_corrects_with_put_and_the_version(client):
    clerk, placement_id, report = await _reported()
    signed_in = await client.post("/api/v1/session", json={"username": clerk.username, "password": "Secret-pass-123"})
    headers = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    payload = msgspec.to_builtins(correction(report, 1, job_title="钢筋工"))
    response = await client.put(f"/api/v1/placements/{placement_id}", json=payload, headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["job_title"], response.json()["version"]) == ("钢筋工", 2)
    stale = await client.put(f"/api/v1/placements/{placement_id}", json=payload, headers=headers)
    assert stale.status_code == 422

"""Who sees which placement: an agency only its own, a county clerk their county's workers', city roles all.

Another agency's placement is "not found" (never "forbidden"), so its existence is not revealed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from export_mgmt import uploads as upload_store
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.placements import documents, services
from export_mgmt.placements.services import PlacementFilter
from export_mgmt.placements.tables import FeeEntry
from tests.conftest import PASSWORD
from tests.integration.placements.helpers_rules import (
    HEPING,
    LIAOZHONG,
    PDF,
    actor,
    add_employer,
    add_worker,
    body,
    change,
    counts,
    events_of,
    fee_body,
    fee_flags,
    licensed_agency,
    placement_row,
    staff,
)


@pytest.fixture
async def world():
    """Agency A with one overseas placement; agency B with one in 和平区 and one domestic in 辽中区.

    Each overseas placement has a prohibited fee (a Korean service fee) and a contract document.
    """
    a = await licensed_agency("甲劳务公司")
    b = await licensed_agency("乙劳务公司", county_code=HEPING)
    staff_a = await staff(a, "staff_a")
    staff_b = await staff(b, "staff_b")
    kr = await add_employer("KR")
    wa, number_a = await add_worker("甲工人", county_code=LIAOZHONG)
    wb, number_b = await add_worker("乙工人", county_code=HEPING)
    wb2, number_b2 = await add_worker("丙工人", county_code=LIAOZHONG)
    pa = await services.report(staff_a, body(number_a, employer_id=kr))
    pb = await services.report(staff_b, body(number_b, employer_id=kr))
    pb2 = await services.report(staff_b, body(number_b2, "domestic"))
    fee_a = await services.add_fee(staff_a, pa, fee_body(300_000, "CNY"))
    fee_b = await services.add_fee(staff_b, pb, fee_body(400_000, "CNY"))
    doc_a = await documents.store_document(staff_a, pa, "合同A.pdf", PDF)
    doc_b = await documents.store_document(staff_b, pb, "合同B.pdf", PDF)
    return SimpleNamespace(a=a, b=b, staff_a=staff_a, staff_b=staff_b, kr=kr, wa=wa, wb=wb, wb2=wb2,
                           number_a=number_a, number_b=number_b, pa=pa, pb=pb, pb2=pb2, fee_a=fee_a, fee_b=fee_b,
                           doc_a=doc_a, doc_b=doc_b)


async def ids_seen(who, **flt) -> set[int]:
    page = await services.search(who, PlacementFilter(**flt))
    assert page.total == len(page.items)
    return {item.id for item in page.items}


def uploads() -> set[str]:
    return {p.name for p in upload_store.upload_dir().iterdir()}


# ==== agency staff ===========================================================================================

async def test_agency_reads_its_own_placement(world):
    record = await services.get(world.staff_a, world.pa)
    assert (record.agency_id, record.worker_id) == (world.a, world.wa)
    assert [f.id for f in record.fees] == [world.fee_a]
    assert [d.id for d in record.documents] == [world.doc_a]
    assert record.next_statuses == ["departed", "working", "terminated"]


@pytest.mark.parametrize("which", ["pb", "pb2"])
async def test_another_agencys_placement_is_not_found(world, which):
    with pytest.raises(RecordNotFound):
        await services.get(world.staff_a, getattr(world, which))


async def test_unknown_placement_is_not_found_the_same_way(world):
    with pytest.raises(RecordNotFound):
        await services.get(world.staff_a, 999_999)


@pytest.mark.parametrize("which", ["pb", "pb2"])
async def test_another_agencys_placement_cannot_change_status(world, which):
    placement_id = getattr(world, which)
    before, row_before = await counts(), await placement_row(placement_id)
    with pytest.raises(RecordNotFound):
        await services.change_status(world.staff_a, placement_id, change("working"))
    assert await counts() == before
    assert await placement_row(placement_id) == row_before
    assert await events_of(placement_id) == [("reported", row_before["status_changed_on"])]


async def test_another_agencys_placement_refuses_a_bad_change_as_not_found_too(world):
    # Even a change that would fail validation must not reveal that the placement exists.
    with pytest.raises(RecordNotFound):
        await services.change_status(world.staff_a, world.pb, change("completed", "not-a-date"))


@pytest.mark.parametrize("which", ["pb", "pb2"])
async def test_another_agencys_placement_takes_no_fee(world, which):
    placement_id = getattr(world, which)
    before = await counts()
    with pytest.raises(RecordNotFound):
        await services.add_fee(world.staff_a, placement_id, fee_body(100, "CNY", purpose="medical"))
    assert await counts() == before


async def test_another_agencys_placement_refuses_a_bad_fee_as_not_found_too(world):
    with pytest.raises(RecordNotFound):
        await services.add_fee(world.staff_a, world.pb, fee_body(-1, "EUR", payee="nobody"))
    assert await fee_flags(world.pb) == [(400_000, "prohibited", "no_fee_programme")]


async def test_another_agencys_document_is_not_found(world):
    with pytest.raises(RecordNotFound):
        await documents.open_document(world.staff_a, world.pb, world.doc_b)


async def test_another_agencys_document_under_ones_own_placement_is_not_found(world):
    with pytest.raises(RecordNotFound):
        await documents.open_document(world.staff_a, world.pa, world.doc_b)


async def test_agency_opens_its_own_document(world):
    row, path = await documents.open_document(world.staff_a, world.pa, world.doc_a)
    assert (row["filename"], row["content_type"]) == ("合同A.pdf", "application/pdf")
    assert path.read_bytes() == PDF


async def test_another_agencys_placement_takes_no_document_and_leaves_no_file(world):
    before, files = await counts(), uploads()
    with pytest.raises(RecordNotFound):
        await documents.store_document(world.staff_a, world.pb, "x.pdf", PDF)
    assert await counts() == before
    assert uploads() == files


async def test_search_shows_only_the_agencys_placements(world):
    assert await ids_seen(world.staff_a) == {world.pa}
    assert await ids_seen(world.staff_b) == {world.pb, world.pb2}


@pytest.mark.parametrize("flt", [dict(agency_id="b"), dict(q="乙工人"), dict(q="丙"), dict(country="CN"),
                                 dict(status="reported", agency_id="b"), dict(flagged_only=True, agency_id="b")])
async def test_filters_never_reach_another_agencys_placements(world, flt):
    flt = {k: (world.b if v == "b" else v) for k, v in flt.items()}
    assert await ids_seen(world.staff_a, **flt) == set()


async def test_flagged_only_search_is_scoped(world):
    assert await ids_seen(world.staff_a, flagged_only=True) == {world.pa}


async def test_flagged_fees_are_scoped(world):
    assert [f.id for f in await services.flagged_fees(world.staff_a)] == [world.fee_a]
    assert await services.flagged_fees(world.staff_a, agency_id=world.b) == []
    assert [f.id for f in await services.flagged_fees(world.staff_b)] == [world.fee_b]


async def test_agency_reports_for_itself_whatever_agency_it_names(world):
    _, number = await add_worker("丁工人")
    placement_id = await services.report(world.staff_a, body(number, employer_id=world.kr, agency_id=world.b))
    assert (await placement_row(placement_id))["agency"] == world.a
    assert world.a != world.b


async def test_agency_cannot_lean_on_another_agencys_licence(world):
    only_japan = await licensed_agency("丙公司", scope="JP")
    _, number = await add_worker("戊工人")
    before = await counts()
    with pytest.raises(FormErrors) as refused:
        await services.report(await staff(only_japan), body(number, employer_id=world.kr, agency_id=world.a))
    assert "agency_id" in refused.value.errors
    assert await counts() == before


async def test_agency_staff_sees_full_identity_numbers_of_its_own_workers(world):
    assert (await services.get(world.staff_a, world.pa)).worker_id_number == world.number_a
    [item] = (await services.search(world.staff_a, PlacementFilter())).items
    assert item.worker_id_number != world.number_a and item.worker_id_number.endswith(world.number_a[-4:])


async def test_staff_account_without_an_agency_sees_nothing(world):
    nobody = await actor("agency_staff")
    with pytest.raises(AccessDenied):
        await services.search(nobody, PlacementFilter())
    with pytest.raises(AccessDenied):
        await services.get(nobody, world.pa)
    with pytest.raises(AccessDenied):
        await services.flagged_fees(nobody)


# ==== county clerks ===========================================================================================

async def test_clerk_sees_only_placements_of_their_countys_workers(world):
    liaozhong = await actor("county_clerk", county_code=LIAOZHONG)
    heping = await actor("county_clerk", county_code=HEPING)
    assert await ids_seen(liaozhong) == {world.pa, world.pb2}
    assert await ids_seen(heping) == {world.pb}
    assert await ids_seen(liaozhong, agency_id=world.b) == {world.pb2}


async def test_clerk_gets_another_countys_placement_as_not_found(world):
    liaozhong = await actor("county_clerk", county_code=LIAOZHONG)
    assert (await services.get(liaozhong, world.pb2)).id == world.pb2
    with pytest.raises(RecordNotFound):
        await services.get(liaozhong, world.pb)
    with pytest.raises(RecordNotFound):
        await documents.open_document(liaozhong, world.pb, world.doc_b)
    row, _ = await documents.open_document(liaozhong, world.pa, world.doc_a)
    assert row["id"] == world.doc_a


async def test_clerk_flagged_fees_are_their_countys(world):
    liaozhong = await actor("county_clerk", county_code=LIAOZHONG)
    heping = await actor("county_clerk", county_code=HEPING)
    assert [f.id for f in await services.flagged_fees(liaozhong)] == [world.fee_a]
    assert [f.id for f in await services.flagged_fees(heping)] == [world.fee_b]


async def test_clerk_reads_but_does_not_keep_the_record(world):
    clerk = await actor("county_clerk", county_code=LIAOZHONG)
    assert (await services.get(clerk, world.pa)).next_statuses == []
    before = await counts()
    with pytest.raises(AccessDenied):
        await services.change_status(clerk, world.pa, change("working"))
    with pytest.raises(AccessDenied):
        await services.add_fee(clerk, world.pa, fee_body(100, "CNY"))
    with pytest.raises(AccessDenied):
        await documents.store_document(clerk, world.pa, "x.pdf", PDF)
    assert await counts() == before


# ==== city-wide roles ============================================================================================

@pytest.mark.parametrize("role", ["inspector", "supervisor"])
async def test_city_roles_see_every_placement(world, role):
    someone = await actor(role)
    assert await ids_seen(someone) == {world.pa, world.pb, world.pb2}
    for placement_id in (world.pa, world.pb, world.pb2):
        record = await services.get(someone, placement_id)
        assert record.next_statuses == []
    assert {f.id for f in await services.flagged_fees(someone)} == {world.fee_a, world.fee_b}
    assert [f.id for f in await services.flagged_fees(someone, agency_id=world.b)] == [world.fee_b]
    row, _ = await documents.open_document(someone, world.pb, world.doc_b)
    assert row["id"] == world.doc_b


@pytest.mark.parametrize("role", ["inspector", "supervisor"])
async def test_city_roles_cannot_report_or_change(world, role):
    someone = await actor(role)
    _, number = await add_worker("己工人")
    before = await counts()
    with pytest.raises(AccessDenied):
        await services.report(someone, body(number, employer_id=world.kr, agency_id=world.a))
    with pytest.raises(AccessDenied):
        await services.change_status(someone, world.pa, change("working"))
    with pytest.raises(AccessDenied):
        await services.add_fee(someone, world.pb, fee_body(100, "CNY", purpose="medical"))
    with pytest.raises(AccessDenied):
        await documents.store_document(someone, world.pb, "x.pdf", PDF)
    assert await counts() == before


async def test_supervisor_sees_masked_identity_numbers(world):
    supervisor = await actor("supervisor")
    shown = (await services.get(supervisor, world.pa)).worker_id_number
    assert shown != world.number_a and shown.startswith(world.number_a[:6]) and shown.endswith(world.number_a[-4:])
    inspector = await actor("inspector")
    assert (await services.get(inspector, world.pa)).worker_id_number == world.number_a


async def test_admin_sees_and_keeps_every_placement(world):
    admin = await actor("admin")
    assert await ids_seen(admin) == {world.pa, world.pb, world.pb2}
    await services.change_status(admin, world.pb, change("departed"))
    assert (await placement_row(world.pb))["status"] == "departed"


# ==== through the JSON API ============================================================================================

async def api_sign_in(client, username: str) -> dict[str, str]:
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


@pytest.fixture
async def api_a(client, world):
    """Agency A's staff signed in to the API."""
    return client, await api_sign_in(client, world.staff_a.username)


async def test_api_reads_own_placement(api_a, world):
    client, _ = api_a
    response = await client.get(f"/api/v1/placements/{world.pa}")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == world.pa


@pytest.mark.parametrize("which", ["pb", "pb2"])
async def test_api_another_agencys_placement_is_404(api_a, world, which):
    client, _ = api_a
    placement_id = getattr(world, which)
    response = await client.get(f"/api/v1/placements/{placement_id}")
    assert response.status_code == 404, response.text
    assert "乙" not in response.text  # nothing about the placement leaks
    assert response.json()["status"] == 404
    unknown = await client.get("/api/v1/placements/999999")
    assert unknown.status_code == 404


@pytest.mark.parametrize("which", ["pb", "pb2"])
async def test_api_fee_on_another_agencys_placement_is_404(api_a, world, which):
    client, headers = api_a
    placement_id = getattr(world, which)
    before = await FeeEntry.count()
    response = await client.post(f"/api/v1/placements/{placement_id}/fees", headers=headers, json={
        "payee": "agency", "amount": 10_000, "currency": "CNY", "paid_on": services.today().isoformat(),
        "purpose": "medical"})
    assert response.status_code == 404, response.text
    assert await FeeEntry.count() == before


async def test_api_fee_on_own_placement_is_recorded(api_a, world):
    client, headers = api_a
    response = await client.post(f"/api/v1/placements/{world.pa}/fees", headers=headers, json={
        "payee": "agency", "amount": 10_000, "currency": "CNY", "paid_on": services.today().isoformat(),
        "purpose": "medical"})
    assert response.status_code == 201, response.text
    assert (response.json()["amount"], response.json()["flag"]) == (10_000, "ok")


async def test_api_status_change_on_another_agencys_placement_is_404(api_a, world):
    client, headers = api_a
    response = await client.post(f"/api/v1/placements/{world.pb}/status", headers=headers,
                                 json={"status": "working", "on_date": services.today().isoformat()})
    assert response.status_code == 404, response.text
    assert (await placement_row(world.pb))["status"] == "reported"


async def test_api_search_and_flagged_fees_are_scoped(api_a, world):
    client, _ = api_a
    listed = (await client.get("/api/v1/placements")).json()
    assert [item["id"] for item in listed["items"]] == [world.pa] and listed["total"] == 1
    filtered = (await client.get(f"/api/v1/placements?agency={world.b}")).json()
    assert filtered["items"] == [] and filtered["total"] == 0
    flagged = await client.get("/api/v1/fees/flagged")
    assert flagged.status_code == 200, flagged.text
    assert [f["id"] for f in flagged.json()] == [world.fee_a]
    assert (await client.get(f"/api/v1/fees/flagged?agency={world.b}")).json() == []


async def test_another_agencys_document_download_is_404(api_a, world):
    client, _ = api_a
    assert (await client.get(f"/placements/{world.pa}/documents/{world.doc_a}")).status_code == 200
    response = await client.get(f"/placements/{world.pb}/documents/{world.doc_b}")
    assert response.status_code == 404
    assert PDF not in response.content
    assert (await client.get(f"/placements/{world.pa}/documents/{world.doc_b}")).status_code == 404

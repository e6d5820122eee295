"""Flagged fees show on the agency's own page as well as on the placement and the city-wide list."""

from export_mgmt.placements import services
from tests.conftest import create_user, login
from tests.integration.placements.helpers_rules import (
    add_employer,
    add_worker,
    fee_body,
    insert_placement,
    licensed_agency,
    staff,
)


async def test_agency_page_lists_its_flagged_fees_and_not_other_agencies(client):
    ours = await licensed_agency("甲劳务公司")
    theirs = await licensed_agency("乙劳务公司")
    employer = await add_employer("SG")
    ours_placement = await insert_placement((await add_worker("王小明"))[0], ours, "sg_work_permit",
                                            employer_id=employer)
    theirs_placement = await insert_placement((await add_worker("李大海"))[0], theirs, "sg_work_permit",
                                              employer_id=employer)
    await services.add_fee(await staff(ours), ours_placement, fee_body(10_000_00, "SGD", payee="foreign_agency"))
    await services.add_fee(await staff(theirs, "other"), theirs_placement, fee_body(500, "CNY", purpose="deposit"))
    await create_user("admin", "admin")
    await login(client, "admin")
    page = (await client.get(f"/agencies/{ours}")).text
    section = page.split('id="flagged-fees-section"')[1]
    assert "王小明" in section and "李大海" not in section
    assert f'/placements/fees/flagged?agency={ours}' in section

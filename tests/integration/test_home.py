"""The start page shows each person what their own scope holds."""

from export_mgmt.placements import services
from tests.conftest import login
from tests.integration.placements.helpers_rules import (
    add_employer,
    add_worker,
    fee_body,
    insert_placement,
    licensed_agency,
    staff,
)


async def test_agency_staff_see_their_own_placements_and_flagged_fees(client):
    ours, theirs = await licensed_agency("甲"), await licensed_agency("乙")
    employer = await add_employer("SG")
    mine = await insert_placement((await add_worker("王一"))[0], ours, "sg_work_permit", employer_id=employer)
    await insert_placement((await add_worker("王二"))[0], theirs, "sg_work_permit", employer_id=employer)
    clerk = await staff(ours)
    await services.add_fee(clerk, mine, fee_body(500, "CNY", purpose="deposit"))
    await login(client, clerk.username)
    page = (await client.get("/")).text
    cards = page.split('href="/placements/"', 1)[1]
    assert cards.split('<span class="big">')[1].startswith("1<")  # one placement, not two
    assert 'card card-alert" href="/placements/fees/flagged"' in page
    assert 'href="/placements/new"' in page

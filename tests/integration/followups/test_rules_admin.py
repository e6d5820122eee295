"""The follow-up schedule page: administrators add, change, deactivate and activate rules; city roles read."""

from __future__ import annotations

import html
import json
import re

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.followups.schedule import load_rules, rules_by_programme
from export_mgmt.followups.sweeps import generate_due
from export_mgmt.followups.tables import FollowUp, FollowUpRule
from tests.integration.followups.helpers_pages import (  # noqa: F401 (english is a fixture)
    english,
    field_error,
    form_error,
    input_value,
    placed,
    post_from,
    selected,
    sign_in,
    table_text,
)
from tests.integration.placements.helpers_rules import licensed_agency, today

pytestmark = pytest.mark.usefixtures("english")


def rule_form(**fields) -> dict:
    return {"kind": "periodic", "destination": "", "programme": "", "offset_days": "", "first_month": "1",
            "every_months": "1", "last_month": "12", "grace_days": "5", **fields}


async def rule_audit() -> list[tuple[str, str, dict]]:
    rows = await AuditLog.select().where(AuditLog.entity == "followup_rule").order_by(AuditLog.id)
    return [(r["entity_id"], r["action"], json.loads(r["changes"])) for r in rows]


@pytest.fixture
async def admin(client):
    await sign_in(client, "admin", "admin")
    return client


async def test_the_page_lists_the_rules_in_plain_words_and_what_each_programme_follows(admin):
    page = await admin.get("/followups/rules")
    assert page.status_code == 200
    general = table_text(page.text, "rules-general")
    assert "monthly from month 1 to 12, overdue 10 days after due" in general
    assert "every 3 months from month 15 until the contract ends, overdue 14 days after due" in general
    assert "14 days after departure, overdue 7 days after due" in general
    assert "45 days before the contract ends" in general and "30 days after return" in general
    effective = table_text(page.text, "rules-effective")
    assert effective.count("The general rules") == 7  # every programme, until one gets rules of its own
    assert 'id="rule-form"' in page.text


async def test_an_administrator_adds_a_programmes_own_rule_which_replaces_the_general_ones(admin):
    before = await FollowUpRule.count()
    response = await post_from(admin, "/followups/rules", "/followups/rules/new",
                               rule_form(programme="jp_technical_intern"))
    assert response.status_code in (302, 303), response.text
    row = await FollowUpRule.select().where(FollowUpRule.programme == "jp_technical_intern").first()
    assert (row["destination"], row["kind"], row["first_month"], row["last_month"], row["every_months"],
            row["grace_days"], row["updated_by"]) == ("JP", "periodic", 1, 12, 1, 5, "admin")
    assert await FollowUpRule.count() == before + 1
    [(entity_id, action, changes)] = await rule_audit()
    assert (entity_id, action) == (str(row["id"]), "created") and changes["programme"] == [None, "jp_technical_intern"]

    page = await admin.get("/followups/rules")
    assert "monthly from month 1 to 12, overdue 5 days after due" in table_text(page.text, "rules-programme")
    intern = re.search(r'<tr id="effective-jp_technical_intern">(.*?)</tr>', page.text, re.S).group(1)
    intern = html.unescape(intern)
    assert "The programme's own rules" in intern and "Arrival check" not in intern
    chosen = rules_by_programme(await load_rules())
    assert [r.id for r in chosen["jp_technical_intern"]] == [row["id"]]
    assert len(chosen["kr_eps_e9"]) == 5  # the others keep the general ones

    # The sweep follows it: an intern who left 100 days ago gets only the regular monthly follow-ups.
    intern_placement = await placed("技能实习生", await licensed_agency("丙"), programme="jp_technical_intern",
                                    departed_days_ago=100)
    await generate_due(today())
    kinds = {r["kind"] for r in await FollowUp.select(FollowUp.kind).where(FollowUp.placement == intern_placement)}
    assert kinds == {"periodic"}


@pytest.mark.parametrize("fields, field, message", [
    (dict(destination="JP", programme="kr_eps_e9"), "programme", "This programme is not one of the destination's."),
    (dict(kind="arrival", offset_days="0"), "offset_days", "Enter a number from 1 to 365."),
    (dict(kind="before_end", offset_days="400"), "offset_days", "Enter a number from 1 to 365."),
    (dict(first_month="6", last_month="3"), "last_month",
     "Enter 0 (until the contract ends) or a month from the first month to 72."),
    (dict(every_months="13"), "every_months", "Enter a number from 1 to 12."),
    (dict(first_month="0"), "first_month", "Enter a number from 1 to 72."),
    (dict(grace_days="91"), "grace_days", "Enter a number from 0 to 90."),
    (dict(grace_days="-1"), "grace_days", "Enter a whole number."),
    (dict(kind="monthly"), "kind", "Choose one of the listed values."),
    (dict(destination="US"), "destination", "Choose one of the listed values."),
])
async def test_bad_rules_are_refused_next_to_their_field(admin, fields, field, message):
    before = await FollowUpRule.count()
    response = await post_from(admin, "/followups/rules", "/followups/rules/new", rule_form(**fields))
    assert response.status_code == 400
    assert field_error(response.text, field) == message
    assert await FollowUpRule.count() == before and await rule_audit() == []


async def test_changing_a_rule_checks_the_version_and_is_audited(admin):
    rule = await FollowUpRule.select().where(FollowUpRule.kind == "arrival").first()
    edit = f"/followups/rules/{rule['id']}/edit"
    form = await admin.get(edit)
    assert input_value(form.text, "offset_days") == "14" and selected(form.text, "kind") == "arrival"
    data = {"kind": "arrival", "destination": "", "programme": "", "offset_days": "10", "first_month": "",
            "every_months": "", "last_month": "", "grace_days": "7", "version": "1"}
    response = await post_from(admin, edit, edit, data)
    assert response.status_code in (302, 303), response.text
    row = await FollowUpRule.select().where(FollowUpRule.id == rule["id"]).first()
    assert (row["offset_days"], row["version"]) == (10, 2)
    assert await rule_audit() == [(str(rule["id"]), "updated", {"offset_days": [14, 10]})]
    assert "10 days after departure" in table_text((await admin.get("/followups/rules")).text, "rules-general")

    stale = await post_from(admin, "/followups/rules", edit, {**data, "offset_days": "20"})  # read at version 1
    assert stale.status_code == 400
    assert "Someone else changed this rule" in form_error(stale.text)
    assert input_value(stale.text, "offset_days") == "20"  # as typed
    assert (await FollowUpRule.select().where(FollowUpRule.id == rule["id"]).first())["offset_days"] == 10


async def test_deactivating_and_activating_a_rule(admin):
    rule = await FollowUpRule.select().where(FollowUpRule.kind == "after_return").first()
    action = f"/followups/rules/{rule['id']}/active"
    response = await post_from(admin, "/followups/rules", action, {"active": "0", "version": "1"})
    assert response.status_code in (302, 303)
    assert (await FollowUpRule.select().where(FollowUpRule.id == rule["id"]).first())["active"] is False
    assert "after_return" not in {r.kind for r in rules_by_programme(await load_rules())["kr_eps_e9"]}
    page = await admin.get("/followups/rules")
    row = re.search(rf'<tr id="rule-{rule["id"]}" class="rule rule-inactive">(.*?)</tr>', page.text, re.S)
    assert row and "Inactive" in row.group(1) and "Activate" in row.group(1)

    stale = await post_from(admin, "/followups/rules", action, {"active": "1", "version": "1"})
    assert stale.status_code == 400 and "Someone else changed this rule" in form_error(stale.text)
    again = await post_from(admin, "/followups/rules", action, {"active": "1", "version": "2"})
    assert again.status_code in (302, 303)
    assert [(a, c) for _, a, c in await rule_audit()] == [
        ("deactivated", {"active": [True, False]}), ("activated", {"active": [False, True]})]


async def test_other_city_roles_read_and_may_not_change(app, client):
    rule = await FollowUpRule.select().first()
    await sign_in(client, "boss", "supervisor")
    page = await client.get("/followups/rules")
    assert page.status_code == 200 and "monthly from month 1 to 12" in page.text
    assert 'id="rule-form"' not in page.text and "/edit" not in page.text and "/active" not in page.text
    assert (await client.get(f"/followups/rules/{rule['id']}/edit")).status_code == 403
    refused = await post_from(client, "/followups/rules", "/followups/rules/new", rule_form())
    assert refused.status_code == 403
    off = await post_from(client, "/followups/rules", f"/followups/rules/{rule['id']}/active",
                          {"active": "0", "version": "1"})
    assert off.status_code == 403
    assert (await FollowUpRule.select().where(FollowUpRule.id == rule["id"]).first())["active"] is True
    assert await rule_audit() == []


@pytest.mark.parametrize("role, fields", [
    ("agency_staff", {}), ("county_clerk", {"county_code": "210115"}),
])
async def test_agencies_and_clerks_do_not_see_the_schedule_page(client, role, fields):
    agency = await licensed_agency() if role == "agency_staff" else None
    await sign_in(client, "someone", role, agency_id=agency, **fields)
    assert (await client.get("/followups/rules")).status_code == 403
    assert 'href="/followups/rules"' not in (await client.get("/followups/")).text

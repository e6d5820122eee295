"""The working-day calendar page: who sees it, entering a year from the notice, refusals, removal, the trail."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import today
from export_mgmt.i18n import _translations
from export_mgmt.workdays.calendar import deadline
from export_mgmt.workdays.tables import CalendarDay, CalendarYear
from tests.conftest import create_agency, create_user, login
from tests.integration.accounts.helpers import has_field_error, post_form, translated

PAGE = "/admin/calendar/"
NOTICE = "国办发明电〔2026〕9号"
# 2027: Monday 8 February off, Saturday 20 February worked.
DAYS_2027 = "2027-01-01 holiday 元旦\n2027-02-08 休 春节\n\n2027-02-20 班 春节\n"


async def _enter(client, year: str = "2027", text: str = DAYS_2027, source: str = NOTICE, token: bool = True):
    return await post_form(client, PAGE, {"year": year, "text": text, "source": source},
                           token_page=PAGE if token else None)


async def _stored(year: int = 2027) -> list[tuple[dt.date, bool, str]]:
    rows = await CalendarDay.select().where((CalendarDay.day >= dt.date(year, 1, 1))
                                            & (CalendarDay.day <= dt.date(year, 12, 31))).order_by(CalendarDay.day)
    return [(r["day"], r["workday"], r["name"]) for r in rows]


def plural(singular: str, plural_form: str, n: int) -> str:
    return _translations("zh_CN").ngettext(singular, plural_form, n) % {"num": n}


def _row(html: str, year: int) -> str:
    return html.split(f'<tr id="year-{year}">', 1)[1].split("</tr>", 1)[0]


# ---- who may see and change it ----

@pytest.mark.parametrize("role", ["inspector", "supervisor"])
async def test_city_roles_read_the_calendar_without_the_form(client, role):
    await create_user("reader", role)
    await login(client, "reader")
    response = await client.get(PAGE)
    assert response.status_code == 200
    assert 'id="coverage"' in response.text
    assert 'action="/admin/calendar/"' not in response.text


async def test_clerks_and_agency_staff_may_not_see_it(client, other_client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await create_user("agent", "agency_staff", agency_id=await create_agency())
    await login(client, "clerk")
    await login(other_client, "agent")
    assert (await client.get(PAGE)).status_code == 403
    assert (await other_client.get(PAGE)).status_code == 403


async def test_signed_out_visitor_is_sent_to_login(client):
    response = await client.get(PAGE)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


async def test_an_inspector_cannot_enter_or_remove_a_year(client):
    await CalendarYear.insert(CalendarYear(year=2028, source="x"))
    await create_user("inspector", "inspector")
    await login(client, "inspector")
    assert (await _enter(client)).status_code == 403
    assert await _stored() == []
    response = await post_form(client, "/admin/calendar/2028/remove", {}, token_page=PAGE)
    assert response.status_code == 403
    assert await CalendarYear.exists().where(CalendarYear.year == 2028)


# ---- coverage ----

async def test_coverage_from_2004_to_next_year_with_missing_years_marked(admin_client):
    response = await admin_client.get(PAGE)
    assert response.status_code == 200
    next_year = today().year + 1
    assert f'id="year-{next_year + 1}"' not in response.text
    assert translated("Calendar library") in _row(response.text, 2004)
    assert translated("Calendar library") in _row(response.text, 2026)
    missing = _row(response.text, 2027)
    assert "status-revoked" in missing and translated("Missing") in missing
    assert translated("Deadlines that reach into %(year)s are not computed until it is entered.", year=2027) in missing
    # Without a chosen year the first missing one is shown, ready to be entered.
    assert translated("%(year)s has not been entered yet.", year=2027) in response.text


async def test_a_library_year_shows_its_days_in_the_entry_format(admin_client):
    response = await admin_client.get(PAGE + "?year=2004")
    library = response.text.split('id="library-days">', 1)[1].split("</pre>", 1)[0]
    assert "2004-10-01 holiday 国庆节" in library
    assert "2004-10-09 workday 国庆节" in library
    assert "2004-10-02" not in library  # a Saturday inside the holiday needs no line


# ---- entering a year ----

async def test_admin_enters_a_year_and_deadlines_reach_into_it(admin_client):
    assert await deadline(dt.date(2026, 12, 30), 5) is None
    response = await _enter(admin_client)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/admin/calendar/?year=2027"
    assert await _stored() == [(dt.date(2027, 1, 1), False, "元旦"), (dt.date(2027, 2, 8), False, "春节"),
                               (dt.date(2027, 2, 20), True, "春节")]
    year = await CalendarYear.select().where(CalendarYear.year == 2027).first()
    assert (year["source"], year["entered_by"]) == (NOTICE, "admin")
    # 31 Dec (Thu), then 1 Jan is a holiday: 4, 5, 6, 7 January.
    assert await deadline(dt.date(2026, 12, 30), 5) == dt.date(2027, 1, 7)

    page = await admin_client.get(response.headers["location"])
    row = _row(page.text, 2027)
    assert translated("Entered from the notice") in row and NOTICE in row
    assert f'{plural("%(num)s holiday", "%(num)s holidays", 2)}, ' \
           f'{plural("%(num)s make-up workday", "%(num)s make-up workdays", 1)}' in row
    assert "春节" in page.text.split('id="days"', 1)[1]


async def test_entering_is_audited_with_the_counts(admin_client):
    await _enter(admin_client)
    await _enter(admin_client, text="2027-01-01 holiday 元旦\n", source="更正通知")
    rows = await AuditLog.select().where(AuditLog.entity == "calendar_year").order_by(AuditLog.id)
    assert [(r["entity_id"], r["action"], r["actor_name"]) for r in rows] == [
        ("2027", "entered", "admin"), ("2027", "entered", "admin")]
    assert json.loads(rows[0]["changes"]) == {"year": [2027, 2027], "source": [None, NOTICE],
                                              "holidays": [0, 2], "workdays": [0, 1]}
    assert json.loads(rows[1]["changes"]) == {"year": [2027, 2027], "source": [NOTICE, "更正通知"],
                                              "holidays": [2, 1], "workdays": [1, 0]}
    page = await admin_client.get(PAGE + "?year=2027")
    assert "更正通知" in page.text.split('class="history"', 1)[1]


async def test_entering_again_replaces_the_days_of_that_year_only(admin_client):
    await _enter(admin_client, year="2028", text="2028-01-03 holiday\n", source="2028")
    await _enter(admin_client)
    response = await _enter(admin_client, text="2027-10-01 休 国庆节\n2027-10-09 班\n")
    assert response.status_code in (302, 303)
    assert await _stored() == [(dt.date(2027, 10, 1), False, "国庆节"), (dt.date(2027, 10, 9), True, "")]
    assert await _stored(2028) == [(dt.date(2028, 1, 3), False, "")]
    assert await CalendarYear.count() == 2


# ---- refusals: shown again as typed, nothing stored ----

@pytest.mark.parametrize(("text", "message", "params"), [
    ("2027-01-01 holiday\n2027-02-06 holiday 春节", "Line %(line)s: %(date)s is a Saturday or Sunday, which is a day "
     "off anyway; list only holidays from Monday to Friday.", {"line": 2, "date": "2027-02-06"}),
    ("2027-01-01 holiday\n\n2027-02-09 workday", "Line %(line)s: %(date)s is a weekday, which is a working day "
     "anyway; a make-up workday is a Saturday or Sunday.", {"line": 3, "date": "2027-02-09"}),
    ("2026-12-31 holiday", "Line %(line)s: %(date)s is not in %(year)s.", {"line": 1, "date": "2026-12-31",
                                                                           "year": 2027}),
    ("2027-01-01 holiday\n2027-01-01 休", "Line %(line)s: %(date)s is already on line %(first)s.",
     {"line": 2, "date": "2027-01-01", "first": 1}),
    ("", "Enter the year's holidays from the notice, one day per line.", {}),
])
async def test_a_wrong_line_is_refused_with_its_number(admin_client, text, message, params):
    response = await _enter(admin_client, text=text)
    assert response.status_code == 400
    assert translated(message, **params) in response.text
    assert has_field_error(response.text, "text")
    assert await _stored() == [] and await CalendarYear.count() == 0
    if text:
        assert text.split("\n")[-1] in response.text  # the typed text is kept


async def test_every_wrong_line_is_listed(admin_client):
    response = await _enter(admin_client, text="2027-02-06 holiday\n2027-02-09 workday\nnonsense")
    assert response.status_code == 400
    assert translated("%(count)s lines are wrong; see the list above the form.", count=3) in response.text
    assert translated("Line %(line)s: %(date)s is a weekday, which is a working day anyway; a make-up workday is a "
                      "Saturday or Sunday.", line=2, date="2027-02-09") in response.text
    assert "nonsense</textarea>" in response.text


async def test_the_notice_and_a_sensible_year_are_required(admin_client):
    response = await _enter(admin_client, source="  ")
    assert response.status_code == 400
    assert translated("Name the notice the days are taken from.") in response.text
    response = await _enter(admin_client, year="1999", text="1999-01-01 holiday")
    assert response.status_code == 400
    assert translated("Enter a year from %(first)s to %(last)s.", first=2004, last=2100) in response.text
    assert await CalendarYear.count() == 0 and await CalendarDay.count() == 0


async def test_a_form_without_its_csrf_token_does_nothing_and_keeps_the_text(admin_client):
    response = await _enter(admin_client, token=False)
    assert response.status_code == 400
    assert translated("This form had expired, so nothing was done. Please send it again.") in response.text
    assert "2027-02-20 班 春节" in response.text
    assert await CalendarYear.count() == 0 and await CalendarDay.count() == 0


# ---- removing ----

async def test_admin_removes_an_entered_year_and_it_is_missing_again(admin_client):
    await _enter(admin_client)
    response = await post_form(admin_client, "/admin/calendar/2027/remove", {}, token_page=PAGE)
    assert response.status_code in (302, 303)
    assert await _stored() == [] and await CalendarYear.count() == 0
    assert await deadline(dt.date(2026, 12, 30), 5) is None
    audit = await AuditLog.select().where(AuditLog.action == "removed").first()
    assert audit["entity"] == "calendar_year" and audit["entity_id"] == "2027"
    assert json.loads(audit["changes"])["holidays"] == [2, 0]
    page = await admin_client.get(PAGE + "?year=2027")
    assert translated("Missing") in _row(page.text, 2027)


async def test_removing_needs_the_csrf_token_and_an_entered_year(admin_client):
    await _enter(admin_client)
    response = await post_form(admin_client, "/admin/calendar/2027/remove", {})
    assert response.status_code == 403
    assert await CalendarYear.count() == 1
    response = await post_form(admin_client, "/admin/calendar/2029/remove", {}, token_page=PAGE)
    assert response.status_code == 404

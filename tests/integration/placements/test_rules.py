"""The placement rules, through the services: report, change_status and add_fee, accepted and refused.

Every refusal names the field it is keyed by, and a refused action writes nothing.
"""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from export_mgmt import i18n, money
from export_mgmt.errors import AccessDenied
from export_mgmt.placements import services
from export_mgmt.placements.tables import FeeEntry, Placement
from tests.integration.placements.helpers_rules import (
    HEPING,
    LIAOZHONG,
    actor,
    add_broker,
    add_employer,
    add_licence,
    add_months,
    add_worker,
    audit_actions,
    body,
    change,
    counts,
    day,
    events_of,
    fee_body,
    fee_flags,
    form_errors,
    insert_placement,
    licensed_agency,
    placement_row,
    staff,
    start_date,
    today,
    worker_status,
    worker_statuses,
    years_before,
)


@pytest.fixture(autouse=True)
async def english():
    i18n.set_locale("en")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


@pytest.fixture(autouse=True)
def default_rates(monkeypatch):
    monkeypatch.delenv("EXCHANGE_RATES", raising=False)
    monkeypatch.delenv("FEE_CAP_PERCENT", raising=False)
    money.rates_to_cny.cache_clear()
    yield
    money.rates_to_cny.cache_clear()


@pytest.fixture
async def agency():
    return await licensed_agency()


@pytest.fixture
async def agent(agency):
    return await staff(agency)


@pytest.fixture
async def kr_employer():
    return await add_employer("KR")


@pytest.fixture
async def worker():
    return await add_worker()


async def refused(agent, data, field: str) -> str:
    """Report `data`, expect a refusal keyed by `field`, and check that nothing was written."""
    before, statuses = await counts(), await worker_statuses()
    errors = await form_errors(services.report(agent, data))
    assert field in errors, errors
    assert await counts() == before
    assert await worker_statuses() == statuses
    return errors[field]


# ==== report: accepted ======================================================================================

async def test_report_with_an_active_covering_licence(agent, agency, worker, kr_employer):
    worker_id, number = worker
    placement_id = await services.report(agent, body(number, employer_id=kr_employer))
    row = await placement_row(placement_id)
    assert (row["worker"], row["agency"], row["employer"], row["programme"]) == (
        worker_id, agency, kr_employer, "kr_eps_e9")
    assert (row["status"], row["status_changed_on"], row["created_by"]) == ("reported", today(), agent.username)
    assert await events_of(placement_id) == [("reported", today())]
    assert await worker_status(worker_id) == "placed"
    assert await audit_actions("placement", placement_id) == ["created"]
    assert await audit_actions("worker", worker_id) == ["updated"]


async def test_admin_reports_on_behalf_of_an_agency(agency, worker, kr_employer):
    admin = await actor("admin")
    placement_id = await services.report(admin, body(worker[1], employer_id=kr_employer, agency_id=agency))
    assert (await placement_row(placement_id))["agency"] == agency


async def test_admin_must_name_the_agency(worker, kr_employer):
    admin = await actor("admin")
    await refused(admin, body(worker[1], employer_id=kr_employer), "agency_id")


async def test_domestic_placement_needs_no_employer_nor_insurance(agent, worker):
    worker_id, number = worker
    placement_id = await services.report(agent, body(number, "domestic", accident_insurance=False))
    assert (await placement_row(placement_id))["destination_group"] == "YRD"
    assert await worker_status(worker_id) == "placed"


async def test_domestic_placement_under_an_intermediary_licence():
    agency = await licensed_agency("乙人力资源公司", scope="DOMESTIC", kind="employment_intermediary")
    _, number = await add_worker()
    assert await services.report(await staff(agency), body(number, "domestic"))


@pytest.mark.parametrize("programme", ["jp_trainee", "jp_technical_intern", "jp_ssw", "sg_work_permit",
                                       "kr_eps_h2"])
async def test_each_overseas_programme_can_be_reported(agent, programme):
    country = {"jp": "JP", "sg": "SG", "kr": "KR"}[programme[:2]]
    _, number = await add_worker(born=years_before(start_date(), 30))
    assert await services.report(agent, body(number, programme, employer_id=await add_employer(country)))


async def test_report_with_the_agencys_own_active_broker(agent, agency, worker, kr_employer):
    broker = await add_broker(agency)
    placement_id = await services.report(agent, body(worker[1], employer_id=kr_employer, broker_id=broker))
    assert (await placement_row(placement_id))["broker"] == broker


# ==== report: the agency's licence ==============================================================================

@pytest.mark.parametrize(("case", "licence", "words"), [
    ("suspended", dict(status="suspended"), "suspended"),
    ("revoked", dict(status="revoked"), "revoked"),
    ("marked expired", dict(status="expired"), "expired"),
    ("expired by date", dict(valid_to=-1), "expired"),
    ("not yet valid", dict(valid_from=1), "not yet valid"),
    ("cancelled", dict(status="cancelled"), "cancelled"),
    ("not covering Korea", dict(scope="DOMESTIC,JP,SG"), "no licence in force that covers this destination (Korea)"),
])
async def test_report_refused_for_the_agencys_licence(worker, kr_employer, case, licence, words):
    for key in ("valid_from", "valid_to"):
        if key in licence:
            licence[key] = today() + dt.timedelta(days=licence[key])
    agency_id = await licensed_agency(**licence)
    agent = await staff(agency_id)
    message = await refused(agent, body(worker[1], employer_id=kr_employer), "agency_id")
    assert words in message
    assert await worker_status(worker[0]) == "available"


async def test_report_refused_without_any_licence(worker, kr_employer):
    from tests.conftest import create_agency

    agent = await staff(await create_agency("无证公司"))
    await refused(agent, body(worker[1], employer_id=kr_employer), "agency_id")


async def test_licence_valid_until_today_still_covers(worker, kr_employer):
    agent = await staff(await licensed_agency(valid_to=today()))
    assert await services.report(agent, body(worker[1], employer_id=kr_employer))


async def test_licence_valid_from_today_covers(worker, kr_employer):
    agent = await staff(await licensed_agency(valid_from=today()))
    assert await services.report(agent, body(worker[1], employer_id=kr_employer))


async def test_a_renewed_licence_covers_beside_an_expired_one(worker, kr_employer):
    agency_id = await licensed_agency(valid_from=today() - dt.timedelta(days=800),
                                      valid_to=today() - dt.timedelta(days=400))
    await add_licence(agency_id)
    assert await services.report(await staff(agency_id), body(worker[1], employer_id=kr_employer))


async def test_a_suspended_korea_licence_is_not_saved_by_a_japan_only_licence(worker, kr_employer):
    agency_id = await licensed_agency(scope="KR", status="suspended")
    await add_licence(agency_id, scope="DOMESTIC,JP")
    message = await refused(await staff(agency_id), body(worker[1], employer_id=kr_employer), "agency_id")
    assert "suspended" in message


async def test_another_agencys_licence_does_not_cover(worker, kr_employer):
    await licensed_agency("乙公司")  # licensed for everything
    agent = await staff(await licensed_agency("甲公司", scope="DOMESTIC"))
    await refused(agent, body(worker[1], employer_id=kr_employer), "agency_id")


async def test_inactive_agency_cannot_report(worker, kr_employer):
    from export_mgmt.agencies.tables import Agency

    agency_id = await licensed_agency()
    await Agency.update({Agency.active: False}).where(Agency.id == agency_id)
    await refused(await staff(agency_id), body(worker[1], employer_id=kr_employer), "agency_id")


async def test_departure_after_the_licence_expires_is_refused(worker, kr_employer):
    licence_end = today() + dt.timedelta(days=20)
    agent = await staff(await licensed_agency(valid_to=licence_end))
    message = await refused(agent, body(worker[1], employer_id=kr_employer,
                                        departure_date=(licence_end + dt.timedelta(days=1)).isoformat()),
                            "departure_date")
    assert "licence expires" in message


async def test_departure_on_the_licences_last_day_is_fine(worker, kr_employer):
    licence_end = today() + dt.timedelta(days=20)
    agent = await staff(await licensed_agency(valid_to=licence_end))
    placement_id = await services.report(agent, body(worker[1], employer_id=kr_employer,
                                                     departure_date=licence_end.isoformat()))
    assert (await placement_row(placement_id))["departure_date"] == licence_end


async def test_departure_after_the_contract_ends_is_refused(agent, worker, kr_employer):
    data = body(worker[1], employer_id=kr_employer)
    late = (dt.date.fromisoformat(data.contract_end) + dt.timedelta(days=1)).isoformat()
    await refused(agent, body(worker[1], employer_id=kr_employer, departure_date=late), "departure_date")


# ==== report: the worker ===========================================================================================

async def test_worker_not_in_the_pool_is_refused(agent, kr_employer):
    from export_mgmt.idnumber import make_number

    message = await refused(agent, body(make_number(LIAOZHONG, dt.date(1995, 5, 5), 17), employer_id=kr_employer),
                            "worker_id_number")
    assert "registered" in message


@pytest.mark.parametrize("raw", ["", "12345", "210115199505050000"])
async def test_malformed_identity_number_is_refused(agent, kr_employer, raw):
    await refused(agent, body(raw, employer_id=kr_employer), "worker_id_number")


async def test_withdrawn_worker_is_refused(agent, kr_employer):
    worker_id, number = await add_worker(status="withdrawn")
    message = await refused(agent, body(number, employer_id=kr_employer), "worker_id_number")
    assert "withdrawn" in message
    assert await worker_status(worker_id) == "withdrawn"


async def test_worker_already_in_an_active_placement_is_refused(agent, worker, kr_employer):
    await services.report(agent, body(worker[1], employer_id=kr_employer))
    message = await refused(agent, body(worker[1], employer_id=kr_employer), "worker_id_number")
    assert "already in an active placement" in message


@pytest.mark.parametrize("status", ["departed", "working", "employer_changed", "unreachable"])
async def test_worker_active_with_another_agency_is_refused(agent, worker, kr_employer, status):
    other = await licensed_agency("乙公司")
    await insert_placement(worker[0], other, status=status, employer_id=kr_employer)
    await refused(agent, body(worker[1], employer_id=kr_employer), "worker_id_number")


@pytest.mark.parametrize("ended", ["completed", "returned", "terminated"])
async def test_worker_whose_earlier_placement_ended_can_be_placed_again(agent, agency, kr_employer, ended):
    worker_id, number = await add_worker(status="returned")
    await insert_placement(worker_id, agency, status=ended, employer_id=kr_employer)
    placement_id = await services.report(agent, body(number, employer_id=kr_employer))
    assert (await placement_row(placement_id))["status"] == "reported"
    assert await worker_status(worker_id) == "placed"


async def test_worker_placed_again_after_completing_through_the_services(agent, worker, kr_employer):
    first = await services.report(agent, body(worker[1], employer_id=kr_employer))
    await services.change_status(agent, first, change("working"))
    await services.change_status(agent, first, change("completed"))
    assert await worker_status(worker[0]) == "returned"
    assert await services.report(agent, body(worker[1], employer_id=kr_employer)) != first
    assert await worker_status(worker[0]) == "placed"


# ==== report: dates and programme limits ============================================================================

async def test_contract_ending_before_it_starts_is_refused(agent, worker, kr_employer):
    start = start_date()
    await refused(agent, body(worker[1], employer_id=kr_employer, contract_start=start.isoformat(),
                              contract_end=(start - dt.timedelta(days=1)).isoformat()), "contract_end")


async def test_contract_ending_the_day_it_starts_is_refused(agent, worker, kr_employer):
    start = start_date().isoformat()
    await refused(agent, body(worker[1], employer_id=kr_employer, contract_start=start, contract_end=start),
                  "contract_end")


@pytest.mark.parametrize(("field", "value"), [("contract_start", ""), ("contract_start", "2024/01/01"),
                                              ("contract_end", ""), ("contract_end", "31.12.2027"),
                                              ("departure_date", "tomorrow")])
async def test_missing_or_malformed_dates_are_refused(agent, worker, kr_employer, field, value):
    await refused(agent, body(worker[1], employer_id=kr_employer, **{field: value}), field)


@pytest.mark.parametrize(("programme", "country", "limit"), [
    ("kr_eps_e9", "KR", 58), ("kr_eps_h2", "KR", 58), ("jp_trainee", "JP", 12), ("jp_technical_intern", "JP", 60),
    ("jp_ssw", "JP", 60), ("sg_work_permit", "SG", 24),
])
async def test_longest_lawful_contract_is_accepted(agent, programme, country, limit):
    _, number = await add_worker(born=years_before(start_date(), 30))
    end = add_months(start_date(), limit).isoformat()
    assert await services.report(agent, body(number, programme, employer_id=await add_employer(country),
                                             contract_end=end))


@pytest.mark.parametrize(("programme", "country", "limit"), [
    ("kr_eps_e9", "KR", 58), ("kr_eps_h2", "KR", 58), ("jp_trainee", "JP", 12), ("jp_technical_intern", "JP", 60),
    ("jp_ssw", "JP", 60), ("sg_work_permit", "SG", 24),
])
async def test_one_month_longer_is_refused(agent, programme, country, limit):
    _, number = await add_worker(born=years_before(start_date(), 30))
    end = add_months(start_date(), limit + 1).isoformat()
    await refused(agent, body(number, programme, employer_id=await add_employer(country), contract_end=end),
                  "contract_end")


async def test_korea_e9_limit_is_four_years_ten_months(agent, worker, kr_employer):
    end = add_months(start_date(), 59).isoformat()
    message = await refused(agent, body(worker[1], employer_id=kr_employer, contract_end=end), "contract_end")
    assert "4 years 10 months" in message


async def test_domestic_contract_has_no_length_limit(agent, worker):
    assert await services.report(agent, body(worker[1], "domestic", contract_end=add_months(start_date(), 120)
                                             .isoformat()))


@pytest.mark.parametrize(("age", "accepted"), [(17, False), (18, True), (39, True), (40, False)])
async def test_korea_e9_takes_workers_aged_18_to_39_at_contract_start(agent, kr_employer, age, accepted):
    # Born exactly `age` years before the contract starts: the birthday falls on the first day.
    worker_id, number = await add_worker(born=years_before(start_date(), age))
    data = body(number, employer_id=kr_employer)
    if accepted:
        assert await services.report(agent, data)
    else:
        message = await refused(agent, data, "worker_id_number")
        assert f"is {age} at the contract start" in message
        assert await worker_status(worker_id) == "available"


async def test_korea_e9_age_is_counted_at_contract_start_not_today(agent, kr_employer):
    # 39 today, 40 five days before the contract starts: refused.
    _, older = await add_worker(born=years_before(start_date(), 40) - dt.timedelta(days=5))
    await refused(agent, body(older, employer_id=kr_employer), "worker_id_number")
    # 17 today, 18 five days before the contract starts: accepted.
    _, younger = await add_worker(born=years_before(start_date(), 18) - dt.timedelta(days=5))
    assert await services.report(agent, body(younger, employer_id=kr_employer))


@pytest.mark.parametrize(("age", "accepted"), [(24, False), (25, True), (55, True)])
async def test_korea_h2_takes_workers_from_25(agent, kr_employer, age, accepted):
    _, number = await add_worker(born=years_before(start_date(), age) - dt.timedelta(days=3))
    data = body(number, "kr_eps_h2", employer_id=kr_employer)
    if accepted:
        assert await services.report(agent, data)
    else:
        await refused(agent, data, "worker_id_number")


# ==== report: programme, employer, wages, insurance ==================================================================

async def test_overseas_placement_without_employer_is_refused(agent, worker):
    message = await refused(agent, body(worker[1], employer_id=None), "employer_id")
    assert "must name the employer" in message


@pytest.mark.parametrize("country", ["JP", "SG", "CN"])
async def test_employer_from_another_country_is_refused(agent, worker, country):
    message = await refused(agent, body(worker[1], employer_id=await add_employer(country)), "employer_id")
    assert "not in the destination country" in message


async def test_inactive_employer_is_refused(agent, worker):
    await refused(agent, body(worker[1], employer_id=await add_employer("KR", active=False)), "employer_id")


async def test_unknown_employer_is_refused(agent, worker):
    await refused(agent, body(worker[1], employer_id=999_999), "employer_id")


async def test_programme_must_go_to_the_destination(agent, worker):
    await refused(agent, body(worker[1], employer_id=await add_employer("JP"), programme="kr_eps_e9",
                              destination_country="JP", wage_currency="JPY"), "programme")


async def test_unknown_programme_is_refused(agent, worker, kr_employer):
    data = msgspec.structs.replace(body(worker[1], employer_id=kr_employer), programme="kr_eps_e7")
    await refused(agent, data, "programme")


@pytest.mark.parametrize(("programme", "country", "wrong"), [
    ("kr_eps_e9", "KR", "CNY"), ("kr_eps_e9", "KR", "USD"), ("jp_ssw", "JP", "KRW"),
    ("sg_work_permit", "SG", "USD"), ("domestic", "CN", "SGD"),
])
async def test_wage_currency_must_match_the_programme(agent, worker, programme, country, wrong):
    employer = None if country == "CN" else await add_employer(country)
    message = await refused(agent, body(worker[1], programme, employer_id=employer, wage_currency=wrong),
                            "wage_currency")
    assert {"KR": "KRW", "JP": "JPY", "SG": "SGD", "CN": "CNY"}[country] in message


async def test_gross_wage_below_basic_is_refused(agent, worker, kr_employer):
    await refused(agent, body(worker[1], employer_id=kr_employer, basic_wage=2_000_000, gross_wage=1_999_999),
                  "gross_wage")


async def test_gross_wage_equal_to_basic_is_fine(agent, worker, kr_employer):
    assert await services.report(agent, body(worker[1], employer_id=kr_employer, basic_wage=2_000_000,
                                             gross_wage=2_000_000))


@pytest.mark.parametrize("basic", [0, -1])
async def test_basic_wage_must_be_positive(agent, worker, kr_employer, basic):
    await refused(agent, body(worker[1], employer_id=kr_employer, basic_wage=basic, gross_wage=100), "basic_wage")


@pytest.mark.parametrize(("programme", "country"), [("kr_eps_e9", "KR"), ("jp_ssw", "JP"),
                                                    ("sg_work_permit", "SG")])
async def test_overseas_without_accident_insurance_is_refused(agent, worker, programme, country):
    await refused(agent, body(worker[1], programme, employer_id=await add_employer(country),
                              accident_insurance=False), "accident_insurance")


async def test_broker_of_another_agency_is_refused(agent, worker, kr_employer):
    other = await licensed_agency("乙公司")
    await refused(agent, body(worker[1], employer_id=kr_employer, broker_id=await add_broker(other)), "broker_id")


async def test_struck_off_broker_is_refused(agent, agency, worker, kr_employer):
    broker = await add_broker(agency, status="struck_off")
    await refused(agent, body(worker[1], employer_id=kr_employer, broker_id=broker), "broker_id")


async def test_domestic_needs_a_region_and_a_city(agent, worker):
    errors = await form_errors(services.report(agent, body(worker[1], "domestic", destination_group="MARS",
                                                           destination_city=" ")))
    assert {"destination_group", "destination_city"} <= set(errors)


async def test_every_problem_is_reported_at_once(worker):
    agent = await staff(await licensed_agency(status="suspended"))
    data = body(worker[1], employer_id=await add_employer("JP"), wage_currency="CNY", basic_wage=2_000_000,
                gross_wage=1, accident_insurance=False, contract_end=add_months(start_date(), 59).isoformat())
    before = await counts()
    errors = await form_errors(services.report(agent, data))
    assert {"agency_id", "employer_id", "wage_currency", "gross_wage", "accident_insurance",
            "contract_end"} <= set(errors)
    assert await counts() == before


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county_clerk"])
async def test_only_agency_staff_and_admins_report(worker, kr_employer, role):
    agency = await licensed_agency()
    someone = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    before = await counts()
    with pytest.raises(AccessDenied):
        await services.report(someone, body(worker[1], employer_id=kr_employer, agency_id=agency))
    assert await counts() == before


async def test_agency_staff_without_an_agency_cannot_report(worker, kr_employer):
    with pytest.raises(AccessDenied):
        await services.report(await actor("agency_staff"), body(worker[1], employer_id=kr_employer))


# ==== change_status ============================================================================================

@pytest.fixture
async def reported(agent, worker, kr_employer):
    """An overseas placement reported today: (placement id, worker id)."""
    return await services.report(agent, body(worker[1], employer_id=kr_employer)), worker[0]


async def test_overseas_placement_through_its_life(agent, reported):
    placement_id, worker_id = reported
    seen = []
    for status in ("departed", "working", "unreachable", "working", "employer_changed", "completed"):
        extra = {"employer_id": await add_employer("KR")} if status == "employer_changed" else {}
        await services.change_status(agent, placement_id, change(status, note=f"now {status}", **extra))
        seen.append(await worker_status(worker_id))
    assert seen == ["abroad", "abroad", "abroad", "abroad", "abroad", "returned"]
    row = await placement_row(placement_id)
    assert (row["status"], row["status_changed_on"], row["version"]) == ("completed", today(), 7)
    assert [s for s, _ in await events_of(placement_id)] == [
        "reported", "departed", "working", "unreachable", "working", "employer_changed", "completed"]
    assert (await audit_actions("placement", placement_id)).count("status_changed") == 6


async def test_domestic_working_keeps_the_worker_placed(agent, worker):
    placement_id = await services.report(agent, body(worker[1], "domestic"))
    await services.change_status(agent, placement_id, change("working"))
    assert await worker_status(worker[0]) == "placed"
    await services.change_status(agent, placement_id, change("completed"))
    assert await worker_status(worker[0]) == "returned"


@pytest.mark.parametrize("ending", ["returned", "terminated"])
async def test_ending_early_returns_the_worker_to_the_pool(agent, reported, ending):
    placement_id, worker_id = reported
    await services.change_status(agent, placement_id, change("departed"))
    await services.change_status(agent, placement_id, change(ending))
    assert await worker_status(worker_id) == "returned"


async def test_reported_can_be_terminated_at_once(agent, reported):
    placement_id, worker_id = reported
    await services.change_status(agent, placement_id, change("terminated"))
    assert await worker_status(worker_id) == "returned"


async def refused_change(agent, placement_id, data, field: str) -> str:
    before = await counts()
    row_before = await placement_row(placement_id)
    errors = await form_errors(services.change_status(agent, placement_id, data))
    assert field in errors, errors
    assert await counts() == before
    assert await placement_row(placement_id) == row_before
    return errors[field]


@pytest.mark.parametrize(("current", "new"), [
    ("completed", "working"), ("returned", "working"), ("terminated", "departed"), ("reported", "completed"),
    ("reported", "employer_changed"), ("working", "departed"), ("working", "reported"), ("departed", "departed"),
])
async def test_refused_transitions(agent, agency, kr_employer, current, new):
    worker_id, _ = await add_worker(status="abroad")
    placement_id = await insert_placement(worker_id, agency, status=current, employer_id=kr_employer)
    extra = {"employer_id": await add_employer("KR")} if new == "employer_changed" else {}
    message = await refused_change(agent, placement_id, change(new, **extra), "status")
    assert "cannot become" in message
    assert await worker_status(worker_id) == "abroad"


async def test_unknown_status_is_refused(agent, reported):
    await refused_change(agent, reported[0], change("vanished"), "status")


async def test_status_date_in_the_future_is_refused(agent, reported):
    message = await refused_change(agent, reported[0], change("departed", day(1)), "on_date")
    assert "future" in message


async def test_status_date_before_the_last_change_is_refused(agent, reported):
    message = await refused_change(agent, reported[0], change("departed", day(-1)), "on_date")
    assert "before the placement's last change" in message


async def test_status_date_on_an_earlier_day_after_the_last_change(agent, agency, kr_employer):
    worker_id, _ = await add_worker(status="placed")
    placement_id = await insert_placement(worker_id, agency, status="reported", employer_id=kr_employer,
                                          changed_on=today() - dt.timedelta(days=10))
    await refused_change(agent, placement_id, change("departed", day(-11)), "on_date")
    await services.change_status(agent, placement_id, change("departed", day(-10)))
    await services.change_status(agent, placement_id, change("working", day(-3)))
    assert await events_of(placement_id) == [("reported", today() - dt.timedelta(days=10)),
                                             ("departed", today() - dt.timedelta(days=10)),
                                             ("working", today() - dt.timedelta(days=3))]
    assert (await placement_row(placement_id))["status_changed_on"] == today() - dt.timedelta(days=3)


@pytest.mark.parametrize("raw", ["", "yesterday", "2024-02-30"])
async def test_status_date_must_be_a_date(agent, reported, raw):
    await refused_change(agent, reported[0], change("departed", raw), "on_date")


async def test_status_note_is_limited(agent, reported):
    await refused_change(agent, reported[0], change("departed", note="x" * 2001), "note")


@pytest.fixture
async def working(agent, reported):
    placement_id, worker_id = reported
    await services.change_status(agent, placement_id, change("working"))
    return placement_id, worker_id


async def test_employer_change_to_a_new_employer_of_the_same_country(agent, working, kr_employer):
    placement_id, worker_id = working
    new_employer = await add_employer("KR")
    await services.change_status(agent, placement_id, change("employer_changed", employer_id=new_employer))
    row = await placement_row(placement_id)
    assert (row["status"], row["employer"]) == ("employer_changed", new_employer)
    assert await worker_status(worker_id) == "abroad"


async def test_employer_change_needs_a_new_employer(agent, working):
    await refused_change(agent, working[0], change("employer_changed"), "employer_id")


async def test_employer_change_to_the_same_employer_is_refused(agent, working, kr_employer):
    await refused_change(agent, working[0], change("employer_changed", employer_id=kr_employer), "employer_id")


@pytest.mark.parametrize("country", ["JP", "SG", "CN"])
async def test_employer_change_to_another_country_is_refused(agent, working, country):
    await refused_change(agent, working[0], change("employer_changed", employer_id=await add_employer(country)),
                         "employer_id")


async def test_employer_change_to_an_unknown_employer_is_refused(agent, working):
    await refused_change(agent, working[0], change("employer_changed", employer_id=999_999), "employer_id")


async def test_employer_change_to_an_inactive_employer_is_refused(agent, working):
    # Reporting refuses an inactive employer; changing to one must be refused too.
    inactive = await add_employer("KR", active=False)
    await refused_change(agent, working[0], change("employer_changed", employer_id=inactive), "employer_id")


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county_clerk"])
async def test_only_agency_staff_and_admins_change_status(reported, role):
    someone = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    before = await counts()
    with pytest.raises(AccessDenied):
        await services.change_status(someone, reported[0], change("departed"))
    assert await counts() == before


async def test_admin_changes_any_agencys_placement(reported):
    await services.change_status(await actor("admin"), reported[0], change("departed"))
    assert (await placement_row(reported[0]))["status"] == "departed"


# ==== add_fee ==================================================================================================

async def test_korea_service_fee_is_stored_as_prohibited(agent, reported):
    placement_id, _ = reported
    await services.add_fee(agent, placement_id, fee_body(500_000, "CNY", purpose="service_fee"))
    await services.add_fee(agent, placement_id, fee_body(30_000, "CNY", purpose="medical"))
    await services.add_fee(agent, placement_id, fee_body(100_000, "CNY", payee="broker", purpose="deposit"))
    assert await fee_flags(placement_id) == [(500_000, "prohibited", "no_fee_programme"), (30_000, "ok", ""),
                                             (100_000, "prohibited", "deposit_or_guarantee")]
    assert (await audit_actions("placement", placement_id)).count("fee_added") == 3


async def test_fee_audit_row_names_the_flag(agent, reported):
    import json

    from export_mgmt.audit.tables import AuditLog

    await services.add_fee(agent, reported[0], fee_body(500_000, "CNY"))
    row = await AuditLog.select().where((AuditLog.action == "fee_added")).first()
    assert json.loads(row["changes"])["flag"] == [None, "prohibited"]


async def sg_placement(agent) -> int:
    _, number = await add_worker(born=years_before(start_date(), 30))
    return await services.report(agent, body(number, "sg_work_permit", employer_id=await add_employer("SG"),
                                             contract_end=add_months(start_date(), 12).isoformat()))


async def test_second_singapore_fee_over_the_cap_is_the_one_flagged(agent):
    placement_id = await sg_placement(agent)  # basic SGD 1,500.00, 12 months: cap SGD 1,500.00
    first = await services.add_fee(agent, placement_id, fee_body(100_000, "SGD", payee="foreign_agency"))
    assert await fee_flags(placement_id) == [(100_000, "ok", "")]
    second = await services.add_fee(agent, placement_id, fee_body(50_001, "SGD", payee="foreign_agency"))
    assert await fee_flags(placement_id) == [(100_000, "ok", ""), (50_001, "over_cap", "sg_one_month_per_year")]
    assert first != second


async def test_singapore_fee_exactly_at_the_cap_in_two_entries(agent):
    placement_id = await sg_placement(agent)
    await services.add_fee(agent, placement_id, fee_body(100_000, "SGD", payee="foreign_agency"))
    await services.add_fee(agent, placement_id, fee_body(50_000, "SGD", payee="foreign_agency"))
    assert [flag for _, flag, _ in await fee_flags(placement_id)] == ["ok", "ok"]


async def test_singapore_fee_paid_in_cny_counts_converted(agent, monkeypatch):
    monkeypatch.setenv("EXCHANGE_RATES", "SGD=5")
    money.rates_to_cny.cache_clear()
    placement_id = await sg_placement(agent)
    await services.add_fee(agent, placement_id, fee_body(750_000, "CNY", payee="foreign_agency"))  # SGD 1,500
    await services.add_fee(agent, placement_id, fee_body(1, "CNY", payee="foreign_agency"))
    assert await fee_flags(placement_id) == [(750_000, "ok", ""), (1, "over_cap", "sg_one_month_per_year")]


async def test_an_earlier_payment_entered_later_is_assessed_in_date_order(agent):
    placement_id = await sg_placement(agent)
    await services.add_fee(agent, placement_id, fee_body(150_000, "SGD", payee="foreign_agency", paid_on=day(0)))
    await services.add_fee(agent, placement_id, fee_body(10_000, "SGD", payee="foreign_agency", paid_on=day(-5)))
    # Paid first, counted first: the entry that used the cap up is now the one over it.
    assert await fee_flags(placement_id) == [(150_000, "over_cap", "sg_one_month_per_year"), (10_000, "ok", "")]


async def test_china_cap_is_reassessed_cumulatively(agent, worker):
    # Domestic: gross CNY 5,200.00 × 12 months × 25 % = CNY 15,600.00.
    placement_id = await services.report(agent, body(worker[1], "domestic"))
    await services.add_fee(agent, placement_id, fee_body(1_000_000, "CNY"))
    await services.add_fee(agent, placement_id, fee_body(560_000, "CNY", payee="broker"))
    await services.add_fee(agent, placement_id, fee_body(1, "CNY"))
    assert await fee_flags(placement_id) == [(1_000_000, "ok", ""), (560_000, "ok", ""),
                                             (1, "over_cap", "china_cap")]


async def test_fees_are_shown_with_their_flags(agent, reported):
    await services.add_fee(agent, reported[0], fee_body(500_000, "CNY", receipt_no=" R-1 ", payee_name=" 某公司 "))
    record = await services.get(agent, reported[0])
    [entry] = record.fees
    assert (entry.flag, entry.flag_reason, entry.receipt_no, entry.payee_name) == (
        "prohibited", "no_fee_programme", "R-1", "某公司")
    [flagged] = await services.flagged_fees(agent)
    assert (flagged.placement_id, flagged.flag) == (reported[0], "prohibited")


@pytest.mark.parametrize(("field", "values"), [
    ("payee", dict(payee="employer")),
    ("payee", dict(payee="")),
    ("purpose", dict(purpose="bribe")),
    ("currency", dict(currency="EUR")),
    ("currency", dict(currency="cny")),
    ("amount", dict(amount=0)),
    ("amount", dict(amount=-100)),
    ("paid_on", dict(paid_on="")),
    ("paid_on", dict(paid_on="2024-13-01")),
    ("paid_on", dict(paid_on="tomorrow-ish")),
    ("payee_name", dict(payee_name="x" * 101)),
    ("receipt_no", dict(receipt_no="x" * 51)),
])
async def test_bad_fee_is_refused(agent, reported, field, values):
    data = fee_body(**{"amount": 100_000, "currency": "CNY", "payee": "agency", "purpose": "medical", **values})
    before = await counts()
    errors = await form_errors(services.add_fee(agent, reported[0], data))
    assert field in errors, errors
    assert await counts() == before


async def test_fee_paid_in_the_future_is_refused(agent, reported):
    before = await counts()
    errors = await form_errors(services.add_fee(agent, reported[0], fee_body(100, "CNY", paid_on=day(1))))
    assert "paid_on" in errors
    assert await counts() == before


async def test_fee_paid_today_is_fine(agent, reported):
    assert await services.add_fee(agent, reported[0], fee_body(100, "CNY", purpose="medical", paid_on=day(0)))
    assert await FeeEntry.count() == 1


@pytest.mark.parametrize("role", ["inspector", "supervisor", "county_clerk"])
async def test_only_agency_staff_and_admins_record_fees(reported, role):
    someone = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    with pytest.raises(AccessDenied):
        await services.add_fee(someone, reported[0], fee_body(100, "CNY"))
    assert await FeeEntry.count() == 0


async def test_clerk_of_another_county_is_not_a_reader_of_this_placement(reported):
    from export_mgmt.errors import RecordNotFound

    clerk = await actor("county_clerk", county_code=HEPING)
    with pytest.raises(RecordNotFound):
        await services.get(clerk, reported[0])
    assert await Placement.count() == 1

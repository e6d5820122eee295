"""The fee ledger's rules (export_mgmt.placements.fees): pure functions, no database.

Amounts are integer minor units: fen for CNY, cents for SGD, whole won and yen for KRW and JPY.
"""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt import money
from export_mgmt.placements.fees import Fee, PlacementTerms, assess, china_cap_percent, contract_months

PAID = dt.date(2024, 2, 1)
START = dt.date(2024, 3, 1)
END_12 = dt.date(2025, 2, 28)  # 12 months
END_24 = dt.date(2026, 2, 28)  # 24 months


@pytest.fixture(autouse=True)
def default_rates(monkeypatch):
    """Every test starts from the built-in exchange rates and the default 25 % cap."""
    monkeypatch.delenv("EXCHANGE_RATES", raising=False)
    monkeypatch.delenv("FEE_CAP_PERCENT", raising=False)
    money.rates_to_cny.cache_clear()
    yield
    money.rates_to_cny.cache_clear()


def set_rates(monkeypatch, value: str) -> None:
    monkeypatch.setenv("EXCHANGE_RATES", value)
    money.rates_to_cny.cache_clear()


def terms(programme: str, currency: str, basic: int, gross: int | None = None, start: dt.date = START,
          end: dt.date = END_12) -> PlacementTerms:
    return PlacementTerms(programme=programme, contract_start=start, contract_end=end, wage_currency=currency,
                          basic_wage=basic, gross_wage=basic if gross is None else gross)


def fee(payee: str, purpose: str, amount: int, currency: str, paid_on: dt.date = PAID) -> Fee:
    return Fee(payee=payee, purpose=purpose, amount=amount, currency=currency, paid_on=paid_on)


KOREA = terms("kr_eps_e9", "KRW", 2_100_000)
DOMESTIC = terms("domestic", "CNY", 500_000)  # CNY 5,000.00 a month


# ---- contract_months -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "months"), [
    (dt.date(2024, 3, 1), dt.date(2024, 3, 1), 1),  # a single day is a started month
    (dt.date(2024, 3, 1), dt.date(2024, 3, 31), 1),
    (dt.date(2024, 3, 1), dt.date(2024, 4, 1), 2),  # the first of the next month starts a second month
    (dt.date(2024, 3, 15), dt.date(2024, 4, 14), 1),
    (dt.date(2024, 3, 15), dt.date(2024, 4, 15), 2),
    (dt.date(2024, 3, 1), dt.date(2025, 2, 28), 12),
    (dt.date(2024, 1, 1), dt.date(2024, 12, 31), 12),
    (dt.date(2024, 1, 1), dt.date(2025, 1, 1), 13),
    (dt.date(2024, 3, 1), dt.date(2026, 2, 28), 24),
    (dt.date(2024, 1, 1), dt.date(2028, 10, 31), 58),  # Korea E-9: 4 years 10 months
    (dt.date(2024, 1, 1), dt.date(2028, 11, 30), 59),
    (dt.date(2023, 12, 20), dt.date(2024, 1, 19), 1),  # across a year end
    (dt.date(2024, 1, 31), dt.date(2024, 2, 29), 1),  # a short month does not start a second month
])
def test_contract_months(start, end, months):
    assert contract_months(start, end) == months


def test_contract_months_is_at_least_one():
    assert contract_months(dt.date(2024, 3, 10), dt.date(2024, 3, 5)) == 1


# ---- deposits and guarantees ---------------------------------------------------------------------------

@pytest.mark.parametrize("purpose", ["deposit", "guarantee"])
@pytest.mark.parametrize("payee", ["agency", "broker", "foreign_agency", "other"])
@pytest.mark.parametrize(("programme", "currency"), [
    ("domestic", "CNY"), ("jp_ssw", "JPY"), ("sg_work_permit", "SGD"), ("kr_eps_e9", "KRW"),
])
def test_deposits_and_guarantees_are_always_prohibited(purpose, payee, programme, currency):
    result = assess(terms(programme, currency, 200_000), [fee(payee, purpose, 1, "CNY")])
    assert result == [("prohibited", "deposit_or_guarantee")]


def test_a_small_deposit_is_prohibited_even_when_the_cap_has_room():
    result = assess(DOMESTIC, [fee("agency", "service_fee", 100, "CNY"), fee("agency", "deposit", 100, "CNY")])
    assert result == [("ok", ""), ("prohibited", "deposit_or_guarantee")]


# ---- programmes that forbid a placement fee --------------------------------------------------------------

@pytest.mark.parametrize("programme", ["kr_eps_e9", "kr_eps_h2"])
@pytest.mark.parametrize("payee", ["agency", "broker"])
def test_korea_eps_service_fee_to_agency_or_broker_is_prohibited(programme, payee):
    result = assess(terms(programme, "KRW", 2_100_000), [fee(payee, "service_fee", 1, "KRW")])
    assert result == [("prohibited", "no_fee_programme")]


@pytest.mark.parametrize("programme", ["kr_eps_e9", "kr_eps_h2"])
@pytest.mark.parametrize("purpose", ["medical", "visa"])
@pytest.mark.parametrize("payee", ["agency", "broker", "other"])
def test_korea_eps_medical_and_visa_costs_are_fine(programme, purpose, payee):
    result = assess(terms(programme, "KRW", 2_100_000), [fee(payee, purpose, 30_000, "CNY")])
    assert result == [("ok", "")]


def test_korea_medical_cost_does_not_use_up_anything():
    result = assess(KOREA, [fee("agency", "medical", 999_999_999, "CNY"), fee("agency", "visa", 50_000, "CNY")])
    assert result == [("ok", ""), ("ok", "")]


@pytest.mark.parametrize("programme", ["jp_trainee", "jp_technical_intern"])
@pytest.mark.parametrize("payee", ["agency", "broker", "foreign_agency"])
def test_japan_trainee_and_technical_intern_service_fee_is_prohibited(programme, payee):
    result = assess(terms(programme, "JPY", 150_000), [fee(payee, "service_fee", 1000, "JPY")])
    assert result == [("prohibited", "no_fee_programme")]


@pytest.mark.parametrize("programme", ["jp_trainee", "jp_technical_intern"])
def test_japan_trainee_medical_cost_is_fine(programme):
    assert assess(terms(programme, "JPY", 150_000), [fee("agency", "medical", 80_000, "CNY")]) == [("ok", "")]


# ---- the China-side cap -----------------------------------------------------------------------------------

def test_china_cap_default_is_25_percent():
    assert china_cap_percent() == 25


def test_domestic_service_fee_exactly_at_the_china_cap_is_ok():
    # 25 % of CNY 5,000.00 × 12 months = CNY 15,000.00
    assert assess(DOMESTIC, [fee("agency", "service_fee", 1_500_000, "CNY")]) == [("ok", "")]


def test_domestic_service_fee_one_fen_over_the_china_cap():
    assert assess(DOMESTIC, [fee("agency", "service_fee", 1_500_001, "CNY")]) == [("over_cap", "china_cap")]


def test_china_cap_is_on_the_gross_wage_not_the_basic():
    t = terms("domestic", "CNY", 400_000, gross=500_000)
    assert assess(t, [fee("agency", "service_fee", 1_500_000, "CNY")]) == [("ok", "")]
    assert assess(t, [fee("agency", "service_fee", 1_500_001, "CNY")]) == [("over_cap", "china_cap")]


def test_china_cap_is_cumulative_across_agency_and_broker():
    result = assess(DOMESTIC, [fee("agency", "service_fee", 1_000_000, "CNY"),
                               fee("broker", "service_fee", 500_000, "CNY"),
                               fee("broker", "service_fee", 1, "CNY")])
    assert result == [("ok", ""), ("ok", ""), ("over_cap", "china_cap")]


def test_china_cap_counts_only_service_fees():
    result = assess(DOMESTIC, [fee("agency", "training", 1_000_000, "CNY"),
                               fee("agency", "service_fee", 1_500_000, "CNY")])
    assert result == [("ok", ""), ("ok", "")]


def test_china_cap_scales_with_contract_months():
    six = terms("domestic", "CNY", 500_000, end=dt.date(2024, 8, 31))  # 6 months: cap CNY 7,500.00
    assert assess(six, [fee("agency", "service_fee", 750_000, "CNY")]) == [("ok", "")]
    assert assess(six, [fee("agency", "service_fee", 750_001, "CNY")]) == [("over_cap", "china_cap")]


def test_china_cap_percent_is_configurable(monkeypatch):
    monkeypatch.setenv("FEE_CAP_PERCENT", "10")
    assert assess(DOMESTIC, [fee("agency", "service_fee", 600_000, "CNY")]) == [("ok", "")]
    assert assess(DOMESTIC, [fee("agency", "service_fee", 600_001, "CNY")]) == [("over_cap", "china_cap")]


def test_japan_ssw_service_fee_is_allowed_within_the_china_cap(monkeypatch):
    set_rates(monkeypatch, "JPY=0.05")
    ssw = terms("jp_ssw", "JPY", 200_000)  # JPY 2,400,000 × 0.05 = CNY 120,000; 25 % = CNY 30,000
    assert assess(ssw, [fee("agency", "service_fee", 3_000_000, "CNY")]) == [("ok", "")]
    assert assess(ssw, [fee("agency", "service_fee", 3_000_001, "CNY")]) == [("over_cap", "china_cap")]


def test_japan_ssw_fee_paid_in_yen_is_converted_for_the_china_cap(monkeypatch):
    set_rates(monkeypatch, "JPY=0.05")
    ssw = terms("jp_ssw", "JPY", 200_000)
    assert assess(ssw, [fee("broker", "service_fee", 600_000, "JPY")]) == [("ok", "")]  # = CNY 30,000
    assert assess(ssw, [fee("broker", "service_fee", 600_001, "JPY")]) == [("over_cap", "china_cap")]


# ---- Singapore: fees to the agency in Singapore ---------------------------------------------------------------

SG_12 = terms("sg_work_permit", "SGD", 150_000, gross=180_000)  # basic SGD 1,500.00, 12 months
SG_24 = terms("sg_work_permit", "SGD", 150_000, gross=180_000, end=END_24)


def test_singapore_fee_of_one_months_basic_salary_for_a_12_month_contract_is_ok():
    assert assess(SG_12, [fee("foreign_agency", "service_fee", 150_000, "SGD")]) == [("ok", "")]


def test_singapore_fee_one_cent_over_one_month_for_a_12_month_contract():
    result = assess(SG_12, [fee("foreign_agency", "service_fee", 150_001, "SGD")])
    assert result == [("over_cap", "sg_one_month_per_year")]


def test_singapore_cap_is_on_the_basic_salary_not_the_gross():
    result = assess(SG_12, [fee("foreign_agency", "service_fee", 180_000, "SGD")])
    assert result == [("over_cap", "sg_one_month_per_year")]


def test_singapore_short_contract_still_allows_one_month():
    six = terms("sg_work_permit", "SGD", 150_000, end=dt.date(2024, 8, 31))
    assert assess(six, [fee("foreign_agency", "service_fee", 150_000, "SGD")]) == [("ok", "")]
    assert assess(six, [fee("foreign_agency", "service_fee", 150_001, "SGD")]) == [
        ("over_cap", "sg_one_month_per_year")]


def test_singapore_two_months_in_total_for_24_months():
    assert assess(SG_24, [fee("foreign_agency", "service_fee", 300_000, "SGD")]) == [("ok", "")]
    assert assess(SG_24, [fee("foreign_agency", "service_fee", 300_001, "SGD")]) == [("over_cap", "sg_two_months")]


def test_singapore_cap_is_cumulative_across_entries():
    result = assess(SG_24, [fee("foreign_agency", "service_fee", 100_000, "SGD"),
                            fee("foreign_agency", "service_fee", 150_000, "SGD"),
                            fee("foreign_agency", "service_fee", 50_000, "SGD"),
                            fee("foreign_agency", "service_fee", 1, "SGD")])
    assert result == [("ok", ""), ("ok", ""), ("ok", ""), ("over_cap", "sg_two_months")]


def test_singapore_second_fee_over_the_cap_flags_only_the_second():
    result = assess(SG_12, [fee("foreign_agency", "service_fee", 150_000, "SGD"),
                            fee("foreign_agency", "service_fee", 1, "SGD")])
    assert result == [("ok", ""), ("over_cap", "sg_one_month_per_year")]


def test_singapore_medical_cost_paid_to_the_foreign_agency_does_not_count():
    result = assess(SG_12, [fee("foreign_agency", "medical", 500_000, "SGD"),
                            fee("foreign_agency", "service_fee", 150_000, "SGD")])
    assert result == [("ok", ""), ("ok", "")]


def test_singapore_fee_paid_in_cny_is_converted(monkeypatch):
    set_rates(monkeypatch, "SGD=5")
    # Basic SGD 1,500.00 = CNY 7,500.00 at 5 CNY per SGD.
    assert assess(SG_12, [fee("foreign_agency", "service_fee", 750_000, "CNY")]) == [("ok", "")]
    assert assess(SG_12, [fee("foreign_agency", "service_fee", 750_001, "CNY")]) == [
        ("over_cap", "sg_one_month_per_year")]


def test_singapore_mixed_currencies_add_up(monkeypatch):
    set_rates(monkeypatch, "SGD=5")
    result = assess(SG_12, [fee("foreign_agency", "service_fee", 100_000, "SGD"),  # SGD 1,000
                            fee("foreign_agency", "service_fee", 250_000, "CNY"),  # SGD 500
                            fee("foreign_agency", "service_fee", 1, "CNY")])
    assert result == [("ok", ""), ("ok", ""), ("over_cap", "sg_one_month_per_year")]


def test_singapore_rate_change_moves_the_cap(monkeypatch):
    set_rates(monkeypatch, "SGD=4")
    # Basic SGD 1,500.00 = CNY 6,000.00 at 4 CNY per SGD: CNY 7,500.00 is now over.
    assert assess(SG_12, [fee("foreign_agency", "service_fee", 750_000, "CNY")]) == [
        ("over_cap", "sg_one_month_per_year")]
    assert assess(SG_12, [fee("foreign_agency", "service_fee", 600_000, "CNY")]) == [("ok", "")]


def test_singapore_china_side_fees_fall_under_the_china_cap_not_the_sg_cap():
    # The China-side cap: 25 % of SGD 1,800 × 12 = SGD 5,400 = CNY 29,160 at 5.4 — far above one month's basic.
    result = assess(SG_12, [fee("agency", "service_fee", 150_000, "SGD"),
                            fee("foreign_agency", "service_fee", 150_000, "SGD")])
    assert result == [("ok", ""), ("ok", "")]


def test_empty_ledger():
    assert assess(SG_12, []) == []

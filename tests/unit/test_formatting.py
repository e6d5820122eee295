"""Dates, numbers and money read the way each language writes them."""

from __future__ import annotations

import datetime as dt

from export_mgmt import i18n


def in_locale(locale: str, func, *args):
    i18n.set_locale(locale)
    try:
        return func(*args)
    finally:
        i18n.set_locale(i18n.DEFAULT_LOCALE)


def test_money_uses_the_currencys_minor_units():
    assert in_locale("en", i18n.format_money, 123456, "CNY") == "CN¥1,234.56"
    assert in_locale("en", i18n.format_money, 2_100_000, "KRW") == "₩2,100,000"
    assert in_locale("en", i18n.format_money, 60000, "JPY") == "¥60,000"
    assert in_locale("zh_CN", i18n.format_money, 123456, "CNY") == "¥1,234.56"
    assert "1,800.00" in in_locale("zh_CN", i18n.format_money, 180000, "SGD")


def test_dates_and_times_follow_the_language_and_the_bureaus_time_zone():
    day = dt.date(2004, 10, 12)
    assert in_locale("zh_CN", i18n.format_date, day) == "2004年10月12日"
    assert in_locale("en", i18n.format_date, day) == "Oct 12, 2004"
    midnight_utc = dt.datetime(2004, 12, 31, 16, 30, tzinfo=dt.timezone.utc)
    assert "2005年1月1日" in in_locale("zh_CN", i18n.format_datetime, midnight_utc)  # 00:30 in Shenyang


def test_numbers_group_thousands():
    assert in_locale("en", i18n.format_number, 180000) == "180,000"
    assert in_locale("zh_CN", i18n.format_number, 180000) == "180,000"
    assert in_locale("en", i18n.format_number, None) == ""

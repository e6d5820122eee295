"""Unit tests for export_mgmt.regions."""

import dataclasses

import pytest

from export_mgmt import regions
from export_mgmt.regions import (
    SHENYANG_PREFECTURE,
    URBAN_DISTRICTS,
    County,
    Township,
    code_ever_existed,
    county,
    county_name,
    full_name,
    is_shenyang_county,
    resolve_current,
    shenyang_counties,
    township,
    townships_of,
)

CURRENT_SHENYANG = {
    "210102": "和平区",
    "210103": "沈河区",
    "210104": "大东区",
    "210105": "皇姑区",
    "210106": "铁西区",
    "210111": "苏家屯区",
    "210112": "浑南区",
    "210113": "沈北新区",
    "210114": "于洪区",
    "210115": "辽中区",
    "210123": "康平县",
    "210124": "法库县",
    "210181": "新民市",
}


def test_public_api_exported():
    for name in regions.__all__:
        assert hasattr(regions, name)


def test_shenyang_counties():
    units = shenyang_counties()
    assert len(units) == 13
    assert [c.code for c in units] == sorted(CURRENT_SHENYANG)
    assert {c.code: c.name for c in units} == CURRENT_SHENYANG
    for c in units:
        assert isinstance(c, County)
        assert c.code.startswith(SHENYANG_PREFECTURE)
        assert (c.province, c.prefecture, c.valid_to, c.successor) == ("辽宁省", "沈阳市", None, None)
        assert is_shenyang_county(c.code)
    units.clear()  # callers get a copy
    assert len(shenyang_counties()) == 13


def test_urban_districts():
    assert URBAN_DISTRICTS == frozenset({"210102", "210103", "210104", "210105", "210106"})
    assert URBAN_DISTRICTS < set(CURRENT_SHENYANG)


@pytest.mark.parametrize("code", ["210122", "210121", "211225", "210100", "210101", "110105", "21010", None])
def test_is_shenyang_county_only_current_units(code):
    assert not is_shenyang_county(code)


def test_renamed_codes_keep_their_history():
    assert county_name("210112", 2004) == "东陵区"
    assert county_name("210112") == "浑南区"
    assert county_name("210112", 2020) == "浑南区"
    assert county_name("210113", 2000) == "新城子区"
    assert county_name("210113") == "沈北新区"
    assert [n for _, _, n in county("210112").names] == ["东陵区", "浑南区"]
    assert county("210112").valid_from == 1983


def test_county_name_outside_any_period_falls_back_to_latest():
    assert county_name("210115", 1990) == "辽中区"
    assert county_name("210115", 2016) == "辽中区"
    assert county_name("999999") is None


def test_retired_codes_and_successors():
    liaozhong = county("210122")
    assert liaozhong.name == "辽中县" and liaozhong.valid_to == 2016 and liaozhong.successor == "210115"
    assert resolve_current("210122") == "210115"
    assert resolve_current("210121") == "210181"
    assert resolve_current("211225") == "210123"
    assert resolve_current("211226") == "210124"
    assert resolve_current("212125") == "210123"  # 铁岭地区 -> 铁岭市 -> 沈阳市
    assert resolve_current("212126") == "210124"  # "211203;211226": the plain last entry is the heir
    assert county("212125").prefecture == "铁岭地区"


@pytest.mark.parametrize("code", ["210102", "210112", "110105", "999999", ""])
def test_resolve_current_leaves_current_and_unknown_codes(code):
    assert resolve_current(code) == code


def test_code_ever_existed():
    assert code_ever_existed("210102")
    assert code_ever_existed("210122")  # retired 2016
    assert code_ever_existed("110103")  # 崇文区, merged away in 2010
    assert code_ever_existed("440113")
    assert code_ever_existed("441900")  # 东莞: prefecture-level city with no counties
    assert not code_ever_existed("990426")
    assert not code_ever_existed("210100")  # prefecture
    assert not code_ever_existed("210000")  # province
    assert not code_ever_existed("210101")  # 市辖区 aggregate
    assert not code_ever_existed("2101O2")
    assert not code_ever_existed("2101020")


def test_municipality_district_ending_in_01_is_a_place():
    # In 北京 the xx01 code is a real district (东城区), not a 市辖区 aggregate.
    assert county("110101").name == "东城区"
    assert full_name("110101") == "北京市东城区"


def test_full_name():
    assert full_name("210102") == "辽宁省沈阳市和平区"
    assert full_name("210122") == "辽宁省沈阳市辽中县"
    assert full_name("360426") == "江西省九江市德安县"
    assert full_name("441900") == "广东省东莞市"
    assert full_name("999999") == ""


def test_county_is_frozen():
    c = county("210102")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.name = "x"


def test_townships():
    all_townships = [t for code in CURRENT_SHENYANG for t in townships_of(code)]
    assert len(all_townships) == 190
    assert len({t.code for t in all_townships}) == 190
    for t in all_townships:
        assert isinstance(t, Township)
        assert is_shenyang_county(t.county_code)
        assert t.code[:6] == t.county_code and len(t.code) == 9
        assert t.kind in {"subdistrict", "town", "township", "other"}
        assert township(t.code) == t
    for code in CURRENT_SHENYANG:
        listed = townships_of(code)
        assert listed and [t.code for t in listed] == sorted(t.code for t in listed)


def test_township_kinds():
    assert township("210102001") == Township("210102001", "浑河湾街道", "210102", "subdistrict")
    kinds = {t.kind for code in CURRENT_SHENYANG for t in townships_of(code)}
    assert kinds == {"subdistrict", "town", "township", "other"}
    for t in townships_of("210181"):
        n = int(t.code[6:])
        expected = "subdistrict" if n < 100 else "town" if n < 200 else "township" if n < 400 else "other"
        assert t.kind == expected
    # Urban districts have no rural towns or townships (铁西区 does hold the 经济技术开发区, kind "other").
    assert all(t.kind in {"subdistrict", "other"} for code in URBAN_DISTRICTS for t in townships_of(code))
    assert township("210106401").kind == "other"


def test_unknown_townships():
    assert township("999999999") is None
    assert township(None) is None
    assert townships_of("210122") == []
    assert townships_of("110105") == []

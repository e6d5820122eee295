"""County-level division codes (GB/T 2260) with history, plus Shenyang's 2023 townships."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache

SHENYANG_PREFECTURE = "2101"
# The policy's "市内5区": urban districts without rural labour; the other eight units are the "counties".
URBAN_DISTRICTS = frozenset({"210102", "210103", "210104", "210105", "210106"})

# (first year, last year, name); None means open-ended on that side.
NamePeriod = tuple[int | None, int | None, str]

# Rows that summarise other rows rather than name a place; an identity number never carries them.
_AGGREGATE_NAMES = frozenset({"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位"})
_PERIOD_RE = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")
_CODE_RE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True)
class County:
    """One county-level code; `province` and `prefecture` are names ("" when there is none)."""

    code: str
    name: str
    province: str
    prefecture: str
    valid_from: int | None
    valid_to: int | None
    successor: str | None
    names: tuple[NamePeriod, ...] = field(default=(), compare=False, repr=False)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    county_code: str
    kind: str  # "subdistrict" | "town" | "township" | "other"


def _span(periods: list[NamePeriod]) -> tuple[int | None, int | None]:
    # An open end on any period means the code is open on that side overall.
    starts = [p[0] for p in periods]
    ends = [p[1] for p in periods]
    first = None if any(s is None for s in starts) else min(s for s in starts if s is not None)
    last = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    return first, last


def _parse_names(value: str) -> list[NamePeriod]:
    # stdnum encodes history as "[1983-2013]东陵区,[2014-]浑南区"; unannotated names were always valid.
    out: list[NamePeriod] = []
    for part in value.split(","):
        m = _PERIOD_RE.match(part.strip())
        if m:
            start, end, name = m.groups()
            out.append((int(start) if start else None, int(end) if end else None, name))
    return out


def _latest(periods: list[NamePeriod] | tuple[NamePeriod, ...]) -> str:
    # stdnum lists periods chronologically, so the last one is the newest name.
    return periods[-1][2] if periods else ""


@cache
def _stdnum_rows() -> tuple[dict[str, str], dict[str, list[NamePeriod]]]:
    """Province names by 2-digit code and name periods by 6-digit code from stdnum's cn/loc table."""
    from stdnum import numdb  # imported here so that importing this module stays cheap

    provinces: dict[str, str] = {}
    rows: dict[str, list[NamePeriod]] = {}
    for length, low, high, props, children in numdb.get("cn/loc").prefixes:
        if length != 2 or low != high:
            continue
        provinces[low] = props.get("province", "")
        for c_len, c_low, c_high, c_props, _ in children:
            if c_len == 4 and c_low == c_high and "county" in c_props:
                rows[low + c_low] = _parse_names(c_props["county"])
    return provinces, rows


def _read_data(name: str) -> list[list[str]]:
    from importlib import resources  # deferred: it costs more to import than the rest of this module

    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row]


def _successor(field_value: str, code: str) -> str | None:
    # "210102[2004];210112": bracketed entries are partial transfers; the plain entry is the heir.
    entries = [e.strip() for e in field_value.split(";") if e.strip()]
    plain = [e for e in entries if "[" not in e]
    heir = plain[-1] if plain else (entries[-1].split("[")[0] if len(entries) == 1 else None)
    return heir if heir and heir != code else None


def _csv_overlay() -> dict[str, tuple[str, str, list[NamePeriod], str | None]]:
    """Shenyang's own history: code -> (province, prefecture, name periods, successor)."""
    grouped: dict[str, tuple[str, str, list[NamePeriod], str | None]] = {}
    for row in _read_data("shenyang_county_codes.csv")[1:]:
        code, prov, pref, name, level, status, start, end, new = (row + [""] * 9)[:9]
        if level != "县级":  # the 地级 row is the prefecture itself
            continue
        period = (int(start) if start else None, int(end) if end and status != "在用" else None, name)
        _, _, periods, succ = grouped.get(code, (prov, pref, [], None))
        periods.append(period)
        if status == "弃用":
            succ = _successor(new, code)
        grouped[code] = (prov, pref, periods, succ)
    for _, _, periods, _ in grouped.values():
        periods.sort(key=lambda p: (p[0] or 0, p[1] is None))
    return grouped


def _is_aggregate(code: str, periods: list[NamePeriod]) -> bool:
    names = {p[2] for p in periods}
    if names <= _AGGREGATE_NAMES:
        return True
    # Pre-1983 tables had an "xx20 市区" summary row per city; a real district once named 市区 uses another code.
    return code.endswith("20") and names == {"市区"}


@cache
def _table() -> dict[str, County]:
    provinces, rows = _stdnum_rows()
    overlay = _csv_overlay()
    prefixes_with_children = {c[:4] for c in rows if not c.endswith("00")}

    def prefecture_name(code: str) -> str:
        periods = rows.get(code[:4] + "00", [])
        name = _latest(periods)
        return "" if not name or name in _AGGREGATE_NAMES or code[2:4] == "00" else name

    table: dict[str, County] = {}
    for code, periods in rows.items():
        if code.endswith("00"):
            # A prefecture-level city without counties (东莞 441900, 中山 442000, 嘉峪关 620200, 儋州 460400)
            # registers residents under its own xx00 code, so that code is a place; other xx00 rows are not.
            if code[2:4] in ("00", "90") or code[:4] in prefixes_with_children:
                continue
        if not periods or _is_aggregate(code, periods):
            continue
        start, end = _span(periods)
        table[code] = County(
            code,
            _latest(periods),
            provinces.get(code[:2], ""),
            "" if code.endswith("00") else prefecture_name(code),
            start,
            end,
            None,
            tuple(periods),
        )
    for code, (prov, pref, periods, succ) in overlay.items():
        start, end = _span(periods)
        table[code] = County(code, _latest(periods), prov, pref, start, end, succ, tuple(periods))
    return dict(sorted(table.items()))


def county(code: str) -> County | None:
    """The county-level unit with this code in any year, or None (aggregates and unknown codes)."""
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return None
    return _table().get(code)


def code_ever_existed(code: str) -> bool:
    return county(code) is not None


def county_name(code: str, year: int | None = None) -> str | None:
    """Name in `year` if a period covers it (the newer one wins on a change-over year), else the latest."""
    c = county(code)
    if c is None:
        return None
    if year is not None:
        matching = [n for s, e, n in c.names if (s is None or s <= year) and (e is None or year <= e)]
        if matching:
            return matching[-1]
    return c.name


def resolve_current(code: str) -> str:
    """Follow successor links (retired code -> replacement) to the code in use today."""
    seen = {code}
    current = code
    while (c := county(current)) is not None and c.successor and c.successor not in seen:
        current = c.successor
        seen.add(current)
    return current


def full_name(code: str) -> str:
    """E.g. "辽宁省沈阳市和平区"; skips a missing prefecture and parts repeated in the next level."""
    c = county(code)
    if c is None:
        return ""
    parts: list[str] = []
    for part in (c.province, c.prefecture, c.name):
        if part and (not parts or parts[-1] != part):
            parts.append(part)
    return "".join(parts)


@cache
def _shenyang_current() -> tuple[County, ...]:
    return tuple(c for code, c in _table().items() if code.startswith(SHENYANG_PREFECTURE) and c.is_current)


def shenyang_counties() -> list[County]:
    """Shenyang's county-level units in use today (13), in code order."""
    return list(_shenyang_current())


@cache
def _shenyang_codes() -> frozenset[str]:
    return frozenset(c.code for c in _shenyang_current())


def is_shenyang_county(code: str) -> bool:
    # A set: the Excel import asks this once per row.
    return code in _shenyang_codes()


def _kind(code: str) -> str:
    # GB/T 10114: the township part's range tells the kind of unit.
    n = int(code[6:9])
    if 1 <= n <= 99:
        return "subdistrict"
    if 100 <= n <= 199:
        return "town"
    if 200 <= n <= 399:
        return "township"
    return "other"


@cache
def _townships() -> dict[str, Township]:
    out: dict[str, Township] = {}
    for row in _read_data("shenyang_townships_2023.csv"):
        code, name, county_code = row[0].strip(), row[1].strip(), row[2].strip()
        out[code] = Township(code, name, county_code, _kind(code))
    return dict(sorted(out.items()))


def townships_of(county_code: str) -> list[Township]:
    """2023 townships of a (current) Shenyang county code, in code order; [] for anything else."""
    return [t for t in _townships().values() if t.county_code == county_code]


def township(code: str) -> Township | None:
    return _townships().get(code) if isinstance(code, str) else None

"""Administrative divisions: county codes with history (GB/T 2260) and Shenyang townships."""

from export_mgmt.regions.registry import (
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

__all__ = [
    "SHENYANG_PREFECTURE",
    "URBAN_DISTRICTS",
    "County",
    "Township",
    "code_ever_existed",
    "county",
    "county_name",
    "full_name",
    "is_shenyang_county",
    "resolve_current",
    "shenyang_counties",
    "township",
    "townships_of",
]

"""Setting the export targets: a year's figures for all 13 districts and counties, in one audited transaction.

The form shows every county of the year; saving replaces what changed, county by county, after checking that
nobody else saved the year since the form was opened (optimistic locking on the year: the form carries a stamp
of the rows it showed). Each county whose figures changed gets its own audit entry, naming the year and county.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass, fields
from typing import Mapping

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import utcnow
from export_mgmt.db import engine, is_unique_violation, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _
from export_mgmt.regions import shenyang_counties
from export_mgmt.targets.labels import FIGURES
from export_mgmt.targets.tables import ExportTarget

ENTITY = "export_target"
READERS = {Role.admin, Role.inspector, Role.supervisor}
FIRST_YEAR = 2004  # the target responsibility system's first year in the records; nothing is older
LAST_YEAR = 2100
MAX_FIGURE = 10_000_000
# The key of the PostgreSQL advisory lock (with the year) that serialises two saves of the same year.
LOCK_KEY = 720_040_402


def can_read(actor: Actor) -> bool:
    return actor.role in READERS


def can_edit(actor: Actor) -> bool:
    return actor.is_admin


def valid_year(year: int | None) -> bool:
    return year is not None and FIRST_YEAR <= year <= LAST_YEAR


def county_codes() -> list[str]:
    return [c.code for c in shenyang_counties()]


@dataclass(frozen=True)
class Target:
    """One county's targets for a year; None where no target was set."""

    county_code: str
    exported: int | None = None
    overseas: int | None = None
    domestic: int | None = None
    trained: int | None = None
    placed_4050: int | None = None

    def figure(self, name: str) -> int | None:
        return getattr(self, name)

    @property
    def empty(self) -> bool:
        return all(self.figure(name) is None for name in FIGURES)

    def values(self) -> dict[str, int | None]:
        return {name: self.figure(name) for name in FIGURES}


assert [f.name for f in fields(Target)][1:] == list(FIGURES), "Target's fields are the figures, in order"


def _target(row: Mapping) -> Target:
    return Target(county_code=row["county_code"], **{name: row[name] for name in FIGURES})


async def targets(year: int) -> dict[str, Target]:
    """The year's stored targets by county code (counties without any target are absent)."""
    rows = await ExportTarget.select().where(ExportTarget.year == year)
    return {r["county_code"]: _target(r) for r in rows}


def stamp(stored: Mapping[str, Target]) -> str:
    """A fingerprint of a year's stored targets: the form carries it, and a save checks it is unchanged."""
    text = json.dumps([[code, *stored[code].values().values()] for code in sorted(stored)])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# ---- the form --------------------------------------------------------------------------------------------

def field_name(county_code: str, figure: str) -> str:
    return f"{county_code}_{figure}"


def form_values(stored: Mapping[str, Target]) -> dict[str, str]:
    """The form's inputs as stored (blank where no target was set)."""
    values = {}
    for code in county_codes():
        target = stored.get(code)
        for name in FIGURES:
            value = target.figure(name) if target else None
            values[field_name(code, name)] = "" if value is None else str(value)
    return values


def _number(raw: str, name: str, errors: dict[str, str]) -> int | None:
    # Full-width digits from Chinese input methods, and thousands separators as people type them.
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "").replace(" ", "").replace("，", "")
    if not text:
        return None
    if not text.isdigit() or not text.isascii():
        errors[name] = _("Enter a whole number of people, or leave it empty.")
        return None
    value = int(text)
    if value > MAX_FIGURE:
        errors[name] = _("At most %(n)s.", n=f"{MAX_FIGURE:,}")
        return None
    return value


def parse(values: Mapping[str, str]) -> tuple[dict[str, Target], dict[str, str]]:
    """The targets typed into the form, county by county, and a translated message per wrong input."""
    errors: dict[str, str] = {}
    parsed: dict[str, Target] = {}
    for code in county_codes():
        got = {name: _number(values.get(field_name(code, name), ""), field_name(code, name), errors)
               for name in FIGURES}
        target = Target(county_code=code, **got)
        if target.empty:
            continue
        total = target.exported
        if total is None:
            if not any(field_name(code, name) in errors for name in FIGURES):
                errors[field_name(code, "exported")] = _("Enter the total to export, or leave the whole row empty.")
        else:
            for name in ("overseas", "domestic", "placed_4050"):
                value = target.figure(name)
                if value is not None and value > total:
                    errors[field_name(code, name)] = _("More than the total to export.")
            overseas, domestic = target.overseas, target.domestic
            if (overseas is not None and domestic is not None and overseas <= total and domestic <= total
                    and overseas + domestic != total):
                errors[field_name(code, "domestic")] = _(
                    "Overseas and domestic together must make the total (%(total)s).", total=f"{total:,}")
        parsed[code] = target
    return parsed, errors


# ---- saving ----------------------------------------------------------------------------------------------

async def _lock_year(year: int) -> None:
    """PostgreSQL: two administrators saving the same year wait for each other (SQLite's BEGIN IMMEDIATE does)."""
    if engine().engine_type == "postgres":
        await ExportTarget.raw("SELECT pg_advisory_xact_lock({}, {})", LOCK_KEY, year)


async def save(actor: Actor, year: int, values: Mapping[str, str], seen_stamp: str) -> int:
    """Store the year's targets as typed; returns how many counties changed. Raises FormErrors, with
    extra["conflict"] when someone else saved the year after the form was opened."""
    if not can_edit(actor):
        raise AccessDenied()
    if not valid_year(year):
        raise FormErrors({"year": _("Enter a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)})
    parsed, errors = parse(values)
    if errors:
        raise FormErrors(errors)
    changed = 0
    try:
        async with write_transaction():
            await _lock_year(year)
            stored = await targets(year)
            if stamp(stored) != seen_stamp:
                raise FormErrors({"": _("Someone else changed the targets for %(year)s after you opened this form. "
                                        "The form now shows what is stored; enter your changes again.", year=year)},
                                 {"conflict": True})
            now = utcnow()
            for code in county_codes():
                old, new = stored.get(code), parsed.get(code)
                if old == new:
                    continue
                changed += 1
                await _write(actor, year, code, old, new, now)
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise FormErrors({"": _("Someone else saved the targets for %(year)s at the same moment. The form now "
                                    "shows what is stored; enter your changes again.", year=year)},
                             {"conflict": True}) from exc
        raise
    return changed


async def _write(actor: Actor, year: int, code: str, old: Target | None, new: Target | None,
                 now: dt.datetime) -> None:
    where = (ExportTarget.year == year) & (ExportTarget.county_code == code)
    before = old.values() if old else dict.fromkeys(FIGURES)
    after = new.values() if new else dict.fromkeys(FIGURES)
    if new is None:
        await ExportTarget.delete().where(where)
        action = "removed"
    elif old is None:
        await ExportTarget.insert(ExportTarget(year=year, county_code=code, updated_by=actor.username,
                                               updated_at=now, **after))
        action = "created"
    else:
        await ExportTarget.update({**{getattr(ExportTarget, k): v for k, v in after.items()},
                                   ExportTarget.updated_by: actor.username, ExportTarget.updated_at: now}).where(where)
        action = "updated"
    # The year and county name the record; then the figures that changed.
    await audit.record(actor, ENTITY, entity_id(year, code), action,
                       {"year": [year, year], "county_code": [code, code], **audit.diff(before, after)})


def entity_id(year: int, county_code: str) -> str:
    return f"{year}-{county_code}"


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    actor_name: str
    action: str
    county_code: str
    figures: dict[str, list]  # figure -> [before, after]


async def history(year: int) -> list[Change]:
    """Every change to the year's targets, newest first."""
    rows = await AuditLog.select().where((AuditLog.entity == ENTITY)
                                         & AuditLog.entity_id.like(f"{year}-%")).order_by(AuditLog.id, ascending=False)
    result = []
    for row in rows:
        changes = json.loads(row["changes"] or "{}")
        result.append(Change(at=row["at"], actor_name=row["actor_name"], action=row["action"],
                             county_code=row["entity_id"].split("-", 1)[1],
                             figures={k: v for k, v in changes.items() if k in FIGURES}))
    return result


# ---- the demo data ----------------------------------------------------------------------------------------

# 2004, the city's target: 180,000 workers exported, 10,000 of them overseas. The city's own split is not in the
# records the demo is built from, so the demo splits it by an assumed weight per district and county (percent,
# summing to 100): the five urban districts, with no rural labour (regions.URBAN_DISTRICTS), export laid-off
# urban workers and carry 15 % between them, the rest weighted roughly by the size of each outer district's and
# county's rural population, the largest being 新民 and 辽中. Both totals are split by the same weights, so the
# shares are exact: 180,000 × w % and 10,000 × w %; domestic is the difference. No training or "4050" target.
DEMO_YEAR = 2004
DEMO_CITY_EXPORTED = 180_000
DEMO_CITY_OVERSEAS = 10_000
DEMO_WEIGHTS = {
    "210102": 2, "210103": 2, "210104": 3, "210105": 3, "210106": 5,  # 和平 沈河 大东 皇姑 铁西
    "210111": 8, "210112": 8, "210113": 7, "210114": 8,  # 苏家屯 浑南 (then 东陵) 沈北 (then 新城子) 于洪
    "210115": 15, "210123": 11, "210124": 12, "210181": 16,  # 辽中 康平 法库 新民
}
assert sum(DEMO_WEIGHTS.values()) == 100


# The demo's own year (the current one) gets targets sized to the demo's few hundred workers, so its dashboard
# shows progress; split by the same weights.
DEMO_NOW_EXPORTED = 200
DEMO_NOW_OVERSEAS = 100


def demo_targets(exported_total: int = DEMO_CITY_EXPORTED, overseas_total: int = DEMO_CITY_OVERSEAS) -> list[Target]:
    """The city's totals split over the counties by DEMO_WEIGHTS (totals in hundreds, so the split is exact)."""
    assert exported_total % 100 == 0 and overseas_total % 100 == 0
    rows = []
    for code in county_codes():
        exported = exported_total * DEMO_WEIGHTS[code] // 100
        overseas = overseas_total * DEMO_WEIGHTS[code] // 100
        rows.append(Target(county_code=code, exported=exported, overseas=overseas, domestic=exported - overseas))
    return rows


async def load_demo_targets(this_year: int) -> int:
    """The 2004 targets and the demo's own year's, inside the demo loader's transaction (no audit entry: the
    demo's own entry says so)."""
    rows = [(DEMO_YEAR, t) for t in demo_targets()]
    if this_year != DEMO_YEAR:
        rows += [(this_year, t) for t in demo_targets(DEMO_NOW_EXPORTED, DEMO_NOW_OVERSEAS)]
    await ExportTarget.insert(*[ExportTarget(year=year, county_code=t.county_code, updated_by="demo", **t.values())
                                for year, t in rows])
    return len(rows)

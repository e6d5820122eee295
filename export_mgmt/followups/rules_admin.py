"""Keeping the follow-up schedule: administrators add, change, deactivate and activate rules; city roles read.

Every change is one write transaction with its audit row. The sweeps read the active rules afresh on each run,
so a change applies to the follow-ups generated from then on; follow-ups already generated stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import utcnow
from export_mgmt.db import write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.followups.schedule import MAX_MONTHS, Rule, load_rules, rules_by_programme
from export_mgmt.followups.tables import FollowUpRule
from export_mgmt.i18n import _, ngettext
from export_mgmt.placements.programmes import COUNTRIES, PROGRAMMES

ENTITY = "followup_rule"
READERS = {Role.admin, Role.inspector, Role.supervisor}
# Kinds counted in days from an event; the periodic kind counts months after departure.
DAY_KINDS = ("arrival", "before_end", "after_return")
MAX_OFFSET_DAYS = 365
MAX_EVERY_MONTHS = 12
MAX_GRACE_DAYS = 90
FIELDS = ("destination", "programme", "kind", "offset_days", "first_month", "last_month", "every_months",
          "grace_days")


class RuleInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One schedule rule as a form or a client sends it; `version` is the one read (changes only)."""

    kind: str
    destination: str = ""
    programme: str = ""
    offset_days: int = 0
    first_month: int = 0
    last_month: int = 0
    every_months: int = 0
    grace_days: int = 7
    version: int = 0


def can_read(actor: Actor) -> bool:
    return actor.role in READERS


def can_edit(actor: Actor) -> bool:
    return actor.role == Role.admin


def validate(data: RuleInput) -> tuple[dict, dict[str, str]]:
    """The rule's stored values, checked; fields the kind does not use are stored as 0."""
    errors: dict[str, str] = {}
    if data.kind not in FollowUpRule.Kind.__members__:
        errors["kind"] = _("Choose one of the listed values.")
    if data.destination and data.destination not in COUNTRIES:
        errors["destination"] = _("Choose one of the listed values.")
    destination = data.destination
    if data.programme:
        programme = PROGRAMMES.get(data.programme)
        if programme is None:
            errors["programme"] = _("Choose one of the listed values.")
        elif not destination:
            destination = programme.country  # a programme's rule belongs to its destination
        elif programme.country != destination:
            errors["programme"] = _("This programme is not one of the destination's.")
    values = {"destination": destination, "programme": data.programme, "kind": data.kind, "offset_days": 0,
              "first_month": 0, "last_month": 0, "every_months": 0, "grace_days": data.grace_days}
    if data.kind in DAY_KINDS:
        if not 1 <= data.offset_days <= MAX_OFFSET_DAYS:
            errors["offset_days"] = _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_OFFSET_DAYS)
        values["offset_days"] = data.offset_days
    elif data.kind == "periodic":
        if not 1 <= data.first_month <= MAX_MONTHS:
            errors["first_month"] = _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_MONTHS)
        if not 1 <= data.every_months <= MAX_EVERY_MONTHS:
            errors["every_months"] = _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_EVERY_MONTHS)
        if data.last_month != 0 and not data.first_month <= data.last_month <= MAX_MONTHS:
            errors["last_month"] = _("Enter 0 (until the contract ends) or a month from the first month to "
                                     "%(high)s.", high=MAX_MONTHS)
        values.update(first_month=data.first_month, last_month=data.last_month, every_months=data.every_months)
    if not 0 <= data.grace_days <= MAX_GRACE_DAYS:
        errors["grace_days"] = _("Enter a number from %(low)s to %(high)s.", low=0, high=MAX_GRACE_DAYS)
    return values, errors


async def _load(rule_id: int) -> dict:
    row = await FollowUpRule.select().where(FollowUpRule.id == rule_id).first()
    if row is None:
        raise RecordNotFound()
    return row


def _check_version(row: dict, version: int) -> None:
    if version != row["version"]:
        raise FormErrors({"": _("Someone else changed this rule while you were editing. "
                                "Reload it and make your change again.")})


async def add_rule(actor: Actor, data: RuleInput) -> int:
    if not can_edit(actor):
        raise AccessDenied()
    values, errors = validate(data)
    if errors:
        raise FormErrors(errors)
    async with write_transaction():
        rows = await FollowUpRule.insert(FollowUpRule(**values, active=True, updated_by=actor.username)).returning(
            FollowUpRule.id)
        rule_id = rows[0]["id"]
        await audit.record(actor, ENTITY, rule_id, "created", audit.diff({}, {**values, "active": True}))
    return rule_id


async def update_rule(actor: Actor, rule_id: int, data: RuleInput) -> None:
    """Change a rule; refused when someone changed it since `data.version` was read."""
    if not can_edit(actor):
        raise AccessDenied()
    values, errors = validate(data)
    async with write_transaction():
        row = await _load(rule_id)
        _check_version(row, data.version)
        if errors:
            raise FormErrors(errors)
        changes = audit.diff(row, values)
        if not changes:
            return
        await _write(rule_id, values, actor)
        await audit.record(actor, ENTITY, rule_id, "updated", changes)


async def set_active(actor: Actor, rule_id: int, active: bool, version: int) -> None:
    """Deactivate a rule (it stops generating follow-ups) or activate it again."""
    if not can_edit(actor):
        raise AccessDenied()
    async with write_transaction():
        row = await _load(rule_id)
        _check_version(row, version)
        if row["active"] == active:
            return
        await _write(rule_id, {"active": active}, actor)
        await audit.record(actor, ENTITY, rule_id, "activated" if active else "deactivated",
                           {"active": [row["active"], active]})


async def _write(rule_id: int, values: dict, actor: Actor) -> None:
    await FollowUpRule.update({
        **{getattr(FollowUpRule, name): value for name, value in values.items()},
        FollowUpRule.updated_at: utcnow(), FollowUpRule.updated_by: actor.username,
        FollowUpRule.version: FollowUpRule.version + 1,
    }).where(FollowUpRule.id == rule_id)


# ---- reading ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleRow:
    """A rule as the schedule page lists it."""

    rule: Rule
    description: str
    version: int
    updated_at: object
    updated_by: str


@dataclass(frozen=True)
class Schedule:
    general: list[RuleRow]
    by_destination: list[RuleRow]
    by_programme: list[RuleRow]
    # programme code -> (where its rules come from: "programme", "destination" or "general", its rules)
    effective: dict[str, tuple[str, list[Rule]]]


def _days(n: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", n)


def describe(rule: Rule) -> str:
    """A rule in plain words, e.g. "monthly from month 1 to 12, overdue 10 days after due"."""
    if rule.kind == "arrival":
        when = _("%(days)s after departure", days=_days(rule.offset_days))
    elif rule.kind == "before_end":
        when = _("%(days)s before the contract ends", days=_days(rule.offset_days))
    elif rule.kind == "after_return":
        when = _("%(days)s after return", days=_days(rule.offset_days))
    elif rule.every_months <= 1:
        when = (_("monthly from month %(first)s to %(last)s", first=rule.first_month, last=rule.last_month)
                if rule.last_month else
                _("monthly from month %(first)s until the contract ends", first=rule.first_month))
    else:
        when = (_("every %(every)s months from month %(first)s to %(last)s", every=rule.every_months,
                  first=rule.first_month, last=rule.last_month)
                if rule.last_month else
                _("every %(every)s months from month %(first)s until the contract ends", every=rule.every_months,
                  first=rule.first_month))
    overdue = (_("overdue %(days)s after due", days=_days(rule.grace_days)) if rule.grace_days
               else _("overdue the day after it is due"))
    return _("%(when)s, %(overdue)s", when=when, overdue=overdue)


def _order(rule: dict) -> tuple:
    """Rules in the order a placement meets them: arrival, regular, before the end, after return."""
    kinds = list(FollowUpRule.Kind.__members__)
    return (kinds.index(rule["kind"]) if rule["kind"] in kinds else len(kinds), rule["first_month"], rule["id"])


async def read_schedule(actor: Actor) -> Schedule:
    if not can_read(actor):
        raise AccessDenied()
    rows = sorted(await FollowUpRule.select(), key=lambda r: (r["destination"], r["programme"], *_order(r)))
    listed = []
    for row in rows:
        rule = Rule(**{name: row[name] for name in Rule.__dataclass_fields__})
        listed.append(RuleRow(rule=rule, description=describe(rule), version=row["version"],
                              updated_at=row["updated_at"], updated_by=row["updated_by"]))
    rules = await load_rules()
    effective = {}
    for code, chosen in rules_by_programme(rules).items():
        source = ("programme" if any(r.programme for r in chosen)
                  else "destination" if any(r.destination for r in chosen) else "general")
        effective[code] = (source, sorted(chosen, key=lambda r: _order(r.__dict__)))
    return Schedule(
        general=[r for r in listed if not r.rule.destination and not r.rule.programme],
        by_destination=[r for r in listed if r.rule.destination and not r.rule.programme],
        by_programme=[r for r in listed if r.rule.programme],
        effective=effective,
    )


async def get_rule(actor: Actor, rule_id: int) -> dict:
    """One rule with its version, for the edit form."""
    if not can_edit(actor):
        raise AccessDenied()
    return await _load(rule_id)


__all__ = ["FIELDS", "RuleInput", "add_rule", "update_rule", "set_active", "read_schedule", "describe", "get_rule"]

"""The follow-up schedule: default rules, who may change them, and which rules apply to which programme."""

from __future__ import annotations

from dataclasses import dataclass

from export_mgmt.followups.tables import FollowUpRule
from export_mgmt.i18n import N_
from export_mgmt.placements.programmes import COUNTRIES, PROGRAMMES

KINDS = {
    "arrival": N_("Arrival check"),
    "periodic": N_("Regular follow-up"),
    "before_end": N_("Before the contract ends"),
    "after_return": N_("After return"),
    "recheck": N_("Re-check after a rectification order"),
    "adhoc": N_("Unscheduled follow-up"),
}

# The bureau's default schedule (a local rule, changed on the schedule page): an arrival check within two weeks
# of departure, monthly in the first year, quarterly after, six weeks before the contract ends, a month after
# return. Japan's supervising organisations must visit monthly in the first year and audit every three months
# after, which the defaults already meet.
DEFAULT_RULES = (
    dict(kind="arrival", offset_days=14, grace_days=7),
    dict(kind="periodic", first_month=1, last_month=12, every_months=1, grace_days=10),
    dict(kind="periodic", first_month=15, last_month=0, every_months=3, grace_days=14),
    dict(kind="before_end", offset_days=45, grace_days=14),
    dict(kind="after_return", offset_days=30, grace_days=14),
)

# The longest programme is under five years; the month series stops there with a margin.
MAX_MONTHS = 72


@dataclass(frozen=True)
class Rule:
    id: int
    destination: str
    programme: str
    kind: str
    offset_days: int
    first_month: int
    last_month: int
    every_months: int
    grace_days: int
    active: bool


async def seed_default_rules() -> None:
    """A new database starts with the default schedule; an existing one keeps the rules it has."""
    if not await FollowUpRule.exists():
        await FollowUpRule.insert(*(FollowUpRule(**values, updated_by="system") for values in DEFAULT_RULES))


async def load_rules(active_only: bool = False) -> list[Rule]:
    query = FollowUpRule.select(*(getattr(FollowUpRule, name) for name in Rule.__dataclass_fields__))
    if active_only:
        query = query.where(FollowUpRule.active == True)  # noqa: E712
    return [Rule(**row) for row in await query.order_by(FollowUpRule.destination, FollowUpRule.programme,
                                                       FollowUpRule.kind, FollowUpRule.first_month)]


def rules_by_programme(rules: list[Rule]) -> dict[str, list[Rule]]:
    """Each programme follows the most specific set of active rules: its own, else its destination's, else
    the general ones. A set replaces the one below it entirely, so a programme can drop a kind of follow-up."""
    active = [r for r in rules if r.active]
    chosen: dict[str, list[Rule]] = {}
    for code, programme in PROGRAMMES.items():
        own = [r for r in active if r.programme == code]
        destination = [r for r in active if not r.programme and r.destination == programme.country]
        general = [r for r in active if not r.programme and not r.destination]
        chosen[code] = own or destination or general
    return chosen


def programmes_by_rule(rules: list[Rule]) -> list[tuple[Rule, list[str]]]:
    """The inverse: every rule with the programmes it serves, so a sweep is one statement per rule."""
    serving: dict[int, list[str]] = {}
    by_id = {r.id: r for r in rules}
    for code, chosen in rules_by_programme(rules).items():
        for rule in chosen:
            serving.setdefault(rule.id, []).append(code)
    return [(by_id[rule_id], codes) for rule_id, codes in sorted(serving.items())]


def scope_label(rule: Rule) -> tuple[str, str]:
    """(destination, programme) labels for the schedule page; empty means every one."""
    return COUNTRIES.get(rule.destination, ""), PROGRAMMES[rule.programme].label if rule.programme in PROGRAMMES \
        else ""

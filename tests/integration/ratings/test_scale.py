"""The rating scale: seeded by default, changed by administrators in one audited step, checked first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import load_catalog, set_locale
from export_mgmt.ratings import scale, services
from export_mgmt.ratings.tables import RatingGrade, RatingParameter
from tests.integration.placements.helpers_rules import actor
from tests.integration.ratings.helpers import YEAR, world


def form(current: scale.Scale, grades: list[tuple[str, str, str]] | None = None, **parameters) -> dict[str, str]:
    values = {code: str(current.points(code)) for code in scale.DEFAULT_PARAMETERS}
    values.update({k: str(v) for k, v in parameters.items()})
    rows = grades if grades is not None else [(g.code, g.label, str(g.min_score)) for g in current.grades]
    for n, (code, label, low) in enumerate(rows):
        values.update({f"code_{n}": code, f"label_{n}": label, f"min_{n}": low})
    return values


async def stored() -> tuple[list[tuple], list[tuple]]:
    grades = await RatingGrade.select(RatingGrade.code, RatingGrade.min_score).order_by(RatingGrade.min_score)
    parameters = await RatingParameter.select(RatingParameter.code, RatingParameter.value).order_by(
        RatingParameter.code)
    return [tuple(g.values()) for g in grades], [tuple(p.values()) for p in parameters]


async def test_the_default_scale_is_seeded():
    current = await scale.load_scale()
    assert [(g.code, g.min_score) for g in current.grades] == [("AAA", 90), ("AA", 80), ("A", 70), ("B", 60),
                                                               ("C", 0)]
    assert current.min_placements == 5 and current.points("complaint_points") == 3


async def test_grades_follow_the_scale_and_change_with_it():
    agencies = await world()
    admin = await actor("admin")
    before = {c.agency_id: c.grade.code for c in await services.league_table(admin, YEAR) if c.rated}
    assert before == {agencies["a"]: "C", agencies["b"]: "AAA"}

    current = await scale.load_scale()
    await scale.save(admin, form(current, [("AAA", "示范", "95"), ("B", "", "5"), ("C", "", "0")]),
                     scale.stamp(current))
    after = {c.agency_id: c.grade.code for c in await services.league_table(admin, YEAR) if c.rated}
    assert after == {agencies["a"]: "B", agencies["b"]: "AAA"}

    # Fewer placements needed: 丙 (4 placements) is rated now.
    current = await scale.load_scale()
    await scale.save(admin, form(current, min_placements=4), scale.stamp(current))
    cards = {c.agency_id: c for c in await services.league_table(admin, YEAR)}
    assert cards[agencies["c"]].rated and cards[agencies["c"]].grade.code == "AAA"


async def test_a_change_is_audited_with_before_and_after():
    admin = await actor("admin")
    current = await scale.load_scale()
    await scale.save(admin, form(current, [("AAA", "", "90"), ("C", "", "0")], case_points=8), scale.stamp(current))
    rows = await AuditLog.select().where(AuditLog.entity == "rating_scale")
    assert len(rows) == 1 and rows[0]["actor_name"] == admin.username
    changes = json.loads(rows[0]["changes"])
    assert changes["case_points"] == [5, 8]
    assert changes["grades"][1] == "AAA ≥ 90, C ≥ 0"
    assert set(changes) == {"case_points", "grades"}
    assert (await scale.history())[0].changes == changes


LOCALES = Path(__file__).resolve().parents[3] / "locales"
CODE = "Enter a grade code of at most %(max)s characters, such as AAA."
TWICE = "The grade %(code)s is already on the scale: each code once."
LOWER = "Each grade needs a lower minimum score than the grade above it."
NUMBER = "Enter a whole number from 0 to %(max)s."
LOWEST = "The lowest grade must start at 0, so that every rated agency gets a grade."
NONE = "The scale needs at least one grade."


@pytest.mark.parametrize("grades, field, msgid, params", [
    ([("AAA", "", "90"), ("aaa", "", "50"), ("C", "", "0")], "code_1", TWICE, {"code": "AAA"}),
    ([("AAA", "", "90"), ("A", "", "95"), ("C", "", "0")], "min_1", LOWER, {}),
    ([("AAA", "", "90"), ("A", "", "abc"), ("C", "", "0")], "min_1", NUMBER, {"max": 100}),
    ([("AAA", "", "90"), ("A", "", "101")], "min_1", NUMBER, {"max": 100}),
    ([("AAA", "", "90"), ("A", "", "60")], "", LOWEST, {}),  # nobody below 60 would get a grade
    ([("TOO-LONG-CODE", "", "90"), ("C", "", "0")], "code_0", CODE, {"max": 10}),
    ([], "", NONE, {}),
])
async def test_a_bad_scale_is_refused_in_the_readers_language_and_nothing_is_written(grades, field, msgid, params):
    admin = await actor("admin")
    current = await scale.load_scale()
    before, audit_rows = await stored(), await AuditLog.count()
    set_locale("zh_CN")
    try:
        with pytest.raises(FormErrors) as refused:
            await scale.save(admin, form(current, grades, fee_points=7), scale.stamp(current))
    finally:
        set_locale("en")
    # The message of the Chinese catalogue (the English text until the catalogue has it).
    assert refused.value.errors[field] == load_catalog(LOCALES, "zh_CN").gettext(msgid) % params
    assert await stored() == before and await AuditLog.count() == audit_rows


async def test_bad_parameters_are_refused():
    admin = await actor("admin")
    current = await scale.load_scale()
    with pytest.raises(FormErrors) as refused:
        await scale.save(admin, form(current, min_placements=0, arrears_points=-1), scale.stamp(current))
    assert set(refused.value.errors) == {"min_placements", "arrears_points"}


async def test_a_stale_form_is_refused_and_only_administrators_may_change_the_scale():
    admin = await actor("admin")
    current = await scale.load_scale()
    stamp = scale.stamp(current)
    await scale.save(admin, form(current, case_points=9), stamp)
    with pytest.raises(FormErrors) as refused:
        await scale.save(admin, form(current, case_points=1), stamp)
    assert refused.value.extra.get("conflict")
    assert (await scale.load_scale()).points("case_points") == 9
    with pytest.raises(AccessDenied):
        await scale.save(await actor("supervisor"), form(current), scale.stamp(await scale.load_scale()))

"""The score and the grade, as pure functions over plain values, and the checks a new scale must pass.

score = 100 minus the points each indicator loses, never below 0, rounded to one decimal:
- complaints: `complaint_points` for every complaint per 100 placements;
- follow-ups: `followup_points` times the share of follow-ups NOT done on time (none lost while none is settled);
- arrears: `arrears_points` times the share of the claimed arrears NOT recovered (none while nothing is claimed);
- fees: `fee_points` for every placement with flagged fees per 100 placements;
- sanctions: `sanction_points` for every suspension or revocation of a licence in the year;
- inspection cases: `case_points` for every case opened against the agency in the year;
- reserve fund: `reserve_short_points` when it holds less than required, `reserve_overdue_points` more when the
  top-up is overdue.
An agency with fewer than `min_placements` placements reported in the year is not rated: its few cases would
swing the score either way. The grade is the highest whose minimum score the score reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from export_mgmt.i18n import N_, _

MAX_SCORE = 100
MAX_GRADES = 10
CODE_LENGTH = 10
LABEL_LENGTH = 50
MAX_POINTS = 100
MAX_MIN_PLACEMENTS = 10_000

# Code -> default; the order is the order of the form and of the scorecard.
DEFAULT_PARAMETERS = {
    "min_placements": 5,
    "complaint_points": 3,
    "followup_points": 30,
    "arrears_points": 10,
    "fee_points": 3,
    "sanction_points": 20,
    "case_points": 5,
    "reserve_short_points": 10,
    "reserve_overdue_points": 10,
}
# The default wording is stored as English message ids and shown translated (templates pass a grade's label
# through gettext, so an administrator's own wording, found in no catalog, is shown as entered).
DEFAULT_GRADES = (("AAA", N_("Exemplary integrity"), 90), ("AA", N_("Good integrity"), 80),
                  ("A", N_("Satisfactory integrity"), 70), ("B", N_("Needs improvement"), 60),
                  ("C", N_("Integrity warning"), 0))
INDICATORS = ("complaints", "followups", "arrears", "fees", "sanctions", "cases", "reserve")


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    min_score: int


@dataclass(frozen=True)
class Scale:
    grades: tuple[Grade, ...]  # best first
    parameters: dict[str, int]

    def points(self, code: str) -> int:
        return self.parameters.get(code, DEFAULT_PARAMETERS[code])

    @property
    def min_placements(self) -> int:
        return self.points("min_placements")


def default_scale() -> Scale:
    return Scale(grades=tuple(Grade(code, label, low) for code, label, low in DEFAULT_GRADES),
                 parameters=dict(DEFAULT_PARAMETERS))


@dataclass(frozen=True)
class Figures:
    """What the records say about one agency in one year (amounts in CNY fen)."""

    placements: int = 0
    complaints: int = 0
    claimed_cny: int = 0
    recovered_cny: int = 0
    followups_settled: int = 0
    followups_on_time: int = 0
    flagged_placements: int = 0
    sanctions: int = 0
    cases: int = 0
    reserve_short: bool = False
    topup_overdue: bool = False


@dataclass(frozen=True)
class Result:
    score: Decimal | None  # None: not rated
    grade: Grade | None
    lost: dict[str, Decimal] = field(default_factory=dict)  # indicator -> points lost

    @property
    def rated(self) -> bool:
        return self.score is not None


def per_hundred(count: int, placements: int) -> Decimal | None:
    return Decimal(count) * 100 / placements if placements else None


def share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / whole if whole else None


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def points_lost(f: Figures, scale: Scale) -> dict[str, Decimal]:
    p = scale.points
    on_time = share(f.followups_on_time, f.followups_settled)
    recovered = share(min(f.recovered_cny, f.claimed_cny), f.claimed_cny)
    lost = {
        "complaints": (per_hundred(f.complaints, f.placements) or Decimal(0)) * p("complaint_points"),
        "followups": (1 - on_time) * p("followup_points") if on_time is not None else Decimal(0),
        "arrears": (1 - recovered) * p("arrears_points") if recovered is not None else Decimal(0),
        "fees": (per_hundred(f.flagged_placements, f.placements) or Decimal(0)) * p("fee_points"),
        "sanctions": Decimal(f.sanctions * p("sanction_points")),
        "cases": Decimal(f.cases * p("case_points")),
        "reserve": Decimal((p("reserve_short_points") if f.reserve_short else 0)
                           + (p("reserve_overdue_points") if f.topup_overdue else 0)),
    }
    return {name: _one_decimal(value) for name, value in lost.items()}


def grade_for(score: Decimal, grades: tuple[Grade, ...]) -> Grade | None:
    for grade in sorted(grades, key=lambda g: -g.min_score):
        if score >= grade.min_score:
            return grade
    return None


def rate(f: Figures, scale: Scale) -> Result:
    lost = points_lost(f, scale)
    if f.placements < scale.min_placements:
        return Result(score=None, grade=None, lost=lost)
    score = max(Decimal(0), Decimal(MAX_SCORE) - sum(lost.values(), Decimal(0)))
    score = _one_decimal(score)
    return Result(score=score, grade=grade_for(score, scale.grades), lost=lost)


# ---- checking a scale entered on the form ----------------------------------------------------------------------

def _integer(raw: str, low: int, high: int) -> int | None:
    text = raw.strip()
    if not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_scale(rows: list[tuple[str, str, str]], raw_parameters: dict[str, str]) -> tuple[Scale, dict[str, str]]:
    """Grades as (code, label, minimum score) rows in the order entered, best first; rows left empty are skipped.

    Returns the scale and the errors keyed by form field ("" for the whole form); nothing is stored here.
    """
    errors: dict[str, str] = {}
    grades: list[Grade] = []
    seen: set[str] = set()
    for n, (raw_code, raw_label, raw_min) in enumerate(rows):
        code, label = raw_code.strip().upper(), " ".join(raw_label.split())
        if not (code or label or raw_min.strip()):
            continue
        if not code or len(code) > CODE_LENGTH or not code.isprintable():
            errors[f"code_{n}"] = _("Enter a grade code of at most %(max)s characters, such as AAA.",
                                    max=CODE_LENGTH)
        elif code in seen:
            errors[f"code_{n}"] = _("The grade %(code)s is already on the scale: each code once.", code=code)
        seen.add(code)
        if len(label) > LABEL_LENGTH:
            errors[f"label_{n}"] = _("At most %(max)s characters.", max=LABEL_LENGTH)
        low = _integer(raw_min, 0, MAX_SCORE)
        if low is None:
            errors[f"min_{n}"] = _("Enter a whole number from 0 to %(max)s.", max=MAX_SCORE)
        elif grades and low >= grades[-1].min_score:
            errors[f"min_{n}"] = _("Each grade needs a lower minimum score than the grade above it.")
        grades.append(Grade(code=code, label=label, min_score=low if low is not None else -1))
    if not grades:
        errors[""] = _("The scale needs at least one grade.")
    elif len(grades) > MAX_GRADES:
        errors[""] = _("The scale may have at most %(max)s grades.", max=MAX_GRADES)
    elif grades[-1].min_score > 0 and not errors:
        errors[""] = _("The lowest grade must start at 0, so that every rated agency gets a grade.")
    parameters: dict[str, int] = {}
    for code in DEFAULT_PARAMETERS:
        low, high = (1, MAX_MIN_PLACEMENTS) if code == "min_placements" else (0, MAX_POINTS)
        value = _integer(raw_parameters.get(code, ""), low, high)
        if value is None:
            errors[code] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        else:
            parameters[code] = value
    return Scale(grades=tuple(grades), parameters=parameters), errors

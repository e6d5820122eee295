"""Turning the worker HTML form into the shared schema, and a record back into form values."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict

from export_mgmt.i18n import _
from export_mgmt.workers.schemas import LanguageIn, SkillIn, WorkerRead, WorkerUpdate
from export_mgmt.workers.validation import MAX_LANGUAGES, MAX_SKILLS

# Blank rows the form offers; a record with more rows gets them all plus one blank.
SKILL_ROWS = 3
LANGUAGE_ROWS = 2


def rows_shown(values: dict, prefix: str, minimum: int, maximum: int) -> int:
    """Every row the record (or the submitted form) has, plus one blank, so an edit never drops a row."""
    used = [i for i in range(maximum) if any(k.startswith(f"{prefix}.{i}.") and values[k] for k in values)]
    return min(maximum, max(minimum, (max(used) + 2) if used else 0))
FIELDS = ("id_number", "name", "county_code", "township_code", "township_name", "village", "phone", "education",
          "health_check_date", "health_check_result", "training", "intention", "status", "notes")


def parse_form(form: FormMultiDict) -> tuple[WorkerUpdate, dict[str, str]]:
    errors: dict[str, str] = {}
    values = {name: str(form.get(name) or "") for name in FIELDS}
    skills = [SkillIn(trade=str(form.get(f"skills.{i}.trade") or ""), level=str(form.get(f"skills.{i}.level") or ""),
                      certificate_no=str(form.get(f"skills.{i}.certificate_no") or ""))
              for i in range(MAX_SKILLS) if f"skills.{i}.trade" in form]
    languages = []
    for i in range(MAX_LANGUAGES):
        if f"languages.{i}.language" not in form:
            continue
        raw_score = str(form.get(f"languages.{i}.score") or "").strip()
        score = None
        if raw_score:
            if raw_score.isdigit():
                score = int(raw_score)
            else:
                errors[f"languages.{i}.score"] = _("Enter a whole number.")
        languages.append(LanguageIn(language=str(form.get(f"languages.{i}.language") or ""),
                                    level=str(form.get(f"languages.{i}.level") or ""),
                                    test_name=str(form.get(f"languages.{i}.test_name") or ""), score=score))
    version = str(form.get("version") or "0")
    data = WorkerUpdate(**values, preferred_destinations=[str(v) for v in form.getall("preferred_destinations", [])],
                        skills=skills, languages=languages, version=int(version) if version.isdigit() else 0)
    return data, errors


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors."""
    values = {key: str(form.get(key) or "") for key in form.keys() if key != "csrf_token"}
    values["preferred_destinations"] = [str(v) for v in form.getall("preferred_destinations", [])]
    return values


def record_values(worker: WorkerRead) -> dict:
    values = {name: getattr(worker, name) for name in FIELDS}
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    values["preferred_destinations"] = list(worker.preferred_destinations)
    values["version"] = str(worker.version)
    for i, skill in enumerate(worker.skills):
        values.update({f"skills.{i}.trade": skill.trade, f"skills.{i}.level": skill.level,
                       f"skills.{i}.certificate_no": skill.certificate_no})
    for i, lang in enumerate(worker.languages):
        values.update({f"languages.{i}.language": lang.language, f"languages.{i}.level": lang.level,
                       f"languages.{i}.test_name": lang.test_name,
                       f"languages.{i}.score": "" if lang.score is None else str(lang.score)})
    return values

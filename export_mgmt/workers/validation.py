"""Checking a worker form or API body: every problem found at once, each as a translated message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from export_mgmt import fields
from export_mgmt.accounts.actor import Actor
from export_mgmt.i18n import _
from export_mgmt.idnumber import IdentityNumber, IdNumberError, parse
from export_mgmt.regions import is_shenyang_county, resolve_current, township
from export_mgmt.workers import labels
from export_mgmt.workers.schemas import WorkerCreate

MAX_SKILLS = 10
MAX_LANGUAGES = 5


def id_number_message(reason: str) -> str:
    messages = {
        "empty": _("Enter the identity number."),
        "format": _("An identity number has 18 characters (digits, the last may be X) or 15 digits."),
        "date": _("The birth date inside this identity number does not exist."),
        "future": _("The birth date inside this identity number is in the future."),
        "checksum": _("The check character does not match: please compare with the identity card."),
        "region": _("The first six digits are not a region code that has ever existed."),
    }
    return messages.get(reason, messages["format"])


@dataclass
class CleanWorker:
    identity: IdentityNumber
    values: dict
    skills: list[dict] = field(default_factory=list)
    languages: list[dict] = field(default_factory=list)








def _county(data: WorkerCreate, actor: Actor, identity: IdentityNumber | None, errors: dict[str, str]) -> str:
    """The registering county: a clerk's own; otherwise the chosen one, else the one on the number."""
    county = data.county_code.strip()
    if actor.county_scope:
        if county and county != actor.county_scope:
            errors["county_code"] = _("You can only register workers in your own county.")
        return actor.county_scope
    if not county:
        if identity is None:
            return ""  # the identity number's own error says what to fix first
        county = resolve_current(identity.region_code)
    if not is_shenyang_county(county):
        errors["county_code"] = _("Choose the county where the worker's household is registered.")
    return county


def _skills(data: WorkerCreate, errors: dict[str, str]) -> list[dict]:
    rows = []
    if len(data.skills) > MAX_SKILLS:
        errors["skills"] = _("At most %(n)s skills.", n=MAX_SKILLS)
    for index, skill in enumerate(data.skills[:MAX_SKILLS]):
        trade = skill.trade.strip()
        if not trade:
            if skill.level or skill.certificate_no.strip():
                errors[f"skills.{index}.trade"] = _("Name the trade.")
            continue
        if len(trade) > 60:
            errors[f"skills.{index}.trade"] = _("At most %(n)s characters.", n=60)
        if skill.level not in labels.SKILL_LEVELS:
            errors[f"skills.{index}.level"] = _("Choose one of the listed values.")
        cert = skill.certificate_no.strip()
        if len(cert) > 40:
            errors[f"skills.{index}.certificate_no"] = _("At most %(n)s characters.", n=40)
        rows.append({"trade": trade, "level": skill.level, "certificate_no": cert})
    return rows


def _languages(data: WorkerCreate, errors: dict[str, str]) -> list[dict]:
    rows = []
    if len(data.languages) > MAX_LANGUAGES:
        errors["languages"] = _("At most %(n)s languages.", n=MAX_LANGUAGES)
    for index, lang in enumerate(data.languages[:MAX_LANGUAGES]):
        if not lang.language:
            if lang.level or lang.test_name.strip() or lang.score is not None:
                errors[f"languages.{index}.language"] = _("Choose the language.")
            continue
        if lang.language not in labels.LANGUAGES:
            errors[f"languages.{index}.language"] = _("Choose one of the listed values.")
        if lang.level and lang.level not in labels.LANGUAGE_LEVELS:
            errors[f"languages.{index}.level"] = _("Choose one of the listed values.")
        test_name = lang.test_name.strip()
        if len(test_name) > 20:
            errors[f"languages.{index}.test_name"] = _("At most %(n)s characters.", n=20)
        if lang.score is not None and not 0 <= lang.score <= 999:
            errors[f"languages.{index}.score"] = _("Enter a score between 0 and 999.")
        rows.append({"language": lang.language, "level": lang.level, "test_name": test_name,
                     "score": lang.score})
    return rows


def clean(data: WorkerCreate, actor: Actor, today: dt.date) -> tuple[CleanWorker | None, dict[str, str]]:
    errors: dict[str, str] = {}
    identity = None
    try:
        identity = parse(data.id_number, today=today)
    except IdNumberError as exc:
        errors["id_number"] = id_number_message(exc.reason)
    county = _county(data, actor, identity, errors)
    township_code = data.township_code.strip() or None
    township_name = fields.long_text(data.township_name, 50, "township_name", errors)
    if township_code:
        found = township(township_code)
        if not found or found.county_code != county:
            errors["township_code"] = _("This township is not in the chosen county.")
        elif not township_name:
            township_name = found.name
    phone = fields.phone(data.phone, "phone", errors)
    destinations = [d for d in data.preferred_destinations if d]
    if any(d not in labels.DESTINATIONS for d in destinations):
        errors["preferred_destinations"] = _("Choose one of the listed values.")
    health_date = fields.date(data.health_check_date, "health_check_date", errors, not_after=today)
    if data.health_check_result and not health_date and "health_check_date" not in errors:
        errors["health_check_date"] = _("Give the date of the health check.")
    values = {
        "name": fields.long_text(data.name, 50, "name", errors, required=True),
        "county_code": county,
        "township_code": township_code,
        "township_name": township_name,
        "village": fields.long_text(data.village, 100, "village", errors),
        "phone": phone,
        "education": fields.choice(data.education, labels.EDUCATION, "education", errors),
        "health_check_date": health_date,
        "health_check_result": fields.choice(data.health_check_result, labels.HEALTH, "health_check_result", errors),
        "training": fields.long_text(data.training, 2000, "training", errors),
        "intention": fields.choice(data.intention, labels.INTENTION, "intention", errors),
        "preferred_destinations": ",".join(dict.fromkeys(destinations)),
        "status": fields.choice(data.status, labels.STATUS, "status", errors),
        "notes": fields.long_text(data.notes, 2000, "notes", errors),
    }
    skills = _skills(data, errors)
    languages = _languages(data, errors)
    if errors or identity is None:
        return None, errors
    values.update(id_number=identity.number, sex=identity.sex, birth_date=identity.birth_date,
                  id_region_code=identity.region_code)
    return CleanWorker(identity=identity, values=values, skills=skills, languages=languages), errors

"""The import's columns: their headers in both languages, which are required, and the codes a cell may hold.

A column is found by its header text in either interface language (the template has the Chinese header line and
the English one under it), or by a few headings common in county registers. A coded cell may hold the code
("junior_secondary") or its label in English or Chinese ("Junior secondary", "初中").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from export_mgmt import i18n
from export_mgmt.i18n import N_
from export_mgmt.idnumber import make_number
from export_mgmt.regions import county_name, shenyang_counties, townships_of
from export_mgmt.workers import labels

# Never issued: sequence 000 does not occur on real cards. The template's example row carries it, and the
# importer skips that row, so an example left in the file cannot become a worker.
EXAMPLE_ID = make_number("210115", dt.date(1990, 1, 1), 0)
EXAMPLE_NAME = "王小明"


@dataclass(frozen=True)
class Column:
    key: str  # a WorkerCreate field, or skill_* / language_* for the one skill and one language a row may carry
    header: str  # English msgid; the Chinese header is its zh_CN translation
    required: bool = False
    choices: dict[str, str] | None = None  # code -> label msgid
    kind: str = "text"  # text | code (an identifier: digits must stay exact) | date | int | multi | county
    default: str = ""  # what an empty cell means (the register form's default)
    aliases: tuple[str, ...] = ()  # headings seen in county registers, matched like the headers
    hint: str = ""  # msgid: what the cell may hold, for the instructions sheet
    width: int = 14
    example: str = field(default="", compare=False)


COLUMNS: tuple[Column, ...] = (
    Column("id_number", N_("Identity number"), required=True, kind="code", width=22,
           aliases=("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "ID number", "ID no"),
           hint=N_("18 characters (or an old 15-digit number). Sex and birth date are read from it. Format the "
                   "column as text so that Excel keeps every digit."), example=EXAMPLE_ID),
    Column("name", N_("Name"), required=True, aliases=("姓名",), hint=N_("At most 50 characters."),
           example=EXAMPLE_NAME),
    Column("county_code", N_("County"), kind="county", aliases=("区县", "所属区县", "县区", "区县代码", "户籍区县"),
           hint=N_("County code or name. County clerks may leave it empty or give their own county only; "
                   "for administrators an empty cell means the county on the identity number."),
           example="210115"),
    Column("township_code", N_("Township (coded)"), kind="code", aliases=("乡镇代码", "街道代码", "乡镇（街道）代码"),
           hint=N_("9-digit township code or the township's name; it must lie in the worker's county.")),
    Column("township_name", N_("Township (as written)"), aliases=("乡镇", "乡镇（街道）", "乡镇街道", "街道"),
           hint=N_("Free text, for townships not in the code list.")),
    Column("village", N_("Village"), aliases=("村", "村（社区）", "村屯", "社区"), hint=N_("At most 100 characters.")),
    Column("phone", N_("Phone"), kind="code", aliases=("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
           hint=N_("Digits, optionally with + and hyphens."), example="13800000000"),
    Column("education", N_("Education"), choices=labels.EDUCATION, default="junior_secondary",
           aliases=("文化程度", "学历")),
    Column("health_check_date", N_("Health check date"), kind="date", aliases=("体检日期", "体检时间"),
           hint=N_("A date cell, or text as YYYY-MM-DD.")),
    Column("health_check_result", N_("Health check result"), choices=labels.HEALTH, aliases=("体检结果",)),
    Column("training", N_("Training received"), aliases=("培训情况", "培训经历"), hint=N_("At most 2,000 characters.")),
    Column("intention", N_("Intention"), choices=labels.INTENTION, default="either", aliases=("就业意向", "务工意向")),
    Column("preferred_destinations", N_("Preferred destinations"), choices=labels.DESTINATIONS, kind="multi",
           aliases=("意向地区", "意向去向"), hint=N_("One or more, separated by commas.")),
    Column("status", N_("Status"), choices=labels.STATUS, default="available", aliases=("状态", "人员状态")),
    Column("skill_trade", N_("Trade"), aliases=("工种", "技能", "职业技能", "技能工种"),
           hint=N_("One skill per row; add more on the worker's page. At most 60 characters.")),
    Column("skill_level", N_("Skill level"), choices=labels.SKILL_LEVELS, aliases=("技能等级", "职业资格等级")),
    Column("skill_certificate_no", N_("Certificate number"), kind="code", aliases=("证书编号", "技能证书编号")),
    Column("language", N_("Language"), choices=labels.LANGUAGES, aliases=("外语", "外语语种", "语种")),
    Column("language_level", N_("Language level"), choices=labels.LANGUAGE_LEVELS, aliases=("外语水平", "外语等级")),
    Column("language_test", N_("Language test"), aliases=("外语考试",), hint=N_("e.g. EPS-TOPIK, JLPT N3")),
    Column("language_score", N_("Score"), kind="int", aliases=("成绩", "外语成绩", "考试成绩"),
           hint=N_("A whole number from 0 to 999.")),
    Column("notes", N_("Notes"), aliases=("备注",), width=30, hint=N_("At most 2,000 characters.")),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Field names in the validation's error keys -> the column they came from.
ERROR_KEYS = {"skills.0.trade": "skill_trade", "skills.0.level": "skill_level",
              "skills.0.certificate_no": "skill_certificate_no", "languages.0.language": "language",
              "languages.0.level": "language_level", "languages.0.test_name": "language_test",
              "languages.0.score": "language_score"}

_SPACE = re.compile(r"\s+")
_MARKS = str.maketrans("", "", "*＊:：")


def normalise(text: object) -> str:
    """How headers and labels are compared: full-width folded, no spaces or required marks, case ignored."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).translate(_MARKS).casefold()


def in_locale(locale: str, message: str) -> str:
    """`message` translated into `locale`, whatever the current request's language."""
    return i18n._translations(locale).gettext(message)


def header_text(column: Column, locale: str) -> str:
    return in_locale(locale, column.header) + (" *" if column.required else "")


def _header_names(column: Column) -> set[str]:
    names = {column.header, column.key, *column.aliases}
    names.update(in_locale(locale, column.header) for locale in i18n.SUPPORTED_LOCALES)
    return {normalise(name) for name in names if name}


@cache
def _header_lookup() -> dict[str, str]:
    found: dict[str, str] = {}
    for column in COLUMNS:
        for name in _header_names(column):
            found.setdefault(name, column.key)  # header_collisions() (checked by the tests) keeps this unambiguous
    return found


def header_collisions() -> list[tuple[str, str, str]]:
    """(header, column, column) for any header text that would name two columns, e.g. after a translation."""
    owner: dict[str, str] = {}
    clashes = []
    for column in COLUMNS:
        for name in sorted(_header_names(column)):
            if owner.setdefault(name, column.key) != column.key:
                clashes.append((name, owner[name], column.key))
    return clashes


def column_for_header(text: object) -> str | None:
    return _header_lookup().get(normalise(text)) if text not in (None, "") else None


@cache
def _choice_lookup(key: str) -> dict[str, str]:
    """Every way a cell may name a code: the code itself, the English label, and its translations."""
    choices = BY_KEY[key].choices or {}
    found: dict[str, str] = {}
    for code, label in choices.items():
        for name in (code, label, *(in_locale(locale, label) for locale in i18n.SUPPORTED_LOCALES)):
            if name:
                found.setdefault(normalise(name), code)
    return found


@lru_cache(maxsize=4096)  # a register repeats a handful of labels; each is normalised once
def code_for(key: str, text: str) -> str | None:
    """The code a cell names, or None when it names none (the validation then says what is allowed)."""
    return _choice_lookup(key).get(normalise(text))


@cache
def _county_lookup() -> dict[str, str]:
    found: dict[str, str] = {}
    for county in shenyang_counties():
        found[county.code] = county.code
        found[normalise(county.name)] = county.code
        found[normalise("沈阳市" + county.name)] = county.code
    return found


@lru_cache(maxsize=1024)
def county_for(text: str) -> str:
    """A county code from a code or a (current) Shenyang county name; anything else comes back as typed."""
    return _county_lookup().get(normalise(text), text)


@cache
def _township_lookup(county_code: str) -> dict[str, str]:
    return {normalise(t.name): t.code for t in townships_of(county_code)}


def township_for(county_code: str, text: str) -> str:
    """A township code from a name within the county; codes and unknown names come back as typed."""
    if not text or text.isdigit() or not county_code:
        return text
    return _township_lookup(county_code).get(normalise(text), text)


def allowed_values(column: Column) -> str:
    """"code = label" for each allowed value, in the current language, for messages and the instructions."""
    if column.kind == "county":
        return "; ".join(f"{c.code} = {c.name}" for c in shenyang_counties())
    if not column.choices:
        return ""
    return "; ".join(f"{code} = {i18n.gettext(label)}" if code else i18n.gettext(label)
                     for code, label in column.choices.items())


def example_value(column: Column) -> str:
    if column.example:
        return column.example
    if column.key == "township_code":
        towns = townships_of("210115")
        return towns[0].code if towns else ""
    if column.choices and column.default:
        return i18n.gettext(column.choices[column.default])
    if column.key == "county_code":
        return county_name("210115") or ""
    return ""

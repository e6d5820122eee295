"""Every row of the sheet through the register form's own validation (workers.validation.clean), then the
duplicates inside the file. Nothing here touches the database; the pool is checked where the rows are written.

Cells are first turned into what the form would have sent: text as typed, codes from codes or labels, dates as
YYYY-MM-DD. What cannot be turned into that (a long number Excel has rounded, a score that is not a number) is
reported against its cell; everything else is judged by clean(), so a row is accepted exactly when the register
form would accept the same values.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import threading
from collections.abc import Container
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from export_mgmt.accounts.actor import Actor
from export_mgmt.i18n import _, ngettext
from export_mgmt.idnumber import IdNumberError, canonical, parse
from export_mgmt.regions import resolve_current
from export_mgmt.workers.imports.columns import (
    BY_KEY,
    COLUMNS,
    ERROR_KEYS,
    EXAMPLE_ID,
    Column,
    allowed_values,
    code_for,
    county_for,
    normalise,
    township_for,
)
from export_mgmt.workers.imports.reader import ParsedSheet
from export_mgmt.workers.schemas import LanguageIn, SkillIn, WorkerCreate
from export_mgmt.workers.validation import CleanWorker, clean

# Excel keeps 15 significant digits of a number: an integer below this came through exactly.
EXACT_LIMIT = 10**15
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LIST_SEPARATORS = re.compile(r"[,，、;；/\s]+")


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it
    id_number: str  # the cell as typed, so the person can find the row
    column: str  # a column key; "" for the whole row
    message: str


@dataclass
class Validated:
    rows_read: int = 0
    example_rows: int = 0
    good: list[tuple[int, Any]] = field(default_factory=list)  # a CleanWorker, or store.Packed from judging
    errors: list[RowError] = field(default_factory=list)
    numbers: dict[int, str] = field(default_factory=dict)  # row -> the well-formed identity number it carries
    typed_ids: dict[int, str] = field(default_factory=dict)  # row -> the identity cell as typed

    @property
    def refused_rows(self) -> set[int]:
        return {e.row for e in self.errors}


def _number_text(value: float) -> str:
    return f"{value:.14E}" if abs(value) >= EXACT_LIMIT else f"{value:g}"


def cell_text(value: Any, column: Column) -> tuple[str, str | None]:
    """The cell as the form would have received it, and a message when that cannot be done faithfully."""
    if value is None or value == "":
        return "", None
    if isinstance(value, str):
        return value.strip(), None
    if isinstance(value, bool):
        return ("1" if value else "0"), None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and abs(value) < EXACT_LIMIT:
            return str(int(value)), None
        if column.key == "id_number":
            return _number_text(value), _(
                "The identity number is stored as a number (%(value)s), so Excel has kept only its first 15 digits. "
                "Format the column as text, type the numbers again and upload the file.", value=_number_text(value))
        if column.kind == "code":
            return _number_text(value), _(
                "This cell holds a long number (%(value)s) that Excel cannot keep exactly. Format the column as "
                "text and type it again.", value=_number_text(value))
        return str(value), None
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if column.kind == "date" else value.isoformat(sep=" ")), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return str(value), None


def _date_text(text: str) -> str:
    """Dates as county offices type them (2024/3/5, 2024.03.05, 2024年3月5日, 20240305) as YYYY-MM-DD."""
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return text  # the validation says how to write it
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


class RowReader:
    """Turns one sheet row into a WorkerCreate plus the problems only the cells can show."""

    def __init__(self, sheet: ParsedSheet, actor: Actor, default_county: str = ""):
        self.actor = actor
        self.default_county = default_county
        self.present = [(key, index, BY_KEY[key]) for index, key in sorted(sheet.columns.items())]
        self.index = {key: index for index, key in sheet.columns.items()}

    def texts(self, cells: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
        values: dict[str, str] = {}
        problems: dict[str, str] = {}
        width = len(cells)
        for key, index, column in self.present:
            value = cells[index] if index < width else ""
            if value.__class__ is str:  # most cells: no conversion to decide
                values[key] = value.strip()
                continue
            text, problem = cell_text(value, column)
            values[key] = text
            if problem:
                problems[key] = problem
        return values, problems

    def worker(self, values: dict[str, str], problems: dict[str, str]) -> tuple[WorkerCreate, set[str]]:
        """The form's input for this row, and the columns whose text named no allowed value."""
        unknown: set[str] = set()
        get = values.get

        def coded(key: str) -> str:
            text = get(key, "")
            if not text:
                return BY_KEY[key].default
            code = code_for(key, text)
            if code is None:
                unknown.add(key)
                return text
            return code

        destinations = []
        listed = values.get("preferred_destinations", "")
        for part in _LIST_SEPARATORS.split(listed) if listed else ():
            if part:
                code = code_for("preferred_destinations", part)
                if code is None:
                    unknown.add("preferred_destinations")
                destinations.append(code or part)
        county = county_for(values.get("county_code", "")) or self.default_county
        township_code = values.get("township_code", "")
        if township_code and not township_code.isdigit():
            id_text = values.get("id_number", "")
            guess = self.actor.county_scope or county or (resolve_current(id_text[:6]) if id_text[:6].isdigit()
                                                          else "")
            township_code = township_for(guess, township_code)
        skills = []
        if get("skill_trade") or get("skill_level") or get("skill_certificate_no"):
            skills.append(SkillIn(trade=values.get("skill_trade", ""), level=coded("skill_level"),
                                  certificate_no=values.get("skill_certificate_no", "")))
        languages = []
        if get("language") or get("language_level") or get("language_test") or get("language_score"):
            raw_score = values.get("language_score", "")
            score = None
            if raw_score:
                if raw_score.isdigit():
                    score = int(raw_score)
                else:
                    problems.setdefault("language_score", _("Enter a whole number."))
            languages.append(LanguageIn(language=coded("language"), level=coded("language_level"),
                                        test_name=values.get("language_test", ""), score=score))
        data = WorkerCreate(
            id_number=values.get("id_number", ""), name=values.get("name", ""), county_code=county,
            township_code=township_code, township_name=values.get("township_name", ""),
            village=values.get("village", ""), phone=values.get("phone", ""), education=coded("education"),
            health_check_date=_date_text(values.get("health_check_date", "")) if get("health_check_date") else "",
            health_check_result=coded("health_check_result"), training=values.get("training", ""),
            intention=coded("intention"), preferred_destinations=destinations, status=coded("status"),
            notes=values.get("notes", ""), skills=skills, languages=languages,
        )
        return data, unknown


def _is_example(typed_id: str) -> bool:
    # Cheap test first: the example's last four characters (sequence 000 and its check character), or any
    # full-width text, which normalise() folds.
    tail = EXAMPLE_ID[14:]
    if typed_id.isascii() and not typed_id.upper().endswith(tail):
        return False
    return normalise(typed_id).upper() == EXAMPLE_ID


def _others(rows: list[int], row: int) -> str:
    return ", ".join(str(r) for r in rows if r != row)


_gc_lock = threading.Lock()
_gc_pausers = 0


@contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off while many long-lived objects are made (one CleanWorker and its
    dicts per row): each full collection walks every object made so far, which cost about a fifth of the
    validation of 100,000 rows. Reference counting still frees everything; the collector is switched back on
    (and runs as usual) when the last import that paused it finishes."""
    global _gc_pausers
    with _gc_lock:
        _gc_pausers += 1
        if _gc_pausers == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0:
                gc.enable()


class RowValidator:
    """Judges a sheet's rows: run() takes them (a batch at a time, in order, from one thread at a time), or
    merge() takes in batches judged by other validators; finish() then settles the duplicates inside the file,
    which only the whole file can show.
    """

    def __init__(self, sheet: ParsedSheet, actor: Actor, today: dt.date, default_county: str = ""):
        self.reader = RowReader(sheet, actor, default_county)
        self.actor, self.today = actor, today
        self.result = Validated()
        self.allowed: dict[str, str] = {}  # column -> its allowed values, worded once
        self.by_number: dict[str, list[int]] = {}
        self.order = {c.key: i for i, c in enumerate(COLUMNS)}

    def run(self, rows: list[tuple[int, list[Any]]]) -> list[tuple[int, CleanWorker]]:
        """Judge these rows; returns those without errors (also added to result.good)."""
        result, reader = self.result, self.reader
        good: list[tuple[int, CleanWorker]] = []
        for row, cells in rows:
            values, problems = reader.texts(cells)
            typed_id = values.get("id_number", "")
            if _is_example(typed_id):
                result.example_rows += 1
                continue
            result.rows_read += 1
            data, unknown = reader.worker(values, problems)
            cleaned, errors = clean(data, self.actor, self.today)
            found = self._messages(errors, unknown)
            found.update(problems)  # a cell that could not be read faithfully says so, whatever clean() made of it
            result.typed_ids[row] = typed_id
            if cleaned is not None and not found:
                number = cleaned.values["id_number"]
                good.append((row, cleaned))
            else:
                number = None
                if "id_number" not in found:
                    try:
                        number = parse(data.id_number, today=self.today).number
                    except IdNumberError:
                        number = None
                for column in sorted(found, key=lambda c: self.order.get(c, -1)):
                    result.errors.append(RowError(row, typed_id, column, found[column]))
            if number:
                result.numbers[row] = number
                self.by_number.setdefault(number, []).append(row)
        result.good.extend(good)
        return good

    def merge(self, part: Validated, details_for: Container[int]) -> None:
        """Take in a batch judged elsewhere (judging.judge), as if run() had judged it here, keeping only what
        finish() needs: the good rows by their row numbers (the caller writes their workers, and 100,000 of them would
        otherwise stay in memory to the end), and identity numbers (as typed and as parsed) only for details_for,
        the rows whose number the file may repeat (repeated_numbers); the caller reads the rest from the part."""
        result = self.result
        result.rows_read += part.rows_read
        result.example_rows += part.example_rows
        result.good.extend((row, None) for row, _worker in part.good)
        result.errors.extend(part.errors)
        typed = {row: text for row, text in part.typed_ids.items() if row in details_for}
        numbers = {row: number for row, number in part.numbers.items() if row in details_for}
        result.typed_ids.update(typed)
        result.numbers.update(numbers)
        for row, number in numbers.items():
            self.by_number.setdefault(number, []).append(row)

    def _messages(self, errors: dict[str, str], unknown: set[str]) -> dict[str, str]:
        """clean()'s messages by column; a coded column whose text named nothing also lists what it allows."""
        found: dict[str, str] = {}
        for key, message in errors.items():
            column = ERROR_KEYS.get(key, key)
            if column not in BY_KEY:
                column = ""
            if column in unknown:
                text = self.allowed.get(column)
                if text is None:
                    text = self.allowed[column] = allowed_values(BY_KEY[column])
                message = f"{message} {_('Allowed values: %(values)s', values=text)}"
            found.setdefault(column, message)
        return found

    def finish(self) -> Validated:
        """The duplicates inside the file refused; the result."""
        _file_duplicates(self.result, self.by_number)
        return self.result


def file_numbers(sheet: ParsedSheet) -> dict[int, str]:
    """Row -> its identity cell folded as parse() folds it (idnumber.canonical), before any row is judged: a
    cheap first look at the numbers the file carries. Equal to the row's number whenever that is valid."""
    index = next((i for i, key in sheet.columns.items() if key == "id_number"), None)
    if index is None:
        return {}
    found: dict[int, str] = {}
    for row, cells in sheet.rows:
        value = cells[index] if index < len(cells) else None
        if value is None or value == "":
            continue
        key = canonical(value.strip() if value.__class__ is str else cell_text(value, BY_KEY["id_number"])[0])
        if key:
            found[row] = key
    return found


def repeated_numbers(numbers: dict[int, str]) -> set[int]:
    """The rows of file_numbers() whose number stands on another row too: those the duplicates inside the file
    may refuse (a superset: RowValidator.finish() decides, counting only numbers that are valid)."""
    first: dict[str, int] = {}
    repeated: set[int] = set()
    for row, key in numbers.items():
        seen = first.setdefault(key, row)
        if seen != row:
            repeated.update((seen, row))
    return repeated


def _file_duplicates(result: Validated, by_number: dict[str, list[int]]) -> None:
    """Rows that share an identity number: every one of them is refused, since only a person can tell which
    (if any) is right."""
    repeated = {row: rows for rows in by_number.values() if len(rows) > 1 for row in rows}
    if not repeated:
        return
    for row in sorted(repeated):
        others = _others(repeated[row], row)
        count = len(repeated[row]) - 1
        result.errors.append(RowError(row, result.typed_ids.get(row, ""), "id_number", ngettext(
            "The same identity number is also on row %(rows)s of this file.",
            "The same identity number is also on rows %(rows)s of this file.", count, rows=others)))
    result.good = [(row, cleaned) for row, cleaned in result.good if row not in repeated]
    result.errors.sort(key=lambda e: e.row)

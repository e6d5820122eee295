"""Worker registry actions; every query is scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from piccolo.columns.combination import Where
from piccolo.query.base import Query
from piccolo.query.functions.aggregate import Count
from piccolo.querystring import QueryString

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.db import (
    contains_pattern,
    is_unique_violation,
    like_ignoring_case,
    update_versioned,
    where_all,
    write_transaction,
)
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.idnumber import IdNumberError, age_on, birth_date_cutoff, is_4050, mask, parse
from export_mgmt.prepared import Slot
from export_mgmt.prepared import rows as prepared_rows
from export_mgmt.regions import county_name
from export_mgmt.workers.schemas import (
    LanguageRead,
    SkillRead,
    WorkerCreate,
    WorkerPage,
    WorkerRead,
    WorkerSummary,
    WorkerUpdate,
)
from export_mgmt.workers.tables import Worker, WorkerLanguage, WorkerSkill
from export_mgmt.workers.validation import clean


def _scope(actor: Actor, values: dict | None = None) -> list[Where]:
    if not actor.can_read_workers:
        raise AccessDenied()
    if not actor.county_scope:
        return []
    return [Worker.county_code == _value(values, "scope_county", actor.county_scope)]


def _value(values: dict | None, name: str, value):
    """`value` itself, or, when the query is being prepared (values is a dict), a Slot that takes it."""
    if values is None:
        return value
    values[name] = value
    return Slot(name)


@dataclass(frozen=True)
class WorkerFilter:
    q: str = ""
    county_code: str = ""
    township: str = ""
    status: str = ""
    skill: str = ""
    intention: str = ""
    group_4050: bool = False


def _filter_conditions(flt: WorkerFilter, on: dt.date, actor: Actor, values: dict | None = None) -> list:
    """The filter's conditions; with `values`, written with Slots (prepared.rows) whose values it collects, the
    names of which then say which conditions the query has."""
    conditions = []
    q = flt.q.strip()
    if q:
        try:
            conditions.append(Worker.id_number == _value(values, "number", parse(q, today=on).number))
        except IdNumberError:
            name_match = _contains(Worker.name, q, values, "name")
            # Partial numbers only for roles that see numbers in full: prefixes would unmask them.
            if actor.sees_full_id_numbers and q.isalnum():
                name_match = name_match | Worker.id_number.like(_value(values, "prefix", f"{q.upper()}%"))
            conditions.append(name_match)
    if flt.county_code:
        conditions.append(Worker.county_code == _value(values, "county", flt.county_code))
    if flt.township:
        conditions.append((Worker.township_code == _value(values, "township", flt.township))
                          | _contains(Worker.township_name, flt.township, values, "township_name"))
    if flt.status:
        conditions.append(Worker.status == _value(values, "status", flt.status))
    if flt.intention:
        conditions.append(Worker.intention == _value(values, "intention", flt.intention))
    if flt.skill:
        with_skill = WorkerSkill.select(WorkerSkill.worker).where(
            _contains(WorkerSkill.trade, flt.skill, values, "skill"))
        conditions.append(Worker.id.is_in(with_skill))
    if flt.group_4050:
        conditions.append(
            ((Worker.sex == "F") & (Worker.birth_date <= _value(values, "born_f", birth_date_cutoff(40, on))))
            | ((Worker.sex == "M") & (Worker.birth_date <= _value(values, "born_m", birth_date_cutoff(50, on))))
        )
    return conditions


def _contains(column, text: str, values: dict | None, name: str):
    return like_ignoring_case(column, _value(values, name, contains_pattern(text)))


def _summary(row: dict, on: dt.date) -> WorkerSummary:
    return WorkerSummary(
        id=row["id"], id_number=mask(row["id_number"]), name=row["name"], sex=row["sex"],
        age=age_on(row["birth_date"], on), is_4050=is_4050(row["sex"], row["birth_date"], on),
        county_code=row["county_code"], county_name=county_name(row["county_code"]) or row["county_code"],
        township_name=row["township_name"], status=row["status"], intention=row["intention"],
    )


SUMMARY_COLUMNS = (Worker.id, Worker.id_number, Worker.name, Worker.sex, Worker.birth_date, Worker.county_code,
                   Worker.township_name, Worker.status, Worker.intention)


async def search(actor: Actor, flt: WorkerFilter, page: int = 1, page_size: int = 50) -> WorkerPage:
    on = today()
    values: dict = {}
    conditions = _scope(actor, values) + _filter_conditions(flt, on, actor, values)
    shape = tuple(values)  # which conditions the query has: the Slots' names, in the order they were added
    page = max(page, 1)
    rows = await prepared_rows(("worker search", shape), lambda: where_all(
        Worker.select(*SUMMARY_COLUMNS), conditions).order_by(Worker.id, ascending=False), values,
        limit=page_size, offset=(page - 1) * page_size)
    total = (await prepared_rows(("worker count", shape), lambda: where_all(Worker.count(), conditions),
                                 values))[0]["count"]
    return WorkerPage(items=[_summary(r, on) for r in rows], total=total, page=page, page_size=page_size)


def children_json(child: type[WorkerSkill] | type[WorkerLanguage], names: tuple[str, ...], engine_type: str,
                  worker_id: str) -> str:
    """A worker's rows of `child` (skills or languages), oldest first, as one JSON array of objects with the
    columns `names`: a column of the worker's own statement (`worker_id` is the SQL that names the worker's id),
    so that a record is one round trip to the database, not three."""
    table = child._meta.tablename
    if engine_type == "postgres":
        pairs = ", ".join(f"'{name}', c.\"{name}\"" for name in names)
        return (f"(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY c.id), '[]') FROM {table} c "
                f"WHERE c.worker = {worker_id})")
    # SQLite before 3.44 has no ORDER BY inside an aggregate: the rows are ordered in a subquery.
    pairs = ", ".join(f"'{name}', \"{name}\"" for name in names)
    picked = ", ".join(f'"{name}"' for name in names)
    return (f"(SELECT json_group_array(json_object({pairs})) FROM "
            f"(SELECT {picked} FROM {table} WHERE worker = {worker_id} ORDER BY id))")


SKILL_FIELDS = SkillRead.__struct_fields__
LANGUAGE_FIELDS = LanguageRead.__struct_fields__
_SKILLS = msgspec.json.Decoder(list[SkillRead])
_LANGUAGES = msgspec.json.Decoder(list[LanguageRead])


def decode_children(row: dict) -> tuple[list[SkillRead], list[LanguageRead]]:
    """The skills and languages children_json put in the worker's row."""
    return _SKILLS.decode(row["skills"]), _LANGUAGES.decode(row["languages"])


def _record_query(scope: list, column) -> Query:
    engine_type = Worker._meta.db.engine_type
    worker_id = Worker.id._meta.get_full_name(with_alias=False)
    return where_all(Worker.select(
        Worker.all_columns(),
        QueryString(children_json(WorkerSkill, SKILL_FIELDS, engine_type, worker_id)).as_alias("skills"),
        QueryString(children_json(WorkerLanguage, LANGUAGE_FIELDS, engine_type, worker_id)).as_alias("languages"),
    ), scope + [column == Slot("key")])


async def _load(actor: Actor, by: str, key, shown: bool = True) -> WorkerRead:
    """One worker by its id or its identity number (`by`), within the actor's scope, with its skills and
    languages, in one statement. `shown`: the record goes to the actor (not a scope check), so a role that reads
    the number in full leaves a row in the audit trail."""
    values: dict = {}
    scope = _scope(actor, values)
    values["key"] = key
    column = Worker.id if by == "id" else Worker.id_number
    # The key's condition is built only when the query is compiled (a Piccolo comparison is ~10 µs).
    rows = await prepared_rows(("worker record", by, tuple(values)), lambda: _record_query(scope, column), values)
    if not rows:
        raise RecordNotFound()
    row = rows[0]
    skills, languages = decode_children(row)
    if shown and actor.sees_full_id_numbers:
        await audit.record_full_numbers_shown(actor, "worker", row["id"])
    return record(actor, row, skills, languages, today())


def record(actor: Actor, row: dict, skills: list[SkillRead], languages: list[LanguageRead],
           on: dt.date) -> WorkerRead:
    """One worker's record as the actor may read it: the number and birth date withheld unless the role sees
    numbers in full."""
    full = actor.sees_full_id_numbers
    return WorkerRead(
        id=row["id"], id_number=row["id_number"] if full else mask(row["id_number"]), id_number_masked=not full,
        name=row["name"], sex=row["sex"], birth_date=row["birth_date"] if full else None,
        age=age_on(row["birth_date"], on),
        is_4050=is_4050(row["sex"], row["birth_date"], on), id_region_code=row["id_region_code"],
        id_region_name=county_name(row["id_region_code"]) or "", county_code=row["county_code"],
        county_name=county_name(row["county_code"]) or row["county_code"], township_code=row["township_code"],
        township_name=row["township_name"], village=row["village"], phone=row["phone"],
        education=row["education"], health_check_date=row["health_check_date"],
        health_check_result=row["health_check_result"], training=row["training"], intention=row["intention"],
        preferred_destinations=[d for d in row["preferred_destinations"].split(",") if d],
        status=row["status"], notes=row["notes"], skills=skills, languages=languages,
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
    )


async def get(actor: Actor, worker_id: int, shown: bool = True) -> WorkerRead:
    return await _load(actor, "id", worker_id, shown)


async def get_by_id_number(actor: Actor, raw: str) -> WorkerRead:
    try:
        number = parse(raw, today=today()).number
    except IdNumberError as exc:
        raise RecordNotFound() from exc
    return await _load(actor, "id_number", number)


def duplicate_message(actor: Actor, existing_county: str) -> str:
    """What the actor is told about a number already in the pool (the Excel import says the same per row)."""
    if actor.county_scope in (None, existing_county):
        return _("This identity number is already registered.")
    return _("This identity number is already registered by the %(county)s office; contact them to transfer it.",
             county=county_name(existing_county) or existing_county)


async def _duplicate_error(actor: Actor, id_number: str, exclude_id: int | None = None) -> FormErrors | None:
    query = Worker.select(Worker.id, Worker.county_code).where(Worker.id_number == id_number)
    if exclude_id is not None:
        query = query.where(Worker.id != exclude_id)
    rows = await query
    if not rows:
        return None
    existing = rows[0]
    message = duplicate_message(actor, existing["county_code"])
    visible = actor.county_scope in (None, existing["county_code"])
    return FormErrors({"id_number": message}, extra={"duplicate_id": existing["id"]} if visible else None)


def _child_rows(worker_id: int, skills: list[dict], languages: list[dict]):
    return ([WorkerSkill(worker=worker_id, **s) for s in skills],
            [WorkerLanguage(worker=worker_id, **lg) for lg in languages])


def _children_summary(skills: list[dict], languages: list[dict]) -> dict:
    return {
        "skills": "; ".join(f"{s['trade']} {s['level']} {s['certificate_no']}".strip() for s in skills),
        "languages": "; ".join(f"{lg['language']} {lg['level']} {lg['test_name']} {lg['score'] or ''}".strip()
                               for lg in languages),
    }


def _auditable(values: dict) -> dict:
    """The audit trail is shown beside the record: keep the number masked and leave out the birth date."""
    kept = {k: v for k, v in values.items() if k not in {"birth_date", "id", "created_at", "updated_at",
                                                           "version", "created_by"}}
    kept["id_number"] = mask(values["id_number"])
    return kept


async def register(actor: Actor, data: WorkerCreate) -> int:
    if not actor.can_write_workers:
        raise AccessDenied()
    cleaned, errors = clean(data, actor, today())
    if cleaned is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            duplicate = await _duplicate_error(actor, cleaned.values["id_number"])
            if duplicate:
                raise duplicate
            rows = await Worker.insert(Worker(created_by=actor.id, **cleaned.values)).returning(Worker.id)
            worker_id = rows[0]["id"]
            skills, languages = _child_rows(worker_id, cleaned.skills, cleaned.languages)
            if skills:
                await WorkerSkill.insert(*skills)
            if languages:
                await WorkerLanguage.insert(*languages)
            after = _auditable({**cleaned.values, **_children_summary(cleaned.skills, cleaned.languages)})
            await audit.record(actor, "worker", worker_id, "created", audit.diff({}, after))
    except Exception as exc:
        # Two clerks registering the same person at the same moment: the unique index decides.
        if is_unique_violation(exc):
            raise await _duplicate_error(actor, cleaned.values["id_number"]) or FormErrors(
                {"id_number": _("This identity number is already registered.")}) from exc
        raise
    return worker_id


async def update(actor: Actor, worker_id: int, data: WorkerUpdate) -> None:
    if not actor.can_write_workers:
        raise AccessDenied()
    if not await where_all(Worker.exists(), _scope(actor) + [Worker.id == worker_id]):
        raise RecordNotFound()  # before looking at the input: nothing is said about other counties' records
    cleaned, errors = clean(data, actor, today())
    if cleaned is None:
        raise FormErrors(errors)
    async with write_transaction():
        rows = await where_all(Worker.select(), _scope(actor) + [Worker.id == worker_id])
        if not rows:
            raise RecordNotFound()
        before = rows[0]
        if data.version != before["version"]:
            raise FormErrors({"": _("Someone else changed this record while you were editing. "
                                    "Reload it and make your change again.")})
        duplicate = await _duplicate_error(actor, cleaned.values["id_number"], exclude_id=worker_id)
        if duplicate:
            raise duplicate
        old_skills = await WorkerSkill.select().where(WorkerSkill.worker == worker_id).order_by(WorkerSkill.id)
        old_languages = await WorkerLanguage.select().where(WorkerLanguage.worker == worker_id).order_by(
            WorkerLanguage.id)
        await update_versioned(Worker, worker_id, cleaned.values)
        await WorkerSkill.delete().where(WorkerSkill.worker == worker_id)
        await WorkerLanguage.delete().where(WorkerLanguage.worker == worker_id)
        skills, languages = _child_rows(worker_id, cleaned.skills, cleaned.languages)
        if skills:
            await WorkerSkill.insert(*skills)
        if languages:
            await WorkerLanguage.insert(*languages)
        old = _auditable({**before, **_children_summary(old_skills, old_languages)})
        new = _auditable({**cleaned.values, **_children_summary(cleaned.skills, cleaned.languages)})
        changes = audit.diff(old, new)
        if changes:
            await audit.record(actor, "worker", worker_id, "updated", changes)


async def history(actor: Actor, worker_id: int) -> list[audit.AuditEntry]:
    await get(actor, worker_id, shown=False)  # scope check first: no history of records the actor cannot see
    return await audit.history("worker", worker_id)


async def counts_by_status(actor: Actor) -> dict[str, int]:
    conditions = _scope(actor)
    rows = await where_all(Worker.select(Worker.status, Count(alias="n")), conditions).group_by(
        Worker.status)
    return {row["status"]: row["n"] for row in rows}

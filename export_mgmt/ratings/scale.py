"""Keeping the rating scale: the grades and the score's parameters, read by everyone, changed by administrators.

A change replaces the whole scale in one write transaction with its audit row, after checking that nobody
changed it since the form was opened (the form carries a stamp of the scale it showed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import utcnow
from export_mgmt.db import engine, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _
from export_mgmt.ratings.rules import DEFAULT_PARAMETERS, MAX_GRADES, Grade, Scale, default_scale, parse_scale
from export_mgmt.ratings.tables import RatingGrade, RatingParameter

ENTITY = "rating_scale"
ENTITY_ID = "city"
# The key of the PostgreSQL advisory lock that serialises two saves of the scale (SQLite: BEGIN IMMEDIATE does).
LOCK_KEY = 720_040_403
FORM_ROWS = MAX_GRADES


def can_edit(actor: Actor) -> bool:
    return actor.is_admin


async def seed_default_scale() -> None:
    """A new database starts with the default scale; an existing one keeps what its administrators set."""
    if not await RatingGrade.exists():
        await RatingGrade.insert(*(RatingGrade(code=g.code, label=g.label, min_score=g.min_score, updated_by="system")
                                   for g in default_scale().grades))
    stored = {r["code"] for r in await RatingParameter.select(RatingParameter.code)}
    missing = [RatingParameter(code=code, value=value, updated_by="system")
               for code, value in DEFAULT_PARAMETERS.items() if code not in stored]
    if missing:
        await RatingParameter.insert(*missing)


async def load_scale() -> Scale:
    grades = await RatingGrade.select(RatingGrade.code, RatingGrade.label, RatingGrade.min_score).order_by(
        RatingGrade.min_score, ascending=False)
    parameters = {r["code"]: r["value"] for r in await RatingParameter.select(RatingParameter.code,
                                                                               RatingParameter.value)}
    if not grades:  # never seeded (a database migrated by hand): rate on the defaults rather than not at all
        return Scale(grades=default_scale().grades, parameters={**DEFAULT_PARAMETERS, **parameters})
    return Scale(grades=tuple(Grade(**g) for g in grades), parameters={**DEFAULT_PARAMETERS, **parameters})


def _plain(scale: Scale) -> dict:
    return {"grades": [[g.code, g.label, g.min_score] for g in scale.grades],
            **{code: scale.points(code) for code in DEFAULT_PARAMETERS}}


def stamp(scale: Scale) -> str:
    return hashlib.sha256(json.dumps(_plain(scale), ensure_ascii=False).encode()).hexdigest()[:16]


def form_values(scale: Scale) -> dict[str, str]:
    values = {code: str(scale.points(code)) for code in DEFAULT_PARAMETERS}
    for n, g in enumerate(scale.grades):
        values.update({f"code_{n}": g.code, f"label_{n}": g.label, f"min_{n}": str(g.min_score)})
    return values


def _grades_text(grades: tuple[Grade, ...]) -> str:
    return ", ".join(f"{g.code} ≥ {g.min_score}" + (f" ({g.label})" if g.label else "") for g in grades)


async def save(actor: Actor, form: dict[str, str], seen_stamp: str) -> None:
    """Replace the scale with the one on the form; FormErrors (nothing written) when it does not pass."""
    if not can_edit(actor):
        raise AccessDenied()
    rows = [(form.get(f"code_{n}", ""), form.get(f"label_{n}", ""), form.get(f"min_{n}", ""))
            for n in range(FORM_ROWS)]
    new, errors = parse_scale(rows, {code: form.get(code, "") for code in DEFAULT_PARAMETERS})
    if errors:
        raise FormErrors(errors)
    async with write_transaction():
        if engine().engine_type == "postgres":
            await RatingGrade.raw("SELECT pg_advisory_xact_lock({})", LOCK_KEY)
        before = await load_scale()
        if stamp(before) != seen_stamp:
            raise FormErrors({"": _("Someone else changed the scale after you opened the form. The scale now "
                                    "stored is shown: enter your changes again.")}, extra={"conflict": True})
        old, after = _plain(before), _plain(new)
        changes = {key: [old[key], after[key]] for key in after if old[key] != after[key]}
        if not changes:
            return
        if "grades" in changes:
            changes["grades"] = [_grades_text(before.grades), _grades_text(new.grades)]
        now = utcnow()
        await RatingGrade.delete(force=True)
        await RatingGrade.insert(*(RatingGrade(code=g.code, label=g.label, min_score=g.min_score,
                                               updated_by=actor.username, updated_at=now) for g in new.grades))
        await RatingParameter.delete(force=True)
        await RatingParameter.insert(*(RatingParameter(code=code, value=value, updated_by=actor.username,
                                                       updated_at=now) for code, value in new.parameters.items()))
        await audit.record(actor, ENTITY, ENTITY_ID, "update", changes)


@dataclass(frozen=True)
class Change:
    at: object
    actor_name: str
    changes: dict


async def history(limit: int = 20) -> list[Change]:
    rows = await AuditLog.select(AuditLog.at, AuditLog.actor_name, AuditLog.changes).where(
        (AuditLog.entity == ENTITY) & (AuditLog.entity_id == ENTITY_ID)).order_by(AuditLog.id, ascending=False).limit(
        limit)
    return [Change(at=r["at"], actor_name=r["actor_name"], changes=json.loads(r["changes"] or "{}")) for r in rows]

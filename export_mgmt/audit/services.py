"""Writing and reading the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Mapping

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import utcnow
from export_mgmt.db import where_all
from export_mgmt.prepared import Slot
from export_mgmt.prepared import rows as prepared_rows


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as field -> [before, after]."""
    changed = {}
    for field in after:
        old, new = _plain(before.get(field)), _plain(after[field])
        if old != new:
            changed[field] = [old, new]
    return changed


async def record(
    actor: Actor | None,
    entity: str,
    entity_id: Any,
    action: str,
    changes: Mapping[str, list[Any]] | None = None,
) -> None:
    """Call inside the service's transaction, so the change and its audit row stand or fall together."""
    await AuditLog.insert(
        AuditLog(
            actor_id=actor.id if actor and actor.id else None,
            actor_name=actor.username if actor else "",
            entity=entity,
            entity_id=str(entity_id),
            action=action,
            changes=json.dumps(changes or {}, ensure_ascii=False, default=str),
            client_address=(actor.client_address if actor else "")[:64],
        )
    )


async def record_many(actor: Actor | None, entity: str, entity_ids: list[Any], action: str,
                      changes: Mapping[str, list[Any]] | None = None) -> None:
    """The same change to many records (a set-based UPDATE): one INSERT of one row each, in the caller's
    transaction."""
    if not entity_ids:
        return
    text = json.dumps(changes or {}, ensure_ascii=False, default=str)
    actor_id, actor_name = (actor.id or None, actor.username) if actor else (None, "")
    address = (actor.client_address if actor else "")[:64]
    for start in range(0, len(entity_ids), 500):  # under SQLite's limit on a statement's parameters
        await AuditLog.insert(*(AuditLog(
            actor_id=actor_id, actor_name=actor_name, entity=entity, entity_id=str(entity_id), action=action,
            changes=text, client_address=address) for entity_id in entity_ids[start:start + 500]))


# Reads, not changes: kept out of a record's own history (the audit log page shows them).
READ_ACTIONS = ("viewed_full_id",)


async def record_full_numbers_shown(actor: Actor, entity: str, entity_id: Any) -> None:
    """A read that showed someone identity numbers in full: who, what and from where (masked reads are not
    recorded; lists and exports always mask). On the record page's path, so one prepared INSERT, compiled once,
    outside any transaction."""
    await prepared_rows("audit: full numbers shown", lambda: AuditLog.insert(AuditLog(
        at=Slot("at"), actor_id=Slot("actor_id"), actor_name=Slot("actor_name"), entity=Slot("entity"),
        entity_id=Slot("entity_id"), action=Slot("action"), changes=Slot("changes"),
        client_address=Slot("client_address"))), {
            "at": utcnow(), "actor_id": actor.id or None, "actor_name": actor.username, "entity": entity,
            "entity_id": str(entity_id), "action": "viewed_full_id", "changes": "{}",
            "client_address": actor.client_address[:64]})


async def record_refusal(actor: Actor, action: str, method: str, path: str) -> None:
    """A signed-in person refused a page or record (403), or asking for one outside their scope (404). The path
    comes with any identity number in it masked."""
    await record(actor, "access", "", action, {"method": [None, method], "path": [None, path[:500]]})


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor_name: str
    entity: str
    entity_id: str
    action: str
    changes: dict[str, list[Any]]
    client_address: str


def _entry(row: dict) -> AuditEntry:
    return AuditEntry(
        at=row["at"],
        actor_name=row["actor_name"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        action=row["action"],
        changes=json.loads(row["changes"] or "{}"),
        client_address=row["client_address"],
    )


async def history(entity: str, entity_id: Any) -> list[AuditEntry]:
    rows = await AuditLog.select().where(
        (AuditLog.entity == entity) & (AuditLog.entity_id == str(entity_id)) & AuditLog.action.not_in(READ_ACTIONS)
    ).order_by(AuditLog.id, ascending=False)
    return [_entry(row) for row in rows]


@dataclass(frozen=True)
class AuditFilter:
    entity: str = ""
    entity_id: str = ""
    actor: str = ""
    action: str = ""


async def browse(flt: AuditFilter, page: int, page_size: int) -> tuple[list[AuditEntry], int]:
    query = AuditLog.select()
    count = AuditLog.count()
    conditions = []
    if flt.entity:
        conditions.append(AuditLog.entity == flt.entity)
    if flt.entity_id:
        conditions.append(AuditLog.entity_id == flt.entity_id)
    if flt.actor:
        conditions.append(AuditLog.actor_name == flt.actor.lower())
    if flt.action:
        conditions.append(AuditLog.action == flt.action)
    query, count = where_all(query, conditions), where_all(count, conditions)
    rows = await query.order_by(AuditLog.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return [_entry(row) for row in rows], await count

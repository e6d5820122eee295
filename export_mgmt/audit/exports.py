"""The audit log as a download (administrators only, as the page): the page's filters, through its own browse()."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import labels, services
from export_mgmt.i18n import N_, _
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label, local_time
from export_mgmt.web.templating import _audit_value, _label


def _changes(entry: services.AuditEntry) -> str:
    """The fields one entry changed, by their translated names and values, one per line."""
    lines = []
    for name, pair in entry.changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        title = _label(labels.FIELDS, name)
        if before == after or before is None:
            lines.append(f"{title}: {_audit_value(name, after, entry.entity)}")
        else:
            lines.append(f"{title}: {_audit_value(name, before, entry.entity)} → "
                         f"{_audit_value(name, after, entry.entity)}")
    return "\n".join(lines)


COLUMNS = [
    Column(N_("Time"), local_time("at")),
    Column(N_("By"), lambda e: e.actor_name or _("system")),
    Column(N_("Record type"), label(labels.ENTITIES, "entity")),
    Column(N_("Record number"), field("entity_id")),
    Column(N_("Action"), label(labels.ACTIONS, "action")),
    Column(N_("Changes"), _changes),
    Column(N_("Address"), field("client_address")),
]


async def download(request: Request, actor: Actor, flt: services.AuditFilter, fmt: str) -> Response:
    async def fetch(page: int, size: int):
        return await services.browse(flt, page, size)

    entries, total = await exports.collect(fetch)
    return await exports.download(fmt, name="audit-log", title=_("Audit log"), columns=COLUMNS, rows=entries,
                                  total=total, actor=actor, request=request)

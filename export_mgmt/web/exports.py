"""Every list view as a download: its rows as xlsx or CSV, with the list's filters and within the actor's scope.

A list handler takes `?format=xlsx` or `?format=csv` beside its own filters and, when one is given, hands the
same filter it would show to its domain's `exports.py`, which reads the rows through the domain's own service
query (or its scope and filter conditions) and describes the columns; `download()` here turns those columns and
rows into the response. Exports are not paged: every matching row, up to MAX_ROWS (the notes line says when the
file was cut short). Headers and coded values are written in the reader's language, dates as dates, money in
major units beside its currency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.accounts.labels import ROLES
from export_mgmt.agencies.tables import Agency
from export_mgmt.clock import BUREAU_TZ, today
from export_mgmt.i18n import _, format_number, gettext, ngettext, pgettext
from export_mgmt.idnumber import mask
from export_mgmt.money import to_major
from export_mgmt.regions import county_name
from export_mgmt.spreadsheets import Sheet, csv_response, xlsx_response

FORMATS = ("xlsx", "csv")
MAX_ROWS = 100_000
# Rows read per query where a domain's paged search function is reused (it looks up per-page details by id).
CHUNK = 5_000
# Query parameters that are not filters.
NOT_FILTERS = frozenset({"format", "page"})


def wanted(fmt: str) -> bool:
    """Whether a list request asks for a download rather than the page."""
    return fmt in FORMATS


def max_rows() -> int:
    return MAX_ROWS


# ---- columns -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of an export: its header (an English msgid, marked with N_ where it is written) and how a row
    gives its cell. `context` is the header's pgettext context where the word needs one."""

    header: str
    value: Callable[[Any], Any]
    context: str = ""

    def title(self) -> str:
        return pgettext(self.context, self.header) if self.context else gettext(self.header)


def field(name: str) -> Callable[[Any], Any]:
    """A row's value as it is (rows are dicts or objects with attributes)."""
    return lambda row: _get(row, name)


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def label(mapping: Mapping[str, str], name: str) -> Callable[[Any], str]:
    """A code shown as its translated label (an unknown code as itself)."""

    def cell(row: Any) -> str:
        code = _get(row, name)
        text = mapping.get(code if code is not None else "")
        return gettext(text) if text else str(code or "")

    return cell


def labels_of(mapping: Mapping[str, str], name: str, separator: str = ",") -> Callable[[Any], str]:
    """A list of codes stored as text ("KR,JP"), shown as their labels."""

    def cell(row: Any) -> str:
        codes = [c for c in str(_get(row, name) or "").split(separator) if c]
        return ", ".join(gettext(mapping[c]) if c in mapping else c for c in codes)

    return cell


def yes_no(name: str) -> Callable[[Any], str]:
    """A boolean as Yes or No; an unknown (None) as an empty cell."""

    def cell(row: Any) -> str:
        value = _get(row, name)
        if value is None:
            return ""
        return _("Yes") if value else _("No")

    return cell


def county(name: str) -> Callable[[Any], str]:
    return lambda row: county_name(_get(row, name) or "") or (_get(row, name) or "")


def money(amount: str, currency: str | Callable[[Any], str]) -> Callable[[Any], Decimal | None]:
    """Integer minor units as major units (yuan, won …); the currency goes in a column of its own."""

    def cell(row: Any) -> Decimal | None:
        minor = _get(row, amount)
        code = currency(row) if callable(currency) else _get(row, currency)
        if minor is None or not code:
            return None
        return to_major(minor, code)

    return cell


def local_date(name: str) -> Callable[[Any], dt.date | None]:
    """A stored UTC time as the bureau's calendar day."""

    def cell(row: Any) -> dt.date | None:
        value = _get(row, name)
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(BUREAU_TZ).date()

    return cell


def local_time(name: str) -> Callable[[Any], dt.datetime | None]:
    """A stored UTC time as the bureau's wall-clock time."""

    def cell(row: Any) -> dt.datetime | None:
        value = _get(row, name)
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(BUREAU_TZ)

    return cell


def masked_id(name: str) -> Callable[[Any], str]:
    """An identity number as every list shows it: masked (first 6 and last 4), whoever reads it. A file leaves
    the system and is passed around; the full number stays on the record's own page for the roles that need it."""
    return lambda row: mask(_get(row, name)) if _get(row, name) else ""


# ---- reading every row -------------------------------------------------------------------------------------

async def collect(fetch: Callable[[int, int], Awaitable[tuple[Sequence[Any], int]]]) -> tuple[list[Any], int]:
    """Every row of a paged search function, a CHUNK at a time, up to max_rows(); and the total that matched.

    For domains whose search function adds per-page details (counts, amounts, who may see the complainant):
    reusing it keeps the export exactly what the list shows, in a few queries per CHUNK rows, none per row.
    """
    cap = max_rows()
    items: list[Any] = []
    page, total = 1, 0
    while len(items) < cap:
        size = min(CHUNK, cap)
        chunk, total = await fetch(page, size)
        items.extend(chunk)
        if len(chunk) < size:
            break
        page += 1
    return items[:cap], total


async def limited(query, count_query) -> tuple[list[dict], int]:
    """All rows of a select up to max_rows() in one query; the total is counted only when there are more."""
    cap = max_rows()
    rows = await query.limit(cap + 1)
    if len(rows) <= cap:
        return rows, len(rows)
    return rows[:cap], await count_query


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """A long id list in pieces, for IN (…) look-ups that stay under the engines' parameter limits."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ---- the response ------------------------------------------------------------------------------------------

def scope_text(actor: Actor, agency_name: str = "") -> str:
    if actor.role == Role.county_clerk and actor.county_code:
        return _("Scope: records of %(county)s only", county=county_name(actor.county_code) or actor.county_code)
    if actor.role == Role.agency_staff:
        return _("Scope: records of %(agency)s only", agency=agency_name) if agency_name else _(
            "Scope: your agency's records only")
    return _("Scope: the whole city")


def filter_text(request: Request) -> str:
    pairs = [f"{k}={v}" for k, v in request.query_params.items() if k not in NOT_FILTERS and v]
    return _("Filters: %(filters)s", filters=", ".join(pairs)) if pairs else _("Filters: none")


def notes(actor: Actor, title: str, shown: int, total: int, request: Request | None = None,
          agency_name: str = "") -> list[str]:
    stamp = dt.datetime.now(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")
    role = ROLES.get(actor.role)
    lines = [title,
             _("Exported %(time)s by %(user)s (%(role)s)", time=stamp, user=actor.display_name,
               role=gettext(role) if role else actor.role),
             scope_text(actor, agency_name)]
    if request is not None:
        lines.append(filter_text(request))
    if shown < total:
        lines.append(_("Only the first %(shown)s of %(total)s rows are included: narrow the filters to export the "
                       "rest.", shown=format_number(shown), total=format_number(total)))
    else:
        lines.append(ngettext("%(num)s row", "%(num)s rows", total))
    return lines


async def download(fmt: str, *, name: str, title: str, columns: Sequence[Column], rows: Sequence[Any], total: int,
                   actor: Actor, request: Request | None = None, agency_name: str = "") -> Response:
    """The one place where column specs and rows become an xlsx or CSV download.

    xlsx carries notes above the table (title, who exported it when, the scope, the filters, and whether the file
    was cut short); CSV is the plain table for other programs, with the cut-short note as its last line when
    there is one.
    """
    if not agency_name and actor.role == Role.agency_staff and actor.agency_id:
        row = await Agency.select(Agency.name).where(Agency.id == actor.agency_id).first()
        agency_name = row["name"] if row else ""
    headers = [c.title() for c in columns]
    filename = f"{name}-{today().isoformat()}.{fmt}"
    lines = notes(actor, title, len(rows), total, request, agency_name)
    # Cells are made where the file is built, in a worker thread (to_thread carries the reader's locale along):
    # a 100,000-row export must not hold up the event loop.
    table = _Cells(columns, rows)
    if fmt == "csv":
        tail = [[lines[-1]] + [""] * (len(columns) - 1)] if len(rows) < total else []
        return await csv_response(filename, headers, _Cells(columns, rows, tail))
    return await xlsx_response(filename, [Sheet(title=title, headers=headers, rows=table, notes=lines)])


class _Cells:
    """The table's cells, made row by row as the file is written (lazily, so in the thread that writes it)."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any], tail: Sequence[Sequence[Any]] = ()):
        self.columns, self.rows, self.tail = columns, rows, tail

    def __iter__(self) -> Iterator[list[Any]]:
        values = [c.value for c in self.columns]
        for row in self.rows:
            yield [value(row) for value in values]
        yield from (list(line) for line in self.tail)

"""Reading downloads back (xlsx with python-calamine, CSV with csv) and direct-row set-up for the export tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from typing import Any

import httpx
from python_calamine import CalamineWorkbook

from export_mgmt.complaints.tables import Complaint, ComplaintInspector, ComplaintWorker
from export_mgmt.followups.tables import FollowUp
from export_mgmt.idnumber import make_number
from export_mgmt.placements.tables import FeeEntry, Placement, PlacementEvent
from export_mgmt.spreadsheets import XLSX_TYPE
from export_mgmt.workers.tables import Worker
from tests.integration.placements.helpers_rules import PROGRAMME_DEFAULTS

D = dt.date
UTC = dt.timezone.utc
_seq = itertools.count(1)


# ---- reading downloads ---------------------------------------------------------------------------------------

class Table:
    """One sheet or CSV file: the notes above it (xlsx only), its headers and its rows."""

    def __init__(self, notes: list[str], headers: list[str], rows: list[list[Any]]):
        self.notes, self.headers, self.rows = notes, headers, rows

    def column(self, header: str) -> list[Any]:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]

    def record(self, header: str, value: Any) -> dict[str, Any]:
        """The row whose `header` cell is `value`, as header -> cell."""
        matches = [row for row in self.rows if row[self.headers.index(header)] == value]
        assert len(matches) == 1, f"{len(matches)} rows with {header} = {value!r}"
        return dict(zip(self.headers, matches[0]))


def _split(rows: list[list[Any]]) -> Table:
    blank = next(i for i, row in enumerate(rows) if not any(str(c) for c in row))
    notes = [str(row[0]) for row in rows[:blank]]
    headers = [str(h) for h in rows[blank + 1]]
    return Table(notes, headers, [list(row) for row in rows[blank + 2:]])


def workbook(response: httpx.Response) -> CalamineWorkbook:
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"] == XLSX_TYPE
    assert response.headers["content-disposition"].startswith("attachment;")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content))


def xlsx_table(response: httpx.Response, sheet: int | str = 0) -> Table:
    book = workbook(response)
    found = book.get_sheet_by_index(sheet) if isinstance(sheet, int) else book.get_sheet_by_name(sheet)
    return _split(found.to_python())


def csv_table(response: httpx.Response) -> Table:
    assert response.status_code == 200, response.text[:2000]
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "no byte-order mark for Excel"
    rows = list(csv.reader(io.StringIO(text[1:])))
    return Table([], rows[0], rows[1:])


async def both(client: httpx.AsyncClient, path: str) -> tuple[Table, Table]:
    """The list at `path` (with its filters) downloaded as xlsx and as CSV."""
    joiner = "&" if "?" in path else "?"
    return (xlsx_table(await client.get(f"{path}{joiner}format=xlsx")),
            csv_table(await client.get(f"{path}{joiner}format=csv")))


# ---- direct rows ---------------------------------------------------------------------------------------------

async def worker(name: str, county: str, sex: str = "M", born: dt.date = D(1990, 5, 5),
                 created: dt.datetime | None = None, status: str = "available") -> tuple[int, str]:
    """A worker row as registered at `created` (a bureau-time moment); (id, identity number)."""
    seq = next(_seq) % 500 * 2 + (1 if sex == "M" else 0)
    number = make_number(county, born, seq)
    values = dict(id_number=number, name=name, sex=sex, birth_date=born, id_region_code=county, county_code=county,
                  status=status)
    if created is not None:
        values["created_at"] = created
    rows = await Worker.insert(Worker(**values)).returning(Worker.id)
    return rows[0]["id"], number


async def placement(worker_id: int, agency_id: int, programme: str, events: list[tuple[str, dt.date]],
                    group: str | None = None) -> int:
    """A placement whose dated status events are exactly `events` (its status is the last one)."""
    values = dict(PROGRAMME_DEFAULTS[programme])
    months = values.pop("months")
    if group is not None:
        values["destination_group"] = group
    start = events[0][1] + dt.timedelta(days=30)
    rows = await Placement.insert(Placement(
        worker=worker_id, agency=agency_id, programme=programme, contract_start=start,
        contract_end=start + dt.timedelta(days=30 * months), status=events[-1][0], status_changed_on=events[-1][1],
        accident_insurance=True, **values,
    )).returning(Placement.id)
    placement_id = rows[0]["id"]
    await PlacementEvent.insert(*(PlacementEvent(placement=placement_id, status=s, on_date=d) for s, d in events))
    return placement_id


async def followup(placement_id: int, due: dt.date, grace: int = 7, status: str = "pending",
                   done_on: dt.date | None = None, kind: str = "periodic", **values) -> int:
    rows = await FollowUp.insert(FollowUp(
        placement=placement_id, kind=kind, seq=next(_seq), due_date=due, overdue_after=due + dt.timedelta(days=grace),
        status=status, done_on=done_on, reached=True if done_on else None, method="phone" if done_on else "",
        worker_status="working" if done_on else "", **values,
    )).returning(FollowUp.id)
    return rows[0]["id"]


async def fee(placement_id: int, paid_on: dt.date, amount: int, currency: str, flag: str = "over_cap") -> int:
    rows = await FeeEntry.insert(FeeEntry(
        placement=placement_id, payee="agency", amount=amount, currency=currency, paid_on=paid_on,
        purpose="service_fee", flag=flag, flag_reason="" if flag == "ok" else "no_fee_programme",
    )).returning(FeeEntry.id)
    return rows[0]["id"]


async def complaint(route: str, received_on: dt.date, status: str = "received", kind: str = "complaint",
                    complainant: str = "张三", anonymous: bool = False,
                    owed: list[tuple[int, str, int]] = ((1_000_000, "CNY", 0),), inspectors: tuple[int, ...] = (),
                    **values) -> int:
    """A complaint row as the workflow would leave it; `owed` is (amount owed, currency, recovered in CNY fen)
    per worker; `inspectors` are assigned to it."""
    n = next(_seq)
    rows = await Complaint.insert(Complaint(
        tracking_no=f"TS{received_on.year}T{n:06d}", secret_hash="x", kind=kind, channel="walk_in",
        anonymous=anonymous, complainant_name="" if anonymous else complainant,
        complainant_id_number="" if anonymous else make_number("210115", D(1980, 1, 1), n % 1000),
        respondent_name=f"沈阳某公司{n}", work_place=route if route.isdigit() else "OUTSIDE", route=route,
        status=status, received_on=received_on, decide_by=received_on + dt.timedelta(days=7), **values,
    )).returning(Complaint.id)
    complaint_id = rows[0]["id"]
    if owed:
        await ComplaintWorker.insert(*(ComplaintWorker(
            complaint=complaint_id, name=f"工人{n}-{i}", id_number=make_number("210115", D(1985, 1, 1), (n + i) % 1000),
            months_owed=3, currency=currency, amount_owed=amount, recovered_cny=recovered,
        ) for i, (amount, currency, recovered) in enumerate(owed)))
    if inspectors:
        await ComplaintInspector.insert(*(ComplaintInspector(complaint=complaint_id, inspector=i,
                                                             assigned_on=received_on) for i in inspectors))
    return complaint_id


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment on a bureau calendar day (Asia/Shanghai, UTC+8), as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=8)))

"""The backlog's age as people look at it: a stacked bar chart rendered on the server (SVG), and a CSV."""

from __future__ import annotations

import datetime as dt

from litestar import Response

from export_mgmt import charts
from export_mgmt.complaints import monitoring
from export_mgmt.i18n import N_, _
from export_mgmt.spreadsheets import csv_bytes

# The backlog's stages (monitoring.STAGES), as people read them.
STAGE_TEXT = {"decision": N_("Awaiting decision"), "investigation": N_("Under investigation"),
              "orders": N_("Orders outstanding")}
STAGE_COLOURS = {"decision": "#1f5fa8", "investigation": "#d39e00", "orders": "#b3261e"}

# The chart as the pages receive it (the home page names the type).
AgeChart = charts.Chart


def age_chart(rows: list[monitoring.AgeRow]) -> AgeChart:
    """Horizontal stacked bars, one per age band, one segment per stage, scaled to the axis of the largest band."""
    stages = [charts.Series(stage, _(STAGE_TEXT[stage]), STAGE_COLOURS[stage]) for stage in monitoring.STAGES]
    return charts.bar_chart(
        "ageing-chart", _("Open complaints by working days since receipt and stage"),
        [charts.BarRow(_(r.label), {stage: r.counts.get(stage, 0) for stage in monitoring.STAGES}) for r in rows],
        stages, label_width=190, bar_area=460, value_width=60, row_height=30, bar_height=20)


def ageing_csv(rows: list[monitoring.AgeRow], on: dt.date) -> Response:
    """The ageing table as a spreadsheet (spreadsheets.csv_bytes: UTF-8 with a byte-order mark, for Excel)."""
    stages = list(monitoring.STAGES)
    headers = [_("Working days since receipt")] + [_(STAGE_TEXT[s]) for s in stages] + [_("Total")]
    lines = [[_(r.label)] + [r.counts.get(s, 0) for s in stages] + [r.total] for r in rows]
    lines.append([_("Total")] + [sum(r.counts.get(s, 0) for r in rows) for s in stages]
                 + [sum(r.total for r in rows)])
    return Response(content=csv_bytes(headers, lines), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="complaint-ageing-{on.isoformat()}.csv"',
        "Cache-Control": "private, no-store"})

"""The backlog's age as people look at it: a stacked bar chart rendered on the server (SVG), and a CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from litestar import Response

from export_mgmt.complaints import monitoring
from export_mgmt.i18n import N_, _

# The backlog's stages (monitoring.STAGES), as people read them.
STAGE_TEXT = {"decision": N_("Awaiting decision"), "investigation": N_("Under investigation"),
              "orders": N_("Orders outstanding")}

CHART_LABEL_WIDTH = 190
CHART_BAR_AREA = 460
CHART_ROW = 30
CHART_BAR = 20
CHART_TOP = 10
CHART_LEGEND = 30
STAGE_COLOURS = {"decision": "#1f5fa8", "investigation": "#d39e00", "orders": "#b3261e"}


@dataclass(frozen=True)
class Segment:
    stage: str
    x: float
    width: float
    count: int
    colour: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int
    total: int
    segments: list[Segment]


@dataclass(frozen=True)
class AgeChart:
    width: int
    height: int
    label_width: int
    bar_area: int
    bar_height: int
    rows: list[ChartRow]
    legend: list[tuple[float, str, str]]  # x, colour, text
    legend_y: int


def age_chart(rows: list[monitoring.AgeRow]) -> AgeChart:
    """Horizontal stacked bars, one per age band, one segment per stage, scaled to the largest band."""
    largest = max((r.total for r in rows), default=0) or 1
    chart_rows = []
    for n, r in enumerate(rows):
        y, x, segments = CHART_TOP + n * CHART_ROW, float(CHART_LABEL_WIDTH), []
        for stage in monitoring.STAGES:
            count = r.counts.get(stage, 0)
            if count:
                width = round(CHART_BAR_AREA * count / largest, 1)
                segments.append(Segment(stage=stage, x=x, width=width, count=count, colour=STAGE_COLOURS[stage]))
                x += width
        chart_rows.append(ChartRow(label=_(r.label), y=y, total=r.total, segments=segments))
    legend_y = CHART_TOP + len(rows) * CHART_ROW + 8
    legend = [(CHART_LABEL_WIDTH + n * 160.0, STAGE_COLOURS[stage], _(STAGE_TEXT[stage]))
              for n, stage in enumerate(monitoring.STAGES)]
    return AgeChart(width=CHART_LABEL_WIDTH + CHART_BAR_AREA + 60, height=legend_y + CHART_LEGEND,
                    label_width=CHART_LABEL_WIDTH, bar_area=CHART_BAR_AREA, bar_height=CHART_BAR, rows=chart_rows,
                    legend=legend, legend_y=legend_y)


def ageing_csv(rows: list[monitoring.AgeRow], on: dt.date) -> Response:
    """The ageing table as a spreadsheet: UTF-8 with a byte-order mark, so Excel reads the Chinese headings."""
    out = io.StringIO()
    writer = csv.writer(out)
    stages = list(monitoring.STAGES)
    writer.writerow([_("Working days since receipt")] + [_(STAGE_TEXT[s]) for s in stages] + [_("Total")])
    for r in rows:
        writer.writerow([_(r.label)] + [r.counts.get(s, 0) for s in stages] + [r.total])
    writer.writerow([_("Total")] + [sum(r.counts.get(s, 0) for r in rows) for s in stages]
                    + [sum(r.total for r in rows)])
    return Response(content="\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="complaint-ageing-{on.isoformat()}.csv"',
        "Cache-Control": "private, no-store"})

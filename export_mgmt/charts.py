"""Charts drawn on the server as SVG, with no script and no style attribute (the CSP allows neither inline).

Two kinds, both built here as plain geometry that one template draws (templates/_partials/chart_svg.html):

- `bar_chart`: horizontal bars, one row per item, each bar one segment per series (stacked; a single series
  is a plain bar), an optional marker per row (a target) and an axis with ticks;
- `column_chart`: vertical columns per category (months), the series stacked in one column or grouped side by
  side, a value axis with gridlines.

Every chart has a <title> and a <desc> that says in words what the bars show, every segment a tooltip, and a
legend when there is more than one series or a marker. Numbers are formatted by the caller's function
(Babel, in the reader's locale: i18n.format_number by default). Colours are SVG attributes; the stylesheet may
refine them but is not needed to read the chart.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from export_mgmt.i18n import _, format_number

Number = int | float
Formatter = Callable[[Number], str]

# Distinguishable for the common colour-vision deficiencies, and in print: blue, amber, green, red, purple …
PALETTE = ("#1f5fa8", "#d39e00", "#1e7b34", "#b3261e", "#6a3d9a", "#1b9e9e", "#7f8c8d")
TRACK = "#eef2f7"
GRID = "#d6dde6"
INK = "#1d2733"
MUTED = "#5f6b7a"
MARKER = "#1d2733"
FONT = 12
SMALL = 11
CHAR_WIDTH = 6.6  # px per Latin character at 12 px; a Chinese character counts twice


@dataclass(frozen=True)
class Series:
    key: str
    label: str  # as the reader reads it (already translated)
    colour: str


def series(items: Sequence[tuple[str, str]], colours: Mapping[str, str] | None = None) -> list[Series]:
    """Series from (key, label) pairs, coloured from the palette in order unless `colours` names a colour."""
    colours = colours or {}
    return [Series(key, label, colours.get(key, PALETTE[n % len(PALETTE)])) for n, (key, label) in enumerate(items)]


# ---- what the template draws --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    css: str = ""
    tip: str = ""
    kind: str = field(default="rect", init=False)


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    stroke_width: float = 1
    css: str = ""
    tip: str = ""
    kind: str = field(default="line", init=False)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    size: int = FONT
    css: str = ""
    tip: str = ""
    kind: str = field(default="text", init=False)


@dataclass(frozen=True)
class Group:
    css: str
    items: list[Rect | Line | Text]


@dataclass(frozen=True)
class Chart:
    id: str  # the svg element's id; its <title> and <desc> are id-title and id-desc
    title: str
    desc: str
    width: int
    height: int
    groups: list[Group]

    def marks(self, kind: str) -> list:
        """Every drawn element of one kind (rect, line, text), for tests and checks."""
        return [m for g in self.groups for m in g.items if m.kind == kind]


# ---- helpers ------------------------------------------------------------------------------------------------

def text_width(text: str, size: int = FONT) -> float:
    """A text's width in px, near enough to lay out labels: wide (CJK) characters count double."""
    units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return units * CHAR_WIDTH * size / FONT


def shorten(text: str, width: float, size: int = FONT) -> str:
    """The text cut to fit `width` px, with an ellipsis (the full text goes into a tooltip)."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for c in text:
        if text_width(out + c + "…", size) > width:
            break
        out += c
    return out + "…"


def nice_ticks(maximum: float, count: int = 4, whole: bool = True) -> list[float]:
    """Round tick values from 0 to at least `maximum`, about `count` steps (1, 2, 2.5 or 5 × a power of ten)."""
    if maximum <= 0:
        return [0, 1] if whole else [0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for m in (1, 2, 2.5, 5, 10):
        if whole and m == 2.5 and magnitude < 10:
            continue  # no 2.5 steps between whole numbers
        step = m * magnitude
        if step >= raw:
            break
    if whole:
        step = max(1, round(step))
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _r(value: float) -> float:
    return round(value, 1)


def _join(parts: list[str]) -> str:
    return ", ".join(parts)


# ---- horizontal bars ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BarRow:
    label: str
    values: Mapping[str, Number]  # by series key; missing keys are 0
    marker: Number | None = None  # e.g. the target, drawn as a line across the bar
    text: str | None = None  # shown after the bar and in the description; default: the formatted total

    @property
    def total(self) -> Number:
        return sum(self.values.values())


def bar_chart(chart_id: str, title: str, rows: Sequence[BarRow], items: Sequence[Series], *,
              fmt: Formatter = format_number, scale: Number | None = None,
              ticks: Sequence[tuple[Number, str]] | None = None, marker_label: str = "",
              label_width: int = 190, bar_area: int = 460, value_width: int = 150, row_height: int = 28,
              bar_height: int = 18, describe_segments: bool | None = None, axis: bool = True) -> Chart:
    """Horizontal bars, stacked by series, scaled to `scale` (default: the largest total or marker).

    Segments are drawn only where a value is above 0; a row's marker (the target) is a dark line across its bar.
    `describe_segments` (default: when there is more than one series) lists each row's segments in the <desc>.
    """
    top = 8
    largest = max([r.total for r in rows] + [r.marker or 0 for r in rows] + [0])
    if ticks is None:
        values = nice_ticks(largest) if axis else []
        ticks = [(v, fmt(v)) for v in values]
    scale = scale or (max([t[0] for t in ticks] + [largest]) if ticks else largest) or 1
    describe = len(items) > 1 if describe_segments is None else describe_segments
    x0 = float(label_width)

    def x_of(value: Number) -> float:
        return _r(x0 + bar_area * min(value, scale) / scale)

    groups: list[Group] = []
    desc: list[str] = []
    body_bottom = top + len(rows) * row_height
    if ticks:
        grid: list[Rect | Line | Text] = []
        for value, label in ticks:
            grid.append(Line(x_of(value), top - 4, x_of(value), body_bottom, GRID, css="chart-grid"))
            grid.append(Text(x_of(value), body_bottom + 14, label, anchor="middle", fill=MUTED, size=SMALL,
                             css="chart-tick"))
        groups.append(Group("chart-axis", grid))
    for n, row in enumerate(rows):
        y = top + n * row_height
        text = row.text if row.text is not None else fmt(row.total)
        marks: list[Rect | Line | Text] = [
            Text(x0 - 8, y + bar_height - 5, shorten(row.label, label_width - 12), anchor="end", css="chart-label",
                 tip=row.label),
            Rect(x0, y, bar_area, bar_height, TRACK, css="chart-track"),
        ]
        x, parts = x0, []
        for s in items:
            value = row.values.get(s.key, 0) or 0
            if value <= 0:
                continue
            width = _r(bar_area * min(value, scale) / scale)
            marks.append(Rect(_r(x), y, width, bar_height, s.colour, css=f"chart-segment chart-{s.key}",
                              tip=f"{row.label} · {s.label}: {fmt(value)}"))
            parts.append(f"{s.label} {fmt(value)}")
            x += width
        line = f"{row.label}: {text}"
        if describe and parts:
            line += f" ({_join(parts)})"
        if row.marker is not None:
            mx = x_of(row.marker)
            label = f"{marker_label} {fmt(row.marker)}".strip()
            marks.append(Line(mx, y - 3, mx, y + bar_height + 3, MARKER, stroke_width=3, css="chart-marker",
                              tip=f"{row.label} · {label}"))
            line += f"; {label}"
        marks.append(Text(x0 + bar_area + 8, y + bar_height - 5, text, css="chart-value"))
        groups.append(Group("chart-row", marks))
        desc.append(line + ".")
    height = body_bottom + (22 if ticks else 6)
    legend = _legend(items if len(items) > 1 else [], marker_label if any(r.marker is not None for r in rows) else "",
                     x0, height)
    if legend:
        groups.append(legend)
        height += 26
    return Chart(id=chart_id, title=title, desc=" ".join(desc) or _("No data."),
                 width=label_width + bar_area + value_width, height=int(height), groups=groups)


def _legend(items: Sequence[Series], marker_label: str, x: float, y: float) -> Group | None:
    marks: list[Rect | Line | Text] = []
    for s in items:
        marks.append(Rect(_r(x), y + 2, 12, 12, s.colour, css="chart-swatch"))
        marks.append(Text(_r(x + 18), y + 12, s.label, css="chart-legend"))
        x += 18 + text_width(s.label) + 22
    if marker_label:
        marks.append(Line(_r(x + 6), y, _r(x + 6), y + 16, MARKER, stroke_width=3, css="chart-marker-key"))
        marks.append(Text(_r(x + 16), y + 12, marker_label, css="chart-legend"))
    return Group("chart-legend", marks) if marks else None


# ---- columns by category ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Category:
    name: str  # in full, for the description and tooltips ("March 2026")
    label: str  # under the column ("Mar")
    sublabel: str = ""  # a second line, e.g. the year under January and the first month


def column_chart(chart_id: str, title: str, categories: Sequence[Category], items: Sequence[Series],
                 values: Mapping[str, Sequence[Number]], *, stacked: bool = True, fmt: Formatter = format_number,
                 plot_width: int = 640, plot_height: int = 200, totals: bool = True) -> Chart:
    """One slot per category; in it the series stacked in one column, or grouped side by side.

    `values[series.key][i]` is the value for categories[i]. Stacked columns carry their total above them
    (`totals`).
    """
    count = len(categories)
    columns = {s.key: [float(v or 0) for v in values.get(s.key, [0] * count)] for s in items}
    sums = [sum(columns[s.key][i] for s in items) for i in range(count)]
    largest = max(sums if stacked else [v for col in columns.values() for v in col] or [0], default=0)
    ticks = nice_ticks(largest)
    top_value = ticks[-1] or 1
    left = max(text_width(fmt(t), SMALL) for t in ticks) + 14
    top = 14
    bottom = top + plot_height
    slot = plot_width / max(count, 1)

    def y_of(value: float) -> float:
        return bottom - plot_height * value / top_value

    groups: list[Group] = []
    axis: list[Rect | Line | Text] = []
    for t in ticks:
        axis.append(Line(_r(left), _r(y_of(t)), _r(left + plot_width), _r(y_of(t)), GRID, css="chart-grid"))
        axis.append(Text(_r(left - 6), _r(y_of(t) + 4), fmt(t), anchor="end", fill=MUTED, size=SMALL,
                         css="chart-tick"))
    for i, c in enumerate(categories):
        centre = left + slot * (i + 0.5)
        axis.append(Text(_r(centre), bottom + 15, c.label, anchor="middle", css="chart-label", tip=c.name))
        if c.sublabel:
            axis.append(Text(_r(centre), bottom + 29, c.sublabel, anchor="middle", fill=MUTED, size=SMALL,
                             css="chart-tick"))
    groups.append(Group("chart-axis", axis))
    desc = []
    for i, c in enumerate(categories):
        marks: list[Rect | Line | Text] = []
        parts = [f"{s.label} {fmt(columns[s.key][i])}" for s in items if columns[s.key][i] > 0]
        if stacked:
            width = slot * 0.62
            x, level = left + slot * i + (slot - width) / 2, 0.0
            for s in items:
                value = columns[s.key][i]
                if value <= 0:
                    continue
                y1, y2 = y_of(level + value), y_of(level)
                marks.append(Rect(_r(x), _r(y1), _r(width), _r(y2 - y1), s.colour, css=f"chart-segment chart-{s.key}",
                                  tip=f"{c.name} · {s.label}: {fmt(value)}"))
                level += value
            if totals and sums[i] > 0:
                marks.append(Text(_r(x + width / 2), _r(y_of(sums[i]) - 4), fmt(sums[i]), anchor="middle",
                                  size=SMALL, css="chart-value"))
            line = f"{c.name}: {fmt(sums[i])}" + (f" ({_join(parts)})" if parts and len(items) > 1 else "")
        else:
            group_width = slot * 0.8
            width = group_width / max(len(items), 1)
            start = left + slot * i + (slot - group_width) / 2
            for k, s in enumerate(items):
                value = columns[s.key][i]
                if value <= 0:
                    continue
                y1 = y_of(value)
                marks.append(Rect(_r(start + k * width), _r(y1), _r(width - 1), _r(bottom - y1), s.colour,
                                  css=f"chart-segment chart-{s.key}", tip=f"{c.name} · {s.label}: {fmt(value)}"))
            line = f"{c.name}: {_join(parts) if parts else fmt(0)}"
        groups.append(Group("chart-column", marks))
        desc.append(line + ".")
    height = bottom + (36 if any(c.sublabel for c in categories) else 24)
    legend = _legend(items if len(items) > 1 else [], "", left, height)
    if legend:
        groups.append(legend)
        height += 26
    return Chart(id=chart_id, title=title, desc=" ".join(desc) or _("No data."), width=int(left + plot_width + 10),
                 height=int(height), groups=groups)

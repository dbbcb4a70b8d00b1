"""Charts drawn on the server as inline SVG: no JavaScript and no chart library.

Two kinds, enough for the dashboards and the papers printed from them (WeasyPrint draws
the same SVG in a PDF):

* `stacked_bar_chart`: horizontal bars, one per row (all actions, each plan), cut into
  a segment per series (RAG). Every bar is drawn to one scale, so a segment's width is
  proportional to its count wherever it appears.
* `stacked_column_chart`: 100% stacked columns, one per period, each segment as tall as
  its share of that column's total.

Every chart is an image to assistive technology (`role="img"`) named by its `<title>` and
described by its `<desc>`, which the caller writes as a text summary of every figure. A
key gives each colour in words, and a segment's count or percentage is printed in it
wherever it fits, so colour is never the only signal. The page puts a table of the same
figures right after the chart.

The SVG is built with xml.etree, which escapes every text and attribute it writes, so
text from users (a plan's title) cannot break out of the markup.

Percentages are whole numbers that add up to exactly 100 (see `whole_percentages`).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from actionplans.plans.rag import NOT_REPORTED_LABEL, Rag, rag_label

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Arial, sans-serif"
TEXT_COLOUR = "#0b0c0c"  # GOV.UK black
SECONDARY_TEXT_COLOUR = "#505a5f"  # $govuk-secondary-text-colour
BORDER_COLOUR = "#b1b4b6"  # $govuk-border-colour
WIDTH = 960  # every chart is drawn this wide and scales to fit its container's width,
MIN_WIDTH = 640  # but no narrower than this, so its text stays legible (put it in a scrolling box)

# Roughly how wide a character of Arial is, as a share of the font size; a little more than
# the average, so that text judged to fit a segment does.
_CHAR_WIDTH = 0.6


@dataclass(frozen=True)
class Series:
    """One kind of segment: its key and words, and the colours of its fill and its text."""

    key: str
    label: str
    fill: str
    text_fill: str
    stroke: str | None = None  # an outline, for a fill too pale to see on white


# The colours of the RAG tags (static/src/app.scss: .rag--blue … .rag--none), each with its
# text colour, in the order the tracker lists RAGs (actionplans.plans.selectors.RAG_KEYS).
RAG_COLOURS = {
    Rag.BLUE.value: ("#005ea5", "#ffffff"),
    Rag.GREEN.value: ("#00703c", "#ffffff"),
    Rag.AMBER.value: ("#ffbf47", "#0b0c0c"),
    Rag.RED.value: ("#aa2a16", "#ffffff"),
    "": ("#f3f2f1", "#0b0c0c"),  # not yet reported: GOV.UK light grey
}
RAG_SERIES: tuple[Series, ...] = tuple(
    Series(
        key=key,
        label=rag_label(key) if key else NOT_REPORTED_LABEL,
        fill=fill,
        text_fill=text_fill,
        stroke=BORDER_COLOUR if not key else None,
    )
    for key, (fill, text_fill) in RAG_COLOURS.items()
)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar (or one column): its label and a value for each series, in order."""

    label: str
    values: Sequence[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Column:
    """One column of a 100% stacked chart: its label as one to three short lines under it,
    its full label (for the segments' tooltips) and a value for each series, in order."""

    label_lines: Sequence[str]
    label: str
    values: Sequence[int]

    @property
    def total(self) -> int:
        return sum(self.values)


# --- Numbers ---------------------------------------------------------------------------


def whole_percentages(values: Sequence[int]) -> list[int]:
    """Each value as a whole-number percentage of their total, adding up to exactly 100.

    Largest remainder rounding: every percentage is first rounded down, then the points
    still missing from 100 go one each to the values that lost the most by rounding down;
    where two lost the same, to the one listed first. A value of 0 is always 0%, and a
    value is never more than one point away from its exact percentage. All zeros give
    all zeros.
    """
    total = sum(values)
    if total <= 0:
        return [0 for _ in values]
    exact = [value * 100 / total for value in values]
    floors = [math.floor(share) for share in exact]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda index: (-(exact[index] - floors[index]), index))
    for index in by_remainder[:missing]:
        floors[index] += 1
    return floors


def summarise(series: Sequence[Series], values: Sequence[int]) -> str:
    """The values in words, e.g. "3 Red: Off track (30%), 7 Green: On track (70%)"."""
    percentages = whole_percentages(values)
    return ", ".join(
        f"{value} {item.label} ({percentage}%)"
        for item, value, percentage in zip(series, values, percentages, strict=True)
    )


def count_words(count: int, noun: tuple[str, str] = ("action", "actions")) -> str:
    return f"{count} {noun[0] if count == 1 else noun[1]}"


# --- Drawing -----------------------------------------------------------------------------


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * _CHAR_WIDTH


def _number(value: float) -> str:
    """A coordinate as short text: 12, 12.5, 12.33."""
    return f"{round(value, 2):g}"


def _svg(*, chart_id: str, title: str, description: str, height: float) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "class": "app-chart",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "id": chart_id,
            "viewBox": f"0 0 {WIDTH} {_number(height)}",
            "width": str(WIDTH),
            "height": _number(height),
            "style": f"display: block; width: 100%; min-width: {MIN_WIDTH}px; height: auto;",
            "font-family": FONT_FAMILY,
            "fill": TEXT_COLOUR,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _text(parent: ET.Element, text: str, *, x: float, y: float, size: float = 16, **attrs) -> ET.Element:
    element = ET.SubElement(
        parent,
        "text",
        {
            "x": _number(x),
            "y": _number(y),
            "font-size": _number(size),
            **{k.replace("_", "-"): v for k, v in attrs.items()},
        },
    )
    element.text = text
    return element


def _rect(parent: ET.Element, *, x: float, y: float, width: float, height: float, series: Series) -> ET.Element:
    attrs = {
        "x": _number(x),
        "y": _number(y),
        "width": _number(width),
        "height": _number(height),
        "fill": series.fill,
        "data-series": series.key or "none",
    }
    if series.stroke:
        attrs |= {"stroke": series.stroke, "stroke-width": "1"}
    return ET.SubElement(parent, "rect", attrs)


KEY_FONT_SIZE = 16
KEY_SWATCH = 18
KEY_ROW_HEIGHT = 28


def _key(parent: ET.Element, series: Sequence[Series], *, y: float) -> float:
    """The key: a swatch and the words of each series, wrapped to the chart's width.
    Returns the y below it."""
    group = ET.SubElement(parent, "g", {"class": "app-chart__key"})
    x = 0.0
    for item in series:
        width = KEY_SWATCH + 8 + _text_width(item.label, KEY_FONT_SIZE) + 24
        if x and x + width > WIDTH:
            x, y = 0.0, y + KEY_ROW_HEIGHT
        _rect(group, x=x, y=y, width=KEY_SWATCH, height=KEY_SWATCH, series=item)
        _text(group, item.label, x=x + KEY_SWATCH + 8, y=y + KEY_SWATCH - 3, size=KEY_FONT_SIZE)
        x += width
    return y + KEY_ROW_HEIGHT + 12


def _segment_title(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "title").text = text


def _finish(svg: ET.Element) -> SafeString:
    return mark_safe(serialised(svg))  # every text and attribute value escaped by serialised()


def serialised(element: ET.Element) -> str:
    """The element as ET.tostring(element, encoding="unicode") writes it, for the elements these
    charts are made of (no namespaces but the svg's own xmlns attribute, no comments): the same
    escaping, in a fraction of the time, as ElementTree first walks the whole tree for its
    namespaces. tests/reports/test_charts.py compares the two."""
    parts: list[str] = []
    _write(element, parts.append)
    return "".join(parts)


def _write(element: ET.Element, write) -> None:
    write(f"<{element.tag}")
    for name, value in element.items():
        write(f' {name}="{_escape_attribute(value)}"')
    if element.text or len(element):
        write(">")
        if element.text:
            write(_escape_text(element.text))
        for child in element:
            _write(child, write)
        write(f"</{element.tag}>")
    else:
        write(" />")
    if element.tail:
        write(_escape_text(element.tail))


# ElementTree's escaping (xml.etree.ElementTree._escape_cdata and _escape_attrib), each in one pass.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)


def _escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def _escape_attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE_ESCAPES)


# --- Horizontal stacked bars --------------------------------------------------------------

BAR_LABEL_SIZE = 16
BAR_HEIGHT = 32
BAR_GAP = 20
SEGMENT_FONT_SIZE = 14


def stacked_bar_chart(
    bars: Sequence[Bar],
    *,
    series: Sequence[Series] = RAG_SERIES,
    chart_id: str,
    title: str,
    description: str,
    noun: tuple[str, str] = ("action", "actions"),
) -> SafeString:
    """One horizontal bar per row, each labelled above with its label and total, cut into a
    segment per series. All bars share one scale (the largest total fills the width), so
    a segment is as wide as its count wherever it is. A segment shows its count and
    percentage inside it, or just its count, or nothing when even that does not fit."""
    svg = _svg(chart_id=chart_id, title=title, description=description, height=0)
    y = _key(svg, series, y=0)
    scale_total = max((bar.total for bar in bars), default=0)
    for bar in bars:
        group = ET.SubElement(svg, "g", {"class": "app-chart__bar"})
        _text(group, f"{bar.label} ({count_words(bar.total, noun)})", x=0, y=y + BAR_LABEL_SIZE, size=BAR_LABEL_SIZE)
        y += BAR_LABEL_SIZE + 8
        if bar.total == 0:
            _text(
                group,
                f"No {noun[1]}",
                x=0,
                y=y + BAR_HEIGHT / 2 + 5,
                size=SEGMENT_FONT_SIZE,
                fill=SECONDARY_TEXT_COLOUR,
            )
        x = 0.0
        for item, value, percentage in zip(series, bar.values, whole_percentages(bar.values), strict=True):
            if not value:
                continue
            width = value / scale_total * WIDTH
            segment = ET.SubElement(group, "g")
            _segment_title(segment, f"{bar.label}: {count_words(value, noun)} {item.label} ({percentage}%)")
            _rect(segment, x=x, y=y, width=width, height=BAR_HEIGHT, series=item)
            for text in (f"{value} ({percentage}%)", str(value)):
                if _text_width(text, SEGMENT_FONT_SIZE) + 8 <= width:
                    _text(
                        segment,
                        text,
                        x=x + width / 2,
                        y=y + BAR_HEIGHT / 2 + 5,
                        size=SEGMENT_FONT_SIZE,
                        fill=item.text_fill,
                        text_anchor="middle",
                        font_weight="bold",
                    )
                    break
            x += width
        y += BAR_HEIGHT + BAR_GAP
    height = y - BAR_GAP + 4 if bars else y
    svg.set("viewBox", f"0 0 {WIDTH} {_number(height)}")
    svg.set("height", _number(height))
    return _finish(svg)


# --- 100% stacked columns ----------------------------------------------------------------

AXIS_WIDTH = 56
PLOT_HEIGHT = 260
AXIS_FONT_SIZE = 14
COLUMN_LABEL_SIZE = 14
COLUMN_LABEL_LINE = 18
MAX_COLUMN_WIDTH = 80


def stacked_column_chart(
    columns: Sequence[Column],
    *,
    series: Sequence[Series] = RAG_SERIES,
    chart_id: str,
    title: str,
    description: str,
    noun: tuple[str, str] = ("action", "actions"),
) -> SafeString:
    """One column per period, the first series at the bottom, each segment as tall as its
    share of the column's total: every column is 100%, and its total is printed under it.
    A segment shows its percentage inside it where it fits; a column with nothing in it
    says so."""
    svg = _svg(chart_id=chart_id, title=title, description=description, height=0)
    top = _key(svg, series, y=0) + 8
    bottom = top + PLOT_HEIGHT
    plot_width = WIDTH - AXIS_WIDTH

    axis = ET.SubElement(svg, "g", {"class": "app-chart__axis"})
    for percent in (0, 25, 50, 75, 100):
        y = bottom - percent / 100 * PLOT_HEIGHT
        ET.SubElement(
            axis,
            "line",
            {
                "x1": _number(AXIS_WIDTH),
                "x2": _number(WIDTH),
                "y1": _number(y),
                "y2": _number(y),
                "stroke": BORDER_COLOUR if percent else TEXT_COLOUR,
                "stroke-width": "1",
            },
        )
        _text(axis, f"{percent}%", x=AXIS_WIDTH - 8, y=y + 5, size=AXIS_FONT_SIZE, text_anchor="end")

    slot = plot_width / max(len(columns), 1)
    column_width = min(slot * 0.7, MAX_COLUMN_WIDTH)
    label_lines = max((len(column.label_lines) for column in columns), default=0) + 1
    for index, column in enumerate(columns):
        group = ET.SubElement(svg, "g", {"class": "app-chart__column"})
        centre = AXIS_WIDTH + slot * index + slot / 2
        x = centre - column_width / 2
        lines = [*column.label_lines, count_words(column.total, noun)]
        for line_number, line in enumerate(lines):
            _text(
                group,
                line,
                x=centre,
                y=bottom + COLUMN_LABEL_LINE * (line_number + 1),
                size=COLUMN_LABEL_SIZE,
                text_anchor="middle",
                fill=TEXT_COLOUR if line_number < len(lines) - 1 else SECONDARY_TEXT_COLOUR,
            )
        if column.total == 0:
            _text(group, "None", x=centre, y=bottom - 8, size=COLUMN_LABEL_SIZE, text_anchor="middle")
            continue
        y = float(bottom)
        for item, value, percentage in zip(series, column.values, whole_percentages(column.values), strict=True):
            if not value:
                continue
            height = value / column.total * PLOT_HEIGHT
            y -= height
            segment = ET.SubElement(group, "g")
            _segment_title(segment, f"{column.label}: {count_words(value, noun)} {item.label} ({percentage}%)")
            _rect(segment, x=x, y=y, width=column_width, height=height, series=item)
            text = f"{percentage}%"
            if height >= SEGMENT_FONT_SIZE + 4 and _text_width(text, SEGMENT_FONT_SIZE) + 6 <= column_width:
                _text(
                    segment,
                    text,
                    x=centre,
                    y=y + height / 2 + 5,
                    size=SEGMENT_FONT_SIZE,
                    fill=item.text_fill,
                    text_anchor="middle",
                    font_weight="bold",
                )
    height = bottom + COLUMN_LABEL_LINE * label_lines + 8
    svg.set("viewBox", f"0 0 {WIDTH} {_number(height)}")
    svg.set("height", _number(height))
    return _finish(svg)

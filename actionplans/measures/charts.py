"""A measure's trend drawn on the server as inline SVG: no JavaScript and no chart library.

* `trend_chart`: the measure's values over time as a line, the target as a stepped dashed line
  (a target may change by period) or, for threshold bands, the green and amber thresholds as
  dashed lines, each labelled in words. Each value is a marker whose shape says its RAG (a
  circle green, a triangle amber, a square red, a hollow diamond no colour), with its figure
  printed beside it where there is room. A key gives every shape and line in words.
* `sparkline`: a row's small trend line in a table, its values in its title.

Both are images to assistive technology (`role="img"`), named by a `<title>` and described by a
`<desc>` listing every figure; the page puts a table of the same figures after the trend chart,
so colour is never the only signal. xml.etree escapes every text it writes.
"""

from __future__ import annotations

import datetime
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from actionplans.plans.rag import Rag

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Arial, sans-serif"
TEXT_COLOUR = "#0b0c0c"
SECONDARY_TEXT_COLOUR = "#505a5f"
BORDER_COLOUR = "#b1b4b6"
LINE_COLOUR = "#1d70b8"  # GOV.UK blue
TARGET_COLOUR = "#0b0c0c"
RAG_FILLS = {Rag.GREEN: "#00703c", Rag.AMBER: "#ffbf47", Rag.RED: "#aa2a16", None: "#ffffff"}
SHAPE_WORDS = {
    Rag.GREEN: "circle: Green, on target",
    Rag.AMBER: "triangle: Amber, slight variance",
    Rag.RED: "square: Red, significant variance",
    None: "hollow diamond: no RAG",
}

WIDTH, HEIGHT = 960, 380
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 20, 110  # the plot's margins: axis labels, then the key below
MARKER = 7
THRESHOLD_DASHES = {"Green": "8 5", "Amber": "3 4"}
LABEL_ROOM = 56  # the least room between points for each to have its figure printed


def _svg(width: int, height: int, *, chart_id: str, title: str, desc: str, css_class: str, style: str) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "style": style,
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": css_class,
            "id": chart_id,
            "font-family": FONT_FAMILY,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = desc
    return svg


def _text(parent, x, y, text: str, *, size=14, anchor="start", fill=TEXT_COLOUR, weight=None) -> None:
    attrs = {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": str(size), "text-anchor": anchor, "fill": fill}
    if weight:
        attrs["font-weight"] = weight
    ET.SubElement(parent, "text", attrs).text = text


def _marker(parent, x: float, y: float, rag: Rag | None, size: float = MARKER) -> None:
    """The point's RAG as a shape (and a colour): circle, triangle, square, hollow diamond."""
    fill = RAG_FILLS[rag]
    stroke = {"stroke": TEXT_COLOUR, "stroke-width": "1.5", "fill": fill}
    if rag is Rag.GREEN:
        ET.SubElement(parent, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": f"{size:.1f}", **stroke})
    elif rag is Rag.AMBER:
        corners = [(x, y - size * 1.2), (x - size * 1.1, y + size * 0.8), (x + size * 1.1, y + size * 0.8)]
        points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
        ET.SubElement(parent, "polygon", {"points": points, **stroke})
    elif rag is Rag.RED:
        ET.SubElement(
            parent,
            "rect",
            {
                "x": f"{x - size:.1f}",
                "y": f"{y - size:.1f}",
                "width": f"{2 * size:.1f}",
                "height": f"{2 * size:.1f}",
                **stroke,
            },
        )
    else:
        points = f"{x:.1f},{y - size:.1f} {x + size:.1f},{y:.1f} {x:.1f},{y + size:.1f} {x - size:.1f},{y:.1f}"
        ET.SubElement(parent, "polygon", {"points": points, **stroke})


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _y_range(numbers: Sequence[float], *, percentage: bool) -> tuple[float, float, float]:
    """The axis from nought (or below, for negative figures) to a round number above the most."""
    low = min([0.0, *numbers])
    high = max([*numbers, 1.0])
    if percentage and high <= 100:
        high = 100.0
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _x_positions(days: Sequence[datetime.date], left: float, right: float) -> list[float]:
    """By date, so that a period ending on the 19th sits where it falls (seed 002's October 19th)."""
    if len(days) == 1:
        return [(left + right) / 2]
    first, last = days[0], days[-1]
    span = (last - first).days or 1
    return [left + (right - left) * (day - first).days / span for day in days]


def trend_chart(
    *,
    points: Sequence,  # selectors.ValuePoint, oldest first
    format_value,  # the measure's unit's format()
    chart_id: str,
    title: str,
    bands: tuple[Decimal, Decimal] | None = None,  # (green, amber) thresholds, for the bands rule
    percentage: bool = False,
) -> SafeString:
    """The trend of a measure's values against its target or bands. See the module's docstring."""
    days = [p.value.period_end for p in points]
    values = [float(p.value.value) for p in points]
    targets = [float(p.target.value) if p.target is not None else None for p in points]
    lines = [float(b) for b in bands] if bands else []
    low, high, step = _y_range(values + [t for t in targets if t is not None] + lines, percentage=percentage)
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM

    def y_of(number: float) -> float:
        return bottom - (bottom - top) * (number - low) / ((high - low) or 1)

    desc = _description(points, format_value, bands)
    svg = _svg(
        WIDTH,
        HEIGHT,
        chart_id=chart_id,
        title=title,
        desc=desc,
        css_class="app-chart app-chart--trend",
        style="display: block; width: 100%; min-width: 640px; height: auto;",
    )
    grid = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    tick = low
    while tick <= high + step / 1000:
        y = y_of(tick)
        ET.SubElement(
            grid,
            "line",
            {
                "x1": str(left),
                "x2": str(right),
                "y1": f"{y:.1f}",
                "y2": f"{y:.1f}",
                "stroke": BORDER_COLOUR,
                "stroke-width": "1",
            },
        )
        _text(
            grid,
            left - 8,
            y + 5,
            format_value(Decimal(str(round(tick, 4)))),
            size=13,
            anchor="end",
            fill=SECONDARY_TEXT_COLOUR,
        )
        tick += step

    plot = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    xs = _x_positions(days, left + 30, right - 30) if days else []
    for label_x, day in _axis_labels(xs, days):
        _text(
            plot,
            label_x,
            bottom + 22,
            f"{day:%b %Y}" if day.day > 27 else f"{day.day} {day:%b %Y}",
            size=13,
            anchor="middle",
            fill=SECONDARY_TEXT_COLOUR,
        )

    # The target: a stepped dashed line, one level per stretch of periods it applied to.
    if any(t is not None for t in targets):
        path = []
        for index, (x, target) in enumerate(zip(xs, targets, strict=True)):
            if target is None:
                continue
            start = left if index == 0 else (xs[index - 1] + x) / 2
            end = right if index == len(xs) - 1 else (x + xs[index + 1]) / 2
            joined = index > 0 and targets[index - 1] is not None  # a step from the one before
            y = y_of(target)
            path.append(f"{'L' if joined else 'M'}{start:.1f},{y:.1f} L{end:.1f},{y:.1f}")
        ET.SubElement(
            plot,
            "path",
            {
                "d": " ".join(path),
                "fill": "none",
                "stroke": TARGET_COLOUR,
                "stroke-width": "2",
                "stroke-dasharray": "8 5",
            },
        )
    for threshold, name in zip(lines, ("Green", "Amber"), strict=False):
        y = y_of(threshold)
        ET.SubElement(
            plot,
            "line",
            {
                "x1": str(left),
                "x2": str(right),
                "y1": f"{y:.1f}",
                "y2": f"{y:.1f}",
                "stroke": TARGET_COLOUR,
                "stroke-width": "2",
                "stroke-dasharray": THRESHOLD_DASHES[name],
            },
        )

    if len(xs) > 1:
        ET.SubElement(
            plot,
            "polyline",
            {
                "points": " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in zip(xs, values, strict=True)),
                "fill": "none",
                "stroke": LINE_COLOUR,
                "stroke-width": "3",
            },
        )
    room = min((b - a for a, b in zip(xs, xs[1:], strict=False)), default=WIDTH)
    for index, (x, value, point) in enumerate(zip(xs, values, points, strict=True)):
        _marker(plot, x, y_of(value), point.assessment.rag)
        if room >= LABEL_ROOM or index in (0, len(xs) - 1):
            _text(plot, x, y_of(value) - 14, format_value(point.value.value), size=13, anchor="middle", weight="bold")

    lines_in_key = [("Target", "8 5")] if any(t is not None for t in targets) else []
    for threshold, name in zip(lines, ("Green", "Amber"), strict=False):
        lines_in_key.append((f"{name} from {format_value(Decimal(str(threshold)))}", THRESHOLD_DASHES[name]))
    _key(svg, top=HEIGHT - 62, lines=lines_in_key)
    return mark_safe(ET.tostring(svg, encoding="unicode", short_empty_elements=True))  # noqa: S308


def _axis_labels(xs: list[float], days: list[datetime.date]) -> list[tuple[float, datetime.date]]:
    """A label under each point, or under every few when they are close together."""
    if not xs:
        return []
    room = min((b - a for a, b in zip(xs, xs[1:], strict=False)), default=WIDTH)
    every = max(1, math.ceil(80 / room)) if room else 1
    chosen = list(range(0, len(xs), every))
    if chosen[-1] != len(xs) - 1 and len(xs) - 1 - chosen[-1] >= every / 2:
        chosen.append(len(xs) - 1)
    return [(xs[i], days[i]) for i in chosen]


def _key(svg: ET.Element, *, top: float, lines: list[tuple[str, str]]) -> None:
    """The key, in words: the value line, the target or threshold lines, and each marker's shape."""
    key = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    x = LEFT
    for label, dashes in [("Value", ""), *lines]:
        attrs = {"x1": f"{x:.1f}", "x2": f"{x + 30:.1f}", "y1": f"{top:.1f}", "y2": f"{top:.1f}"}
        if dashes:
            attrs |= {"stroke": TARGET_COLOUR, "stroke-width": "2", "stroke-dasharray": dashes}
        else:
            attrs |= {"stroke": LINE_COLOUR, "stroke-width": "3"}
        ET.SubElement(key, "line", attrs)
        _text(key, x + 38, top + 5, label, size=13)
        x += 38 + _width(label) + 28
    x, row = LEFT, top + 30
    for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, None):
        _marker(key, x + 8, row, rag, size=6)
        words = SHAPE_WORDS[rag]
        _text(key, x + 22, row + 5, words[:1].upper() + words[1:], size=13)
        x += 22 + _width(words) + 20


def _width(text: str, size: int = 13) -> float:
    """Roughly how wide text is in Arial: half its size a character."""
    return len(text) * size * 0.5


def _description(points, format_value, bands) -> str:
    if not points:
        return "No values yet."
    parts = []
    for point in points:
        target = f", target {format_value(point.target.value)}" if point.target is not None else ""
        parts.append(f"{point.period}: {point.value.formatted}{target}, {point.assessment.label}")
    text = "; ".join(parts) + "."
    if bands:
        text = f"Green at {format_value(bands[0])} or better, amber at {format_value(bands[1])} or better. " + text
    return text


SPARK_WIDTH, SPARK_HEIGHT = 120, 32


def sparkline(*, trend: Sequence, chart_id: str, name: str) -> SafeString:
    """A row's trend in a few dozen pixels: its values as a line, the newest as a dot. Its title
    says every figure, so the line is never the only way to read them."""
    if not trend:
        return mark_safe("")  # noqa: S308
    figures = ", ".join(f"{point.label} ({point.period_end:%-d %b %Y})" for point in trend)
    svg = _svg(
        SPARK_WIDTH,
        SPARK_HEIGHT,
        chart_id=chart_id,
        title=f"Trend of {name}",
        desc=figures,
        css_class="app-sparkline",
        style="display: block;",
    )
    values = [float(point.value) for point in trend]
    low, high = min(values), max(values)
    xs = _x_positions([point.period_end for point in trend], 4, SPARK_WIDTH - 6)

    def y_of(number: float) -> float:
        return SPARK_HEIGHT - 5 - (SPARK_HEIGHT - 10) * ((number - low) / (high - low) if high > low else 0.5)

    group = ET.SubElement(svg, "g", {"aria-hidden": "true"})
    if len(xs) > 1:
        ET.SubElement(
            group,
            "polyline",
            {
                "points": " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v in zip(xs, values, strict=True)),
                "fill": "none",
                "stroke": LINE_COLOUR,
                "stroke-width": "2",
            },
        )
    ET.SubElement(
        group, "circle", {"cx": f"{xs[-1]:.1f}", "cy": f"{y_of(values[-1]):.1f}", "r": "3", "fill": LINE_COLOUR}
    )
    return mark_safe(ET.tostring(svg, encoding="unicode", short_empty_elements=True))  # noqa: S308

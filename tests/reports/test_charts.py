"""The SVG chart builder: valid XML, named and described, a key in words, text escaped,
segments in proportion, colours those of the RAG tags, percentages adding up to 100."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings

from reports import charts
from reports.charts import RAG_SERIES, WIDTH, Bar, Column, stacked_bar_chart, stacked_column_chart, whole_percentages

NS = {"svg": charts.SVG_NAMESPACE}
SVG = f"{{{charts.SVG_NAMESPACE}}}"
KEY_LABELS = ["Blue: Complete", "Green: On track", "Amber: At risk", "Red: Off track", "Not yet reported"]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def texts(svg: ET.Element) -> list[str]:
    return [element.text for element in svg.iter(f"{SVG}text")]


def segments(group: ET.Element) -> list[ET.Element]:
    return [rect for rect in group.iter(f"{SVG}rect") if rect.get("data-series")]


def bar_chart(bars, **kwargs):
    return stacked_bar_chart(
        bars, chart_id=kwargs.pop("chart_id", "chart-test"), title="RAG of all actions", description="Summary", **kwargs
    )


# --- Percentages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 3, 2, 3, 1], [10, 30, 20, 30, 10]),
        # 66.67 and 33.33: rounded down to 66 and 33, the missing point to the larger remainder.
        ([0, 0, 0, 2, 1], [0, 0, 0, 67, 33]),
        # Three equal thirds: the missing point goes to the first listed.
        ([1, 1, 1, 0, 0], [34, 33, 33, 0, 0]),
        # 12.5 each except 37.5: four tie on .5, two points missing, to the first two listed.
        ([1, 2, 1, 3, 1], [13, 25, 13, 37, 12]),
        ([0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
        ([7, 0, 0, 0, 0], [100, 0, 0, 0, 0]),
    ],
)
def test_whole_percentages_add_up_to_100_by_largest_remainder(values, expected):
    assert whole_percentages(values) == expected


def test_whole_percentages_are_within_a_point_of_the_exact_share_and_zero_stays_zero():
    for values in ([1, 1, 1, 1, 1, 1, 1], [999, 1, 0, 0, 0], [5, 7, 11, 13, 0], [1, 0, 1, 0, 1]):
        percentages = whole_percentages(values)
        assert sum(percentages) == 100
        for value, percentage in zip(values, percentages, strict=True):
            assert abs(percentage - value * 100 / sum(values)) < 1
            if value == 0:
                assert percentage == 0


# --- Horizontal stacked bars ---------------------------------------------------------------


def test_bar_chart_is_valid_svg_named_and_described_for_assistive_technology():
    svg = parse(bar_chart([Bar("All actions", [1, 3, 2, 3, 1])], chart_id="chart-overall"))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-overall-title chart-overall-desc"
    assert svg.find("svg:title", NS).get("id") == "chart-overall-title"
    assert svg.find("svg:title", NS).text == "RAG of all actions"
    assert svg.find("svg:desc", NS).get("id") == "chart-overall-desc"
    assert svg.find("svg:desc", NS).text == "Summary"
    assert svg.get("viewBox").startswith(f"0 0 {WIDTH} ")


def test_bar_chart_has_a_key_with_every_rag_in_words():
    svg = parse(bar_chart([Bar("All actions", [1, 3, 2, 3, 1])]))
    key = svg.find("svg:g[@class='app-chart__key']", NS)
    assert [text.text for text in key.iter(f"{SVG}text")] == KEY_LABELS
    # Each label has its swatch in the colour of its tag.
    assert [rect.get("fill") for rect in segments(key)] == [series.fill for series in RAG_SERIES]


def test_bar_chart_segments_are_in_proportion_to_their_counts_on_one_scale():
    svg = parse(bar_chart([Bar("Plan A", [2, 4, 0, 2, 0]), Bar("Plan B", [0, 0, 1, 1, 0])]))
    plan_a, plan_b = svg.findall("svg:g[@class='app-chart__bar']", NS)
    widths_a = {rect.get("data-series"): float(rect.get("width")) for rect in segments(plan_a)}
    widths_b = {rect.get("data-series"): float(rect.get("width")) for rect in segments(plan_b)}
    # A zero count draws nothing; the largest total (8) fills the width.
    assert widths_a == pytest.approx({"blue": WIDTH / 4, "green": WIDTH / 2, "red": WIDTH / 4})
    assert widths_b == pytest.approx({"amber": WIDTH / 8, "red": WIDTH / 8})
    # Segments follow each other from the left, in RAG order.
    xs = [float(rect.get("x")) for rect in segments(plan_a)]
    assert xs == pytest.approx([0, WIDTH / 4, 3 * WIDTH / 4])


def test_bar_chart_prints_count_and_percentage_in_a_segment_where_it_fits():
    svg = parse(bar_chart([Bar("Plan A", [60, 3, 1, 0, 0])]))
    bar = svg.find("svg:g[@class='app-chart__bar']", NS)
    # 60 Blue is wide enough for "60 (94%)", 3 Green (45 units) only for "3", 1 Amber for nothing.
    assert texts(bar) == ["Plan A (64 actions)", "60 (94%)", "3"]
    # Every segment still says what it is in its tooltip.
    assert [title.text for title in bar.iter(f"{SVG}title")] == [
        "Plan A: 60 actions Blue: Complete (94%)",
        "Plan A: 3 actions Green: On track (5%)",
        "Plan A: 1 action Amber: At risk (1%)",
    ]


def test_bar_chart_segment_text_is_in_the_text_colour_of_its_tag():
    svg = parse(bar_chart([Bar("All", [1, 1, 1, 1, 1])]))
    bar = svg.find("svg:g[@class='app-chart__bar']", NS)
    printed = {}
    for segment in bar.findall("svg:g", NS):
        rect, text = segment.find("svg:rect", NS), segment.find("svg:text", NS)
        printed[rect.get("data-series")] = (text.text, text.get("fill"))
    assert printed == {
        "blue": ("1 (20%)", "#ffffff"),
        "green": ("1 (20%)", "#ffffff"),
        "amber": ("1 (20%)", "#0b0c0c"),
        "red": ("1 (20%)", "#ffffff"),
        "none": ("1 (20%)", "#0b0c0c"),
    }


def test_bar_chart_with_no_actions_says_so():
    svg = parse(bar_chart([Bar("Empty plan", [0, 0, 0, 0, 0])]))
    assert "No actions" in texts(svg)
    assert segments(svg.find("svg:g[@class='app-chart__bar']", NS)) == []


def test_text_put_into_a_chart_is_escaped():
    label = 'Plan <script>alert("x")</script> & Co'
    markup = stacked_bar_chart(
        [Bar(label, [1, 0, 0, 0, 0])],
        chart_id="chart-x",
        title='Title with <b> & "quotes"',
        description="Desc </desc><script>",
    )
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    svg = parse(markup)  # still well-formed
    assert svg.find("svg:title", NS).text == 'Title with <b> & "quotes"'
    assert svg.find("svg:desc", NS).text == "Desc </desc><script>"
    assert f"{label} (1 action)" in texts(svg)


def test_charts_are_written_as_elementtree_writes_them(monkeypatch):
    """charts.serialised() is a faster ET.tostring(): the same text, escaping included."""
    trees = []
    monkeypatch.setattr(charts, "_finish", lambda svg: trees.append(svg) or charts.serialised(svg))
    awkward = 'Plan <b>"one"</b> & Co\tline\nbreak\r'
    stacked_bar_chart(
        [Bar(awkward, [1, 2, 0, 3, 0]), Bar("Empty", [0, 0, 0, 0, 0])], chart_id="b", title=awkward, description=awkward
    )
    stacked_column_chart(
        [Column(label_lines=("Q3", "2021"), label=awkward, values=[4, 0, 1, 0, 2])],
        chart_id="c",
        title="t",
        description="d",
    )
    assert len(trees) == 2
    for tree in trees:
        assert charts.serialised(tree) == ET.tostring(tree, encoding="unicode")


# --- 100% stacked columns ---------------------------------------------------------------------


def column_chart(columns):
    return parse(stacked_column_chart(columns, chart_id="chart-q", title="Over time", description="Figures"))


def test_column_chart_is_valid_svg_with_title_desc_and_key():
    svg = column_chart([Column(("Q3", "2021"), "End of Q3 2021", [1, 2, 1, 0, 0])])
    assert svg.get("role") == "img"
    assert svg.find("svg:title", NS).text == "Over time"
    assert svg.find("svg:desc", NS).text == "Figures"
    key = svg.find("svg:g[@class='app-chart__key']", NS)
    assert [text.text for text in key.iter(f"{SVG}text")] == KEY_LABELS


def test_column_chart_stacks_each_column_to_100_percent_in_proportion():
    svg = column_chart(
        [
            Column(("Q2", "2021"), "End of Q2 2021", [0, 2, 1, 0, 1]),
            Column(("Q3", "2021"), "End of Q3 2021", [1, 2, 1, 0, 0]),
        ]
    )
    q2, q3 = svg.findall("svg:g[@class='app-chart__column']", NS)
    heights = {rect.get("data-series"): float(rect.get("height")) for rect in segments(q2)}
    assert heights == pytest.approx(
        {"green": charts.PLOT_HEIGHT / 2, "amber": charts.PLOT_HEIGHT / 4, "none": charts.PLOT_HEIGHT / 4}
    )
    assert sum(float(rect.get("height")) for rect in segments(q3)) == pytest.approx(charts.PLOT_HEIGHT)
    # Blue at the bottom: the first segment reaches down to the axis.
    first = segments(q3)[0]
    assert first.get("data-series") == "blue"
    assert float(first.get("y")) + float(first.get("height")) == pytest.approx(
        max(float(rect.get("y")) + float(rect.get("height")) for rect in segments(q3))
    )
    assert texts(q3) == ["Q3", "2021", "4 actions", "25%", "50%", "25%"]


def test_column_chart_says_when_a_period_has_no_actions():
    svg = column_chart([Column(("Q1", "2020"), "End of Q1 2020", [0, 0, 0, 0, 0])])
    column = svg.find("svg:g[@class='app-chart__column']", NS)
    assert texts(column) == ["Q1", "2020", "0 actions", "None"]
    assert segments(column) == []


# --- Colours -----------------------------------------------------------------------------------


def test_chart_colours_are_those_of_the_rag_tags_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    for series in RAG_SERIES:
        rule = re.search(r"\.rag--" + (series.key or "none") + r"\{([^}]*)\}", css).group(1)
        assert f"background-color:{series.fill}" in rule
        text_colour = re.search(r"(?<!-)color:(#[0-9a-f]+)", rule).group(1)
        if len(text_colour) == 4:  # #fff is #ffffff
            text_colour = "#" + "".join(digit * 2 for digit in text_colour[1:])
        assert text_colour == series.text_fill

"""The committee paper's measures appendices (issue 10, item 5): "Measures that matter" (Measure,
Baseline, Actual with its period, Target, RAG in words, direction of travel) and the monthly
figures, seed 002's Jigsaw tables ("196 (87%)"), read back from the PDF with pypdf.

Which measures a paper holds (reports.papers.measures): those of the plans on the meeting's
monitoring list, of the plans the body owns, and of the body's core data set; no others."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from actionplans.measures.units import MeasureUnit
from actionplans.plans.rag import Direction, RagRule
from reports.models import CommitteePaper
from reports.papers.content import paper_content
from reports.papers.forms import CommitteePaperForm
from reports.papers.measures import PERIOD_COLUMNS, figure_cell, monthly_appendix, window_start
from reports.papers.pdf import committee_paper_html
from reports.papers.services import paper_publish
from tests.factories import MeasureFactory, MeasureTargetFactory, MeasureValueFactory, PlanFactory
from tests.reports.test_papers import build_panel, in_order, page_texts, pdf_text, saved_paper
from tests.worlds import World

pytestmark = pytest.mark.django_db
DAY = datetime.date

# Seed 002, item 6, "Jigsaw key performance Data, April – October 2021": visits in timescale and
# the number of children open to Jigsaw, period by period (the last on October 19th).
PERIODS = [DAY(2021, 4, 30), DAY(2021, 5, 31), DAY(2021, 6, 30), DAY(2021, 7, 31), DAY(2021, 8, 31),
           DAY(2021, 9, 30), DAY(2021, 10, 19)]  # fmt: skip
VISITS_IN = [(196, 87), (202, 83), (217, 86), (209, 81), (213, 81), (222, 84), (237, 90)]
OPEN_TO_JIGSAW = [266, 281, 288, 297, 302, 304, 308]
PERIOD_HEADINGS = ["April 2021", "May 2021", "June 2021", "July 2021", "August 2021", "September 2021",
                   "19 October 2021"]  # fmt: skip


def add_measures(world: World) -> World:
    """On the panel's plan (its monitoring list's): visits in timescale (target 90%, so October's
    90% is Green) and the children open to Jigsaw (neither way better: no RAG). In another plan,
    not before the panel: a measure in the panel's core data set, and one that is not."""
    plan, body = world["plan"], world["body"]
    visits = MeasureFactory(
        plan=plan, position=1, name="Jigsaw: visits in timescale", baseline_value=80, baseline_date=DAY(2021, 3, 31)
    )
    MeasureTargetFactory(measure=visits, value=90)
    open_cases = MeasureFactory(
        plan=plan,
        position=2,
        name="Number of children open to Jigsaw",
        unit=MeasureUnit.COUNT,
        direction=Direction.NEITHER,
        rag_rule=RagRule.NONE,
    )
    for day, (numerator, value), count in zip(PERIODS, VISITS_IN, OPEN_TO_JIGSAW, strict=True):
        MeasureValueFactory(measure=visits, period_end=day, value=value, numerator=numerator)
        MeasureValueFactory(measure=open_cases, period_end=day, value=count)
    elsewhere = PlanFactory(title="Children and Learning Service Improvement Plan")
    core = MeasureFactory(
        plan=elsewhere,
        name="Percentage of Audits good or better",
        rag_rule=RagRule.BANDS,
        green_threshold=70,
        amber_threshold=60,
    )
    core.core_data_set_of.add(body)
    MeasureValueFactory(measure=core, period_end=DAY(2021, 9, 30), value=55)
    other = MeasureFactory(plan=elsewhere, name="Number of referrals per 10k", unit=MeasureUnit.RATE_PER_10000)
    MeasureValueFactory(measure=other, period_end=DAY(2021, 9, 30), value=Decimal("512.3"))
    world |= {"visits": visits, "open": open_cases, "core": core, "other": other, "elsewhere": elsewhere}
    return world


@pytest.fixture
def world(world, db, as_at):
    return add_measures(build_panel(world))


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """The panel's paper with its measures, published; then everything rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = add_measures(build_panel(World()))
        paper = saved_paper(world["meeting"], world["support"])
        record = paper_publish(paper=paper, by=world["support"])
        result = {"content": bytes(record.content), "html": committee_paper_html(paper)}
        transaction.set_rollback(True)
    return result


# --- what the PDF says --------------------------------------------------------------------------------


def test_the_appendices_are_listed_and_titled_as_the_others(published):
    text = pdf_text(published["content"])
    assert in_order(
        text,
        [
            "Appendices",
            "1. Monitoring Scrutiny Recommendations – 4 November 2021",
            "2. Measures that matter as at 4 November 2021",
            "3. Key performance data, April – October 2021",
            "Other documents",
            "APPENDIX 1: MONITORING SCRUTINY RECOMMENDATIONS",
            "APPENDIX 2: MEASURES THAT MATTER AS AT 4 NOVEMBER 2021",
            "APPENDIX 3: KEY PERFORMANCE DATA, APRIL – OCTOBER 2021",
        ],
    ), text


def test_measures_that_matter_shows_baseline_actual_with_its_period_target_rag_in_words_and_travel(published):
    pages = page_texts(published["content"])
    appendix = " ".join(page for page in pages if "MEASURES THAT MATTER AS AT" in page)
    assert in_order(appendix, ["Measure", "Baseline", "Actual", "Target", "RAG", "Direction of travel"])
    assert in_order(
        appendix,
        [
            "Monitoring scrutiny recommendations 2021-22",
            "Jigsaw: visits in timescale", "80%", "31 March 2021",  # the baseline with its date
            "237 (90%)", "19 October 2021",  # the actual with its period
            "90%", "Green: On target", "Improving, from 84% in September 2021",
            "Number of children open to Jigsaw", "Not set", "308", "19 October 2021", "No target",
            "No RAG rule", "Up, from 304 in September 2021",
        ],
    ), appendix  # fmt: skip
    # The core data set's measure from a plan not before the panel, marked as such, on its bands.
    assert in_order(
        appendix,
        [
            "Children and Learning Service Improvement Plan",
            "Percentage of Audits good or better", "Core data set", "55%", "September 2021",
            "Green 70%, amber 60%", "Red: Significant variance", "No previous value",
        ],
    )  # fmt: skip
    assert "Number of referrals per 10k" not in pdf_text(published["content"])  # not before the panel


def test_the_monthly_figures_are_seed_002s_jigsaw_table(published):
    pages = page_texts(published["content"])
    appendix = " ".join(page for page in pages if "KEY PERFORMANCE DATA" in page)
    assert in_order(appendix, ["Monitoring scrutiny recommendations 2021-22: April – October 2021", "Measure"])
    assert in_order(appendix, PERIOD_HEADINGS)
    # Row by row, cell by cell, as the paper prints them: "196 (87%)" ... and the counts alone.
    assert in_order(appendix, ["Jigsaw: visits in timescale", *[f"{n} ({v}%)" for n, v in VISITS_IN]])
    assert in_order(appendix, ["Number of children open to Jigsaw", *[str(count) for count in OPEN_TO_JIGSAW]])
    assert in_order(appendix, ["Children and Learning Service Improvement Plan: September 2021", "55%"])


def test_the_measures_appendices_are_on_landscape_pages_and_nothing_runs_off_them(published):
    reader = PdfReader(io.BytesIO(published["content"]))
    for page, text in zip(reader.pages, page_texts(published["content"]), strict=True):
        if "MEASURES THAT MATTER AS AT" in text or "KEY PERFORMANCE DATA," in text:
            assert page.mediabox.width > page.mediabox.height
    # Every cell of the widest row is on the page: its last period is printed in full.
    assert "19 October 2021" in " ".join(page_texts(published["content"])[-1:])


def test_the_appendices_are_tagged_tables_with_header_cells(published):
    html = published["html"]
    assert '<table class="measures">' in html and '<table class="figures" style="width: 267mm">' in html
    assert html.count('<th scope="col">Direction of travel</th>') == 2  # a table a plan
    assert '<th scope="row">Jigsaw: visits in timescale</th>' in html


# --- which measures, and when there are none ------------------------------------------------------


def measures_of(paper) -> list[str]:
    content = paper_content(paper)
    return [item.row.measure.name for group in content.measures.plans for item in group.measures]


def test_a_paper_holds_the_measures_of_the_plans_before_the_body_and_its_core_data_set(world):
    paper = saved_paper(world["meeting"], world["support"])
    assert measures_of(paper) == [
        "Percentage of Audits good or better",  # core data set (its plan's title sorts first)
        "Jigsaw: visits in timescale",  # the monitoring list's plan
        "Number of children open to Jigsaw",
    ]
    # A plan the body owns is before it too, even with nothing on the list.
    owned = MeasureFactory(plan=PlanFactory(title="Zebra plan", owning_body=world["body"]), name="Owned measure")
    assert "Owned measure" in measures_of(paper)
    owned.delete()
    # A plan neither on the list nor the body's is not, unless its measure is in the core data set.
    world["other"].core_data_set_of.add(world["body"])
    assert "Number of referrals per 10k" in measures_of(paper)


def test_turned_off_or_with_no_measures_the_appendices_are_left_out(world):
    paper = saved_paper(world["meeting"], world["support"], include_measures=False)
    content = paper_content(paper)
    assert content.measures is None and [a.title for a in content.appendices][1:] == [
        "Key performance data, April – October 2021"
    ]
    paper.include_measure_figures = False
    assert [a.anchor for a in paper_content(paper).appendices] == ["appendix-1"]
    # With every measure gone, nothing is listed, even with both on.
    paper.include_measures = paper.include_measure_figures = True
    for measure in (world["visits"], world["open"], world["core"]):
        measure.delete()
    assert [a.anchor for a in paper_content(paper).appendices] == ["appendix-1"]


def test_the_edit_form_offers_both_appendices_and_saves_the_choice(world):
    paper = saved_paper(world["meeting"], world["support"])
    form = CommitteePaperForm(instance=paper)
    assert form.fields["appendices"].initial == ["measures", "measure_figures"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"opened_version": paper.version, "key_decision": "False", "appendices": ["rag", "measure_figures"]}
    form = CommitteePaperForm(data, instance=paper)
    assert form.is_valid(), form.errors
    assert (
        form.instance.include_rag_summary,
        form.instance.include_measures,
        form.instance.include_measure_figures,
    ) == (
        True,
        False,
        True,
    )


# --- the monthly tables: windows and splitting --------------------------------------------------------


def test_a_year_of_months_is_split_into_two_tables_of_six_consecutive_periods(world):
    visits = world["visits"]
    for month in range(1, 4):  # 28 January to 28 March 2021, before seed 002's April to October
        MeasureValueFactory(measure=visits, period_end=DAY(2021, month, 28), value=80, numerator=190)
    MeasureValueFactory(measure=visits, period_end=DAY(2020, 11, 30), value=79)  # before the year to the meeting
    appendix = monthly_appendix([visits], on=DAY(2021, 11, 4))
    assert window_start(DAY(2021, 11, 4)) == DAY(2020, 12, 1)
    assert [len(table.periods) for table in appendix.tables] == [5, 5]  # Jan–Oct: 10 periods, 5 and 5
    first, second = appendix.tables
    assert first.periods[0] == "28 January 2021" and second.periods[-1] == "19 October 2021"
    assert first.span == "January – May 2021" and appendix.span == "January – October 2021"
    assert all(len(table.periods) <= PERIOD_COLUMNS for table in appendix.tables)


def test_cells_are_printed_as_seed_002_prints_them():
    assert figure_cell("percentage", Decimal("87"), 196) == "196 (87%)"
    assert figure_cell("percentage", Decimal("53.76"), 143) == "143 (53.76%)"
    assert figure_cell("count", Decimal("266"), None) == "266"
    assert figure_cell("rate_per_10000", Decimal("42.1"), None) == "42.1 per 10,000"


# --- queries -----------------------------------------------------------------------------------------


def count_queries(make) -> int:
    with CaptureQueriesContext(connection) as queries:
        make()
    return len(queries)


def test_the_papers_data_takes_the_same_queries_for_2_or_40_measures_and_7_or_36_periods(world):
    paper = saved_paper(world["meeting"], world["support"])
    paper = CommitteePaper.objects.select_related("meeting__body__organisation").get(pk=paper.pk)
    few = count_queries(lambda: paper_content(paper))
    ends = [DAY(2021, 10, 1)]
    while len(ends) < 36:  # the 36 month ends to September 2021
        ends.append(ends[-1].replace(day=1) - datetime.timedelta(days=1))
    for n in range(37):
        measure = MeasureFactory(plan=world["plan"], position=10 + n)
        MeasureTargetFactory(measure=measure, value=80)
        for back, end in enumerate(ends[1:] + [ends[-1].replace(day=1) - datetime.timedelta(days=1)]):
            MeasureValueFactory(measure=measure, period_end=end, value=50 + back % 7)
    paper = CommitteePaper.objects.select_related("meeting__body__organisation").get(pk=paper.pk)
    many = count_queries(lambda: paper_content(paper))
    assert few == many
    paper.include_measures = paper.include_measure_figures = False
    without = count_queries(lambda: paper_content(paper))
    # The measures with their latest figures, target and core data set mark; the window's values.
    assert many - without == 2

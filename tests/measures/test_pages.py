"""The pages of measures: a measure with its trend chart and history, the "Measures that matter"
tables of a plan, a body and everything, and the measures on the dashboards; what each shows,
and that none takes more queries for 1,000 measures than for 10, or for 60 periods than for 1."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.measures.selectors import DASHBOARD_LIMIT, measures_table, period_summary
from actionplans.measures.units import MeasureUnit
from actionplans.plans.rag import Direction, Rag, RagRule
from tests.factories import MeasureFactory, MeasureTargetFactory, MeasureValueFactory, PlanFactory
from tests.worlds import AS_AT

pytestmark = pytest.mark.usefixtures("as_at")

APRIL = datetime.date(2021, 4, 30)


def month_ends(count: int, *, last: datetime.date = datetime.date(2021, 10, 31)) -> list[datetime.date]:
    ends, day = [], last
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - datetime.timedelta(days=1)
    return sorted(ends)


@pytest.fixture
def world(world, db):
    """A plan of the panel's, led by Alison, with Sue as the data owner of its measures: visits
    in timescale (target 80%, the tolerance rule) and audits good or outstanding (bands)."""
    plan = PlanFactory(
        title="Children and Learning Service Improvement Plan", owning_body=world["panel"], lead=world["alison"]
    )
    visits = MeasureFactory(plan=plan, name="Percentage of CLA visits in timescale", data_owner=world["sue"])
    MeasureTargetFactory(measure=visits, value=80)
    audits = MeasureFactory(
        plan=plan,
        name="Percentage of Audits good or better",
        rag_rule=RagRule.BANDS,
        green_threshold=70,
        amber_threshold=60,
        data_owner=world["sue"],
    )
    for day, value in zip(month_ends(3, last=datetime.date(2021, 9, 30)), [70, 75, 77], strict=True):
        MeasureValueFactory(measure=visits, period_end=day, value=value)
    MeasureValueFactory(measure=audits, period_end=datetime.date(2021, 9, 30), value=62)
    world.update(plan=plan, visits=visits, audits=audits)
    return world


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- What the pages show --------------------------------------------------------------------


def test_the_measure_page_shows_the_trend_its_figures_and_each_points_rag(world, panel_client):
    response = panel_client.get(world["visits"].get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    chart = re.search(r"<svg[^>]*app-chart--trend.*?</svg>", page).group(0)
    assert 'role="img"' in chart
    # The text alternative says every figure and its RAG; so does the table after it.
    assert "July 2021: 70%, target 80%, Amber: Slight variance" in chart
    assert "September 2021: 77%, target 80%, Green: On target" in chart
    assert chart.count("<circle") >= 2 and "<polygon" in chart  # shapes, not colour alone
    table = page[page.index("The figures in the chart") :]
    assert re.search(r"September 2021</th>.*?77%.*?80%.*?Green: On target.*?Improving", table)
    assert "Green: On target</strong> 77%, September 2021" in page


def test_the_bands_are_drawn_and_named(world, panel_client):
    page = text(panel_client.get(world["audits"].get_absolute_url()))
    assert "Green from 70%" in page and "Amber from 60%" in page
    assert "Threshold bands: green at 70% or above, amber at 60% or above, red otherwise." in page
    assert "Amber: Slight variance</strong> 62%" in page


def test_a_measure_with_no_target_says_so_and_is_never_coloured(world, panel_client):
    measure = MeasureFactory(plan=world["plan"], name="Number of children open to Jigsaw", unit=MeasureUnit.COUNT)
    MeasureValueFactory(measure=measure, value=308)
    page = text(panel_client.get(measure.get_absolute_url()))
    assert "No target</strong> 308, September 2021" in page
    assert "rag--green" not in page and "rag--red" not in page


def test_the_measure_page_shows_its_history_of_corrections(world, panel_client, support_client):
    value = world["visits"].values.get(period_end=datetime.date(2021, 9, 30))
    value.value = Decimal(78)
    value.save()
    page = text(panel_client.get(world["visits"].get_absolute_url()))
    history = page[page.index("Change history") :]
    assert "Value for the period ending 30 September 2021: Changed" in history
    assert "<strong>Value</strong> changed from 77 to 78" in history


def test_the_plan_table_has_the_papers_columns(world, panel_client):
    page = text(panel_client.get(reverse("plan_measures", args=[world["plan"].pk])))
    for heading in ["Measure", "Baseline", "Actual", "Target", "RAG", "Since the previous period"]:
        assert f'class="govuk-table__header">{heading}</th>' in page
    assert re.search(
        r"CLA visits in timescale</a></th>.*?77%.*?September 2021.*?80%.*?Green: On target"
        r".*?Improving.*?from 75%, August 2021",
        page,
    )
    assert re.search(
        r"Audits good or better</a></th>.*?62%.*?Green 70%, amber 60%.*?Amber: Slight variance.*?No previous value",
        page,
    )
    # The share on each RAG at the latest period end, as seed 001 puts it.
    assert (
        "At 30 September 2021, 50% of the measures monitored were on target or were exceeding their target, "
        "50% were showing slight variance, and 0% were showing significant variance." in page
    )


def test_the_body_table_and_its_core_data_set(world, panel_client):
    world["audits"].core_data_set_of.add(world["panel"])
    everything = text(panel_client.get(reverse("body_measures", args=[world["panel"].pk])))
    core = text(panel_client.get(reverse("body_measures", args=[world["panel"].pk]) + "?core=yes"))
    assert "CLA visits in timescale" in everything and "Audits good or better" in everything
    assert "Audits good or better" in core and "CLA visits in timescale" not in core


def test_the_tables_hold_only_measures_the_viewer_may_read(world, outsider_client, officer_client):
    MeasureFactory(plan=PlanFactory(owning_body=world["police_board"]), name="Police measure")
    assert "Police measure" not in text(officer_client.get(reverse("measure_list")))
    assert outsider_client.get(world["visits"].get_absolute_url()).status_code == 404
    assert outsider_client.get(reverse("plan_measures", args=[world["plan"].pk])).status_code == 404
    assert "Police measure" in text(outsider_client.get(reverse("measure_list")))


def test_the_panels_dashboard_shows_the_measures_with_trend_and_rag(world, panel_client):
    page = text(panel_client.get(reverse("body_dashboard", args=[world["panel"].pk])))
    measures = page[page.index('id="measures"') : page.index('id="overdue"')]
    assert "Percentage of CLA visits in timescale" in measures
    assert "Green: On target" in measures and "Amber: Slight variance" in measures
    assert 'class="app-sparkline"' in measures and "Trend of Percentage of CLA visits in timescale" in measures
    assert "70% (31 Jul 2021), 75% (31 Aug 2021), 77% (30 Sep 2021)" in measures


def test_every_dashboard_has_the_share_on_each_rag(world, support_client):
    for url in [
        reverse("dashboard"),
        reverse("body_dashboard", args=[world["panel"].pk]),
        reverse("plan_dashboard", args=[world["plan"].pk]),
    ]:
        page = text(support_client.get(url))
        assert "Measures on each RAG at 30 September 2021" in page, url


# --- The period summary --------------------------------------------------------------------


def test_the_period_summary_counts_each_measure_by_its_newest_value(world):
    summary = period_summary(Measure.objects.filter(plan=world["plan"]), on=AS_AT)
    assert [(s.rag, s.count) for s in summary.summary.shares] == [(Rag.GREEN, 1), (Rag.AMBER, 1), (Rag.RED, 0)]
    assert summary.period_end == datetime.date(2021, 9, 30)
    # As at the end of August: visits 75% of a target of 80 (6.25% below) is amber; no audit yet.
    august = period_summary(Measure.objects.filter(plan=world["plan"]), on=datetime.date(2021, 8, 31))
    assert [(s.rag, s.count) for s in august.summary.shares] == [(Rag.GREEN, 0), (Rag.AMBER, 1), (Rag.RED, 0)]
    assert august.summary.without_rag == 1


def test_a_target_applies_from_its_date(world):
    MeasureTargetFactory(measure=world["visits"], value=90, applies_from=datetime.date(2021, 9, 1))
    row = measures_table(Measure.objects.filter(pk=world["visits"].pk), on=AS_AT).rows[0]
    assert (row.target, row.assessment.rag) == ("90%", Rag.AMBER)  # 77 is 14.4% below 90
    row = measures_table(Measure.objects.filter(pk=world["visits"].pk), on=datetime.date(2021, 8, 31)).rows[0]
    assert (row.target, row.actual) == ("80%", "75%")


# --- Queries --------------------------------------------------------------------------------


def add_measures(plan, count: int, periods: int, *, owner=None):
    ends = month_ends(periods)
    measures = Measure.objects.bulk_create(
        [
            Measure(
                plan=plan,
                position=100 + index,
                name=f"Measure {plan.pk}-{index}",
                unit=MeasureUnit.PERCENTAGE if index % 2 else MeasureUnit.COUNT,
                direction=Direction.HIGHER if index % 3 else Direction.LOWER,
                rag_rule=RagRule.BANDS if index % 5 == 0 else RagRule.TOLERANCE,
                green_threshold=(70 if index % 3 else 20) if index % 5 == 0 else None,
                amber_threshold=(60 if index % 3 else 30) if index % 5 == 0 else None,
                data_owner=owner,
            )
            for index in range(count)
        ]
    )
    MeasureValue.objects.bulk_create(
        [
            MeasureValue(measure=measure, period_end=day, value=40 + (number * 7 + measure.pk) % 60)
            for measure in measures
            for number, day in enumerate(ends)
        ]
    )
    MeasureTarget.objects.bulk_create(
        [MeasureTarget(measure=m, value=75) for m in measures if m.rag_rule == "tolerance"]
    )


# 1 session, 1 user, 1 the signed-in person (page header); and the page's own, below.
BASE = 3


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # the plan; the viewer's groups, person and bodies (access); how many measures, the page's
        # rows with their latest figures, plan and owner, their trends, the period summary
        ("plan_measures", 8),
        # the body; the viewer's groups, person and bodies; then as the plan's table
        ("body_measures", 8),
        # the viewer's groups, person and bodies; then as the plan's table
        ("measure_list", 7),
        # the viewer's groups, person and bodies; the body; the dashboard's 9 for actions
        # (tests/reports/test_dashboard.py: those of the dashboard of everything but the person
        # in the header, already read); the measures' share on each RAG, the first
        # DASHBOARD_LIMIT measures with their latest figures, their trends
        ("body_dashboard", 16),
    ],
)
def test_tables_take_the_same_queries_for_10_or_1000_measures(world, lead_client, name, queries):
    plan = world["plan"]
    url = reverse(name, args=[] if name == "measure_list" else [world["panel"].pk if "body" in name else plan.pk])
    add_measures(plan, 8, 3)
    count_queries(lead_client, url)  # the dashboard records its month-ends the first time
    few = count_queries(lead_client, url)
    add_measures(PlanFactory(owning_body=world["panel"], lead=world["alison"]), 990, 3)
    many = count_queries(lead_client, url)
    assert few == many == BASE + queries


def test_tables_take_the_same_queries_for_1_or_60_periods(world, lead_client):
    url = reverse("plan_measures", args=[world["plan"].pk])
    one = PlanFactory(owning_body=world["panel"], lead=world["alison"])
    add_measures(one, 10, 1)
    few = count_queries(lead_client, reverse("plan_measures", args=[one.pk]))
    sixty = PlanFactory(owning_body=world["panel"], lead=world["alison"])
    add_measures(sixty, 10, 60)
    assert count_queries(lead_client, reverse("plan_measures", args=[sixty.pk])) == few == BASE + 8
    assert count_queries(lead_client, url) == few


def test_the_dashboard_lists_the_first_measures_and_links_to_the_rest(world, support_client):
    add_measures(world["plan"], 30, 2)
    response = support_client.get(reverse("plan_dashboard", args=[world["plan"].pk]))
    measures = response.context["page"].measures
    assert len(measures.rows) == DASHBOARD_LIMIT and measures.total == 32 and measures.is_cut
    assert f'href="{reverse("plan_measures", args=[world["plan"].pk])}"' in response.content.decode()


def test_the_measure_page_takes_the_same_queries_for_1_or_60_values(world, panel_client, django_assert_num_queries):
    measure = MeasureFactory(plan=world["plan"], name="Visits")
    MeasureValueFactory(measure=measure, period_end=APRIL, value=87, numerator=196)
    # the viewer's groups, the measure with plan, body and owner; its recommendations with their
    # sources, actions, bodies; the access check's bodies of the viewer; the values, the targets;
    # 5 for the change history of the measure, its values and targets, and the names in it
    with CaptureQueriesContext(connection) as first:
        panel_client.get(measure.get_absolute_url())
    MeasureValue.objects.bulk_create(
        [
            MeasureValue(measure=measure, period_end=day, value=50 + n % 40)
            for n, day in enumerate(month_ends(59, last=datetime.date(2026, 3, 31)))
        ]
    )
    with django_assert_num_queries(len(first.captured_queries)):
        response = panel_client.get(measure.get_absolute_url())
    assert len(response.context["page"].points) == 60

"""Measures in the tracker's Excel download (issue 10, item 5): a "Measures" worksheet (a row a
measure: baseline, newest figure with its period, target, RAG in words, direction of travel)
and a "Measure values" worksheet (a row a value, with the target of its period and its RAG),
after the tracker's own; only measures the viewer may read, of the plans the download covers;
formula-looking text kept as text; a fixed number of queries however many measures and values;
the values sheet reads back through the values upload."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.kernel.jobs.models import JobStatus
from actionplans.measures.units import MeasureUnit
from actionplans.plans.rag import Direction, RagRule
from partners.access import viewer_for
from reports.exports.measures_sheet import MEASURE_COLUMNS, VALUE_COLUMNS
from reports.measure_values.services import UNCHANGED, measure_values_preview
from reports.measure_values.sheet import read_values_sheet
from reports.uploads import read_upload
from tests.factories import ActionFactory, MeasureFactory, MeasureTargetFactory, MeasureValueFactory, PlanFactory
from tests.jobs import job_from, run_pending_jobs

DAY = datetime.date


@pytest.fixture
def world(world, db, as_at):
    """The APA plan's measures, and the police plan's (which Sue may not read).

    visits (APA): target 90% to August, 95% from September; 196 (87%) in August, 222 (84%) in
                  September and 237 of 263 (90%) on 19 October: Amber, improving.
    open (APA):   a count, neither way better: 304 then 308.
    police:       a count in the police plan.
    """
    apa, police_plan = world["apa"], world["police_plan"]
    visits = MeasureFactory(
        plan=apa,
        position=1,
        name="=Percentage of visits in timescale",  # formula-looking: must stay text
        baseline_value=80,
        baseline_date=DAY(2021, 3, 31),
        data_owner=world["sue"],
        data_source="Paris",
    )
    MeasureTargetFactory(measure=visits, value=90)
    MeasureTargetFactory(measure=visits, value=95, applies_from=DAY(2021, 9, 30))
    MeasureValueFactory(measure=visits, period_end=DAY(2021, 8, 31), value=87, numerator=196)
    MeasureValueFactory(measure=visits, period_end=DAY(2021, 9, 30), value=84, numerator=222, note="@SUM(A1)")
    MeasureValueFactory(
        measure=visits, period_end=DAY(2021, 10, 19), value=90, numerator=237, denominator=263, entered_by=world["sue"]
    )
    visits.core_data_set_of.add(world["families_panel"])
    open_cases = MeasureFactory(
        plan=apa,
        position=2,
        name="Number of children open to Jigsaw",
        unit=MeasureUnit.COUNT,
        direction=Direction.NEITHER,
        rag_rule=RagRule.NONE,
    )
    MeasureValueFactory(measure=open_cases, period_end=DAY(2021, 9, 30), value=304)
    MeasureValueFactory(measure=open_cases, period_end=DAY(2021, 10, 19), value=308)
    police = MeasureFactory(plan=police_plan, name="Police referrals", unit=MeasureUnit.COUNT)
    MeasureValueFactory(measure=police, period_end=DAY(2021, 9, 30), value=3)
    world |= {"visits": visits, "open": open_cases, "police": police}
    return world


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(sheet) -> list[list]:
    """The worksheet's rows under its title: headings, then data."""
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_workbook_has_the_measures_and_their_values_after_the_tracker(support_client, world):
    book = workbook(support_client.get(reverse("tracker_export")))
    assert book.sheetnames == ["Tracker", "Measures", "Measure values"]
    measures = table(book["Measures"])
    assert measures[0] == [column.heading for column in MEASURE_COLUMNS]
    rows = {row[2]: dict(zip(measures[0], row, strict=True)) for row in measures[1:]}
    assert list(rows) == ["=Percentage of visits in timescale", "Number of children open to Jigsaw", "Police referrals"]
    visits = rows["=Percentage of visits in timescale"]
    assert visits == visits | {
        "Measure ID": world["visits"].pk,
        "Plan": "APA action plan",
        "Unit": "Percentage",
        "Which way is better": "Higher is better",
        "Frequency": "Monthly",
        "Baseline": 80,
        "Baseline date": datetime.datetime(2021, 3, 31),
        "Latest period": "19 October 2021",
        "Latest period end": datetime.datetime(2021, 10, 19),
        "Latest value": 90,
        "Numerator": 237,
        "Denominator": 263,
        "Latest figure": "237 of 263 (90%)",
        "Target": "95%",  # the target from September on
        "RAG": "Amber: Slight variance",  # 90 is 5.3% short of 95
        "Direction of travel": "Improving",
        "Data owner": "Sue Allan",
        "Source of the data": "Paris",
        "Core data set of": "Children and Families Scrutiny Panel",
    }
    jigsaw = rows["Number of children open to Jigsaw"]
    assert (jigsaw["Latest figure"], jigsaw["RAG"], jigsaw["Direction of travel"], jigsaw["Target"]) == (
        "308",
        "No RAG rule",
        "Up",
        None,
    )


def test_each_value_has_the_target_of_its_period_and_its_rag(support_client, world):
    book = workbook(support_client.get(reverse("plan_tracker_export", args=[world["apa"].pk])))
    values = table(book["Measure values"])
    assert values[0] == [column.heading for column in VALUE_COLUMNS]
    shown = [(row[2], row[5], row[6], row[9], row[10], row[11], row[12]) for row in values[1:]]
    assert shown == [
        ("=Percentage of visits in timescale", "August 2021", 87, "196 (87%)", 90, "Green: On target", None),
        ("=Percentage of visits in timescale", "September 2021", 84, "222 (84%)", 95, "Amber: Slight variance",
         "@SUM(A1)"),
        ("=Percentage of visits in timescale", "19 October 2021", 90, "237 of 263 (90%)", 95,
         "Amber: Slight variance", None),
        ("Number of children open to Jigsaw", "September 2021", 304, "304", None, "No RAG rule", None),
        ("Number of children open to Jigsaw", "19 October 2021", 308, "308", None, "No RAG rule", None),
    ]  # fmt: skip
    assert values[3][4] == datetime.datetime(2021, 10, 19) and values[3][13] == "Sue Allan"
    assert "Police referrals" not in {row[2] for row in values}  # the plan's download: the plan's measures


def test_formula_looking_text_is_text_and_the_rag_is_filled_in_its_colour(support_client, world):
    book = openpyxl.load_workbook(io.BytesIO(support_client.get(reverse("tracker_export")).content))
    sheet = book["Measures"]
    name = sheet["C3"]
    assert name.value == "=Percentage of visits in timescale" and name.data_type == "s"
    assert sheet["P3"].value == "Amber: Slight variance" and sheet["P3"].fill.fgColor.rgb.endswith("FFBF47")
    note = book["Measure values"]["M4"]
    assert note.value == "@SUM(A1)" and note.data_type == "s"
    assert book["Measures"].freeze_panes == "A3" and book["Measures"].auto_filter.ref == "A2:T5"


def test_only_measures_the_viewer_may_read_of_the_plans_the_download_covers(client, support_client, world):
    client.force_login(world["sue"].user)
    names = {row[2] for row in table(workbook(client.get(reverse("tracker_export")))["Measures"])[1:]}
    assert names == {"=Percentage of visits in timescale", "Number of children open to Jigsaw"}
    # The tracker's plan filter narrows the measures too; another plan's id in the address shows no more.
    book = workbook(support_client.get(reverse("tracker_export") + f"?plan={world['police_plan'].pk}"))
    assert [row[2] for row in table(book["Measures"])[1:]] == ["Police referrals"]
    client.force_login(world["bob"].user)
    book = workbook(client.get(reverse("tracker_export")))
    assert [row[2] for row in table(book["Measures"])[1:]] == ["Police referrals"]


def test_no_measures_no_measures_sheets_and_csv_has_none(support_client, world):
    plan = PlanFactory(title="A plan with no measures")
    book = workbook(support_client.get(reverse("plan_tracker_export", args=[plan.pk])))
    assert book.sheetnames == ["Tracker"]
    csv = b"".join(support_client.get(reverse("tracker_export_csv")).streaming_content).decode("utf-8-sig")
    assert "Percentage of visits in timescale" not in csv


def test_the_values_sheet_reads_back_through_the_values_upload(support_client, world):
    content = support_client.get(reverse("plan_tracker_export", args=[world["apa"].pk])).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    for name in ("Tracker", "Measures"):
        del book[name]  # the upload reads the first worksheet
    buffer = io.BytesIO()
    book.save(buffer)
    rows, _skipped = read_values_sheet(read_upload(SimpleUploadedFile("values.xlsx", buffer.getvalue())).rows)
    preview = measure_values_preview(viewer=viewer_for(world["support"]), user_id=1, sheet_rows=rows)
    assert [row.outcome for row in preview.rows] == [UNCHANGED] * 5  # every figure as it is


def download_queries(client, url) -> tuple[int, int]:
    """All the download's queries, and those that read measures."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), sum('"actionplans_measure' in query["sql"] for query in queries.captured_queries)


def test_the_measures_sheets_take_the_same_queries_for_3_or_40_measures_and_any_number_of_values(support_client, world):
    url = reverse("tracker_export")
    few = download_queries(support_client, url)
    for n in range(37):
        measure = MeasureFactory(plan=world["apa"], position=10 + n)
        MeasureTargetFactory(measure=measure, value=80)
        measure.core_data_set_of.add(world["panel"])
        for month in range(1, 10):
            MeasureValueFactory(measure=measure, period_end=DAY(2021, month, 28), value=70 + month)
    many = download_queries(support_client, url)
    assert few == many
    # The measures with their newest figures, their core data set bodies, their targets, their values.
    assert many[1] == 4


def test_a_download_written_by_a_background_job_has_the_same_measures(support_client, world, settings):
    ActionFactory(plan=world["apa"])
    direct = workbook(support_client.get(reverse("tracker_export")))
    settings.TRACKER_EXPORT_JOB_ROWS = 0
    job = job_from(support_client.get(reverse("tracker_export")))
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    made = workbook(support_client.get(reverse("job_download", args=[job.pk])))
    assert made.sheetnames == ["Tracker", "Measures", "Measure values"]
    for name in ("Measures", "Measure values"):
        assert list(made[name].values) == list(direct[name].values)

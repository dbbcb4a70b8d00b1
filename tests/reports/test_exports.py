"""Spreadsheet downloads of the tracker (/tracker/export.xlsx|.csv and /plans/<pk>/tracker/…):
the same rows as the tracker page under the same filters, all pages of them, in the page's
order; a well-formed workbook (title naming the filters, frozen headings, autofilter, real
dates, RAG fills, wrapped text); text that looks like a formula stays text in XLSX and is
neutralised in CSV; only what the viewer may read; queries that do not grow with the rows.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…)."""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans.models import Action
from actionplans.plans.rag import ActionStatus, Rag, rag_label, status_label
from partners.access import viewer_for
from reports.exports import csv as csv_writer
from reports.exports import rows as row_source
from reports.exports import xlsx
from reports.exports.csv import neutralise
from reports.exports.rows import TRACKER_COLUMNS, tracker_sheet
from reports.tracker.views import PER_PAGE
from reports.uploads import read_upload
from tests.factories import (
    ActionFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)

FORMULA_LOOKING = ["=1+1", "+44 23 8083 4848", "-5", "@SUM(A1)", "\tx", "\rcarriage", "#N/A", '=HYPERLINK("x")']


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def report(action, day, *, rag, status=ActionStatus.IN_PROGRESS):
    return ProgressUpdateFactory(action=action, reported_at=at_noon(day), rag=rag, status=status)


@pytest.fixture
def world(world, db, as_at):
    """Two plans of two organisations:

    ref  plan    RAG shown           status              target       lead
    1.1  APA     Green               in progress         31 Mar 2022  Alison (with Sue)
    1.2  APA     Red (overdue)       in progress         31 Oct 2021  Sue Allan
    2.1  APA     Amber, update due   partially complete  30 Jun 2022  Alison
    2.2  APA     not yet reported    -                   none         HoS Early Help
    3.1  APA     Blue                complete            30 Sep 2021  Sue Allan
    P1   Police  Red                 not started         31 Jan 2022  Bob Brown
    """
    alison, sue, hos, bob = world["alison"], world["sue"], world["hos"], world["bob"]
    rec = RecommendationFactory(source=world["inquiry"], label="a)", text="Improve the front door for referrals.")
    apa, police_plan = world["apa"], world["police_plan"]

    def action(plan, position, reference, description, lead, target, **extra):
        return ActionFactory(
            plan=plan,
            position=position,
            reference=reference,
            description=description,
            lead=lead,
            target_date=target,
            **({"target_date_text": "", "recommendation": rec} | extra),
        )

    a = {
        "1.1": action(apa, 1, "1.1", "Publish the thresholds document", alison, datetime.date(2022, 3, 31)),
        "1.2": action(apa, 2, "1.2", "Train the duty team", sue, datetime.date(2021, 10, 31)),
        "2.1": action(apa, 3, "2.1", "Cost a second centre", alison, datetime.date(2022, 6, 30)),
        "2.2": action(apa, 4, "2.2", "Find a building", hos, None, target_date_text="ongoing"),
        "3.1": action(apa, 5, "3.1", "Report back", sue, datetime.date(2021, 9, 30), recommendation=None),
        "P1": action(police_plan, 1, "P1", "Review custody records", bob, datetime.date(2022, 1, 31)),
    }
    a["1.1"].supporting_officers.add(sue)
    report(a["1.1"], datetime.date(2021, 10, 20), rag=Rag.GREEN)
    report(a["1.2"], datetime.date(2021, 10, 1), rag=Rag.GREEN)
    report(a["2.1"], datetime.date(2021, 6, 1), rag=Rag.AMBER, status=ActionStatus.PARTIALLY_COMPLETE)
    report(a["3.1"], datetime.date(2021, 9, 15), rag=Rag.BLUE, status=ActionStatus.COMPLETE)
    report(a["P1"], datetime.date(2021, 10, 15), rag=Rag.RED, status=ActionStatus.NOT_STARTED)
    world |= {"actions": a, "apa": apa, "police_plan": police_plan, "alison": alison, "bob": bob, "sue": sue}
    return world


# --- helpers ---------------------------------------------------------------------------

ROW = re.compile(r'<tr class="govuk-table__row" id="action-(\d+)">(.*?)</tr>', re.S)


def _cell_text(row_html: str, column: str) -> str:
    match = re.search(rf'app-tracker-table__{column}">(.*?)</td>', row_html, re.S)
    text = re.sub(r"<[^>]+>", "", match[1]) if match else ""
    return " ".join(text.split())


def page_rows(client, url: str, query: str) -> list[tuple[int, str, str]]:
    """(action id, RAG words, status) of every row of every page of the tracker page."""
    rows, page = [], 1
    while True:
        response = client.get(f"{url}?{query}&page={page}")
        assert response.status_code == 200
        html = response.content.decode()
        rows += [(int(pk), _cell_text(cells, "rag"), _cell_text(cells, "status")) for pk, cells in ROW.findall(html)]
        if f"page {page} of" not in html or f"page {page} of {page})" in html:
            return rows
        page += 1


def body(response) -> bytes:
    """The file a download gives, whole: a CSV streams in pieces."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def data_rows(worksheet) -> list[list]:
    return [list(row) for row in worksheet.iter_rows(min_row=3, values_only=True)]


def csv_rows(response) -> list[list[str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def column_index(heading: str) -> int:
    return [column.heading for column in TRACKER_COLUMNS].index(heading)


# --- the same rows as the page -----------------------------------------------------------

FILTER_COMBINATIONS = [
    "",
    "rag=red",
    "rag=red&rag=none",
    "status=in_progress&sort=-target",
    "lead=sue&sort=rag",
    "overdue=yes",
    "update_due=no&sort=-last_update",
    "target_from=01/10/2021&target_to=31/03/2022&sort=lead",
    "q=custody",
    "sort=-plan",
]


@pytest.mark.parametrize("query", FILTER_COMBINATIONS)
def test_xlsx_and_csv_rows_are_the_tracker_pages_rows_in_its_order(support_client, world, query):
    expected = page_rows(support_client, reverse("tracker"), query)
    assert expected, "each combination selects some rows"

    sheet = workbook(support_client.get(f"{reverse('tracker_export')}?{query}")).active
    rag, status = column_index("RAG"), column_index("Status")
    assert [(row[0], row[rag], row[status]) for row in data_rows(sheet)] == expected

    rows = csv_rows(support_client.get(f"{reverse('tracker_export_csv')}?{query}"))
    assert [(int(row[0]), row[rag], row[status]) for row in rows[1:]] == expected


def test_a_plans_export_has_the_plan_pages_rows_and_names_the_plan(support_client, world):
    apa = world["apa"]
    expected = page_rows(support_client, reverse("plan_tracker", args=[apa.pk]), "rag=green&rag=red")
    response = support_client.get(reverse("plan_tracker_export", args=[apa.pk]) + "?rag=green&rag=red")
    sheet = workbook(response).active
    assert [row[0] for row in data_rows(sheet)] == [pk for pk, _rag, _status in expected]
    assert [row[0] for row in data_rows(sheet)] == [world["actions"]["1.1"].pk, world["actions"]["1.2"].pk]
    assert sheet["A1"].value == "APA action plan: actions – RAG Green or Red – as at 4 November 2021"
    assert 'filename="tracker-apa-action-plan-2021-11-04.xlsx"' in response["Content-Disposition"]


def test_the_export_holds_every_page_not_just_the_first(support_client, world):
    plan = world["police_plan"]
    ActionFactory.create_batch(PER_PAGE + 5, plan=plan, lead=world["bob"])
    expected = page_rows(support_client, reverse("tracker"), "sort=target")
    assert len(expected) == PER_PAGE + 5 + 6
    sheet = workbook(support_client.get(reverse("tracker_export") + "?sort=target")).active
    assert [row[0] for row in data_rows(sheet)] == [pk for pk, _rag, _status in expected]


def test_every_cell_of_a_row_is_what_the_row_source_says(support_client, world):
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=thresholds")).active
    [row] = data_rows(sheet)
    assert row == [
        world["actions"]["1.1"].pk,
        "1.1",
        "Publish the thresholds document",
        "APA action plan",
        "a) Improve the front door for referrals.",
        "Children's APA Scrutiny Inquiry",
        "Alison Alexander",
        "Sue Allan",
        datetime.datetime(2022, 3, 31),
        None,
        "In progress",
        "Green: On track",
        datetime.datetime(2021, 10, 20),
        "No",
        "No",
    ]


def test_invalid_filters_send_the_download_back_to_the_page_that_explains_them(support_client, world):
    response = support_client.get(reverse("tracker_export") + "?target_from=yesterday&rag=red")
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker") + "?target_from=yesterday&rag=red"
    response = support_client.get(reverse("plan_tracker_export_csv", args=[world["apa"].pk]) + "?target_from=x")
    assert response["Location"] == reverse("plan_tracker", args=[world["apa"].pk]) + "?target_from=x"


# --- the workbook --------------------------------------------------------------------


def test_the_workbook_has_a_title_naming_the_filters_frozen_headings_and_an_autofilter(support_client, world):
    response = support_client.get(reverse("tracker_export") + "?rag=red&lead=Sue+Allan&sort=-target")
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="tracker-2021-11-04.xlsx"'
    sheet = workbook(response).active
    assert sheet["A1"].value == (
        "Tracker – RAG Red; lead ‘Sue Allan’; sorted by target date, descending – as at 4 November 2021"
    )
    assert sheet["A1"].font.bold
    assert [cell.value for cell in sheet[2]] == [column.heading for column in TRACKER_COLUMNS]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.max_row == 3  # 1.2 only
    assert sheet.auto_filter.ref == "A2:O3"
    assert sheet.column_dimensions["C"].width == 50  # the action: wide
    assert sheet.column_dimensions["B"].width == 8  # the reference: narrow


def test_without_filters_the_title_says_so(support_client, world):
    sheet = workbook(support_client.get(reverse("tracker_export"))).active
    assert sheet["A1"].value == "Tracker – every action you can see – as at 4 November 2021"
    assert sheet.auto_filter.ref == "A2:O8"


def test_dates_are_dates_numbers_numbers_and_text_wraps(support_client, world):
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=thresholds")).active
    target, last_update = sheet.cell(3, column_index("Target date") + 1), sheet.cell(3, column_index("Last update") + 1)
    for cell in (target, last_update):
        assert cell.is_date and cell.data_type == "d"
        assert cell.number_format == "d mmm yyyy"
    assert sheet["A3"].data_type == "n" and sheet["A3"].value == world["actions"]["1.1"].pk
    assert sheet["C3"].alignment.wrap_text and sheet["C3"].alignment.vertical == "top"
    assert sheet["C3"].data_type == "s"


def test_the_rag_is_words_in_a_cell_filled_with_its_colour(support_client, world):
    sheet = workbook(support_client.get(reverse("tracker_export"))).active
    rag = column_index("RAG") + 1
    fills = {row[rag - 1].value: row[rag - 1] for row in sheet.iter_rows(min_row=3)}
    assert set(fills) == {"Green: On track", "Red: Off track", "Amber: At risk", "Not yet reported", "Blue: Complete"}
    expected = {
        "Blue: Complete": ("005EA5", "FFFFFF"),
        "Green: On track": ("00703C", "FFFFFF"),
        "Amber: At risk": ("FFBF47", "0B0C0C"),
        "Red: Off track": ("AA2A16", "FFFFFF"),
        "Not yet reported": ("F3F2F1", "0B0C0C"),
    }
    for words, (fill, text) in expected.items():
        cell = fills[words]
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb[-6:] == fill
        assert cell.font.color.rgb[-6:] == text
        assert cell.font.bold


def test_rows_are_tall_enough_for_their_wrapped_text(support_client, world):
    """Set, not left to the spreadsheet: LibreOffice does not fit wrapped rows when it opens a file."""
    ActionFactory(plan=world["apa"], position=9, reference="9.9", description="Meet the partners. " * 20)
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=partners")).active
    assert sheet.row_dimensions[3].height == 15 * 8  # 380 characters, 54 a line in a column 50 wide: 8 lines
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=thresholds")).active
    assert sheet.row_dimensions[3].height == 15 * 2  # the source, 31 characters, 29 a line in the Source column


def test_every_xml_part_of_the_workbook_parses(support_client, world):
    """What a spreadsheet program opens: each part well-formed XML (LibreOffice opened the
    downloads without a repair prompt, converting them with --convert-to csv)."""
    content = support_client.get(reverse("tracker_export")).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert "_xlnm._FilterDatabase" in workbook_xml


# --- formula-looking text --------------------------------------------------------------


@pytest.fixture
def formula_actions(world):
    plan = PlanFactory(title="=Formula plan", owning_body=world["apa"].owning_body, lead=world["alison"])
    return [
        ActionFactory(plan=plan, position=index, reference=f"F{index}", description=text, lead=world["alison"])
        for index, text in enumerate(FORMULA_LOOKING, start=1)
    ]


def test_formula_looking_text_is_written_to_xlsx_as_text_and_read_back_unchanged(support_client, formula_actions):
    content = support_client.get(reverse("tracker_export") + "?q=&sort=plan").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    for action, text in zip(formula_actions, FORMULA_LOOKING, strict=True):
        description, plan = cells[action.pk][2], cells[action.pk][3]
        assert description.value == text
        assert description.data_type == "s"
        assert plan.value == "=Formula plan" and plan.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # not a formula anywhere


def test_formula_looking_text_is_neutralised_in_csv(support_client, formula_actions):
    rows = csv_rows(support_client.get(reverse("tracker_export_csv")))
    descriptions = {int(row[0]): row[2] for row in rows[1:]}
    for action, text in zip(formula_actions, FORMULA_LOOKING, strict=True):
        assert descriptions[action.pk] == ("'" + text if text[0] in "=+-@\t\r" else text)
    assert {row[3] for row in rows[1:] if int(row[0]) == formula_actions[0].pk} == {"'=Formula plan"}


def test_csv_numbers_are_unquoted_dates_iso_and_text_quoted(support_client, world):
    text = body(support_client.get(reverse("tracker_export_csv") + "?q=thresholds")).decode("utf-8-sig")
    header, row = text.splitlines()
    assert header.startswith('"Action ID","Ref.","Action"')
    assert row.startswith(f'{world["actions"]["1.1"].pk},"1.1","Publish the thresholds document"')
    assert ',"2022-03-31",' in row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 23", "'+44 23"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1+1", "'＝1+1"),
        ("a=1", "a=1"),
        ("Sue's", "Sue's"),
        ("bell\x07", "bell"),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_control_characters_a_workbook_cannot_hold_are_dropped(support_client, world):
    ActionFactory(plan=world["apa"], position=9, reference="9.9", description="Ring the bell\x07 twice")
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=bell")).active
    assert sheet["C3"].value == "Ring the bell twice"


def test_the_xlsx_read_back_through_the_upload_reader_gives_the_same_data(support_client, formula_actions):
    """Export, then read with reports.uploads (as the bulk update and the importer do)."""
    viewer = viewer_for(support_client.get(reverse("home")).wsgi_request.user)
    expected = list(tracker_sheet(viewer, QueryDict("")).values())
    content = support_client.get(reverse("tracker_export")).content
    table = read_upload(SimpleUploadedFile("tracker.xlsx", content))
    assert table.kind == "xlsx"
    assert table.rows[1] == [column.heading for column in TRACKER_COLUMNS]

    def as_read(value):  # the reader strips text and reads empty text as nothing
        if isinstance(value, str):
            return value.strip() or None
        return value

    assert table.rows[2:] == [[as_read(value) for value in row] for row in expected]


# --- permissions and queries ------------------------------------------------------------


def test_an_officer_exports_only_what_they_may_read(client, world):
    client.force_login(world["bob"].user)  # police: his own plan only
    sheet = workbook(client.get(reverse("tracker_export"))).active
    assert [row[1] for row in data_rows(sheet)] == ["P1"]
    rows = csv_rows(client.get(reverse("tracker_export_csv")))
    assert [row[1] for row in rows[1:]] == ["P1"]
    assert client.get(reverse("plan_tracker_export", args=[world["apa"].pk])).status_code == 404
    assert client.get(reverse("plan_tracker_export_csv", args=[world["apa"].pk])).status_code == 404
    # Another plan chosen by hand in the address is a filter error, not a way in.
    response = client.get(reverse("tracker_export") + f"?plan={world['apa'].pk}")
    assert response.status_code == 302 and response["Location"].startswith(reverse("tracker"))


@pytest.mark.parametrize("name", ["tracker_export", "tracker_export_csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_downloads_refuse_post(support_client, world):
    assert support_client.post(reverse("tracker_export")).status_code == 405


def test_the_tracker_page_links_to_the_downloads_with_its_filters(support_client, world):
    html = support_client.get(reverse("tracker") + "?rag=red&sort=-target").content.decode()
    assert f'href="{reverse("tracker_export")}?rag=red&amp;sort=-target">Download as a spreadsheet (.xlsx)' in html
    assert f'href="{reverse("tracker_export_csv")}?rag=red&amp;sort=-target">Download as a spreadsheet (.csv)' in html
    html = support_client.get(reverse("plan_tracker", args=[world["apa"].pk])).content.decode()
    assert f'href="{reverse("plan_tracker_export", args=[world["apa"].pk])}">Download as a spreadsheet (.xlsx)' in html


def make_actions(count: int, *, plan, source):
    for _ in range(count):
        action = ActionFactory(plan=plan, recommendation=RecommendationFactory(source=source))
        action.supporting_officers.add(PersonFactory(), PersonFactory())
        ProgressUpdateFactory(action=action)


def download_queries(client, name: str, query: str) -> int:
    """The queries of a download, to its last byte (a CSV streams after the view returns)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{reverse(name)}?{query}")
        assert response.status_code == 200
        body(response)
    return len(queries)


@pytest.mark.parametrize("name", ["tracker_export", "tracker_export_csv"])
@pytest.mark.parametrize("query", ["", "rag=green&rag=none&sort=-rag&lead=officer"])
def test_a_download_costs_the_same_queries_for_5_and_50_actions(support_client, as_at, monkeypatch, name, query):
    """Queries (6, filtered or not): session, user, the viewer's groups; the count of the rows
    (a larger download is made by a background job); the further responsible people of every
    row; the rows with plan, lead, recommendation and source, annotated with the RAG rules
    (on PostgreSQL through a server-side cursor). None per row, nor per batch of rows read."""
    monkeypatch.setattr(row_source, "CHUNK_SIZE", 4)  # 50 rows are read in 13 batches
    client = support_client
    plan, source = PlanFactory(), SourceFactory()
    make_actions(5, plan=plan, source=source)
    small = download_queries(client, name, query)
    make_actions(45, plan=plan, source=source)
    assert download_queries(client, name, query) == small
    assert small == (7 if name == "tracker_export" else 6)  # an .xlsx looks for measures too (measures_sheet.py)


def test_the_rows_of_a_sheet_are_read_in_two_queries(support_client, as_at, monkeypatch, django_assert_num_queries):
    """The row source alone: the further responsible people of every row, then the rows."""
    monkeypatch.setattr(row_source, "CHUNK_SIZE", 4)
    make_actions(30, plan=PlanFactory(), source=SourceFactory())
    viewer = viewer_for(support_client.get(reverse("home")).wsgi_request.user)
    sheet = tracker_sheet(viewer, QueryDict(""))
    with django_assert_num_queries(2):
        assert len(list(sheet.rows)) == 30


def test_further_responsible_people_are_listed_by_name_without_the_lead(support_client, world):
    action = world["actions"]["2.1"]  # led by Alison
    zoe, audit = PersonFactory(name="Zoe Young"), PersonFactory(name="", job_title="Head of Audit")
    action.supporting_officers.add(world["sue"], world["alison"], zoe, audit)
    sheet = workbook(support_client.get(reverse("tracker_export") + "?q=second+centre")).active
    [row] = data_rows(sheet)
    assert row[column_index("Lead")] == "Alison Alexander"
    # Ordered by name, as the tracker page lists them; someone known by their post has no name.
    assert row[column_index("Further responsible people")] == "Head of Audit, Sue Allan, Zoe Young"


def test_the_csv_download_streams_in_pieces_as_its_rows_are_read(support_client, world, monkeypatch):
    monkeypatch.setattr(csv_writer, "ROWS_PER_CHUNK", 2)
    response = support_client.get(reverse("tracker_export_csv"))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tracker-2021-11-04.csv"'
    pieces = list(response.streaming_content)
    assert len(pieces) == 4  # 6 rows, 2 a piece, and what is left (nothing) at the end
    assert pieces[0].startswith("\ufeff".encode() + b'"Action ID"')
    viewer = viewer_for(response.wsgi_request.user)
    assert b"".join(pieces) == csv_writer.write_csv(tracker_sheet(viewer, QueryDict("")))


def test_the_xlsx_and_csv_say_what_the_tracker_page_says_of_every_action(support_client, world):
    """RAG and status from the one rule module, whichever the format: here each action's, as
    the page shows it, against rag.rag_label and rag.status_label of the action itself."""
    expected = {
        action.pk: (rag_label(action.assessment().rag), status_label(action.latest_status))
        for action in Action.objects.all()
    }
    assert {pk: (rag, status) for pk, rag, status in page_rows(support_client, reverse("tracker"), "")} == expected
    rag, status = column_index("RAG"), column_index("Status")
    sheet = workbook(support_client.get(reverse("tracker_export"))).active
    assert {row[0]: (row[rag], row[status]) for row in data_rows(sheet)} == expected
    csv_data = csv_rows(support_client.get(reverse("tracker_export_csv")))[1:]
    assert {int(row[0]): (row[rag], row[status]) for row in csv_data} == expected

"""Measures' values by spreadsheet: the template (/measures/values/template.xlsx and .csv), the
upload (/measures/values/upload/), the preview and the confirm.

Read by the shared reader (reports.uploads); every row checked before anything is written; the
preview shows what will be added and what corrected, with the figure it replaces; any bad row
refused with its row number, and then NOTHING is saved; the confirm writes every row in one
transaction or none; corrections keep their history."""

import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.measures.models import MeasureValue
from actionplans.measures.units import MeasureUnit
from partners.access import Viewer, viewer_for
from reports.measure_values import views
from reports.measure_values.services import (
    ADD,
    CORRECT,
    PROBLEM,
    UNCHANGED,
    PreviewStale,
    measure_values_apply,
    measure_values_preview,
    read_number,
    read_period_end,
)
from reports.measure_values.sheet import VALUE_COLUMNS, read_values_sheet
from reports.uploads import read_upload
from tests.factories import MeasureFactory, MeasureValueFactory

HEADINGS = [column.heading for column in VALUE_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXTURES = Path(__file__).parent / "fixtures" / "measure_values"
SEPTEMBER, OCTOBER = datetime.date(2021, 9, 30), datetime.date(2021, 10, 31)


@pytest.fixture
def world(world, db, as_at):
    """The APA plan (led by Alison) with Jigsaw's measures, and the police plan's.

    measure                               unit        data owner   Sue (the officer) may
    visits   Percentage of visits in timescale  percentage  Sue   enter (September: 196 of 226, 87%)
    open     Number of children open to Jigsaw  count       Sue   enter
    audits   Percentage of audits good or better percentage Alison read, not enter
    police   Police referrals                    count       Bob   nothing (another organisation's plan)
    """
    sue, alison, bob = world["sue"], world["alison"], world["bob"]
    plan, police_plan = world["apa"], world["police_plan"]
    measures = {
        "visits": MeasureFactory(plan=plan, name="Percentage of visits in timescale", data_owner=sue),
        "open": MeasureFactory(
            plan=plan, name="Number of children open to Jigsaw", unit=MeasureUnit.COUNT, data_owner=sue
        ),
        "audits": MeasureFactory(plan=plan, name="Percentage of audits good or better", data_owner=alison),
        "police": MeasureFactory(plan=police_plan, name="Police referrals", unit=MeasureUnit.COUNT, data_owner=bob),
    }
    september = MeasureValueFactory(
        measure=measures["visits"], period_end=SEPTEMBER, value=87, numerator=196, denominator=226, note="From Paris"
    )
    world |= {"measures": measures, "september": september}
    return world


def workbook(*rows, headings=HEADINGS) -> openpyxl.Workbook:
    """A values sheet as somebody fills one in: a title, the headings, then the rows given as
    dicts of heading -> cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Measure values – as at 4 November 2021"])
    sheet.append(headings)
    for row in rows:
        sheet.append([row.get(heading) for heading in headings])
    return book


def as_file(book: openpyxl.Workbook, name="values.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def row(measure=None, period=OCTOBER, value=None, numerator=None, denominator=None, note=None, name=None) -> dict:
    return {
        "Measure ID": measure.pk if measure is not None else None,
        "Measure": name,
        "Period end": period,
        "Value": value,
        "Numerator": numerator,
        "Denominator": denominator,
        "Note": note,
    }


def upload(client, file):
    return client.post(reverse("measure_values_upload"), {"spreadsheet": file})


def preview_of(client):
    return views._stored_preview(client.get(reverse("measure_values_upload_preview")).wsgi_request)


def stored() -> list[tuple]:
    return list(
        MeasureValue.objects.order_by("measure_id", "period_end").values_list(
            "measure_id", "period_end", "value", "numerator", "denominator", "note", "version"
        )
    )


# --- a good upload ---------------------------------------------------------------------------------


def test_a_good_upload_previews_additions_and_corrections_then_saves_them_all(officer_client, world):
    m = world["measures"]
    book = workbook(
        row(m["visits"], period="31/10/2021", value=90, numerator=237, denominator=263, note="October 19th figures"),
        row(m["visits"], period=SEPTEMBER, value="88%", numerator=199, denominator=226),  # a correction
        row(name="Number of children open to Jigsaw", period="October 2021", value=308),  # by name, a month
    )
    response = upload(officer_client, as_file(book))
    assert response.status_code == 302 and response["Location"] == reverse("measure_values_upload_preview")

    page = officer_client.get(reverse("measure_values_upload_preview"))
    text = page.content.decode()
    assert 'id="count-additions">2<' in text and 'id="count-corrections">1<' in text
    assert 'id="count-problems">0<' in text
    # The correction shows the figure it replaces beside the new one.
    assert "<del>196 of 226 (87%)</del>" in text and "<ins>199 of 226 (88%)</ins>" in text
    assert "From Paris" in text
    preview = preview_of(officer_client)
    outcomes = {(r.number, r.outcome) for r in preview.rows}
    assert outcomes == {(3, ADD), (4, CORRECT), (5, ADD)}

    token = preview.token
    response = officer_client.post(reverse("measure_values_upload_confirm"), {"token": token})
    assert response.status_code == 302
    visits = {v.period_end: v for v in m["visits"].values.all()}
    assert (visits[OCTOBER].value, visits[OCTOBER].numerator, visits[OCTOBER].denominator) == (90, 237, 263)
    assert visits[OCTOBER].note == "October 19th figures" and visits[OCTOBER].entered_by == world["sue"]
    corrected = visits[SEPTEMBER]
    assert (corrected.value, corrected.numerator, corrected.version) == (88, 199, 2)
    assert corrected.note == "From Paris"  # left blank: the note is kept
    assert m["open"].values.get().value == 308 and m["open"].values.get().period_end == OCTOBER
    # The correction keeps its history: the earlier figure is in the audit trail, by Sue.
    history = list(corrected.history.order_by("history_date", "history_id"))
    assert [(h.value, h.numerator) for h in history] == [(87, 196), (88, 199)]
    assert history[-1].history_user == world["sue"].user
    # Used once: a second confirm of the same preview is refused and saves nothing more.
    again = officer_client.post(reverse("measure_values_upload_confirm"), {"token": token})
    assert again.status_code == 409 and MeasureValue.objects.count() == 3


def test_a_figure_is_worked_out_from_its_numerator_and_denominator_and_the_same_figure_is_unchanged(world):
    viewer = _viewer(world["sue"])
    m = world["measures"]
    rows, _skipped = read_values_sheet(
        _rows(
            row(m["visits"], numerator=237, denominator=263),
            row(m["visits"], period=SEPTEMBER, numerator=196, denominator=226),  # as entered: 87%, kept
        )
    )
    preview = measure_values_preview(viewer=viewer, user_id=1, sheet_rows=rows)
    added, same = preview.rows
    assert added.outcome == ADD and Decimal(added.value) == Decimal("90.11") and added.shown == "237 of 263 (90.11%)"
    assert same.outcome == UNCHANGED and same.shown == "196 of 226 (87%)"


# --- bad rows: refused with their row number, and nothing is saved ------------------------------


BAD_ROWS = {
    "unknown measure ID": (lambda m: row(_Unknown(), value=5), "There is no measure with Measure ID 999999"),
    "unknown measure name": (lambda m: row(name="Number of biscuits", value=5), "no measure called ‘Number of"),
    "bad date": (lambda m: row(m["open"], period="31/13/2021", value=5), "Period end: ‘31/13/2021’ is not a date"),
    "date with no year": (lambda m: row(m["open"], period="October 19th", value=5), "‘October 19th’ has no year"),
    "period not ended": (lambda m: row(m["open"], period="30/11/2021", value=5), "has not ended yet"),
    "not a number": (lambda m: row(m["open"], value="lots"), "Value: ‘lots’ is not a number"),
    "numerator above denominator": (
        lambda m: row(m["visits"], value=100, numerator=250, denominator=226),
        "The Numerator (250) cannot be more than the Denominator (226)",
    ),
    "counts disagree": (
        lambda m: row(m["visits"], value=50, numerator=196, denominator=226),
        "does not agree with 196 of 226, which is 86.73%",
    ),
    "a count with a denominator": (lambda m: row(m["open"], value=5, numerator=5, denominator=9), "is a count"),
    "measure may not be entered": (
        lambda m: row(m["audits"], value=70),
        "You may not enter values for ‘Percentage of audits good or better’",
    ),
    "measure of another organisation": (
        lambda m: row(m["police"], value=3),
        "There is no measure with Measure ID",
    ),
}


class _Unknown:
    pk = 999999


@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_a_bad_row_is_refused_with_its_row_number_and_nothing_is_saved(officer_client, world, kind):
    m = world["measures"]
    make, message = BAD_ROWS[kind]
    before = stored()
    book = workbook(
        row(m["visits"], value=90, numerator=237, denominator=263),  # row 3: good
        row(m["visits"], period=SEPTEMBER, value=88, numerator=199, denominator=226),  # row 4: a good correction
        make(m),  # row 5: bad
    )
    assert upload(officer_client, as_file(book)).status_code == 302
    page = officer_client.get(reverse("measure_values_upload_preview")).content.decode()
    preview = preview_of(officer_client)
    [bad] = preview.problems
    assert bad.number == 5 and any(message in text for text in bad.messages), bad.messages
    assert "Row 5: " in page and "nothing can be saved" in page
    assert "Save " not in page  # no confirm button while any row has a problem
    # A confirm posted anyway saves nothing, the good rows included.
    response = officer_client.post(reverse("measure_values_upload_confirm"), {"token": preview.token})
    assert response.status_code == 409 and "Nothing was saved" in response.content.decode()
    assert stored() == before


def test_the_same_measure_and_period_twice_is_refused_at_the_second_row(officer_client, world):
    m = world["measures"]
    before = stored()
    book = workbook(
        row(m["open"], value=300), row(m["visits"], value=90), row(m["open"], period="31 October 2021", value=301)
    )
    upload(officer_client, as_file(book))
    preview = preview_of(officer_client)
    [bad] = preview.problems
    assert bad.number == 5
    assert bad.messages == [
        "Row 3 is also for ‘Number of children open to Jigsaw’, October 2021: give each period’s figure in one row"
    ]
    with pytest.raises(PreviewStale):
        measure_values_apply(viewer=_viewer(world["sue"]), preview=preview)
    assert stored() == before


def test_several_problems_in_one_row_are_all_reported(world):
    rows, _skipped = read_values_sheet(
        _rows(row(name="", period="someday", value="n/a", numerator=-1), row(world["measures"]["open"], value=1))
    )
    preview = measure_values_preview(viewer=_viewer(world["sue"]), user_id=1, sheet_rows=rows)
    bad = preview.rows[0]
    assert bad.outcome == PROBLEM and bad.number == 3
    assert bad.messages == [
        "This row has no Measure ID or Measure, so the tracker cannot tell which measure it is for",
        "Period end: ‘someday’ is not a date. Enter the last day of the period, like 31/10/2021",
        "Value: ‘n/a’ is not a number",
        "Numerator: must be a whole number of 0 or more, not -1",
    ]
    assert preview.rows[1].outcome == ADD and not preview.can_save


def test_a_name_shared_by_two_measures_needs_the_measure_id(world):
    MeasureFactory(plan=world["police_plan"], name="Percentage of visits in timescale")
    rows, _ = read_values_sheet(_rows(row(name="percentage of visits  in timescale", value=90)))
    admin = _viewer(None, manager=True, world=world)
    [bad] = measure_values_preview(viewer=admin, user_id=1, sheet_rows=rows).rows
    assert bad.messages == [
        "More than one measure is called ‘percentage of visits  in timescale’ "
        "(in ‘APA action plan’, ‘Police safeguarding plan’): give its Measure ID"
    ]


def test_a_measure_id_that_names_another_measure_is_refused(world):
    m = world["measures"]
    rows, _ = read_values_sheet(_rows(row(m["open"], name="Percentage of visits in timescale", value=3)))
    [bad] = measure_values_preview(viewer=_viewer(world["sue"]), user_id=1, sheet_rows=rows).rows
    assert bad.messages == [
        f"Measure ID {m['open'].pk} is ‘Number of children open to Jigsaw’, not ‘Percentage of visits in timescale’: "
        "check the row is for the measure you meant"
    ]


@pytest.mark.parametrize("who", ["sue", "alison", "paul", "bell", "bob", "emily", "admin"])
def test_whose_values_a_person_may_enter_is_the_measures_layers_rule(world, who):
    """upload_measures() answers in one query what measure_access() answers measure by measure."""
    from actionplans.measures.access import measure_access, readable_measures
    from reports.measure_values.services import upload_measures

    viewer = viewer_for(world[who] if who == "admin" else world[who].user)
    annotated = {m.pk: m.may_enter for m in upload_measures(viewer)}
    assert set(annotated) == set(readable_measures(viewer).values_list("pk", flat=True))
    for measure in world["measures"].values():
        access = measure_access(viewer, measure)
        assert annotated.get(measure.pk, False) == access.update, (who, measure.name)
        assert (measure.pk in annotated) == access.read, (who, measure.name)


# --- the confirm refuses anything that changed since the preview ---------------------------------


def test_a_value_corrected_in_the_browser_after_the_preview_is_never_overwritten(officer_client, world):
    m = world["measures"]
    upload(officer_client, as_file(workbook(row(m["open"], value=300), row(m["visits"], period=SEPTEMBER, value=88))))
    preview = preview_of(officer_client)
    september = world["september"]
    september.value, september.numerator, september.denominator, september.version = 86, None, None, 2
    september.save()  # somebody else's correction, meanwhile
    before = stored()
    response = officer_client.post(reverse("measure_values_upload_confirm"), {"token": preview.token})
    assert response.status_code == 409
    assert "Somebody else entered or corrected the figures of row 4" in response.content.decode()
    assert stored() == before


def test_a_value_added_by_somebody_else_after_the_preview_is_never_overwritten(world):
    m = world["measures"]
    rows, _ = read_values_sheet(_rows(row(m["open"], value=300)))
    preview = measure_values_preview(viewer=_viewer(world["sue"]), user_id=1, sheet_rows=rows)
    MeasureValueFactory(measure=m["open"], period_end=OCTOBER, value=299)
    before = stored()
    with pytest.raises(PreviewStale, match="row 3"):
        measure_values_apply(viewer=_viewer(world["sue"]), preview=preview)
    assert stored() == before


def test_no_longer_entering_a_measure_saves_nothing(world):
    m = world["measures"]
    rows, _ = read_values_sheet(_rows(row(m["open"], value=300), row(m["visits"], value=90)))
    preview = measure_values_preview(viewer=_viewer(world["sue"]), user_id=1, sheet_rows=rows)
    m["open"].data_owner = world["alison"]
    m["open"].save()
    before = stored()
    with pytest.raises(PreviewStale, match="You may no longer enter values for row 3"):
        measure_values_apply(viewer=_viewer(world["sue"]), preview=preview)
    assert stored() == before


# --- queries: a fixed number however many rows ----------------------------------------------------


def _queries(world, viewer, count: int) -> tuple[list[str], list[str]]:
    """The SQL of previewing and saving `count` measures' figures for September (each a
    correction) and October (each new)."""
    plan = world["apa"]
    measures = [MeasureFactory(plan=plan, data_owner=world["sue"]) for _ in range(count)]
    for measure in measures:
        MeasureValueFactory(measure=measure, period_end=SEPTEMBER, value=40)
    sheet_rows, _ = read_values_sheet(
        _rows(
            *[
                row(measure, period=month, value=50, numerator=1, denominator=2)
                for measure in measures
                for month in (SEPTEMBER, OCTOBER)
            ]
        )
    )
    with CaptureQueriesContext(connection) as previewing:
        preview = measure_values_preview(viewer=viewer, user_id=1, sheet_rows=sheet_rows)
    assert (len(preview.additions), len(preview.corrections)) == (count, count)
    with CaptureQueriesContext(connection) as saving:
        saved = measure_values_apply(viewer=viewer, preview=preview)
    assert (saved.added, saved.corrected) == (count, count)
    return [q["sql"] for q in previewing.captured_queries], [q["sql"] for q in saving.captured_queries]


def test_the_preview_and_the_save_take_the_same_queries_for_2_rows_as_for_60(world):
    viewer = _viewer(world["sue"])
    # Who Sue is (democratic support? the bodies she sits on): looked up once a request, by whatever asks first.
    viewer.is_manager, viewer.body_ids  # noqa: B018
    few, many = _queries(world, viewer, 1), _queries(world, viewer, 30)
    assert (len(few[0]), len(few[1])) == (len(many[0]), len(many[1]))
    # The preview: 1 the measures the rows name, with whether Sue may enter each; 1 the values already there.
    assert len(few[0]) == 2, few[0]
    # The save, in one transaction (here a savepoint and its release, the test being one): 1 the
    # measures again, 1 the values there now (locked); the new values (1 their unit, 1 insert, 1 their
    # history) and the corrections (1 update, 1 their history), each write in a savepoint of its own.
    assert len([sql for sql in few[1] if "SAVEPOINT" not in sql]) == 7, few[1]
    assert len(few[1]) == 13, few[1]


# --- files: .xlsx and CSV, from openpyxl, Excel and LibreOffice ----------------------------------


def test_a_csv_upload_is_read_the_same_way(officer_client, world):
    m = world["measures"]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADINGS)
    writer.writerow([m["open"].pk, "APA action plan", m["open"].name, "Count", "31/10/2021", "308", "", "", ""])
    writer.writerow([m["visits"].pk, "", "", "", "30/09/2021", "", "196", "226", "Checked"])
    file = SimpleUploadedFile("values.csv", text.getvalue().encode("utf-8-sig"), content_type="text/csv")
    assert upload(officer_client, file).status_code == 302
    preview = preview_of(officer_client)
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, ADD), (3, CORRECT)]
    assert preview.rows[1].old_note == "From Paris" and preview.rows[1].note == "Checked"


def test_the_template_holds_the_measures_the_person_enters_and_reads_back(officer_client, world):
    m = world["measures"]
    response = officer_client.get(reverse("measure_values_template", args=["xlsx"]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert [cell.value for cell in sheet[2]] == HEADINGS
    listed = [(r[0], r[2], r[3]) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert listed == [
        (m["visits"].pk, "Percentage of visits in timescale", "Percentage: 87 for 87%"),
        (m["open"].pk, "Number of children open to Jigsaw", "Count: a number, no numerator"),
    ]
    # Filled in as it stands (one figure added, the other row left blank) it reads back.
    sheet.cell(3, 5).value, sheet.cell(3, 6).value = OCTOBER, 90
    assert upload(officer_client, as_file(book)).status_code == 302
    preview = preview_of(officer_client)
    assert [(r.number, r.outcome, r.measure_id) for r in preview.rows] == [(3, ADD, m["visits"].pk)]
    assert preview.skipped == 1
    csv_response = officer_client.get(reverse("measure_values_template", args=["csv"]))
    body = csv_response.getvalue() if not csv_response.streaming else b"".join(csv_response.streaming_content)
    assert csv_response.status_code == 200 and "Percentage of visits in timescale" in body.decode("utf-8-sig")


def test_a_sheet_that_is_not_a_values_sheet_is_refused_with_a_clear_message(officer_client, world):
    book = workbook(row(world["measures"]["open"], value=1), headings=["Action ID", "New status", "New RAG"])
    response = upload(officer_client, as_file(book))
    assert response.status_code == 400
    assert (
        "This is not a sheet of measure values: it has no ‘Period end’ and ‘Value’ columns" in response.content.decode()
    )
    empty = workbook(row(world["measures"]["open"], period=None))
    response = upload(officer_client, as_file(empty))
    assert response.status_code == 400 and "No figures are filled in" in response.content.decode()


def test_a_formula_cell_is_refused_by_the_shared_reader(officer_client, world):
    book = workbook(row(world["measures"]["open"], value="=1+1"))
    response = upload(officer_client, as_file(book))
    assert response.status_code == 400 and "holds a formula: paste values only" in response.content.decode()


def _fixture_rows(name: str):
    path = FIXTURES / name
    with path.open("rb") as handle:
        return read_upload(SimpleUploadedFile(name, handle.read()))


@pytest.mark.parametrize("name", ["libreoffice.xlsx", "libreoffice.csv"])
def test_files_saved_by_libreoffice_are_read(world, name):
    """Fixtures made by LibreOffice itself from an openpyxl-written sheet (see make_fixtures()
    below): Measure ID, Measure, Period end as a date cell or text, figures as numbers."""
    table = _fixture_rows(name)
    rows, skipped = read_values_sheet(table.rows)
    m = world["measures"]
    # The fixtures name the measures, as one would type them, without Measure IDs.
    preview = measure_values_preview(viewer=_viewer(world["sue"]), user_id=1, sheet_rows=rows)
    assert [(r.number, r.outcome, r.measure, r.period, r.shown) for r in preview.rows] == [
        (3, ADD, m["visits"].name, "October 2021", "237 of 263 (90%)"),
        (4, CORRECT, m["visits"].name, "September 2021", "199 of 226 (88%)"),
        (5, ADD, m["open"].name, "October 2021", "308"),
        (6, ADD, m["open"].name, "19 October 2021", "308"),
    ]
    assert skipped == 1


def make_fixtures(directory: Path = FIXTURES) -> None:
    """Write tests/reports/fixtures/measure_values/libreoffice.{xlsx,csv}: a sheet written by
    openpyxl, opened and saved again by LibreOffice (`libreoffice --headless --convert-to`)."""
    directory.mkdir(parents=True, exist_ok=True)
    book = workbook(
        row(name="Percentage of visits in timescale", period=OCTOBER, value=90, numerator=237, denominator=263),
        row(name="Percentage of visits in timescale", period=SEPTEMBER, value=88, numerator=199, denominator=226),
        row(name="Number of children open to Jigsaw", period="October 2021", value=308),
        row(name="Number of children open to Jigsaw", period="19/10/2021", value=308, note="October 19th"),
        row(name="Number of children open to Jigsaw", period=None),  # nothing filled in: skipped
    )
    source = directory / "openpyxl.xlsx"
    book.save(source)
    for target in ("xlsx", "csv"):
        subprocess.run(
            ["libreoffice", "--headless", "--convert-to", target, "--outdir", str(directory / target), str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        (directory / target / f"openpyxl.{target}").rename(directory / f"libreoffice.{target}")
        shutil.rmtree(directory / target)
    source.unlink()


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_the_libreoffice_fixtures_are_what_libreoffice_makes_today(tmp_path, world):
    make_fixtures(tmp_path)
    for name in ("libreoffice.xlsx", "libreoffice.csv"):
        with (tmp_path / name).open("rb") as handle:
            made = read_upload(SimpleUploadedFile(name, handle.read())).rows
        assert made == _fixture_rows(name).rows


# --- reading a number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "percent", "expected"),
    [
        (87, False, Decimal(87)),
        (86.73, False, Decimal("86.73")),
        ("1,234.5", False, Decimal("1234.5")),
        (" 87% ", True, Decimal(87)),
        ("0.0001", False, Decimal("0.0001")),
        (None, False, None),
        ("", False, None),
    ],
)
def test_numbers_are_read_as_typed(cell, percent, expected):
    assert read_number(cell, "Value", percent=percent) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("87%", "Value: ‘87%’ is not a number"),  # a % sign only where a percentage is meant
        ("NaN", "Value: ‘NaN’ is not a number"),
        ("12,34", "Value: ‘12,34’ is not a number"),
        ("0.00001", "Value: give 0.00001 to at most 4 decimal places"),
        (10**10, "Value: 10000000000 is too large for a figure"),
        (datetime.date(2021, 10, 31), "Value: ‘31/10/2021’ is not a number"),
    ],
)
def test_what_is_not_a_number_says_so(cell, message):
    with pytest.raises(ValueError, match=message):
        read_number(cell, "Value")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime.date(2021, 10, 19), datetime.date(2021, 10, 19)),  # a date cell
        ("2021-10-31", OCTOBER),  # as a CSV download writes it
        ("31/10/2021", OCTOBER),
        ("31/10/21", OCTOBER),
        ("19 October 2021", datetime.date(2021, 10, 19)),  # seed 002's "October 19th", with its year
        ("October 2021", OCTOBER),  # a month: its last day
        (44500, OCTOBER),  # an Excel serial number
    ],
)
def test_period_ends_are_read_as_dates(cell, expected):
    assert read_period_end(cell, on=datetime.date(2021, 11, 4)) == expected


# --- helpers --------------------------------------------------------------------------------------


def _rows(*rows) -> list[list]:
    """The rows the shared reader would give for workbook(*rows)."""
    return read_upload(as_file(workbook(*rows))).rows


def _viewer(person, *, manager=False, world=None) -> Viewer:
    if manager:
        return viewer_for(world["admin"])
    return viewer_for(person.user)


def test_the_measures_page_leads_to_the_upload_and_a_saved_upload_back_to_it(officer_client, world):
    html = officer_client.get(reverse("measure_list")).content.decode()
    assert f'href="{reverse("measure_values_upload")}">upload a spreadsheet of values</a>' in html
    upload(officer_client, as_file(workbook(row(world["measures"]["open"], value=308))))
    response = officer_client.post(
        reverse("measure_values_upload_confirm"), {"token": preview_of(officer_client).token}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("measure_list")
    assert "1 value added from your values sheet." in response.content.decode()

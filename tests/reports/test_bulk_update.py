"""Bulk update by spreadsheet: the update sheet (/my-actions/export.xlsx, and for managers
/tracker/update-sheet.xlsx), the upload (/bulk-update/), the preview and the confirm.

Each filled-in row becomes a progress update through actionplans.plans.services, under the same
rules as the form; rows the person may not update, unknown actions, bad words, broken rules and
actions changed since the download are reported and never posted; the confirm posts all the
ready rows or none, and only from the server's copy of a fresh preview."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans.models import Action, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from partners.access import Viewer
from reports.bulk_update import views
from reports.bulk_update.services import PREVIEW_MAX_AGE, bulk_update_apply, bulk_update_preview
from reports.bulk_update.sheet import (
    UPDATE_COLUMNS,
    SheetRow,
    parse_rag,
    parse_status,
    read_update_sheet,
    version_marker,
)
from reports.uploads import read_upload
from tests.factories import (
    ActionFactory,
    ProgressUpdateFactory,
    UserFactory,
)

HEADINGS = [column.heading for column in UPDATE_COLUMNS]
COLUMN = {column.key: index + 1 for index, column in enumerate(UPDATE_COLUMNS)}  # 1-based, as openpyxl counts
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@pytest.fixture
def world(world, db, as_at):
    """One council plan led by Alison. Sue Allan leads three of its actions and supports a
    fourth; Paul's action she may read but not update; the police plan she cannot see at all.

    ref  lead   target       newest update         Sue may
    1.1  Sue    31 Mar 2022  Green, 20 Oct 2021    update
    1.2  Sue    31 Oct 2021  Green, 1 Oct 2021     update (overdue)
    1.3  Sue    30 Jun 2022  none                  update
    1.4  Alison 31 Mar 2022  none                  update (further responsible)
    2.1  Paul   31 Mar 2022  none                  read only
    P1   Bob    31 Jan 2022  none                  nothing (another organisation's plan)
    """
    sue, alison, paul, bob = world["sue"], world["alison"], world["paul"], world["bob"]  # each with a login
    plan, police_plan = world["apa"], world["police_plan"]

    def action(reference, lead, target, *, plan=plan):
        return ActionFactory(
            plan=plan,
            position=ActionFactory._meta.model.objects.count() + 1,
            reference=reference,
            description=f"Action {reference}",
            lead=lead,
            target_date=target,
        )

    a = {
        "1.1": action("1.1", sue, datetime.date(2022, 3, 31)),
        "1.2": action("1.2", sue, datetime.date(2021, 10, 31)),
        "1.3": action("1.3", sue, datetime.date(2022, 6, 30)),
        "1.4": action("1.4", alison, datetime.date(2022, 3, 31)),
        "2.1": action("2.1", paul, datetime.date(2022, 3, 31)),
        "P1": action("P1", bob, datetime.date(2022, 1, 31), plan=police_plan),
    }
    a["1.4"].supporting_officers.add(sue)
    ProgressUpdateFactory(action=a["1.1"], reported_at=at_noon(datetime.date(2021, 10, 20)), rag=Rag.GREEN)
    ProgressUpdateFactory(action=a["1.2"], reported_at=at_noon(datetime.date(2021, 10, 1)), rag=Rag.GREEN)
    support = world["support"]
    world |= {"actions": a, "sue": sue, "alison": alison, "paul": paul, "bob": bob, "plan": plan, "support": support}
    return world


@pytest.fixture
def sue_client(officer_client, world):
    """Sue Allan, the officer, signed in, with her actions above."""
    return officer_client


# --- helpers ---------------------------------------------------------------------------


def download(client, url=None) -> openpyxl.Workbook:
    response = client.get(url or reverse("my_actions_update_sheet"))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def row_of(sheet, action) -> int:
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, COLUMN["action_id"]).value == action.pk:
            return row
    raise AssertionError(f"{action} is not in the sheet")


def fill(workbook, action, status="", rag="", narrative="") -> None:
    """Fill in an action's row, as somebody would in Excel."""
    sheet = workbook.active
    row = row_of(sheet, action)
    for key, value in (("new_status", status), ("new_rag", rag), ("narrative", narrative)):
        sheet.cell(row, COLUMN[key]).value = value or None


def as_file(workbook, name="update-sheet.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def upload(client, workbook_or_file):
    file = workbook_or_file if isinstance(workbook_or_file, SimpleUploadedFile) else as_file(workbook_or_file)
    return client.post(reverse("bulk_update"), {"spreadsheet": file})


def preview_of(client):
    return views._stored_preview(client.get(reverse("bulk_update_preview")).wsgi_request)


def rows_by_action(preview) -> dict:
    return {row.action_id: row for row in preview.rows}


def confirm(client, token=None):
    token = token if token is not None else preview_of(client).token
    return client.post(reverse("bulk_update_confirm"), {"token": token})


# --- the update sheet ------------------------------------------------------------------


def test_my_update_sheet_holds_my_open_actions_with_versions_and_columns_to_fill(sue_client, world):
    a = world["actions"]
    response = sue_client.get(reverse("my_actions_update_sheet"))
    assert response["Content-Disposition"] == 'attachment; filename="update-sheet-my-actions-2021-11-04.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("Update sheet – open actions of Sue Allan – as at 4 November 2021")
    assert [cell.value for cell in sheet[2]] == HEADINGS
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:L6"
    # As on My actions: overdue first, then by target date.
    assert [sheet.cell(row, COLUMN["reference"]).value for row in range(3, 7)] == ["1.2", "1.4", "1.3", "1.1"]
    newest = ProgressUpdate.objects.filter(action=a["1.1"]).get()
    assert sheet.cell(row_of(sheet, a["1.1"]), COLUMN["version"]).value == f"v1-u{newest.pk}"
    assert sheet.cell(row_of(sheet, a["1.3"]), COLUMN["version"]).value == "v1-u0"
    assert sheet.cell(row_of(sheet, a["1.1"]), COLUMN["rag"]).value == "Green: On track"
    assert sheet.cell(row_of(sheet, a["1.2"]), COLUMN["rag"]).value == "Red: Off track"
    assert sheet.cell(row_of(sheet, a["1.1"]), COLUMN["target_date"]).is_date
    # 1.2 overdue; 1.4 and 1.3 never reported (sooner target first); 1.1 reported, due later.


def test_the_update_sheet_offers_the_words_and_locks_all_but_the_columns_to_fill(sue_client, world):
    sheet = download(sue_client).active
    lists = {str(validation.sqref): validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert lists == {
        "J3:J6": '"Not started,In progress,Partially complete,Complete"',
        "K3:K6": '"Blue,Green,Amber,Red"',
    }
    assert sheet.protection.sheet
    assert sheet.protection.password is None  # against slips, not people
    for row in range(3, 7):
        assert sheet.cell(row, COLUMN["action_id"]).protection.locked
        assert sheet.cell(row, COLUMN["version"]).protection.locked
        for key in ("new_status", "new_rag", "narrative"):
            cell = sheet.cell(row, COLUMN[key])
            assert not cell.protection.locked
            assert cell.number_format == "@"  # what is typed stays text, even "=…"


def test_the_update_sheet_read_back_gives_the_same_data(sue_client, world):
    response = sue_client.get(reverse("my_actions_update_sheet"))
    exported = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = read_upload(SimpleUploadedFile("sheet.xlsx", response.content))
    assert table.rows[1] == HEADINGS
    for row_number in range(3, 7):
        read = table.rows[row_number - 1]
        written = [cell.value for cell in exported[row_number]]
        # The reader gives a date cell with no time of day as a date.
        assert read == [value.date() if isinstance(value, datetime.datetime) else value for value in written]
    rows = read_update_sheet(table.rows)
    assert [(row.number, int(row.action_id), row.version) for row in rows] == [
        (n, exported.cell(n, 1).value, exported.cell(n, COLUMN["version"]).value) for n in range(3, 7)
    ]
    assert not any(row.is_filled_in for row in rows)


def test_a_person_without_actions_of_their_own_has_no_update_sheet(client, world):
    client.force_login(UserFactory(username="no-person", is_superuser=True))
    assert client.get(reverse("my_actions_update_sheet")).status_code == 404


def test_managers_download_any_tracker_view_for_updating(client, world):
    client.force_login(world["support"])
    sheet = download(client, reverse("tracker_update_sheet") + "?lead=Sue&sort=-target").active
    assert sheet["A1"].value.startswith("Update sheet – Tracker – lead ‘Sue’; sorted by target date, descending")
    assert [sheet.cell(row, 2).value for row in range(3, sheet.max_row + 1)] == ["1.3", "1.1", "1.2"]
    url = reverse("plan_tracker_update_sheet", args=[world["plan"].pk])
    sheet = download(client, url).active
    assert {sheet.cell(row, 2).value for row in range(3, sheet.max_row + 1)} == {"1.1", "1.2", "1.3", "1.4", "2.1"}


def test_the_tracker_update_sheet_is_for_managers_only(client, world):
    client.force_login(world["alison"].user)  # a plan lead, not democratic support
    assert client.get(reverse("tracker_update_sheet")).status_code == 403
    assert client.get(reverse("plan_tracker_update_sheet", args=[world["plan"].pk])).status_code == 403
    client.force_login(world["bob"].user)
    assert client.get(reverse("plan_tracker_update_sheet", args=[world["plan"].pk])).status_code == 404


def test_my_actions_links_to_the_bulk_update(sue_client):
    html = sue_client.get(reverse("my_actions")).content.decode()
    assert f'href="{reverse("bulk_update")}">Update several actions in a spreadsheet' in html
    html = sue_client.get(reverse("bulk_update")).content.decode()
    assert f'href="{reverse("my_actions_update_sheet")}"' in html


# --- preview and confirm -----------------------------------------------------------------


def test_a_filled_in_sheet_is_previewed_then_posted_as_progress_updates_by_its_uploader(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "In progress", "Amber", "Waiting for the printer.")
    fill(workbook, a["1.3"], "complete", "blue", "Done and published.\nSee the minutes.")
    fill(workbook, a["1.4"], "Partially complete", "Green: On track", "Half the schools visited.")
    response = upload(sue_client, workbook)
    assert response.status_code == 302
    assert response["Location"] == reverse("bulk_update_preview")
    assert ProgressUpdate.objects.count() == 2  # nothing posted yet

    page = sue_client.get(reverse("bulk_update_preview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd class="govuk-summary-list__value" id="count-ready">3</dd>' in html
    assert '<dd class="govuk-summary-list__value" id="count-unchanged">1</dd>' in html
    assert "Waiting for the printer." in html and "Done and published.<br>See the minutes." in html
    assert "Post 3 updates" in html

    response = confirm(sue_client)
    assert response.status_code == 302 and response["Location"] == reverse("my_actions")
    posted = {update.action_id: update for update in ProgressUpdate.objects.filter(author=world["sue"])}
    assert set(posted) == {a["1.1"].pk, a["1.3"].pk, a["1.4"].pk}
    assert (posted[a["1.1"].pk].status, posted[a["1.1"].pk].rag) == (ActionStatus.IN_PROGRESS, Rag.AMBER)
    assert posted[a["1.1"].pk].narrative == "Waiting for the printer."
    assert (posted[a["1.3"].pk].status, posted[a["1.3"].pk].rag) == (ActionStatus.COMPLETE, Rag.BLUE)
    assert (posted[a["1.4"].pk].status, posted[a["1.4"].pk].rag) == (ActionStatus.PARTIALLY_COMPLETE, Rag.GREEN)
    assert "3 progress updates posted" in sue_client.get(reverse("my_actions")).content.decode()
    assert preview_of(sue_client) is None  # used once


def test_rows_left_blank_are_skipped_and_counted(sue_client, world):
    workbook = download(sue_client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "On track.")
    upload(sue_client, workbook)
    preview = preview_of(sue_client)
    assert [row.action_id for row in preview.ready] == [world["actions"]["1.1"].pk]
    assert preview.unchanged == 3


def test_rows_the_uploader_may_not_update_or_cannot_see_are_refused_row_by_row(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "In progress", "Green", "Fine.")
    sheet = workbook.active
    for row, (action_id, version) in enumerate(
        [(a["2.1"].pk, "v1-u0"), (a["P1"].pk, "v1-u0"), (987654, "v1-u0"), ("abc", "v1-u0"), (None, "v1-u0")],
        start=sheet.max_row + 1,
    ):
        sheet.cell(row, COLUMN["action_id"]).value = action_id
        sheet.cell(row, COLUMN["version"]).value = version
        sheet.cell(row, COLUMN["new_status"]).value = "In progress"
        sheet.cell(row, COLUMN["new_rag"]).value = "Green"
    upload(sue_client, workbook)
    preview = preview_of(sue_client)
    messages = {row.number: row.messages for row in preview.problems}
    assert messages == {
        7: ["You may not post updates on this action."],
        8: [f"There is no action with ID {a['P1'].pk} that you can see."],
        9: ["There is no action with ID 987654 that you can see."],
        10: ["‘abc’ is not an action ID from the tracker."],
        11: ["This row has no action ID, so the tracker cannot tell which action it is for."],
    }
    html = sue_client.get(reverse("bulk_update_preview")).content.decode()
    assert "You may not post updates on this action." in html
    assert "Action 2.1" in html  # she may read it, so it is named
    assert "Action P1" not in html  # she may not, so it is not

    confirm(sue_client)
    assert set(ProgressUpdate.objects.filter(author=world["sue"]).values_list("action_id", flat=True)) == {a["1.1"].pk}


def test_words_that_are_not_a_status_or_rag_are_refused(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "Done", "Purple", "x")
    fill(workbook, a["1.3"], "", "", "Only a narrative.")
    upload(sue_client, workbook)
    rows = rows_by_action(preview_of(sue_client))
    assert rows[a["1.1"].pk].messages == [
        "‘Done’ is not a status: choose Not started, In progress, Partially complete or Complete.",
        "‘Purple’ is not a RAG: choose Blue, Green, Amber or Red.",
    ]
    assert rows[a["1.3"].pk].messages == [
        "Choose a new status: Not started, In progress, Partially complete or Complete.",
        "Choose a new RAG: Blue, Green, Amber or Red.",
    ]


def test_the_update_rules_of_the_form_apply_row_by_row(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "In progress", "Blue", "Nearly.")  # Blue without Complete
    fill(workbook, a["1.2"], "In progress", "Green", "Catching up.")  # overdue, and Green
    fill(workbook, a["1.3"], "Complete", "Blue", "")  # complete without saying what was done
    fill(workbook, a["1.4"], "In progress", "Red", "Behind.")  # fine
    upload(sue_client, workbook)
    preview = preview_of(sue_client)
    rows = rows_by_action(preview)
    assert rows[a["1.1"].pk].messages == ["Blue means complete: choose status Complete, or another RAG."]
    assert rows[a["1.2"].pk].messages == [
        "This action is past its target date, so it can only be reported Green or Amber with a revised target "
        "date and the reason for it. Otherwise report it Red."
    ]
    assert rows[a["1.3"].pk].messages == ["Say what was done to complete the action."]
    assert [row.action_id for row in preview.ready] == [a["1.4"].pk]
    html = sue_client.get(reverse("bulk_update_preview")).content.decode()
    assert "Blue means complete: choose status Complete, or another RAG." in html

    confirm(sue_client)
    assert list(ProgressUpdate.objects.filter(author=world["sue"]).values_list("action_id", "rag")) == [
        (a["1.4"].pk, Rag.RED)
    ]


def test_an_action_updated_after_the_download_is_a_conflict_and_not_posted(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    ProgressUpdateFactory(action=a["1.1"], author=world["alison"], reported_at=at_noon(datetime.date(2021, 11, 3)))
    Action.objects.filter(pk=a["1.3"].pk).update(version=2)  # edited by somebody
    fill(workbook, a["1.1"], "In progress", "Amber", "Mine.")
    fill(workbook, a["1.3"], "In progress", "Amber", "Mine too.")
    fill(workbook, a["1.4"], "In progress", "Amber", "Fine.")
    upload(sue_client, workbook)
    preview = preview_of(sue_client)
    rows = rows_by_action(preview)
    assert {row.action_id for row in preview.conflicts} == {a["1.1"].pk, a["1.3"].pk}
    assert rows[a["1.1"].pk].messages[0] == (
        "Another update was posted by Alison Alexander on 3 November 2021, after the sheet was downloaded."
    )
    assert rows[a["1.3"].pk].messages[0] == "The action itself was edited after the sheet was downloaded."
    html = sue_client.get(reverse("bulk_update_preview")).content.decode()
    assert "Changed since you downloaded the sheet: not posted" in html

    confirm(sue_client)
    assert set(ProgressUpdate.objects.filter(author=world["sue"]).values_list("action_id", flat=True)) == {a["1.4"].pk}
    assert not ProgressUpdate.objects.filter(narrative__startswith="Mine").exists()


def test_every_update_needs_a_narrative_as_on_the_form(sue_client, world):
    workbook = download(sue_client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "")
    upload(sue_client, workbook)
    [row] = preview_of(sue_client).problems
    assert row.messages == ["Fill in ‘Action taken’: every progress update says what has been done."]


def test_a_changed_version_marker_is_refused(sue_client, world):
    workbook = download(sue_client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "x")
    workbook.active.cell(row_of(workbook.active, world["actions"]["1.1"]), COLUMN["version"]).value = "latest"
    upload(sue_client, workbook)
    [row] = preview_of(sue_client).problems
    assert row.messages[0].startswith("Its ‘Version’ cell was changed or emptied")


def test_one_action_in_two_rows_is_refused_the_second_time(sue_client, world):
    workbook = download(sue_client)
    sheet = workbook.active
    source_row = row_of(sheet, world["actions"]["1.1"])
    copy = sheet.max_row + 1
    for column in range(1, len(HEADINGS) + 1):
        sheet.cell(copy, column).value = sheet.cell(source_row, column).value
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "First.")
    for key, value in (("new_status", "In progress"), ("new_rag", "Red"), ("narrative", "Second.")):
        sheet.cell(copy, COLUMN[key]).value = value
    upload(sue_client, workbook)
    preview = preview_of(sue_client)
    assert len(preview.ready) == 1
    assert preview.problems[0].messages == [f"This action is also in row {source_row}: put its update in one row."]


def test_the_confirm_posts_all_ready_rows_or_none(sue_client, world, settings):
    """Between preview and confirm, 1.3 passes its target date: Green is no longer allowed for
    it, so the confirm fails on its row, and 1.2's update (the row before, already written)
    is rolled back."""
    a = world["actions"]
    Action.objects.filter(pk=a["1.3"].pk).update(target_date=datetime.date(2021, 11, 4))
    workbook = download(sue_client)
    fill(workbook, a["1.2"], "In progress", "Red", "Behind, and saying so.")
    fill(workbook, a["1.3"], "In progress", "Green", "Fine today.")
    upload(sue_client, workbook)
    ready = preview_of(sue_client).ready
    assert [row.action_id for row in ready] == [a["1.2"].pk, a["1.3"].pk]  # posted in this order

    settings.TRACKER_AS_AT = datetime.date(2021, 11, 5)
    response = confirm(sue_client)
    assert response.status_code == 409
    html = response.content.decode()
    assert f"The update in the action in row {ready[1].number} can no longer be posted" in html
    assert "so nothing was posted" in html
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()


def test_a_confirm_after_somebody_else_updated_a_row_posts_nothing(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "In progress", "Green", "Fine.")
    fill(workbook, a["1.3"], "In progress", "Green", "Fine too.")
    upload(sue_client, workbook)
    ProgressUpdateFactory(action=a["1.3"], author=world["alison"])
    response = confirm(sue_client)
    assert response.status_code == 409
    assert "changed after you uploaded the sheet, so nothing was posted" in response.content.decode()
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()


@pytest.fixture
def uploaded(sue_client, world):
    workbook = download(sue_client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "Fine.")
    upload(sue_client, workbook)
    return workbook


def test_a_stale_token_is_refused_and_keeps_the_newer_preview(sue_client, world, uploaded):
    old_token = preview_of(sue_client).token
    upload(sue_client, uploaded)  # a second upload replaces the preview
    response = confirm(sue_client, token=old_token)
    assert response.status_code == 409
    assert "This preview is out of date" in response.content.decode()
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()
    assert confirm(sue_client).status_code == 302  # the newer one still works
    assert ProgressUpdate.objects.filter(author=world["sue"]).count() == 1


def test_a_preview_confirmed_twice_posts_once(sue_client, world, uploaded):
    token = preview_of(sue_client).token
    assert confirm(sue_client, token).status_code == 302
    assert confirm(sue_client, token).status_code == 409
    assert ProgressUpdate.objects.filter(author=world["sue"]).count() == 1


def test_an_old_preview_is_refused(sue_client, world, uploaded):
    session = sue_client.session
    stored = session[views.SESSION_KEY]
    stored["created_at"] = (timezone.now() - PREVIEW_MAX_AGE - datetime.timedelta(minutes=1)).isoformat()
    session[views.SESSION_KEY] = stored
    session.save()
    assert "can no longer be posted" in sue_client.get(reverse("bulk_update_preview")).content.decode()
    response = confirm(sue_client, stored["token"])
    assert response.status_code == 409
    assert "more than 30 minutes old" in response.content.decode()
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()


def test_the_confirm_posts_the_servers_preview_not_what_the_browser_sends(sue_client, world, uploaded):
    token = preview_of(sue_client).token
    sue_client.post(
        reverse("bulk_update_confirm"),
        {"token": token, "status": "complete", "rag": "blue", "narrative": "Tampered", "action_id": 1},
    )
    [update] = ProgressUpdate.objects.filter(author=world["sue"])
    assert (update.action_id, update.rag, update.narrative) == (world["actions"]["1.1"].pk, Rag.GREEN, "Fine.")


def test_a_preview_stored_for_another_user_is_ignored(sue_client, world, uploaded):
    session = sue_client.session
    stored = session[views.SESSION_KEY]
    stored["user_id"] = world["alison"].user.pk
    session[views.SESSION_KEY] = stored
    session.save()
    assert preview_of(sue_client) is None
    assert confirm(sue_client, stored["token"]).status_code == 409
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()


# --- bad files ------------------------------------------------------------------------


def refusal(response) -> str:
    assert response.status_code == 400
    return response.context["form"].errors["spreadsheet"][0]


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(sue_client, world):
    response = upload(sue_client, SimpleUploadedFile("update.xlsx", b"%PDF-1.4 not really a workbook"))
    assert refusal(response).startswith("“update.xlsx” is a PDF, not a spreadsheet.")
    assert "is a PDF, not a spreadsheet" in response.content.decode()
    assert preview_of(sue_client) is None


def test_a_workbook_with_the_wrong_columns_is_refused(sue_client, world):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Email"])
    workbook.active.append(["Sue", "sue@example.org"])
    assert refusal(upload(sue_client, workbook)).startswith("This is not an update sheet from the tracker")

    workbook = download(sue_client)
    workbook.active.delete_cols(COLUMN["version"])
    workbook.active.protection.sheet = False
    assert refusal(upload(sue_client, workbook)) == (
        "The update sheet is missing the column ‘Version (do not change)’. "
        "Download a fresh update sheet and fill that in."
    )
    assert preview_of(sue_client) is None


def test_an_update_sheet_with_headings_only_is_refused(sue_client, world):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Update sheet"])
    workbook.active.append(HEADINGS)
    message = refusal(upload(sue_client, workbook))
    assert message == "The update sheet has no actions in it: there is nothing under its headings."


def test_too_many_filled_in_rows_are_refused(sue_client, world, monkeypatch):
    monkeypatch.setattr("reports.bulk_update.sheet.MAX_FILLED_IN_ROWS", 1)
    workbook = download(sue_client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "One.")
    fill(workbook, world["actions"]["1.3"], "In progress", "Green", "Two.")
    assert refusal(upload(sue_client, workbook)).startswith("More than 1 rows are filled in")
    assert preview_of(sue_client) is None


def test_no_file_is_asked_for(sue_client, world):
    response = sue_client.post(reverse("bulk_update"), {})
    assert refusal(response) == "Choose the update sheet to upload"


def test_a_csv_saved_from_the_sheet_works_too(sue_client, world):
    a = world["actions"]
    workbook = download(sue_client)
    fill(workbook, a["1.1"], "In progress", "Amber", "=from a CSV")
    lines = [
        ",".join(f'"{value}"' if value is not None else "" for value in row)
        for row in workbook.active.iter_rows(values_only=True)
    ]
    upload(sue_client, SimpleUploadedFile("sheet.csv", "\n".join(lines).encode(), content_type="text/csv"))
    [row] = preview_of(sue_client).ready
    assert (row.action_id, row.rag, row.narrative) == (a["1.1"].pk, Rag.AMBER, "=from a CSV")


# --- access and CSRF ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("bulk_update", "get"),
        ("bulk_update", "post"),
        ("bulk_update_preview", "get"),
        ("bulk_update_confirm", "post"),
        ("my_actions_update_sheet", "get"),
        ("tracker_update_sheet", "get"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_upload_and_the_confirm_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["sue"].user)
    workbook = download(client)
    fill(workbook, world["actions"]["1.1"], "In progress", "Green", "Fine.")
    assert client.post(reverse("bulk_update"), {"spreadsheet": as_file(workbook)}).status_code == 403

    page = client.get(reverse("bulk_update"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("bulk_update"), {"spreadsheet": as_file(workbook), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    preview_token = preview_of(client).token
    assert client.post(reverse("bulk_update_confirm"), {"token": preview_token}).status_code == 403
    assert not ProgressUpdate.objects.filter(author=world["sue"]).exists()
    response = client.post(reverse("bulk_update_confirm"), {"token": preview_token, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(author=world["sue"]).count() == 1


def test_the_preview_page_without_an_upload_says_so(sue_client):
    html = sue_client.get(reverse("bulk_update_preview")).content.decode()
    assert "There is no upload waiting to be posted." in html


# --- permission checks do not grow with the rows --------------------------------------------


def queries_to_preview_and_post(user, *, rows: int, world) -> tuple[int, int]:
    """Sue (or another user) fills in `rows` fresh actions of the council plan: half she leads,
    half she supports, so every one is decided by who is responsible, not by role alone.
    Returns the queries of the preview and of the confirm."""
    plan, sue = world["plan"], world["sue"]
    actions = []
    for number in range(rows):
        action = ActionFactory(plan=plan, lead=sue if number % 2 else world["alison"], target_date=None)
        if not number % 2:
            action.supporting_officers.add(sue)
        actions.append(action)
    sheet_rows = [
        SheetRow(
            number=index + 3,
            action_id=str(action.pk),
            version=version_marker(action.version, None),
            new_status="In progress",
            new_rag="Green",
            narrative="Under way.",
        )
        for index, action in enumerate(actions)
    ]
    with CaptureQueriesContext(connection) as previewing:
        preview = bulk_update_preview(viewer=Viewer(user), user_id=user.pk, sheet_rows=sheet_rows)
    assert len(preview.ready) == rows, [row.messages for row in preview.problems]
    with CaptureQueriesContext(connection) as posting:
        assert len(bulk_update_apply(viewer=Viewer(user), preview=preview)) == rows
    return len(previewing), len(posting)


def test_the_permission_checks_of_a_bulk_update_do_not_grow_with_its_rows(world):
    """The preview asks whether the uploader may update every action named in one query
    (plans.access.updatable_actions), so 25 rows cost what 5 do. Posting writes each row, so it
    grows, but by no more for an officer, whose permission depends on each action, than for
    democratic support, who may update everything."""
    sue, support = world["sue"].user, world["support"]
    officer_preview_5, officer_post_5 = queries_to_preview_and_post(sue, rows=5, world=world)
    officer_preview_25, officer_post_25 = queries_to_preview_and_post(sue, rows=25, world=world)
    assert officer_preview_25 == officer_preview_5
    manager_preview_5, manager_post_5 = queries_to_preview_and_post(support, rows=5, world=world)
    manager_preview_25, manager_post_25 = queries_to_preview_and_post(support, rows=25, world=world)
    assert manager_preview_25 == manager_preview_5
    assert officer_post_25 - officer_post_5 == manager_post_25 - manager_post_5


# --- reading words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("In progress", "in_progress"), ("in_progress", "in_progress"), ("PARTIALLY  complete", "partially_complete")],
)
def test_status_words(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("Red", "red"), ("amber", "amber"), ("Green: On track", "green")])
def test_rag_words(text, expected):
    assert parse_rag(text) == expected


def test_unknown_words_are_none():
    assert parse_status("Done") is None and parse_rag("Purple") is None and parse_rag("") is None

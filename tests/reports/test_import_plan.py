"""Importing an existing plan from a spreadsheet or a pasted table: the header words of every
paper we know, finding the headings under a title block, names and dates as printed, every row
checked before anything is saved, and all of it saved at once or none of it."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from actionplans.plans.models import Action, Plan, ProgressUpdate
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Organisation, Person
from recommendations.models import Recommendation, Source, SourceKind
from reports.imports import headers, parse, people, services
from reports.imports.headers import find_header_row, propose_mapping
from reports.imports.people import Directory, people_in_cell
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SupportUserFactory,
    UserFactory,
)
from tests.reports.test_uploads import xlsx_bytes

# Leicester's Joint Area Review action plan (seed 003), as a spreadsheet would hold it: two
# title lines, then the headings, a recommendation as a merged row, and its actions.
LEICESTER = [
    ["LEICESTER Joint Area Review Action Plan"],
    ["June 2008"],
    [],
    ["Ref.", "Actions", "Due Date", "Lead", "Success criteria/milestones"],
    ["For immediate action"],
    [
        "Recommendation 1: Ensure that an appropriate way is found for the successful dissemination of the "
        "findings of this report to children and young people in the area"
    ],
    [
        "1.1",
        "Present the findings to the Young People's Council",
        "End August 2008",
        "P Vaughan",
        "Young People's Council receive the findings any comments are fed back via Julie Foster",
    ],
    [
        "1.2",
        "Present the findings to the Participation network for dissemination to children, young people and parents",
        "End July 2008",
        "P Vaughan",
        "Recorded in minutes of meeting",
    ],
    ["Recommendation 3: Develop a performance management system for school improvement which is fit for purpose"],
    ["Lead: Richard Whitehouse"],
    ["Ref.", "Actions", "Due Date", "Lead", "Success criteria/milestones"],
    [
        "3.1",
        "Development and launch of new school performance data capture and analysis system (DataNet)",
        "18.8.08",
        "Sue Welford",
        "Foundation Stage, Key Stage 1, Key Stage 2, Key Stage 3 reports to headteachers",
    ],
    [
        "3.2",
        "Development of DataNet to deliver prioritised contextual and current cohort reporting",
        "31 December 08",
        "Sue Welford",
        "Local Authority systems deliver performance analysis data",
    ],
]


@pytest.fixture
def body(db):
    return BodyFactory(name="Children and Young People's Strategic Partnership")


def xlsx_file(rows, name="plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def start(client, *, rows=None, pasted="", plan=None, body=None, **fields):
    data = {
        "source_title": "Joint Area Review of Leicester",
        "source_kind": SourceKind.INSPECTION,
        "source_date": "17/06/2008",
        "pasted": pasted,
    }
    if plan is None:
        data |= {"title": "Joint Area Review action plan", "owning_body": body.pk if body else ""}
    data |= fields
    if rows is not None:
        data["upload"] = xlsx_file(rows)
    url = reverse("plan_import_into", args=[plan.pk]) if plan else reverse("plan_import")
    return client.post(url, data)


def columns_data(client, **changes) -> dict:
    """The columns form as proposed, with `changes` (column_N -> field) made."""
    form = client.get(reverse("plan_import_columns")).context["form"]
    data = {"header_row": form["header_row"].value(), "step": "columns"}
    for name in form.column_names:
        data[name] = changes.get(name, form[name].value())
    return data


def to_preview(client, **changes):
    response = client.post(reverse("plan_import_columns"), columns_data(client, **changes))
    assert response.status_code == 302, response.context["form"].errors
    return client.get(reverse("plan_import_preview"))


def confirm(client, **decisions):
    form = client.get(reverse("plan_import_preview")).context["form"]
    data = {name: form[name].value() for name in form.fields} | decisions | {"action": "confirm"}
    return client.post(reverse("plan_import_preview"), data)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Plan, Source, Recommendation, Action, Person, Organisation, ProgressUpdate)
    }


# --- The vocabulary: headers of every paper we know ---------------------------------------------------


@pytest.mark.parametrize(
    "header,expected",
    [
        (
            ["Recommendation", "Current Activity", "Proposed Future Action", "Responsible Officer",
             "Target Date for Completion"],
            ["recommendation", "current_activity", "action", "people", "target_date"],
        ),
        (
            ["Responsible Officers:", "What we want to do differently or better?",
             "What is the Outcome we want to achieve?", "The actions we will take to achieve this",
             "When will we achieve this by?", "The key partners are"],
            ["people", "recommendation", "success_criteria", "action", "target_date", "partners"],
        ),
        (
            ["Ref.", "Actions", "Due Date", "Lead", "Success criteria/milestones"],
            ["reference", "action", "target_date", "people", "success_criteria"],
        ),
        (
            ["Date", "Title", "Action proposed", "Action Taken", "Progress Status"],
            ["ignore", "recommendation", "action", "progress", "status"],
        ),
        (
            ["No.", "Action", "Action lead", "Timescale", "Partners", "RAG", "Milestones", "Notes"],
            ["reference", "action", "people", "target_date", "partners", "status", "milestones", "ignore"],
        ),
    ],
    ids=["000-southampton-inquiry", "002-improvement-plan", "003-leicester-jar", "002-panel-tracker", "usual"],
)  # fmt: skip
def test_each_papers_header_words_map_to_the_right_fields(header, expected):
    assert propose_mapping(header) == expected


def test_a_field_is_proposed_for_the_first_column_that_fits_only():
    assert propose_mapping(["Lead", "Lead officer", "Action"]) == ["people", "ignore", "action"]


def test_the_header_row_is_found_below_a_title_block():
    assert find_header_row(LEICESTER) == 3
    assert find_header_row([["Action plan"], ["Ref", "Action"], ["1", "Do"]]) == 1


def test_without_recognised_headings_the_first_filled_row_is_proposed():
    assert find_header_row([[], ["Alpha", "Beta"], ["1", "2"]]) == 1


# --- Names ---------------------------------------------------------------------------------------------


def names(cell, directory=None):
    found, organisations = people_in_cell(cell, directory or Directory.load())
    return [person.text for person in found], organisations


@pytest.mark.django_db
def test_several_names_in_a_cell_are_several_people_lead_first():
    assert names("Sue Allan, Andrew Hind") == (["Sue Allan", "Andrew Hind"], [])
    assert names("Bradley Iliffe / Emma Southern") == (["Bradley Iliffe", "Emma Southern"], [])
    assert names("Roz Smith\nDavid Carter; Phil Pearson") == (["Roz Smith", "David Carter", "Phil Pearson"], [])


@pytest.mark.django_db
def test_initials_become_people_only_when_every_one_matches_a_known_person():
    for name in ("Alison Wright", "Andrew Anderson", "Fiona Brown"):
        PersonFactory(name=name)
    assert names("AW/AA/FB") == (["AW", "AA", "FB"], [])
    assert Directory.load().people_matching("AW")[0][0].label.startswith("Alison Wright")
    assert names("AW/AA/XY") == (["AW/AA/XY"], [])  # XY is nobody: the cell stays as printed


@pytest.mark.django_db
def test_an_organisation_after_a_name_is_that_persons_organisation():
    OrganisationFactory(name="NHS Southampton City")
    found, organisations = people_in_cell("Stephanie Ramsey, NHS Southampton City", Directory.load())
    assert [p.text for p in found] == ["Stephanie Ramsey"]
    assert found[0].organisation.label == "NHS Southampton City"
    assert organisations == []
    assert names("NHS Southampton City") == ([], ["NHS Southampton City"])


@pytest.mark.django_db
def test_people_are_matched_by_name_case_insensitively_and_by_initial_and_surname():
    sue = PersonFactory(name="Sue Allan")
    paul = PersonFactory(name="Paul Vaughan")
    directory = Directory.load()
    assert [known.pk for known in directory.people_matching("sue ALLAN")[0]] == [sue.pk]
    assert directory.people_matching("P Vaughan") == (
        [directory.by_name["paul vaughan"][0]],
        "same initial and surname",
    )
    assert paul.pk == directory.people_matching("P. Vaughan")[0][0].pk
    assert directory.people_matching("Emma Southern") == ([], "")


def test_posts_are_told_from_people():
    assert people.is_post("HoS Early Help")
    assert people.is_post("All Steering Group Leads")
    assert people.is_post("CYPTE")
    assert not people.is_post("Sue Allan")
    assert not people.is_post("Cllr Holmes")


# --- The proposal ------------------------------------------------------------------------------------------------


def proposal_of(rows, *, plan=None, mapping=None, decisions=None):
    header_row = find_header_row(rows)
    return parse.propose(
        rows,
        header_row=header_row,
        mapping=mapping or propose_mapping(rows[header_row]),
        plan=plan,
        decisions=decisions,
    )


@pytest.mark.django_db
def test_headings_become_groups_recommendations_and_their_leads():
    proposal = proposal_of(LEICESTER)
    first, third = proposal.recommendations
    assert (first.label, first.group, first.action_count) == ("1", "For immediate action", 2)
    assert first.text.startswith("Ensure that an appropriate way is found")
    assert (third.label, third.action_count) == ("3", 2)
    assert proposal.people[third.lead].text == "Richard Whitehouse"
    assert [action.reference for action in proposal.actions] == ["1.1", "1.2", "3.1", "3.2"]
    assert [line.kind for line in proposal.lines].count("skipped") == 1  # the headings printed again
    assert proposal.is_valid


@pytest.mark.django_db
def test_repeated_recommendation_text_and_blank_cells_keep_the_same_recommendation():
    rows = [
        ["Recommendation", "Proposed Future Action", "Responsible Officer", "Target Date for Completion"],
        ["a) Use current systems", "Set up the information group", "Sue Allan, Andrew Hind", "April 2010"],
        [None, "Join up the ICT systems", "Andrew Hind", "completion date to be determined"],
        ["b) Report fewer indicators", "Agree the indicators", "Sue Allan", "January 2010"],
        ["a) Use current systems", "Link with partners' systems", "Sue Allan", "31.3.09"],
    ]
    proposal = proposal_of(rows)
    assert [(r.text, r.action_count) for r in proposal.recommendations] == [
        ("a) Use current systems", 3),
        ("b) Report fewer indicators", 1),
    ]
    assert [a.recommendation.number for a in proposal.actions] == [1, 1, 2, 1]


@pytest.mark.django_db
def test_each_row_error_is_found(body):
    plan = PlanFactory(owning_body=body)
    ActionFactory(plan=plan, reference="9.9")
    rows = [
        ["Ref", "Action", "Due date", "Status"],
        ["1.1", "Present the findings", "April 2010", ""],
        ["1.2", None, "April 2010", ""],
        ["1.1", "Present them again", "May 2010", ""],
        ["9.9", "Clashes with the plan", "June 2010", ""],
        ["1.3", "Odd status", "June 2010", "Sort of"],
    ]
    proposal = proposal_of(rows, plan=plan)
    errors = {action.row: action.errors for action in proposal.actions}
    assert errors[2] == []
    assert errors[3] == ["There is no action in this row: enter it, or leave the row out of the spreadsheet"]
    assert errors[4] == ["The reference “1.1” is already used on row 2"]
    assert errors[5] == ["The reference “9.9” is already used by an action in the plan"]
    assert errors[6][0].startswith("The status “Sort of” is not one the tracker knows")
    assert not proposal.is_valid


# --- The wizard --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_done_when_a_plan_with_a_title_block_is_imported_and_its_page_shows_it(support_client, body):
    PersonFactory(name="Paul Vaughan")
    response = start(support_client, rows=LEICESTER, body=body)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_import_columns")

    columns = support_client.get(reverse("plan_import_columns"))
    assert columns.status_code == 200
    assert columns.context["form"]["header_row"].value() == "3"
    assert [columns.context["form"][name].value() for name in columns.context["form"].column_names] == [
        "reference",
        "action",
        "target_date",
        "people",
        "success_criteria",
    ]
    preview = to_preview(support_client)
    assert preview.status_code == 200
    html = preview.content.decode()
    # Every row of the sheet under the headings is in the preview, each action with its row number.
    assert [f'id="row-{n}"' in html for n in (7, 8, 12, 13)] == [True] * 4
    assert html.count('id="row-') == 4
    assert "Present the findings to the Young People&#x27;s Council" in html
    assert "Read as 31 August 2008" in html
    assert "Read as 18 August 2008" in html
    assert "Create a new person “Sue Welford”" in html
    assert preview.context["proposal"].is_valid

    response = confirm(support_client)
    plan = Plan.objects.get(title="Joint Area Review action plan")
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()

    page = support_client.get(plan.get_absolute_url())
    html = page.content.decode()
    assert "Imported 4 actions, 2 recommendations and 2 new people from “Joint Area Review of Leicester”." in html
    for text in ("Ensure that an appropriate way is found", "Present the findings to the Young People",
                 "Development of DataNet", "Sue Welford", "Paul Vaughan"):  # fmt: skip
        assert text in html
    actions = list(plan.actions.order_by("position"))
    assert [a.reference for a in actions] == ["1.1", "1.2", "3.1", "3.2"]
    assert (actions[0].target_date_text, actions[0].target_date) == ("End August 2008", datetime.date(2008, 8, 31))
    assert actions[0].lead.name == "Paul Vaughan"  # "P Vaughan" matched by initial and surname
    assert actions[2].target_date == datetime.date(2008, 8, 18)
    source = plan.sources.get()
    assert (source.title, source.kind, source.date) == (
        "Joint Area Review of Leicester",
        SourceKind.INSPECTION,
        datetime.date(2008, 6, 17),
    )
    recommendation = source.recommendations.get(label="3")
    assert recommendation.lead.name == "Richard Whitehouse"
    assert recommendation.actions.count() == 2
    assert source.recommendations.get(label="1").group == "For immediate action"
    # The import is over: its rows are no longer kept in the session.
    assert "There is no import in progress" in support_client.get(reverse("plan_import_preview")).content.decode()


@pytest.mark.django_db
def test_a_header_row_with_no_data_under_it_is_refused_at_the_first_step(support_client, body):
    response = start(support_client, rows=[["Action plan"], [], ["Ref.", "Actions", "Due Date", "Lead"]], body=body)
    assert response.status_code == 400
    assert response.context["form"].errors["upload"] == [
        "“plan.xlsx” has column headings but no rows of actions under them"
    ]
    response = start(support_client, pasted="Action plan\nRef.\tActions\tDue Date\n", body=body)
    assert response.status_code == 400
    assert "The pasted table has column headings but no rows of actions under them" in response.content.decode()


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_its_message_on_the_upload_field(support_client, body):
    response = support_client.post(
        reverse("plan_import"),
        {
            "title": "A plan",
            "owning_body": body.pk,
            "source_title": "A paper",
            "source_kind": SourceKind.REVIEW,
            "upload": SimpleUploadedFile("plan.xlsx", b"%PDF-1.4 not really"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["upload"] == [
        "“plan.xlsx” is a PDF, not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file, "
        "or copy the table and paste it instead."
    ]
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_the_first_step_asks_for_a_spreadsheet_or_a_paste_but_not_both(support_client, body):
    response = start(support_client, body=body)
    assert response.context["form"].errors["upload"] == ["Choose a spreadsheet to upload, or paste a table"]
    response = start(support_client, rows=LEICESTER, pasted="a\tb\n1\t2", body=body)
    assert response.context["form"].errors["upload"] == ["Upload a spreadsheet or paste a table, not both"]


@pytest.mark.django_db
def test_a_plan_title_already_used_is_refused(support_client, body):
    PlanFactory(title="Joint Area Review action plan")
    response = start(support_client, rows=LEICESTER, body=body)
    assert response.context["form"].errors["title"] == ["There is already a plan with this title"]


@pytest.mark.django_db
def test_a_pasted_table_is_imported(support_client, body):
    pasted = (
        "Date\tTitle\tAction proposed\tAction Taken\tProgress Status\r\n"
        "16/09/21\tOfsted letter\tThat the Cabinet Member lobbies the Government\tThe Cabinet Member has "
        "received a briefing\tPartially complete\r\n"
        "16/09/21\tAttainment\tThat the Executive Director engages with Oasis\tWorking on the plan\tComplete\r\n"
    )
    assert start(support_client, pasted=pasted, body=body).status_code == 302
    preview = to_preview(support_client)
    html = preview.content.decode()
    assert "No RAG printed: read as Amber" in html
    assert confirm(support_client).status_code == 302
    plan = Plan.objects.get()
    first, second = plan.actions.order_by("position")
    assert first.recommendation.text == "Ofsted letter"
    update = first.updates.get()
    assert (update.status, update.rag, update.narrative, update.author) == (
        ActionStatus.PARTIALLY_COMPLETE,
        Rag.AMBER,
        "The Cabinet Member has received a briefing",
        None,
    )
    assert (second.updates.get().status, second.updates.get().rag) == (ActionStatus.COMPLETE, Rag.BLUE)


@pytest.mark.django_db
def test_the_user_corrects_the_mapping(support_client, body):
    rows = [["Item", "Thing to do", "Person", "When"], ["A1", "Write the report", "Sue Allan", "April 2010"]]
    start(support_client, rows=rows, body=body)
    form = support_client.get(reverse("plan_import_columns")).context["form"]
    assert [form[name].value() for name in form.column_names] == ["reference", "ignore", "ignore", "target_date"]

    # Nothing is the action yet: refused.
    response = support_client.post(reverse("plan_import_columns"), columns_data(support_client))
    assert response.status_code == 400
    assert "Choose the column that holds the actions" in response.content.decode()
    # Two columns cannot both be the target date.
    response = support_client.post(
        reverse("plan_import_columns"), columns_data(support_client, **{"column_1": "target_date"})
    )
    assert response.status_code == 400

    data = columns_data(support_client) | {"column_1": "action", "column_2": "people", "column_3": "ignore"}
    assert support_client.post(reverse("plan_import_columns"), data).status_code == 302
    action = support_client.get(reverse("plan_import_preview")).context["proposal"].actions[0]
    assert (action.reference, action.description, action.target_text) == ("A1", "Write the report", "")
    assert (
        support_client.get(reverse("plan_import_preview")).context["proposal"].people["sue allan"].text == "Sue Allan"
    )


@pytest.mark.django_db
def test_choosing_another_header_row_proposes_the_columns_again(support_client, body):
    start(support_client, rows=LEICESTER, body=body)
    data = columns_data(support_client) | {"header_row": "0", "step": "header"}
    response = support_client.post(reverse("plan_import_columns"), data)
    assert response.status_code == 302
    form = support_client.get(reverse("plan_import_columns")).context["form"]
    assert form["header_row"].value() == "0"
    assert [form[name].value() for name in form.column_names] == ["action", "ignore", "ignore", "ignore", "ignore"]


@pytest.mark.django_db
def test_people_are_matched_or_created_as_chosen(support_client, body):
    sue = PersonFactory(name="Sue Allan")
    andrew = PersonFactory(name="Andrew Hind")
    rows = [
        ["Recommendation", "Proposed Future Action", "Responsible Officer", "Target Date for Completion"],
        ["a) Use current systems", "Set up the information group", "Sue Allan, andrew hind", "April 2010"],
        ["a) Use current systems", "Join up the ICT systems", "Andrew Hind / Emma Southern", "ongoing"],
    ]
    start(support_client, rows=rows, body=body)
    preview = to_preview(support_client)
    form = preview.context["form"]
    person_fields = {field.label: field for field in form.person_fields}
    assert set(person_fields) == {"“Sue Allan”", "“andrew hind”", "“Emma Southern”"}
    assert person_fields["“andrew hind”"].value() == f"person:{andrew.pk}"
    assert person_fields["“Emma Southern”"].value() == "new"

    # Sue Allan in the spreadsheet is somebody else of the same name: create her.
    response = confirm(support_client, **{person_fields["“Sue Allan”"].name: "new"})
    assert response.status_code == 302  # the choice changed: back to the preview to check it
    assert response["Location"] == reverse("plan_import_preview")
    assert Plan.objects.count() == 0
    assert confirm(support_client).status_code == 302
    first, second = Plan.objects.get().actions.order_by("position")
    assert first.lead != sue and first.lead.name == "Sue Allan"
    assert list(first.supporting_officers.all()) == [andrew]
    assert second.lead == andrew
    assert [p.name for p in second.supporting_officers.all()] == ["Emma Southern"]
    assert Person.objects.filter(name="Sue Allan").count() == 2
    assert first.target_date == datetime.date(2010, 4, 30) and second.target_date is None


@pytest.mark.django_db
def test_partners_are_matched_to_organisations_or_created(support_client, body):
    solent = OrganisationFactory(name="Solent NHS Trust", short_name="Solent NHS")
    rows = [
        ["Responsible Officers:", "The actions we will take to achieve this", "When will we achieve this by?",
         "The key partners are"],
        ["HoS Early Help / Performance Manager", "Monthly managers audit of early help assessments", "31/12/21",
         "QA Unit, Solent NHS, Data Team"],
    ]  # fmt: skip
    start(support_client, rows=rows, body=body)
    preview = to_preview(support_client)
    assert "Create a new post “HoS Early Help”" in preview.content.decode()
    assert confirm(support_client).status_code == 302
    action = Action.objects.get()
    assert action.target_date == datetime.date(2021, 12, 31)
    assert (action.lead.name, action.lead.job_title) == ("", "HoS Early Help")
    assert [p.job_title for p in action.supporting_officers.all()] == ["Performance Manager"]
    assert sorted(o.name for o in action.partners.all()) == ["Data Team", "QA Unit", "Solent NHS Trust"]
    assert solent in action.partners.all()


@pytest.mark.django_db
def test_an_excel_date_cell_keeps_its_date(support_client, body):
    rows = [["Ref", "Action", "Target date"], ["1", "Audit the plans", datetime.datetime(2022, 3, 31)]]
    start(support_client, rows=rows, body=body)
    to_preview(support_client)
    confirm(support_client)
    action = Action.objects.get()
    assert (action.target_date, action.target_date_text) == (datetime.date(2022, 3, 31), "31/03/2022")


@pytest.mark.django_db
def test_row_errors_are_shown_and_block_the_import(support_client, body):
    rows = [["Ref", "Action", "Due Date"], ["1.1", "Present the findings", "April 2010"], ["1.1", None, "May 2010"]]
    start(support_client, rows=rows, body=body)
    preview = to_preview(support_client)
    html = preview.content.decode()
    assert '<a href="#row-3">Row 3: There is no action in this row' in html
    assert '<a href="#row-3">Row 3: The reference “1.1” is already used on row 2</a>' in html
    assert 'value="confirm"' not in html
    before = counts()
    response = confirm(support_client)
    assert response.status_code == 400
    assert "Nothing has been imported: there are 2 problems to put right first." in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
def test_a_reference_taken_in_the_plan_after_the_preview_is_caught_on_confirm(client, body):
    lead = PersonFactory(name="Robert Henderson", user=UserFactory(username="lead"))
    plan = PlanFactory(owning_body=body, lead=lead)
    client.force_login(lead.user)
    rows = [["Ref", "Action"], ["7.1", "Audit"], ["7.2", "Report"]]
    assert start(client, rows=rows, plan=plan).status_code == 302
    assert to_preview(client).context["proposal"].is_valid
    ActionFactory(plan=plan, reference="7.2")  # somebody else, meanwhile
    before = counts()
    response = confirm(client)
    assert response.status_code == 400
    assert "Row 3: The reference “7.2” is already used by an action in the plan" in response.content.decode()
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_an_error_only_the_database_catches_mid_import_rolls_everything_back(client, monkeypatch):
    body = BodyFactory()
    lead = PersonFactory(name="Robert Henderson", user=UserFactory(username="lead"))
    plan = PlanFactory(owning_body=body, lead=lead)
    client.force_login(lead.user)
    rows = [
        ["Recommendation", "Ref", "Action", "Lead", "Partners"],
        ["Improve the audits", "7.1", "Audit", "Emma Southern", "New Partner"],
        [None, "7.2", "Report", "Dan Gray", None],
        [None, "7.3", "Review", "Dan Gray", None],
    ]
    start(client, rows=rows, plan=plan)
    to_preview(client)
    ActionFactory(plan=plan, reference="7.3")  # meanwhile; and neither check below sees it:
    monkeypatch.setattr(parse, "plan_references", lambda plan: set())
    monkeypatch.setattr(Action, "validate_constraints", lambda self, exclude=None: None)
    before = counts()
    response = confirm(client)
    assert response.status_code == 400
    assert "Nothing has been imported: row 4 could not be saved" in response.content.decode()
    assert counts() == before
    assert not Person.objects.filter(name__in=["Emma Southern", "Dan Gray"]).exists()
    assert not Organisation.objects.filter(name="New Partner").exists()
    assert plan.sources.count() == 0


@pytest.mark.django_db
def test_a_stale_preview_page_cannot_confirm(support_client, body):
    start(support_client, rows=LEICESTER, body=body)
    to_preview(support_client)
    form = support_client.get(reverse("plan_import_preview")).context["form"]
    stale = {name: form[name].value() for name in form.fields} | {"action": "confirm"}
    # Meanwhile, in another tab, the first column is left out.
    support_client.post(reverse("plan_import_columns"), columns_data(support_client, column_4="ignore"))
    response = support_client.post(reverse("plan_import_preview"), stale)
    assert response.status_code == 409
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_adding_actions_into_an_existing_plan_adds_the_paper_to_its_sources(client, body):
    lead = PersonFactory(name="Robert Henderson", user=UserFactory(username="lead"))
    plan = PlanFactory(owning_body=body, lead=lead)
    ActionFactory(plan=plan, reference="1.1", position=1)
    client.force_login(lead.user)
    start(client, rows=[["Ref", "Action"], ["2.1", "Audit"]], plan=plan)
    to_preview(client)
    assert confirm(client)["Location"] == plan.get_absolute_url()
    assert [a.reference for a in plan.actions.order_by("position")] == ["1.1", "2.1"]
    assert plan.sources.get().title == "Joint Area Review of Leicester"


# --- Permissions ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_panel_member_may_not_import(client, body):
    member = PersonFactory(user=UserFactory(username="panel"))
    MembershipFactory(body=body, person=member)
    client.force_login(member.user)
    assert client.get(reverse("plan_import")).status_code == 403
    assert start(client, rows=LEICESTER, body=body).status_code == 403
    assert client.get(reverse("plan_import_columns")).status_code == 403
    assert client.get(reverse("plan_import_preview")).status_code == 403
    plan = PlanFactory(owning_body=body)
    assert client.get(reverse("plan_import_into", args=[plan.pk])).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ("plan_import", "plan_import_columns", "plan_import_preview"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_plan_lead_imports_into_their_own_plan_only(client, body):
    lead = PersonFactory(name="Robert Henderson", user=UserFactory(username="lead"))
    own, other = PlanFactory(owning_body=body, lead=lead), PlanFactory()
    client.force_login(lead.user)
    assert client.get(reverse("plan_import_into", args=[own.pk])).status_code == 200
    assert client.get(reverse("plan_import_into", args=[other.pk])).status_code == 404
    assert client.get(reverse("plan_import")).status_code == 403
    assert client.get(reverse("plan_import_columns")).status_code == 200  # nothing in progress yet
    # The plan stops being theirs in the middle of the import.
    start(client, rows=[["Ref", "Action"], ["2.1", "Audit"]], plan=own)
    Plan.objects.filter(pk=own.pk).update(lead=None)
    assert client.get(reverse("plan_import_preview")).status_code == 404


@pytest.mark.django_db
def test_somebody_elses_import_in_the_same_session_is_not_theirs(support_client, body):
    start(support_client, rows=LEICESTER, body=body)
    other = SupportUserFactory(username="support-2")
    support_client.force_login(other)
    response = support_client.get(reverse("plan_import_preview"))
    assert response.status_code == 200
    assert "There is no import in progress" in response.content.decode()


@pytest.mark.django_db
def test_every_post_step_needs_the_csrf_token(body):
    client = Client(enforce_csrf_checks=True)
    client.force_login(SupportUserFactory(username="support"))
    assert start(client, rows=LEICESTER, body=body).status_code == 403
    assert client.post(reverse("plan_import_columns"), {}).status_code == 403
    assert client.post(reverse("plan_import_preview"), {"action": "confirm"}).status_code == 403
    plan = PlanFactory(owning_body=body)
    assert client.post(reverse("plan_import_into", args=[plan.pk]), {}).status_code == 403


# --- The command ---------------------------------------------------------------------------------------------------


@pytest.fixture
def leicester_file(tmp_path):
    path = tmp_path / "leicester.xlsx"
    path.write_bytes(xlsx_bytes(LEICESTER))
    return path


@pytest.mark.django_db
def test_the_command_dry_run_prints_the_preview_and_writes_nothing(leicester_file, body):
    out = io.StringIO()
    before = counts()
    call_command("import_plan", str(leicester_file), title="JAR plan", body=body.name, dry_run=True, stdout=out)
    printed = out.getvalue()
    assert "Column headings in row 4" in printed
    assert "Row 7  1.1  Present the findings to the Young People's Council" in printed
    assert "Target: End August 2008 (read as 31 August 2008)" in printed
    assert "Responsible: P Vaughan (new person)" in printed
    assert "Dry run: nothing has been written." in printed
    assert counts() == before


@pytest.mark.django_db
def test_the_command_imports_using_matches_and_creating_the_rest(leicester_file, body):
    sue = PersonFactory(name="Sue Welford")
    out = io.StringIO()
    call_command(
        "import_plan",
        str(leicester_file),
        "--title=JAR plan",
        f"--body={body.name}",
        "--source-title=Joint Area Review of Leicester",
        "--mapping",
        "E=milestones",
        stdout=out,
    )
    plan = Plan.objects.get(title="JAR plan")
    assert plan.actions.count() == 4
    assert plan.sources.get().title == "Joint Area Review of Leicester"
    action = plan.actions.get(reference="3.1")
    assert action.lead == sue
    assert action.milestones.startswith("Foundation Stage") and action.success_criteria == ""
    assert Person.objects.filter(name="P Vaughan").exists()
    assert "Imported 4 actions" in out.getvalue()


@pytest.mark.django_db
def test_the_command_adds_actions_into_an_existing_plan(tmp_path, body):
    plan = PlanFactory(owning_body=body)
    ActionFactory(plan=plan, reference="1.1", position=1)
    path = tmp_path / "more.csv"
    path.write_text("Ref,Action,Lead\n2.1,Audit the plans,Dan Gray\n")
    call_command("import_plan", str(path), into=plan.pk, source_title="Audit report", stdout=io.StringIO())
    assert [a.reference for a in plan.actions.order_by("position")] == ["1.1", "2.1"]
    assert plan.actions.get(reference="2.1").lead.name == "Dan Gray"
    assert plan.sources.get().title == "Audit report"


@pytest.mark.django_db
def test_the_command_refuses_a_file_with_row_errors_and_writes_nothing(tmp_path, body):
    path = tmp_path / "plan.csv"
    path.write_text("Ref,Action\n1,Audit\n1,Audit again\n")
    before = counts()
    with pytest.raises(CommandError, match="there is 1 problem"):
        call_command("import_plan", str(path), title="A plan", body=body.name, stdout=io.StringIO())
    assert counts() == before


@pytest.mark.django_db
def test_the_command_refuses_a_bad_mapping_or_body(leicester_file, body):
    with pytest.raises(CommandError, match="no body called"):
        call_command("import_plan", str(leicester_file), title="A plan", body="Nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not a field"):
        call_command(
            "import_plan",
            str(leicester_file),
            title="A plan",
            body=body.name,
            mapping=["A=colour"],
            stdout=io.StringIO(),
        )


def test_services_refusal_says_nothing_was_imported():
    assert str(services.ImportRefused("Nothing has been imported: x")).startswith("Nothing has been imported")
    assert headers.mapping_errors(["reference"]) == {"__all__": "Choose the column that holds the actions"}

"""Democratic support and plan leads create and edit plans, add, edit and delete actions, and
assign the people responsible: each page works for the roles allowed, refuses read-only users
(403) and hides from outsiders (404); bad input changes nothing; target-date moves are kept;
two people editing one action cannot overwrite each other."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.kernel.concurrency import EditConflict
from actionplans.plans.editing import services
from actionplans.plans.editing.forms import CONFLICT
from actionplans.plans.history import history_entries
from actionplans.plans.models import Action, Plan, PlanStatus, TargetDateRevision
from recommendations.models import Recommendation
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    RecommendationFactory,
    SourceFactory,
    SupportUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MARCH_2022 = datetime.date(2022, 3, 31)


# --- The people and the plan ------------------------------------------------------------------


@pytest.fixture
def world(world, db):
    """The panel's APA action plan for the inquiry, led by Lena Lead, with one action Rita
    Responsible leads; Harry Helper of the PCT; Mary Member on the panel; Otto Outsider of
    Portsmouth; democratic support and an admin (tests/worlds.py)."""
    council, nhs, elsewhere, panel = world["council"], world["pct"], world["elsewhere"], world["panel"]
    source = world["inquiry"]
    front_door = RecommendationFactory(source=source, position=1, label="a)", text="Improve the front door.")
    thresholds = RecommendationFactory(
        source=source, position=2, parent=front_door, label="i)", text="Publish thresholds."
    )
    other_source_rec = RecommendationFactory(text="A recommendation of another paper.")
    plan_lead = PersonFactory(name="Lena Lead", organisation=council, user=UserFactory(username="lead"))
    plan = PlanFactory(title="APA action plan", owning_body=panel, lead=plan_lead)
    plan.sources.add(source)
    responsible = PersonFactory(name="Rita Responsible", organisation=council, user=UserFactory(username="rita"))
    helper = PersonFactory(name="Harry Helper", organisation=nhs)
    action = ActionFactory(
        plan=plan,
        position=1,
        recommendation=thresholds,
        reference="1.1",
        description="Publish the thresholds document",
        lead=responsible,
        target_date=MARCH_2022,
        target_date_text="End March 2022",
    )
    member = PersonFactory(name="Cllr Mary Member", organisation=elsewhere, user=UserFactory(username="member"))
    MembershipFactory(body=panel, person=member)
    outsider = PersonFactory(name="Otto Outsider", organisation=elsewhere, user=UserFactory(username="outsider"))
    support = world["support"]
    admin = world["admin"]
    world |= {
        "council": council,
        "nhs": nhs,
        "panel": panel,
        "source": source,
        "front_door": front_door,
        "thresholds": thresholds,
        "other_source_rec": other_source_rec,
        "plan_lead": plan_lead,
        "plan": plan,
        "responsible": responsible,
        "helper": helper,
        "action": action,
        "member": member,
        "outsider": outsider,
        "support": support,
        "admin": admin,
    }
    return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_of(world, role):
    return {
        "support": world["support"],
        "admin": world["admin"],
        "plan lead": world["plan_lead"].user,
        "panel member": world["member"].user,
        "responsible officer": world["responsible"].user,
        "outsider": world["outsider"].user,
    }[role]


def action_data(**fields) -> dict:
    return {
        "recommendation": "",
        "reference": "2.1",
        "description": "Commission the review",
        "target_date_text": "April 2022",
        "target_date": "",
        "success_criteria": "",
        "milestones": "",
    } | fields


def edit_data(action, **fields) -> dict:
    action.refresh_from_db()
    return {
        "recommendation": action.recommendation_id or "",
        "reference": action.reference,
        "description": action.description,
        "target_date_text": action.target_date_text,
        "target_date": action.target_date.strftime("%d/%m/%Y") if action.target_date else "",
        "success_criteria": action.success_criteria,
        "milestones": action.milestones,
        "revision_reason": "",
        "opened_version": action.version,
    } | fields


def plan_data(world, **fields) -> dict:
    return {
        "title": "Early help action plan",
        "owning_body": world["panel"].pk,
        "lead": world["plan_lead"].pk,
        "status": PlanStatus.ACTIVE,
        "sources": [world["source"].pk],
        "summary": "",
    } | fields


def errors_of(response) -> str:
    return response.content.decode()


# --- Who may do what ------------------------------------------------------------------------

PLAN_EDIT_URLS = {
    "plan_edit": lambda w: reverse("plan_edit", args=[w["plan"].pk]),
    "action_create": lambda w: reverse("action_create", args=[w["plan"].pk]),
    "action_edit": lambda w: reverse("action_edit", args=[w["action"].pk]),
    "action_delete": lambda w: reverse("action_delete", args=[w["action"].pk]),
    "action_people": lambda w: reverse("action_people", args=[w["action"].pk]),
}


@pytest.mark.parametrize("name", PLAN_EDIT_URLS)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("support", 200),
        ("admin", 200),
        ("plan lead", 200),
        ("panel member", 403),  # reads the plan of their body, may not change it
        ("responsible officer", 403),  # updates their own action, may not edit the plan
        ("outsider", 404),  # nothing in the plan: may not learn it exists
    ],
)
def test_plan_and_action_pages_by_role(world, name, role, status):
    response = client_for(user_of(world, role)).get(PLAN_EDIT_URLS[name](world))
    assert response.status_code == status


@pytest.mark.parametrize("name", PLAN_EDIT_URLS)
def test_plan_and_action_pages_send_an_anonymous_visitor_to_sign_in(client, world, name):
    response = client.get(PLAN_EDIT_URLS[name](world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PLAN_EDIT_URLS)
@pytest.mark.parametrize("role", ["panel member", "responsible officer", "outsider"])
def test_a_post_by_someone_who_may_not_edit_changes_nothing(world, name, role):
    before = Action.objects.values().get(pk=world["action"].pk)
    url = PLAN_EDIT_URLS[name](world)
    data = plan_data(world, title="Hijacked") | action_data(description="Hijacked") | {"opened_version": 1}
    response = client_for(user_of(world, role)).post(url, data)
    assert response.status_code in (403, 404)
    assert Action.objects.values().get(pk=world["action"].pk) == before
    assert Action.objects.count() == 1
    assert not Plan.objects.filter(title="Hijacked").exists()


@pytest.mark.parametrize(("role", "status"), [("support", 200), ("admin", 200), ("plan lead", 403), ("outsider", 403)])
def test_only_managers_create_plans(world, role, status):
    assert client_for(user_of(world, role)).get(reverse("plan_create")).status_code == status


@pytest.mark.parametrize("role", ["support", "plan lead"])
def test_plan_and_action_pages_show_edit_links_to_editors(world, role):
    client = client_for(user_of(world, role))
    plan_page = client.get(world["plan"].get_absolute_url()).content.decode()
    assert reverse("plan_edit", args=[world["plan"].pk]) in plan_page
    assert reverse("action_create", args=[world["plan"].pk]) in plan_page
    action_page = client.get(world["action"].get_absolute_url()).content.decode()
    assert reverse("action_edit", args=[world["action"].pk]) in action_page
    assert reverse("action_people", args=[world["action"].pk]) in action_page


@pytest.mark.parametrize("role", ["panel member", "responsible officer"])
def test_plan_and_action_pages_hide_edit_links_from_readers(world, role):
    client = client_for(user_of(world, role))
    plan_page = client.get(world["plan"].get_absolute_url()).content.decode()
    assert "Edit plan" not in plan_page and "Add an action" not in plan_page
    action_page = client.get(world["action"].get_absolute_url()).content.decode()
    assert "Edit action" not in action_page and "Change people" not in action_page


# --- Plans -----------------------------------------------------------------------------------


def test_support_creates_a_plan(world):
    response = client_for(world["support"]).post(reverse("plan_create"), plan_data(world))
    plan = Plan.objects.get(title="Early help action plan")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.owning_body == world["panel"] and plan.lead == world["plan_lead"]
    assert list(plan.sources.all()) == [world["source"]]
    assert plan.history.count() >= 1


def test_the_plan_lead_edits_their_plan(world):
    plan = world["plan"]
    data = plan_data(world, title="APA action plan (revised)", status=PlanStatus.CLOSED, sources=[], summary="Done.")
    response = client_for(world["plan_lead"].user).post(reverse("plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.status, plan.summary) == ("APA action plan (revised)", PlanStatus.CLOSED, "Done.")
    assert not plan.sources.exists()
    change = history_entries(plan)[0]  # the fields and the sources, as one change
    assert {field.field for field in change.changes} == {"title", "status", "summary", "sources"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Enter the title of the plan"),
        ({"title": "x" * 301}, "The title must be 300 characters or fewer"),
        ({"title": "APA action plan"}, "There is already a plan with this title"),
        ({"owning_body": ""}, "Choose the body that owns the plan"),
        ({"owning_body": "999999"}, "Choose a body from the list"),
        ({"owning_body": "not-a-number"}, "Choose a body from the list"),
        ({"lead": "999999"}, "Choose a person from the list"),
        ({"status": "abandoned"}, "Choose one of the statuses"),
        ({"sources": ["999999"]}, "Choose sources from the list"),
        ({"summary": "x" * 10_001}, "The summary must be 10,000 characters or fewer"),
    ],
)
def test_bad_plan_input_is_refused_with_a_message_by_the_field(world, fields, message):
    response = client_for(world["support"]).post(reverse("plan_create"), plan_data(world, **fields))
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert content.count(message) == 2  # in the error summary and next to the field
    assert Plan.objects.count() == 1


def test_html_typed_into_a_plan_form_is_shown_escaped(world):
    data = plan_data(world, title="<script>alert(1)</script>" + "x" * 300)
    content = client_for(world["support"]).post(reverse("plan_create"), data).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_plan_form_ignores_fields_it_does_not_declare(world):
    plan = world["plan"]
    data = plan_data(world, title="Renamed") | {"id": 999, "pk": 999}
    client_for(world["support"]).post(reverse("plan_edit", args=[plan.pk]), data)
    assert Plan.objects.filter(pk=plan.pk, title="Renamed").exists()
    assert not Plan.objects.filter(pk=999).exists()


# --- Adding actions --------------------------------------------------------------------------


def test_an_action_is_appended_and_its_date_read_from_the_text(world):
    client = client_for(world["plan_lead"].user)
    response = client.post(reverse("action_create", args=[world["plan"].pk]), action_data())
    action = Action.objects.get(reference="2.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("action_people", args=[action.pk])
    assert action.position == 2 and action.plan == world["plan"]
    assert action.target_date == datetime.date(2022, 4, 30) and action.target_date_text == "April 2022"
    page = client.get(response["Location"]).content.decode()
    assert "The target date was read from “April 2022”: 30 April 2022." in page


def test_a_target_date_given_is_used_over_the_text(world):
    data = action_data(target_date="15/04/2022")
    client_for(world["support"]).post(reverse("action_create", args=[world["plan"].pk]), data)
    assert Action.objects.get(reference="2.1").target_date == datetime.date(2022, 4, 15)


def test_a_target_with_no_date_in_it_says_so(world):
    client = client_for(world["support"])
    response = client.post(reverse("action_create", args=[world["plan"].pk]), action_data(target_date_text="ongoing"))
    assert Action.objects.get(reference="2.1").target_date is None
    page = client.get(response["Location"]).content.decode()
    assert "No date could be read from the target “ongoing”" in page


def test_the_recommendation_picker_offers_only_the_plans_sources_grouped_by_source(world):
    content = client_for(world["support"]).get(reverse("action_create", args=[world["plan"].pk])).content.decode()
    assert '<optgroup label="Children&#x27;s APA Scrutiny Inquiry">' in content
    assert "a) i) Publish thresholds." in content
    assert "A recommendation of another paper." not in content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": ""}, "Enter the action"),
        ({"description": "x" * 10_001}, "The action must be 10,000 characters or fewer"),
        ({"reference": "1.1"}, "Another action in this plan has the reference 1.1: enter a different one"),
        ({"reference": "x" * 31}, "The reference must be 30 characters or fewer"),
        ({"target_date": "31/02/2022"}, "Enter a real date, like 31/03/2022"),
        ({"target_date": "next Tuesday"}, "Enter a real date, like 31/03/2022"),
        ({"target_date_text": "x" * 301}, "The target as printed must be 300 characters or fewer"),
        ({"success_criteria": "x" * 10_001}, "The success criteria must be 10,000 characters or fewer"),
        ({"milestones": "x" * 10_001}, "The milestones must be 10,000 characters or fewer"),
        ({"recommendation": "999999"}, "Choose a recommendation of the plan&#x27;s sources from the list"),
    ],
)
def test_bad_action_input_is_refused_with_a_message_by_the_field(world, fields, message):
    response = client_for(world["support"]).post(
        reverse("action_create", args=[world["plan"].pk]), action_data(**fields)
    )
    assert response.status_code == 400
    assert response.content.decode().count(message) == 2
    assert Action.objects.count() == 1


def test_a_recommendation_of_another_source_is_refused(world):
    data = action_data(recommendation=world["other_source_rec"].pk)
    response = client_for(world["support"]).post(reverse("action_create", args=[world["plan"].pk]), data)
    assert response.status_code == 400
    assert "Choose a recommendation of the plan&#x27;s sources from the list" in response.content.decode()
    assert Action.objects.count() == 1


def test_the_service_refuses_a_recommendation_of_another_source_too(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.action_create(plan=world["plan"], description="x", recommendation=world["other_source_rec"])
    assert error.value.message_dict == {"recommendation": [services.NOT_A_SOURCE_OF_THE_PLAN]}


def test_many_actions_at_once_keep_the_rules_of_one_and_follow_the_last(world):
    from actionplans.kernel.bulk import RowRefused

    plan, NewAction = world["plan"], services.NewAction
    with pytest.raises(RowRefused) as refused:
        services.actions_create_bulk(
            plan=plan,
            new=[
                NewAction(description="Audit"),
                NewAction(description="Report", recommendation=world["other_source_rec"]),
            ],
        )
    assert refused.value.index == 1
    assert refused.value.error.message_dict == {"recommendation": [services.NOT_A_SOURCE_OF_THE_PLAN]}
    assert Action.objects.count() == 1
    created = services.actions_create_bulk(
        plan=plan,
        new=[
            NewAction(description=" Audit the front door ", target_date_text="End August 2021 "),
            NewAction(description="Report", target_date=datetime.date(2021, 12, 31), lead=world["helper"]),
        ],
    )
    assert [(a.position, a.description, a.target_date, a.target_date_text, a.version) for a in created] == [
        (2, "Audit the front door", datetime.date(2021, 8, 31), "End August 2021", 1),
        (3, "Report", datetime.date(2021, 12, 31), "", 2),
    ]
    assert Action.objects.get(pk=created[1].pk).lead == world["helper"]


def test_an_action_form_ignores_fields_it_does_not_declare(world):
    other_plan = PlanFactory()
    data = action_data() | {"version": 99, "plan": other_plan.pk, "position": 1, "id": 999, "created_at": "2001-01-01"}
    client_for(world["support"]).post(reverse("action_create", args=[world["plan"].pk]), data)
    action = Action.objects.get(reference="2.1")
    assert (action.plan, action.position, action.version) == (world["plan"], 2, 1)
    assert action.pk != 999 and action.created_at.year != 2001
    assert not other_plan.actions.exists()


# --- Editing actions ---------------------------------------------------------------------------


def test_the_plan_lead_edits_an_action(world):
    action = world["action"]
    data = edit_data(action, description="Publish the revised thresholds", milestones="Draft by January")
    response = client_for(world["plan_lead"].user).post(reverse("action_edit", args=[action.pk]), data)
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    action.refresh_from_db()
    assert action.description == "Publish the revised thresholds" and action.milestones == "Draft by January"
    assert action.version == 2
    assert not TargetDateRevision.objects.exists()


def test_edit_form_ignores_version_plan_position_and_id(world):
    action = world["action"]
    other_plan = PlanFactory()
    data = edit_data(action, description="Changed") | {"version": 50, "plan": other_plan.pk, "position": 9, "id": 77}
    client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data)
    action.refresh_from_db()
    assert (action.description, action.version, action.plan, action.position) == ("Changed", 2, world["plan"], 1)


def test_moving_the_target_date_needs_a_reason(world):
    action = world["action"]
    data = edit_data(action, target_date="30/06/2022")
    response = client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data)
    assert response.status_code == 400
    assert response.content.decode().count("Give the reason the target date is moving") == 2
    action.refresh_from_db()
    assert action.target_date == MARCH_2022 and action.version == 1
    assert not TargetDateRevision.objects.exists()


def test_moving_the_target_date_records_a_revision_and_keeps_the_original(world):
    action, client = world["action"], client_for(world["plan_lead"].user)
    client.post(
        reverse("action_edit", args=[action.pk]),
        edit_data(action, target_date="30/06/2022", revision_reason="Consultation extended"),
    )
    client.post(
        reverse("action_edit", args=[action.pk]),
        edit_data(action, target_date="", target_date_text="September 2022", revision_reason="Board moved"),
    )
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 9, 30)
    first, second = TargetDateRevision.objects.order_by("pk")
    assert (first.previous_date, first.previous_text, first.new_date) == (
        MARCH_2022,
        "End March 2022",
        datetime.date(2022, 6, 30),
    )
    assert first.reason == "Consultation extended" and first.revised_by == world["plan_lead"]
    assert (second.previous_date, second.new_date, second.reason) == (
        datetime.date(2022, 6, 30),
        datetime.date(2022, 9, 30),
        "Board moved",
    )
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Consultation extended" in page


def test_a_target_date_cannot_be_taken_away(world):
    action = world["action"]
    data = edit_data(action, target_date="", target_date_text="ongoing", revision_reason="No longer dated")
    response = client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data)
    assert response.status_code == 400
    assert "an action that has a target date cannot lose it" in response.content.decode()
    action.refresh_from_db()
    assert action.target_date == MARCH_2022


def test_giving_a_date_to_an_action_without_one_needs_no_reason(world):
    action = ActionFactory(plan=world["plan"], target_date=None, target_date_text="ongoing")
    data = edit_data(action, target_date="31/12/2022")
    assert client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data).status_code == 302
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 12, 31)
    assert not TargetDateRevision.objects.exists()


def test_the_edit_form_refuses_bad_input_and_changes_nothing(world):
    action = world["action"]
    data = edit_data(action, description="", target_date="30/13/2022", revision_reason="x" * 2001)
    response = client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data)
    content = response.content.decode()
    assert response.status_code == 400
    for message in ["Enter the action", "Enter a real date, like 31/03/2022", "The reason must be 2,000 characters"]:
        assert message in content
    action.refresh_from_db()
    assert action.description == "Publish the thresholds document" and action.version == 1


def test_a_missing_version_says_the_form_is_out_of_date(world):
    action = world["action"]
    data = edit_data(action, description="Changed")
    del data["opened_version"]
    response = client_for(world["support"]).post(reverse("action_edit", args=[action.pk]), data)
    assert response.status_code == 400
    assert "This form is out of date" in response.content.decode()
    action.refresh_from_db()
    assert action.description == "Publish the thresholds document"


def test_target_date_revise_keeps_the_previous_date_and_text(world):
    action = world["action"]
    revision = services.target_date_revise(
        action=action, new_date=datetime.date(2022, 7, 31), reason="Waiting for the Board", by=world["responsible"]
    )
    action.refresh_from_db()
    assert action.target_date == datetime.date(2022, 7, 31) and action.target_date_text == "End March 2022"
    assert (revision.previous_date, revision.previous_text) == (MARCH_2022, "End March 2022")
    assert action.version == 2


@pytest.mark.parametrize(
    ("new_date", "reason", "field"),
    [(datetime.date(2022, 7, 31), "  ", "reason"), (MARCH_2022, "Same", "new_date")],
)
def test_target_date_revise_refuses_a_move_without_reason_or_change(world, new_date, reason, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.target_date_revise(action=world["action"], new_date=new_date, reason=reason, by=None)
    assert field in error.value.message_dict
    assert not TargetDateRevision.objects.exists()


# --- Two people editing one action at once -------------------------------------------------------


def test_two_people_editing_at_once_cannot_overwrite_each_other(world):
    action = world["action"]
    first, second = client_for(world["support"]), client_for(world["plan_lead"].user)
    url = reverse("action_edit", args=[action.pk])
    opened = re.search(r'name="opened_version" value="(\d+)"', first.get(url).content.decode()).group(1)
    assert re.search(r'name="opened_version" value="(\d+)"', second.get(url).content.decode()).group(1) == opened

    base = edit_data(action)
    assert first.post(url, base | {"description": "First person's wording"}).status_code == 302
    response = second.post(url, base | {"description": "Second person's wording", "milestones": "My milestone"})

    assert response.status_code == 409
    content = response.content.decode()
    assert CONFLICT in content and "There is a problem" in content
    assert "Second person&#x27;s wording" in content and "My milestone" in content  # their typing is kept
    assert "First person&#x27;s wording" in content  # the table of what the other person changed
    assert 'name="opened_version" value="2"' in content  # the new version, so a re-submit saves
    action.refresh_from_db()
    assert action.description == "First person's wording" and action.milestones == "" and action.version == 2

    again = second.post(url, base | {"description": "Second person's wording", "opened_version": 2})
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.description == "Second person's wording" and action.version == 3


def test_the_service_raises_edit_conflict_and_writes_nothing(world):
    action = world["action"]
    services.action_update(action=action, expected_version=1, description="One", target_date=MARCH_2022)
    stale = Action.objects.select_related("plan").get(pk=action.pk)
    stale.version = 1  # as if loaded before the first save
    with pytest.raises(EditConflict) as conflict:
        services.action_update(
            action=stale,
            expected_version=1,
            description="Two",
            target_date=datetime.date(2023, 1, 1),
            revision_reason="Later",
        )
    assert "description" in [change.field for change in conflict.value.changes]
    action.refresh_from_db()
    assert action.description == "One" and action.target_date == MARCH_2022
    assert not TargetDateRevision.objects.exists()


def test_an_edit_of_other_fields_since_the_form_opened_is_not_a_conflict(world):
    action = world["action"]
    url = reverse("action_edit", args=[action.pk])
    data = edit_data(action, description="New wording")
    client_for(world["support"]).post(
        reverse("action_people", args=[action.pk]),
        {"lead": world["helper"].pk, "opened_version": 1},
    )
    assert client_for(world["plan_lead"].user).post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.description, action.lead, action.version) == ("New wording", world["helper"], 3)


# --- Deleting actions --------------------------------------------------------------------------


def test_an_action_is_deleted_after_confirmation(world):
    action, client = world["action"], client_for(world["plan_lead"].user)
    url = reverse("action_delete", args=[action.pk])
    page = client.get(url).content.decode()
    assert "Delete action 1.1?" in page and "Publish the thresholds document" in page
    assert Action.objects.filter(pk=action.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == world["plan"].get_absolute_url()
    assert not Action.objects.filter(pk=action.pk).exists()
    assert Action.history.filter(id=action.pk, history_type="-").exists()


# --- The people responsible ------------------------------------------------------------------------


def test_the_people_responsible_are_assigned_and_each_change_is_in_the_history(world):
    action, helper = world["action"], world["helper"]
    extra = PersonFactory(name="Sam Second", organisation=world["council"])
    data = {
        "lead": world["plan_lead"].pk,
        "supporting_officers": [helper.pk, extra.pk],
        "partners": [world["nhs"].pk],
        "opened_version": 1,
    }
    response = client_for(world["support"]).post(reverse("action_people", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.lead == world["plan_lead"]
    assert set(action.supporting_officers.all()) == {helper, extra}
    assert list(action.partners.all()) == [world["nhs"]]
    latest = action.history.order_by("-history_date", "-history_id").first()
    assert latest.lead_id == world["plan_lead"].pk
    assert {row.person_id for row in latest.supporting_officers.all()} == {helper.pk, extra.pk}
    assert {row.organisation_id for row in latest.partners.all()} == {world["nhs"].pk}
    assert action.version == 2
    change = history_entries(action)[0]  # one change in the history, as the page shows it
    assert {field.field: (field.removed, field.added) for field in change.changes if field.is_many} == {
        "supporting_officers": ((), ("Harry Helper", "Sam Second")),
        "partners": ((), ("Southampton City PCT",)),
    }
    assert [(f.old, f.new) for f in change.changes if f.field == "lead"] == [("Rita Responsible", "Lena Lead")]


def test_the_people_form_refuses_the_lead_as_a_further_responsible_person(world):
    action = world["action"]
    data = {"lead": world["helper"].pk, "supporting_officers": [world["helper"].pk], "opened_version": 1}
    response = client_for(world["support"]).post(reverse("action_people", args=[action.pk]), data)
    assert response.status_code == 400
    assert "Harry Helper is the lead: choose further responsible people other than the lead" in (
        response.content.decode()
    )
    action.refresh_from_db()
    assert action.lead == world["responsible"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"lead": "999999"}, "Choose a person from the list"),
        ({"supporting_officers": ["999999"]}, "Choose people from the list"),
        ({"supporting_officers": ["abc"]}, "Choose people from the list"),
        ({"partners": ["999999"]}, "Choose organisations from the list"),
    ],
)
def test_the_people_form_refuses_choices_not_offered(world, fields, message):
    data = {"lead": "", "opened_version": 1} | fields
    response = client_for(world["support"]).post(reverse("action_people", args=[world["action"].pk]), data)
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert Action.objects.get(pk=world["action"].pk).lead == world["responsible"]


def test_people_pickers_group_people_by_organisation(world):
    content = client_for(world["support"]).get(reverse("action_people", args=[world["action"].pk])).content.decode()
    assert '<optgroup label="Southampton City Council">' in content
    assert '<optgroup label="Southampton City PCT">' in content
    council = content.index('<optgroup label="Southampton City Council">')
    assert (
        council < content.index("Lena Lead, Service Manager") < content.index('<optgroup label="Southampton City PCT">')
    )


def test_a_conflict_on_the_people_form_keeps_the_choices(world):
    action = world["action"]
    url = reverse("action_people", args=[action.pk])
    support = client_for(world["support"])
    support.post(url, {"lead": world["plan_lead"].pk, "opened_version": 1})
    response = support.post(url, {"lead": world["helper"].pk, "opened_version": 1})
    assert response.status_code == 409
    content = response.content.decode()
    assert CONFLICT in content and "Lena Lead" in content
    assert re.search(rf'<option value="{world["helper"].pk}" selected>', content)
    assert Action.objects.get(pk=action.pk).lead == world["plan_lead"]


# --- Query counts do not grow with the rows ---------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_people(count, organisation=None):
    for _ in range(count):
        PersonFactory(organisation=organisation or OrganisationFactory())


@pytest.mark.parametrize("name", ["action_people", "action_edit", "action_create", "plan_edit"])
def test_form_pages_query_counts_do_not_grow_with_people_or_recommendations(world, name):
    client = client_for(world["support"])
    url = PLAN_EDIT_URLS[name](world)
    add_people(5)
    for _ in range(5):
        RecommendationFactory(source=world["source"])
    at_five = count_queries(client, url)
    add_people(45)
    for _ in range(45):
        RecommendationFactory(source=world["source"])
    world["action"].supporting_officers.add(*PersonFactory.create_batch(5))
    assert count_queries(client, url) == at_five


def test_the_people_picker_reads_only_the_columns_it_shows(world):
    with CaptureQueriesContext(connection) as context:
        client_for(world["support"]).get(reverse("action_people", args=[world["action"].pk]))
    picker = [
        q["sql"]
        for q in context.captured_queries
        if q["sql"].startswith('SELECT "partners_person"') and 'ORDER BY "partners_organisation"."name"' in q["sql"]
    ]
    assert len(picker) == 2  # the lead, the further responsible people
    assert all('"partners_person"."email"' not in sql and '"partners_person"."user_id"' not in sql for sql in picker)


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong-token-wrong-token-wrong-token-wrong-token-wrong-tok"])
def test_a_post_without_a_valid_csrf_token_is_refused(world, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["support"])
    data = plan_data(world) | ({"csrfmiddlewaretoken": token} if token else {})
    response = client.post(reverse("plan_create"), data)
    assert response.status_code == 403
    action_response = client.post(reverse("action_edit", args=[world["action"].pk]), edit_data(world["action"]))
    assert action_response.status_code == 403
    assert Plan.objects.count() == 1


def test_a_post_with_the_csrf_token_of_the_form_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["support"])
    page = client.get(reverse("plan_create")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(reverse("plan_create"), plan_data(world) | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- Done when: a plan for a source with an action assigned to two people, through the pages --------------


def test_done_when_support_creates_a_plan_with_an_action_assigned_to_two_people(db):
    council = OrganisationFactory(name="Southampton City Council")
    board = BodyFactory(name="Children's Trust Board", organisation=council)
    source = SourceFactory(title="Ofsted inspection of children's services", made_by=board)
    recommendation = RecommendationFactory(source=source, label="1", text="Strengthen case audits.")
    lead = PersonFactory(name="Alison Alexander", organisation=council)
    officer = PersonFactory(name="Sue Allan", organisation=council)
    client = client_for(SupportUserFactory(username="dem-support"))

    response = client.post(
        reverse("plan_create"),
        {
            "title": "Ofsted improvement plan",
            "owning_body": board.pk,
            "lead": lead.pk,
            "status": PlanStatus.ACTIVE,
            "sources": [source.pk],
            "summary": "Answers the inspection.",
        },
    )
    plan = Plan.objects.get(title="Ofsted improvement plan")
    assert response["Location"] == plan.get_absolute_url()
    assert "Add an action" in client.get(response["Location"]).content.decode()

    response = client.post(
        reverse("action_create", args=[plan.pk]),
        {
            "recommendation": recommendation.pk,
            "reference": "1.1",
            "description": "Audit fifty cases a month",
            "target_date_text": "End of March 2022",
            "target_date": "",
            "success_criteria": "Audits reported to the Board",
            "milestones": "",
        },
    )
    action = plan.actions.get()
    assert response["Location"] == reverse("action_people", args=[action.pk])
    people_page = client.get(response["Location"]).content.decode()
    version = re.search(r'name="opened_version" value="(\d+)"', people_page).group(1)

    response = client.post(
        response["Location"], {"lead": lead.pk, "supporting_officers": [officer.pk], "opened_version": version}
    )
    assert response["Location"] == action.get_absolute_url()

    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Audit fifty cases a month" in page and "Strengthen case audits." in page
    action.refresh_from_db()
    assert action.recommendation == recommendation and action.target_date == MARCH_2022
    assert action.responsible_people == [lead, officer]
    detail = client.get(action.get_absolute_url()).content.decode()
    assert "Alison Alexander" in detail and "Sue Allan" in detail
    assert Recommendation.objects.get().actions.get() == action

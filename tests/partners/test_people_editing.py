"""Democratic support keep people, organisations, bodies, members and meetings up to date, and
hand a leaver's open actions to a successor in one step. Everyone signed in reads the
directory; only managers change it; bad input changes nothing."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.plans.editing import services
from actionplans.plans.history import history_entries
from actionplans.plans.models import Action
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Body, Meeting, Membership, MembershipRole, Organisation, OrganisationKind, Person
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world, db):
    """The council's panel and its APA action plan; Lee Leaver, who is leaving, and Sam Successor;
    Olive Officer of the council and Otto Outsider of Portsmouth; democratic support and an admin
    (tests/worlds.py)."""
    council, elsewhere, panel = world["council"], world["elsewhere"], world["panel"]
    plan = PlanFactory(title="APA action plan", owning_body=panel)
    leaver = PersonFactory(name="Lee Leaver", organisation=council, user=UserFactory(username="leaver"))
    successor = PersonFactory(name="Sam Successor", organisation=council)
    meeting = MeetingFactory(body=panel, date=datetime.date(2021, 9, 30), venue="Civic Centre")
    officer = PersonFactory(name="Olive Officer", organisation=council, user=UserFactory(username="officer"))
    outsider = PersonFactory(name="Otto Outsider", organisation=elsewhere, user=UserFactory(username="outsider"))
    world |= {
        "council": council,
        "elsewhere": elsewhere,
        "panel": panel,
        "plan": plan,
        "leaver": leaver,
        "successor": successor,
        "meeting": meeting,
        "officer": officer,
        "outsider": outsider,
        "support": world["support"],
        "admin": world["admin"],
    }
    return world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def complete(action):
    ProgressUpdateFactory(action=action, status=ActionStatus.COMPLETE, rag=Rag.BLUE, narrative="Done.")
    return action


# --- Who may manage the directory ------------------------------------------------------------

MANAGE_URLS = {
    "person_create": lambda w: reverse("person_create"),
    "person_edit": lambda w: reverse("person_edit", args=[w["leaver"].pk]),
    "person_handover": lambda w: reverse("person_handover", args=[w["leaver"].pk]),
    "organisation_create": lambda w: reverse("organisation_create"),
    "organisation_edit": lambda w: reverse("organisation_edit", args=[w["council"].pk]),
    "body_create": lambda w: reverse("body_create"),
    "body_edit": lambda w: reverse("body_edit", args=[w["panel"].pk]),
    "body_members": lambda w: reverse("body_members", args=[w["panel"].pk]),
    "membership_edit": lambda w: reverse(
        "membership_edit", args=[w["panel"].pk, MembershipFactory(body=w["panel"]).pk]
    ),
    "membership_remove": lambda w: reverse(
        "membership_remove", args=[w["panel"].pk, MembershipFactory(body=w["panel"]).pk]
    ),
    "meeting_create": lambda w: reverse("meeting_create", args=[w["panel"].pk]),
    "meeting_edit": lambda w: reverse("meeting_edit", args=[w["meeting"].pk]),
}


@pytest.mark.parametrize("name", MANAGE_URLS)
@pytest.mark.parametrize(("role", "status"), [("support", 200), ("admin", 200), ("officer", 403), ("outsider", 403)])
def test_managing_the_directory_by_role(world, name, role, status):
    user = world[role] if role in ("support", "admin") else world[role].user
    assert client_for(user).get(MANAGE_URLS[name](world)).status_code == status


@pytest.mark.parametrize("name", MANAGE_URLS)
def test_managing_the_directory_needs_a_sign_in(client, world, name):
    response = client.get(MANAGE_URLS[name](world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", MANAGE_URLS)
def test_an_officer_posting_to_the_directory_changes_nothing(world, name):
    url = MANAGE_URLS[name](world)
    counts = [model.objects.count() for model in (Person, Organisation, Body, Membership, Meeting)]
    data = {"name": "Hijacked", "kind": "other", "date": "01/01/2022", "role": "chair", "successor": 1, "confirmed": 1}
    assert client_for(world["officer"].user).post(url, data).status_code == 403
    assert [model.objects.count() for model in (Person, Organisation, Body, Membership, Meeting)] == counts
    assert not Person.objects.filter(name="Hijacked").exists()


@pytest.mark.parametrize("name", ["person_edit", "organisation_edit", "body_edit", "body_members", "meeting_edit"])
def test_managing_something_that_does_not_exist_is_not_found(world, name):
    url = re.sub(r"/\d+/", "/999999/", MANAGE_URLS[name](world), count=1)
    assert client_for(world["support"]).get(url).status_code == 404


@pytest.mark.parametrize(
    ("page", "links"),
    [
        ("person", ["person_edit", "person_handover"]),
        ("body", ["body_edit", "body_members", "meeting_create"]),
        ("meeting", ["meeting_edit"]),
    ],
)
def test_directory_pages_show_manage_links_only_to_managers(world, page, links):
    obj = {"person": world["leaver"], "body": world["panel"], "meeting": world["meeting"]}[page]
    manager_page = client_for(world["support"]).get(obj.get_absolute_url()).content.decode()
    officer_page = client_for(world["officer"].user).get(obj.get_absolute_url()).content.decode()
    for name in links:
        url = reverse(name, args=[obj.pk])
        assert url in manager_page
        assert url not in officer_page


# --- The person page lists only the actions the viewer may read ------------------------------------


def test_the_person_page_lists_only_actions_the_viewer_may_read(world):
    person = world["leaver"]
    own_plan_action = ActionFactory(plan=world["plan"], lead=person, description="Visible to the council")
    hidden_plan = PlanFactory(title="Portsmouth plan", owning_body=BodyFactory(organisation=world["elsewhere"]))
    hidden = ActionFactory(plan=hidden_plan, lead=person, description="Portsmouth only")
    officer_page = client_for(world["officer"].user).get(person.get_absolute_url()).content.decode()
    assert own_plan_action.description in officer_page
    assert hidden.description not in officer_page and "Portsmouth plan" not in officer_page
    support_page = client_for(world["support"]).get(person.get_absolute_url()).content.decode()
    assert own_plan_action.description in support_page and hidden.description in support_page


def test_the_body_page_lists_only_plans_the_viewer_may_read(world):
    outsider_page = client_for(world["outsider"].user).get(world["panel"].get_absolute_url()).content.decode()
    assert "APA action plan" not in outsider_page
    officer_page = client_for(world["officer"].user).get(world["panel"].get_absolute_url()).content.decode()
    assert "APA action plan" in officer_page


# --- People -------------------------------------------------------------------------------------


def person_data(world, **fields):
    return {
        "name": "Nina New",
        "job_title": "Head of Early Help",
        "organisation": world["council"].pk,
        "email": "nina.new@example.org",
        "user": "",
    } | fields


def test_support_adds_a_person_with_a_login(world):
    login = UserFactory(username="nina")
    data = person_data(world, user=login.pk)
    response = client_for(world["support"]).post(reverse("person_create"), data)
    person = Person.objects.get(name="Nina New")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert (person.organisation, person.email, person.user) == (world["council"], "nina.new@example.org", login)
    assert person.history.count() == 1


def test_a_person_may_be_a_post_without_a_name(world):
    response = client_for(world["support"]).post(reverse("person_create"), person_data(world, name=""))
    assert response.status_code == 302
    assert Person.objects.filter(name="", job_title="Head of Early Help").exists()


def test_support_edits_a_person(world):
    person = world["leaver"]
    data = person_data(world, name="Lee Leaver-Smith", user=person.user_id, email="")
    response = client_for(world["support"]).post(reverse("person_edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Lee Leaver-Smith" and person.email == "" and person.user.username == "leaver"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "job_title": ""}, "Enter a name or a job title"),
        ({"name": " ", "job_title": "  "}, "Enter a name or a job title"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.org"),
        ({"name": "x" * 151}, "The name must be 150 characters or fewer"),
        ({"job_title": "x" * 251}, "The job title must be 250 characters or fewer"),
        ({"organisation": "999999"}, "Choose an organisation from the list"),
        ({"user": "999999"}, "Choose a login account that belongs to nobody else from the list"),
    ],
)
def test_bad_person_input_is_refused_with_a_message_by_the_field(world, fields, message):
    count = Person.objects.count()
    response = client_for(world["support"]).post(reverse("person_create"), person_data(world, **fields))
    assert response.status_code == 400
    assert response.content.decode().count(message) == 2
    assert Person.objects.count() == count


def test_a_login_that_belongs_to_somebody_else_is_not_offered(world):
    data = person_data(world, user=world["officer"].user_id)
    response = client_for(world["support"]).post(reverse("person_create"), data)
    assert response.status_code == 400
    assert "Choose a login account that belongs to nobody else from the list" in response.content.decode()


def test_html_typed_into_a_person_form_is_shown_escaped(world):
    data = person_data(world, name="<b onmouseover=alert(1)>Bob</b>", email="bad")
    content = client_for(world["support"]).post(reverse("person_create"), data).content.decode()
    assert "<b onmouseover" not in content
    assert "&lt;b onmouseover=alert(1)&gt;Bob&lt;/b&gt;" in content


def test_a_person_form_ignores_fields_it_does_not_declare(world):
    data = person_data(world) | {"id": 4242, "pk": 4242}
    client_for(world["support"]).post(reverse("person_create"), data)
    assert Person.objects.get(name="Nina New").pk != 4242


# --- Organisations ----------------------------------------------------------------------------


def test_support_adds_and_renames_an_organisation(world):
    client = client_for(world["support"])
    data = {"name": "Hampshire Constabulary", "short_name": "HC", "kind": OrganisationKind.POLICE}
    response = client.post(reverse("organisation_create"), data)
    assert response.status_code == 302 and response["Location"] == reverse("organisation_list")
    organisation = Organisation.objects.get(name="Hampshire Constabulary")
    assert organisation.kind == OrganisationKind.POLICE
    client.post(reverse("organisation_edit", args=[organisation.pk]), data | {"name": "Hampshire Police"})
    organisation.refresh_from_db()
    assert organisation.name == "Hampshire Police"
    assert "Hampshire Police" in client.get(reverse("organisation_list")).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the name of the organisation"),
        ({"name": "Southampton City Council"}, "There is already an organisation with this name"),
        ({"name": "x" * 201}, "The name must be 200 characters or fewer"),
        ({"short_name": "x" * 41}, "The short name must be 40 characters or fewer"),
        ({"kind": "cult"}, "Choose one of the kinds of organisation"),
        ({"kind": ""}, "Choose the kind of organisation"),
    ],
)
def test_bad_organisation_input_is_refused(world, fields, message):
    count = Organisation.objects.count()
    data = {"name": "New Org", "short_name": "", "kind": OrganisationKind.VOLUNTARY} | fields
    response = client_for(world["support"]).post(reverse("organisation_create"), data)
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert Organisation.objects.count() == count


# --- Bodies and members -------------------------------------------------------------------------


def test_support_adds_a_body_then_its_members(world):
    client = client_for(world["support"])
    data = {"name": "Children's Trust Board", "kind": "partnership_board", "organisation": world["council"].pk}
    response = client.post(reverse("body_create"), data | {"remit": "Joint commissioning."})
    body = Body.objects.get(name="Children's Trust Board")
    assert response["Location"] == reverse("body_members", args=[body.pk])
    members_url = response["Location"]
    response = client.post(
        members_url, {"person": world["officer"].pk, "role": MembershipRole.CHAIR, "representing": "Cabinet"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(body=body)
    assert (membership.person, membership.role, membership.representing) == (
        world["officer"],
        MembershipRole.CHAIR,
        "Cabinet",
    )
    assert "Olive Officer" in client.get(members_url).content.decode()


def test_support_changes_a_members_role_and_removes_them(world):
    client = client_for(world["support"])
    membership = MembershipFactory(body=world["panel"], person=world["officer"])
    edit_url = reverse("membership_edit", args=[world["panel"].pk, membership.pk])
    assert "Person" not in re.findall(r"<label[^>]*>([^<]*)</label>", client.get(edit_url).content.decode())
    response = client.post(
        edit_url, {"role": MembershipRole.VICE_CHAIR, "representing": "", "person": world["outsider"].pk}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == MembershipRole.VICE_CHAIR and membership.person == world["officer"]
    remove_url = reverse("membership_remove", args=[world["panel"].pk, membership.pk])
    assert "Remove Olive Officer?" in client.get(remove_url).content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(remove_url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.filter(id=membership.pk, history_type="-").exists()


def test_a_membership_of_another_body_is_not_found_under_this_one(world):
    membership = MembershipFactory(body=BodyFactory())
    url = reverse("membership_remove", args=[world["panel"].pk, membership.pk])
    assert client_for(world["support"]).post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"person": ""}, "Choose the person to add"),
        ({"person": "999999"}, "Choose a person from the list"),
        ({"role": "emperor"}, "Choose one of the roles"),
        ({"representing": "x" * 251}, "Representing must be 250 characters or fewer"),
    ],
)
def test_bad_member_input_is_refused(world, fields, message):
    data = {"person": world["officer"].pk, "role": MembershipRole.MEMBER, "representing": ""} | fields
    response = client_for(world["support"]).post(reverse("body_members", args=[world["panel"].pk]), data)
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert not Membership.objects.exists()


def test_a_person_cannot_be_added_to_a_body_twice(world):
    MembershipFactory(body=world["panel"], person=world["officer"])
    data = {"person": world["officer"].pk, "role": MembershipRole.MEMBER, "representing": ""}
    response = client_for(world["support"]).post(reverse("body_members", args=[world["panel"].pk]), data)
    assert response.status_code == 400
    assert "Olive Officer is already a member of Children and Young People Scrutiny Panel" in (
        response.content.decode()
    )
    assert Membership.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the name of the body"),
        ({"name": "Children and Young People Scrutiny Panel"}, "There is already a body with this name"),
        ({"kind": "club"}, "Choose one of the kinds of body"),
        ({"organisation": "abc"}, "Choose an organisation from the list"),
        ({"remit": "x" * 10_001}, "The remit must be 10,000 characters or fewer"),
    ],
)
def test_bad_body_input_is_refused(world, fields, message):
    data = {"name": "New Board", "kind": "other", "organisation": "", "remit": ""} | fields
    response = client_for(world["support"]).post(reverse("body_create"), data)
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert Body.objects.count() == 1


def test_support_edits_a_body(world):
    body = world["panel"]
    data = {"name": "CYP Scrutiny Panel", "kind": "scrutiny_panel", "organisation": "", "remit": "Children."}
    assert client_for(world["support"]).post(reverse("body_edit", args=[body.pk]), data).status_code == 302
    body.refresh_from_db()
    assert (body.name, body.organisation, body.remit) == ("CYP Scrutiny Panel", None, "Children.")


# --- Meetings ------------------------------------------------------------------------------------


def test_support_adds_and_edits_a_meeting(world):
    client = client_for(world["support"])
    data = {"date": "21/10/2021", "time": "6:30pm", "venue": "Civic Centre"}
    response = client.post(reverse("meeting_create", args=[world["panel"].pk]), data)
    meeting = Meeting.objects.get(date=datetime.date(2021, 10, 21))
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.time == datetime.time(18, 30) and meeting.body == world["panel"]
    response = client.post(reverse("meeting_edit", args=[meeting.pk]), data | {"time": "", "venue": "Room 2"})
    meeting.refresh_from_db()
    assert meeting.time is None and meeting.venue == "Room 2"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": ""}, "Enter the date of the meeting"),
        ({"date": "30/02/2022"}, "Enter a real date, like 30/09/2021"),
        ({"date": "30/09/2021"}, "Children and Young People Scrutiny Panel already has a meeting on 30 September 2021"),
        ({"time": "25:61"}, "Enter a real time, like 18:30 or 6:30pm"),
        ({"venue": "x" * 251}, "The venue must be 250 characters or fewer"),
    ],
)
def test_bad_meeting_input_is_refused(world, fields, message):
    data = {"date": "21/10/2021", "time": "", "venue": ""} | fields
    response = client_for(world["support"]).post(reverse("meeting_create", args=[world["panel"].pk]), data)
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert Meeting.objects.count() == 1


def test_the_same_date_is_fine_for_another_body_and_for_the_meeting_itself(world):
    client = client_for(world["support"])
    other = BodyFactory()
    data = {"date": "30/09/2021", "time": "", "venue": "Elsewhere"}
    assert client.post(reverse("meeting_create", args=[other.pk]), data).status_code == 302
    assert client.post(reverse("meeting_edit", args=[world["meeting"].pk]), data).status_code == 302


def test_a_meeting_form_ignores_the_body_posted(world):
    other = BodyFactory()
    data = {"date": "21/10/2021", "time": "", "venue": "", "body": other.pk}
    client_for(world["support"]).post(reverse("meeting_create", args=[world["panel"].pk]), data)
    assert Meeting.objects.get(date=datetime.date(2021, 10, 21)).body == world["panel"]


# --- Handover ----------------------------------------------------------------------------------


@pytest.fixture
def leavers_actions(world):
    leaver, successor, plan = world["leaver"], world["successor"], world["plan"]
    colleague = PersonFactory(name="Cara Colleague", organisation=world["council"])
    led = ActionFactory(plan=plan, lead=leaver, description="Led by the leaver")
    supported = ActionFactory(plan=plan, lead=colleague, description="Supported by the leaver")
    supported.supporting_officers.add(leaver, colleague)
    led_done = complete(ActionFactory(plan=plan, lead=leaver, description="Completed, led"))
    supported_done = complete(ActionFactory(plan=plan, lead=colleague, description="Completed, supported"))
    supported_done.supporting_officers.add(leaver)
    already = ActionFactory(plan=plan, lead=colleague, description="Successor already on it")
    already.supporting_officers.add(leaver, successor)
    led_with_successor = ActionFactory(plan=plan, lead=leaver, description="Led, successor supports")
    led_with_successor.supporting_officers.add(successor)
    other = ActionFactory(plan=plan, lead=colleague, description="Nothing to do with the leaver")
    return {
        "led": led,
        "supported": supported,
        "led_done": led_done,
        "supported_done": supported_done,
        "already": already,
        "led_with_successor": led_with_successor,
        "other": other,
        "colleague": colleague,
    }


def people_of(action):
    action.refresh_from_db()
    return action.lead, set(action.supporting_officers.all())


def test_the_handover_preview_lists_the_open_actions_and_their_role(world, leavers_actions):
    page = client_for(world["support"]).get(reverse("person_handover", args=[world["leaver"].pk]))
    content = page.content.decode()
    for key in ["led", "supported", "already", "led_with_successor"]:
        assert leavers_actions[key].description in content
    for key in ["led_done", "supported_done", "other"]:
        assert leavers_actions[key].description not in content
    assert "Open actions of Lee Leaver (4)" in content
    assert "(2 completed actions)" in content
    assert world["leaver"].pk not in [int(v) for v in re.findall(r'<option value="(\d+)"', content)]


def test_the_handover_asks_to_confirm_before_it_moves_anything(world, leavers_actions):
    url = reverse("person_handover", args=[world["leaver"].pk])
    response = client_for(world["support"]).post(url, {"successor": world["successor"].pk})
    content = response.content.decode()
    assert response.status_code == 200 and "Check the handover" in content
    assert "Sam Successor leads" in content and "Sam Successor is further responsible" in content
    assert people_of(leavers_actions["led"])[0] == world["leaver"]


def test_the_handover_moves_open_actions_and_leaves_completed_ones(world, leavers_actions):
    leaver, successor, colleague = world["leaver"], world["successor"], leavers_actions["colleague"]
    before = {key: action.history.count() for key, action in leavers_actions.items() if key != "colleague"}
    url, client = reverse("person_handover", args=[leaver.pk]), client_for(world["support"])
    response = client.post(url, {"successor": successor.pk, "confirmed": "True"})
    assert response.status_code == 302 and response["Location"] == leaver.get_absolute_url()

    assert people_of(leavers_actions["led"]) == (successor, set())
    assert people_of(leavers_actions["supported"]) == (colleague, {successor, colleague})
    assert people_of(leavers_actions["already"]) == (colleague, {successor})
    assert people_of(leavers_actions["led_with_successor"]) == (successor, set())
    assert people_of(leavers_actions["led_done"]) == (leaver, set())
    assert people_of(leavers_actions["supported_done"]) == (colleague, {leaver})
    assert people_of(leavers_actions["other"]) == (colleague, set())

    for key in ["led", "supported", "already", "led_with_successor"]:
        action = leavers_actions[key]
        assert action.history.count() > before[key], key
        latest = action.history.order_by("-history_date", "-history_id").first()
        assert latest.lead_id == action.lead_id
        assert {row.person_id for row in latest.supporting_officers.all()} == {
            p.pk for p in action.supporting_officers.all()
        }
        assert action.version == 2
    for key in ["led_done", "supported_done", "other"]:
        assert leavers_actions[key].history.count() == before[key]
    led_change = history_entries(leavers_actions["led"])[0]
    assert [(f.field, f.old, f.new) for f in led_change.changes] == [("lead", "Lee Leaver", "Sam Successor")]
    supported_change = history_entries(leavers_actions["supported"])[0]
    assert [(f.field, f.removed, f.added) for f in supported_change.changes] == [
        ("supporting_officers", ("Lee Leaver",), ("Sam Successor",))
    ]
    page = client.get(response["Location"]).content.decode()
    assert "4 open actions handed over to Sam Successor." in page
    assert world["leaver"].user.is_active


def test_the_handover_can_deactivate_the_leavers_login(world, leavers_actions):
    url = reverse("person_handover", args=[world["leaver"].pk])
    data = {"successor": world["successor"].pk, "deactivate_login": "on", "confirmed": "True"}
    client_for(world["support"]).post(url, data)
    world["leaver"].user.refresh_from_db()
    assert not world["leaver"].user.is_active
    assert people_of(leavers_actions["led"])[0] == world["successor"]


def test_a_failed_handover_moves_nothing(world, leavers_actions, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(type(world["leaver"].user), "save", broken_save)
    snapshot = {key: people_of(a) for key, a in leavers_actions.items() if key != "colleague"}
    versions = dict(Action.objects.values_list("pk", "version"))
    history_rows = Action.history.count()
    with pytest.raises(RuntimeError):
        services.actions_hand_over(leaver=world["leaver"], successor=world["successor"], deactivate_login=True)
    assert {key: people_of(a) for key, a in leavers_actions.items() if key != "colleague"} == snapshot
    assert dict(Action.objects.values_list("pk", "version")) == versions
    assert Action.history.count() == history_rows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"successor": ""}, "Choose who takes over their actions"),
        ({"successor": "999999"}, "Choose a person from the list"),
        ({"successor": "leaver"}, "Choose a person from the list"),
    ],
)
def test_the_handover_refuses_a_successor_not_offered(world, leavers_actions, data, message):
    if data["successor"] == "leaver":
        data = {"successor": world["leaver"].pk}
    url = reverse("person_handover", args=[world["leaver"].pk])
    response = client_for(world["support"]).post(url, data | {"confirmed": "True"})
    assert response.status_code == 400 and response.content.decode().count(message) == 2
    assert people_of(leavers_actions["led"])[0] == world["leaver"]


def test_the_service_refuses_to_hand_over_to_the_leaver(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.actions_hand_over(leaver=world["leaver"], successor=world["leaver"])


def test_managers_cannot_deactivate_their_own_login_by_handover(world):
    from django.core.exceptions import ValidationError

    me = world["emily"]  # the signed-in manager's own person
    with pytest.raises(ValidationError):
        services.actions_hand_over(leaver=me, successor=world["successor"], deactivate_login=True, by=world["support"])
    world["support"].refresh_from_db()
    assert world["support"].is_active


# --- Query counts do not grow with the rows ---------------------------------------------------------


def count_queries(client, url, method="get", data=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def test_the_handover_preview_query_count_does_not_grow_with_actions(world):
    leaver, client = world["leaver"], client_for(world["support"])
    url = reverse("person_handover", args=[leaver.pk])

    def add(count):
        for index in range(count):
            action = ActionFactory(plan=world["plan"], lead=leaver if index % 2 else PersonFactory())
            action.supporting_officers.add(leaver)
            ProgressUpdateFactory(action=action)
            PersonFactory()

    add(5)
    at_five = count_queries(client, url)
    confirm_at_five = count_queries(client, url, "post", {"successor": world["successor"].pk})
    add(45)
    assert count_queries(client, url) == at_five
    assert count_queries(client, url, "post", {"successor": world["successor"].pk}) == confirm_at_five


@pytest.mark.parametrize("page", ["organisation_list", "body_members"])
def test_directory_list_query_counts_do_not_grow(world, page):
    client = client_for(world["support"])
    url = reverse(page) if page == "organisation_list" else reverse(page, args=[world["panel"].pk])

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory()
            PersonFactory(organisation=organisation)
            MembershipFactory(body=world["panel"], person=PersonFactory(organisation=organisation))
            BodyFactory(organisation=organisation)

    add(5)
    at_five = count_queries(client, url)
    add(45)
    assert count_queries(client, url) == at_five


def test_the_directory_page_offers_managers_the_add_links(world):
    manager = client_for(world["support"]).get(reverse("organisation_list")).content.decode()
    officer = client_for(world["officer"].user).get(reverse("organisation_list")).content.decode()
    for name in ["person_create", "organisation_create", "body_create"]:
        assert reverse(name) in manager and reverse(name) not in officer
    assert "Southampton City Council" in officer


@pytest.mark.parametrize("name", ["person_create", "person_handover", "body_members", "meeting_create"])
def test_directory_posts_without_a_csrf_token_are_refused(world, leavers_actions, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["support"])
    data = {"name": "Nina New", "successor": world["successor"].pk, "confirmed": "True", "date": "01/01/2022"}
    data |= {"person": world["officer"].pk, "role": MembershipRole.MEMBER}
    response = client.post(MANAGE_URLS[name](world), data)
    assert response.status_code == 403
    assert not Person.objects.filter(name="Nina New").exists()
    assert not Membership.objects.exists() and Meeting.objects.count() == 1
    assert people_of(leavers_actions["led"])[0] == world["leaver"]

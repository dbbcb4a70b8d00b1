"""The permission matrix: every URL of the project, for anonymous and for each role, GET and POST.

Each cell is what the response must be: OK (the view did its work: 200 for GET; for POST any of
200, 302, 400 or 409, i.e. the form was processed, saved or refused on its merits), 403 (may see
but not do), 404 (an outsider to the object), LOGIN (sent to sign in) or 405. A URL that is not
in the matrix fails the test, so every new URL has to be given its row.

The roles, around one plan owned by a council's scrutiny panel:
  officer    responsible for the plan's action
  colleague  same council, nothing to do with the plan
  panel      a member of the panel that owns the plan
  lead       the plan's lead
  outsider   an officer of another organisation with nothing in the plan
  support    democratic support
  admin      a superuser with no person record
"""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.meetings.models import AgendaItem, UpdateRound
from actionplans.plans.access import action_access, updatable_actions, with_may_update
from actionplans.plans.models import Action
from partners.access import Viewer
from reports.models import PublishedPaper
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MeetingFactory,
    PlanFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)
from tests.worlds import ROLE_PEOPLE

OK, LOGIN = "ok", "login"
ROLES = ["anonymous", "officer", "colleague", "panel", "lead", "outsider", "support", "admin"]

# Shorthands for whole rows: (GET, POST) for each role in ROLES order.
READ_ALL = [(LOGIN, LOGIN)] + [(OK, 405)] * 7
PLAN_READ = [(LOGIN, LOGIN), (OK, 405), (OK, 405), (OK, 405), (OK, 405), (404, 405), (OK, 405), (OK, 405)]
PLAN_EDIT = [(LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (OK, OK), (404, 404), (OK, OK), (OK, OK)]
MANAGE = [(LOGIN, LOGIN)] + [(403, 403)] * 5 + [(OK, OK), (OK, OK)]
SOURCE_READ = PLAN_READ
SOURCE_EDIT = [(LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (403, 403), (404, 404), (OK, OK), (OK, OK)]
PUBLIC_FORM = [(OK, OK)] * 8
SIGNED_IN_FORM = [(LOGIN, LOGIN)] + [(OK, OK)] * 7

MATRIX = {
    # Plans, actions, progress
    "home": READ_ALL,
    "my_actions": READ_ALL,
    "plan_detail": PLAN_READ,
    "action_detail": PLAN_READ,
    "progress_update_create": [
        (LOGIN, LOGIN),
        (405, OK),
        (405, 403),
        (405, 403),
        (405, OK),
        (405, 404),
        (405, OK),
        (405, OK),
    ],
    "comment_create": [
        (LOGIN, LOGIN),
        (405, OK),
        (405, 403),
        (405, OK),
        (405, OK),
        (405, 404),
        (405, OK),
        (405, 403),
    ],
    "plan_create": MANAGE,
    "plan_edit": PLAN_EDIT,
    "action_create": PLAN_EDIT,
    "action_edit": PLAN_EDIT,
    "action_delete": PLAN_EDIT,
    "action_people": PLAN_EDIT,
    # Measures: the officer is the data owner of the plan's measure, so enters its values
    "measure_list": READ_ALL,
    "measure_detail": PLAN_READ,
    "plan_measures": PLAN_READ,
    "body_measures": READ_ALL,
    "measure_create": PLAN_EDIT,
    "measure_edit": PLAN_EDIT,
    "measure_values": [(LOGIN, LOGIN), (OK, OK), (403, 403), (403, 403), (OK, OK), (404, 404), (OK, OK), (OK, OK)],
    # Meetings, sign-off, update rounds
    "meeting_monitoring": [(LOGIN, LOGIN)] + [(OK, 403)] * 5 + [(OK, OK), (OK, OK)],
    "meeting_since_last": READ_ALL,
    "meeting_minutes_extract": READ_ALL,
    "meeting_minutes_docx": READ_ALL,
    "meeting_minutes": READ_ALL,
    "meeting_minutes_record_docx": READ_ALL,
    "meeting_minutes_pdf": [(LOGIN, LOGIN)] + [(405, OK)] * 7,
    "committee_paper": MANAGE,
    # Previewing, publishing and plan reports are asked for with a POST and done by a background job.
    "committee_paper_pdf": [(LOGIN, LOGIN)] + [(405, 403)] * 5 + [(405, OK)] * 2,
    "committee_paper_preview": [(LOGIN, LOGIN)] + [(405, 403)] * 5 + [(405, OK)] * 2,
    "published_paper_download": READ_ALL,
    "plan_report_pdf": [(LOGIN, LOGIN), (405, OK), (405, OK), (405, OK), (405, OK), (405, 404), (405, OK), (405, OK)],
    # Background jobs: seen by whoever asked for them (the officer, here) and by managers.
    "job_list": READ_ALL,
    "job_detail": [(LOGIN, LOGIN), (OK, 405)] + [(404, 405)] * 4 + [(OK, 405)] * 2,
    "job_download": [(LOGIN, LOGIN), (OK, 405)] + [(404, 405)] * 4 + [(OK, 405)] * 2,
    "job_try_again": [(LOGIN, LOGIN), (405, OK)] + [(405, 404)] * 4 + [(405, OK)] * 2,
    # Spreadsheets in and out
    "tracker_export": READ_ALL,
    "tracker_export_csv": READ_ALL,
    "plan_tracker_export": PLAN_READ,
    "plan_tracker_export_csv": PLAN_READ,
    "my_actions_update_sheet": [(LOGIN, LOGIN)] + [(OK, 405)] * 6 + [(404, 405)],  # admin: no person
    "tracker_update_sheet": [(LOGIN, LOGIN)] + [(403, 405)] * 5 + [(OK, 405)] * 2,
    "plan_tracker_update_sheet": [
        (LOGIN, LOGIN),
        (403, 405),
        (403, 405),
        (403, 405),
        (403, 405),
        (404, 405),
        (OK, 405),
        (OK, 405),
    ],
    "bulk_update": SIGNED_IN_FORM,
    "bulk_update_preview": READ_ALL,
    "bulk_update_confirm": [(LOGIN, LOGIN)] + [(405, OK)] * 7,
    # Measures' values by spreadsheet: open to everyone signed in; the rows say whose values they may enter.
    "measure_values_template": READ_ALL,
    "measure_values_upload": SIGNED_IN_FORM,
    "measure_values_upload_preview": READ_ALL,
    "measure_values_upload_confirm": [(LOGIN, LOGIN)] + [(405, OK)] * 7,
    "plan_import": MANAGE,
    "plan_import_into": PLAN_EDIT,
    "plan_import_columns": [
        (LOGIN, LOGIN),
        (403, 403),
        (403, 403),
        (403, 403),
        (OK, OK),
        (403, 403),
        (OK, OK),
        (OK, OK),
    ],
    "plan_import_preview": [
        (LOGIN, LOGIN),
        (403, 403),
        (403, 403),
        (403, 403),
        (OK, OK),
        (403, 403),
        (OK, OK),
        (OK, OK),
    ],
    "update_round_start": MANAGE,
    "update_round_owners": [(LOGIN, LOGIN)] + [(405, 403)] * 5 + [(405, OK), (405, OK)],
    "update_round_detail": READ_ALL,
    "update_round_remind": [(LOGIN, LOGIN)] + [(405, 403)] * 5 + [(405, OK), (405, OK)],
    # Reports
    "tracker": READ_ALL,
    "plan_tracker": PLAN_READ,
    "dashboard": READ_ALL,
    "body_dashboard": READ_ALL,
    "plan_dashboard": PLAN_READ,
    "dashboard_breakdown": READ_ALL,
    "body_dashboard_breakdown": READ_ALL,
    "plan_dashboard_breakdown": PLAN_READ,
    "dashboard_late_responses": READ_ALL,
    "body_dashboard_late_responses": READ_ALL,
    "plan_dashboard_late_responses": PLAN_READ,
    # Sources and recommendations
    "source_create": MANAGE,
    "source_detail": SOURCE_READ,
    "source_edit": SOURCE_EDIT,
    "source_delete": SOURCE_EDIT,
    "recommendation_create": SOURCE_EDIT,
    "recommendation_detail": SOURCE_READ,
    "recommendation_edit": SOURCE_EDIT,
    "recommendation_response": SOURCE_EDIT,
    "recommendation_delete": SOURCE_EDIT,
    # People, organisations, bodies, meetings
    "person_list": READ_ALL,
    "person_detail": READ_ALL,
    "person_create": MANAGE,
    "person_edit": MANAGE,
    "person_handover": MANAGE,
    "organisation_list": READ_ALL,
    "organisation_create": MANAGE,
    "organisation_edit": MANAGE,
    "body_detail": READ_ALL,
    "body_create": MANAGE,
    "body_edit": MANAGE,
    "body_members": MANAGE,
    "membership_edit": MANAGE,
    "membership_remove": MANAGE,
    "meeting_list": READ_ALL,
    "meeting_detail": READ_ALL,
    "meeting_create": MANAGE,
    "meeting_edit": MANAGE,
    "meeting_agenda": READ_ALL,
    "agenda_item_create": MANAGE,
    "agenda_item_edit": MANAGE,
    "agreed_action_create": MANAGE,
    # Signing in
    "login": PUBLIC_FORM,
    "logout": [(LOGIN, LOGIN)] + [(405, LOGIN)] * 7,  # signing out ends at the sign-in page
    "password_reset": PUBLIC_FORM,
    "password_reset_done": [(OK, 405)] * 8,
    "password_reset_confirm": [(OK, OK)] * 8,
    "password_reset_complete": [(OK, 405)] * 8,
    "password_change": SIGNED_IN_FORM,
    "password_change_done": [(LOGIN, LOGIN)] + [(OK, 405)] * 7,
}


def project_url_names(patterns=None):
    """Every named URL of the project, less the Django admin (it checks staff itself)."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= project_url_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_url_of_the_project_is_in_the_matrix():
    names = project_url_names()
    assert names - set(MATRIX) == set(), "give these URLs a row in the permission matrix"
    assert set(MATRIX) - names == set(), "these rows name URLs that no longer exist"
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


@pytest.fixture
def world(world, db):
    """The roles' people (tests/worlds.py) around one plan of the panel's, and one of each thing
    a URL names: the panel's meetings, a source and recommendation, a paper, an update round."""
    panel_body = world["panel"]
    meeting = MeetingFactory(body=panel_body, date=datetime.date(2030, 11, 4))
    next_meeting = MeetingFactory(body=panel_body, date=datetime.date(2030, 11, 25))
    source = SourceFactory(made_by=panel_body, meeting=meeting)
    recommendation = RecommendationFactory(source=source)
    users = {role: world[key].user for role, key in ROLE_PEOPLE.items()}
    membership = world["bell"].memberships.get(body=panel_body)
    plan = PlanFactory(owning_body=panel_body, lead=world["alison"])
    plan.sources.add(source)
    action = ActionFactory(plan=plan, recommendation=recommendation, lead=world["sue"])
    measure = MeasureFactory(plan=plan, data_owner=world["sue"])
    # The outsider's own work elsewhere, so they are not simply a person with no actions.
    ActionFactory(plan=PlanFactory(owning_body=world["police_board"]), lead=world["bob"])
    published = PublishedPaper(meeting=meeting, title="A paper")
    published.set_content(b"%PDF-1.7 x")
    published.save()
    update_round = UpdateRound.objects.create(meeting=meeting, deadline=datetime.date(2030, 11, 1))
    agenda_item = AgendaItem.objects.create(meeting=meeting, number=1, title="Monitoring recommendations")
    done = Job.objects.create(
        kind="plan_report",
        title="Progress report",
        requested_by=users["officer"],
        parameters={"plan": plan.pk},
        key=f"plan_report:plan={plan.pk}:done",
        status=JobStatus.SUCCEEDED,
        result=b"%PDF-1.7 x",
        result_filename="report.pdf",
        result_content_type="application/pdf",
    )
    failed = Job.objects.create(
        kind="plan_report",
        title="Progress report",
        requested_by=users["officer"],
        parameters={"plan": plan.pk},
        key=f"plan_report:plan={plan.pk}:failed",
        status=JobStatus.FAILED,
        failure_reason="The worker stopped.",
    )
    users["admin"] = world["admin"]
    args = {
        "plan_detail": [plan.pk],
        "action_detail": [action.pk],
        "progress_update_create": [action.pk],
        "comment_create": [action.pk],
        "plan_edit": [plan.pk],
        "action_create": [plan.pk],
        "action_edit": [action.pk],
        "action_delete": [action.pk],
        "action_people": [action.pk],
        "measure_detail": [measure.pk],
        "measure_edit": [measure.pk],
        "plan_measures": [plan.pk],
        "measure_create": [plan.pk],
        "measure_values": [plan.pk],
        "body_measures": [panel_body.pk],
        "meeting_monitoring": [meeting.pk],
        "meeting_since_last": [meeting.pk],
        "meeting_minutes_extract": [meeting.pk],
        "meeting_minutes_docx": [meeting.pk],
        "meeting_minutes": [meeting.pk],
        "meeting_minutes_record_docx": [meeting.pk],
        "meeting_minutes_pdf": [meeting.pk],
        "committee_paper": [meeting.pk],
        "committee_paper_pdf": [meeting.pk],
        "published_paper_download": [published.pk],
        "plan_report_pdf": [plan.pk],
        "committee_paper_preview": [meeting.pk],
        "job_detail": [done.pk],
        "job_download": [done.pk],
        "job_try_again": [failed.pk],
        "plan_tracker_export": [plan.pk],
        "plan_tracker_export_csv": [plan.pk],
        "plan_tracker_update_sheet": [plan.pk],
        "measure_values_template": ["xlsx"],
        "plan_import_into": [plan.pk],
        "update_round_start": [next_meeting.pk],
        "update_round_owners": [next_meeting.pk],
        "update_round_detail": [update_round.pk],
        "update_round_remind": [update_round.pk],
        "plan_tracker": [plan.pk],
        "body_dashboard": [panel_body.pk],
        "plan_dashboard": [plan.pk],
        "dashboard_breakdown": ["leads"],
        "body_dashboard_breakdown": [panel_body.pk, "plans"],
        "plan_dashboard_breakdown": [plan.pk, "sources"],
        "body_dashboard_late_responses": [panel_body.pk],
        "plan_dashboard_late_responses": [plan.pk],
        "source_detail": [source.pk],
        "source_edit": [source.pk],
        "source_delete": [source.pk],
        "recommendation_create": [source.pk],
        "recommendation_detail": [recommendation.pk],
        "recommendation_edit": [recommendation.pk],
        "recommendation_response": [recommendation.pk],
        "recommendation_delete": [recommendation.pk],
        "person_detail": [world["sue"].pk],
        "person_edit": [world["sue"].pk],
        "person_handover": [world["sue"].pk],
        "organisation_edit": [world["council"].pk],
        "body_detail": [panel_body.pk],
        "body_edit": [panel_body.pk],
        "body_members": [panel_body.pk],
        "membership_edit": [panel_body.pk, membership.pk],
        "membership_remove": [panel_body.pk, membership.pk],
        "meeting_create": [panel_body.pk],
        "meeting_detail": [meeting.pk],
        "meeting_edit": [meeting.pk],
        "meeting_agenda": [meeting.pk],
        "agenda_item_create": [meeting.pk],
        "agenda_item_edit": [agenda_item.pk],
        "agreed_action_create": [agenda_item.pk],
        "password_reset_confirm": ["MQ", "set-password"],
    }
    people = {role: world[key] for role, key in ROLE_PEOPLE.items()}
    world.update(users=users, args=args, people=people, plan=plan, action=action, measure=measure)
    return world


def outcome(response) -> str | int:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def matches(expected, actual, method) -> bool:
    if expected == OK:
        return actual in ((200,) if method == "GET" else (200, 302, 400, 409))
    return expected == actual


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_response(world, name):
    url = reverse(name, args=world["args"].get(name, []))
    failures = []
    for role, expected_pair in zip(ROLES, MATRIX[name], strict=True):
        for method, expected in zip(("GET", "POST"), expected_pair, strict=True):
            client = Client()
            if role != "anonymous":
                client.force_login(world["users"][role])
            with transaction.atomic():  # a POST that works must not change what the next role meets
                response = client.get(url) if method == "GET" else client.post(url, {})
                transaction.set_rollback(True)
            actual = outcome(response)
            if not matches(expected, actual, method):
                failures.append(f"{role} {method} {url}: expected {expected}, got {actual}")
    assert not failures, "\n".join(failures)


# --- Who may post updates on which actions: one queryset, and the per-action helper ---------


@pytest.fixture
def more_actions(world):
    """Besides the officer's action: one the colleague supports (a further responsible person,
    not the lead), one with nobody responsible, and a plan of the panel the lead does not lead."""
    plan, people = world["plan"], world["people"]
    supported = ActionFactory(plan=plan, lead=None)
    supported.supporting_officers.add(people["colleague"])
    unassigned = ActionFactory(plan=plan, lead=None)
    other_plan = ActionFactory(plan=PlanFactory(owning_body=plan.owning_body), lead=None)
    return {
        "officer's": world["action"],
        "supported": supported,
        "unassigned": unassigned,
        "other plan": other_plan,
        "outsider's": Action.objects.get(lead=people["outsider"]),
    }


UPDATABLE = {
    "officer": {"officer's"},  # leads it; only reads the rest of the plan
    "colleague": {"supported"},  # a further responsible person may update, as the lead may
    "panel": set(),  # reads and comments, never updates
    "lead": {"officer's", "supported", "unassigned"},  # every action of the plan they lead, no other
    "outsider": {"outsider's"},
    "support": {"officer's", "supported", "unassigned", "other plan", "outsider's"},
    "admin": {"officer's", "supported", "unassigned", "other plan", "outsider's"},
}


@pytest.mark.parametrize("role", sorted(UPDATABLE))
def test_updatable_actions_for_each_role(world, more_actions, role):
    viewer = Viewer(world["users"][role])
    names = {action.pk: name for name, action in more_actions.items()}
    assert {names[pk] for pk in updatable_actions(viewer).values_list("pk", flat=True)} == UPDATABLE[role]
    annotated = with_may_update(Action.objects.all(), viewer)
    assert {names[action.pk] for action in annotated if action.may_update} == UPDATABLE[role]


def test_a_login_with_no_person_may_update_nothing(world, more_actions):
    viewer = Viewer(UserFactory(username="nobody"))
    assert not updatable_actions(viewer).exists()
    assert not any(action.may_update for action in with_may_update(Action.objects.all(), viewer))


def test_an_action_supported_by_several_people_is_listed_once(world, more_actions):
    more_actions["supported"].supporting_officers.add(world["people"]["officer"], world["people"]["lead"])
    viewer = Viewer(world["users"]["lead"])
    assert updatable_actions(viewer).filter(pk=more_actions["supported"].pk).count() == 1


@pytest.mark.parametrize("role", sorted(UPDATABLE))
def test_action_access_agrees_with_updatable_actions(world, more_actions, role):
    """The per-action helper (pages) and the queryset (bulk updates) give the same answer for
    every action and role."""
    viewer = Viewer(world["users"][role])
    updatable = set(updatable_actions(viewer).values_list("pk", flat=True))
    for action in Action.objects.select_related("plan"):
        assert action_access(viewer, action).update == (action.pk in updatable), (role, action)

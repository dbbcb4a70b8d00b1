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
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actionplans.meetings.models import UpdateRound
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Membership
from reports.models import PublishedPaper
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

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
    # Meetings, sign-off, update rounds
    "meeting_monitoring": [(LOGIN, LOGIN)] + [(OK, 403)] * 5 + [(OK, OK), (OK, OK)],
    "meeting_since_last": READ_ALL,
    "meeting_minutes_extract": READ_ALL,
    "meeting_minutes_docx": READ_ALL,
    "committee_paper": MANAGE,
    "committee_paper_pdf": MANAGE,
    "published_paper_download": READ_ALL,
    "plan_report_pdf": PLAN_READ,
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
    "meeting_detail": READ_ALL,
    "meeting_create": MANAGE,
    "meeting_edit": MANAGE,
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
def world(db):
    council = OrganisationFactory(name="Southampton City Council")
    police = OrganisationFactory(name="Hampshire Constabulary")
    panel_body = BodyFactory(name="Children and Families Scrutiny Panel", organisation=council)
    meeting = MeetingFactory(body=panel_body, date=datetime.date(2030, 11, 4))
    next_meeting = MeetingFactory(body=panel_body, date=datetime.date(2030, 11, 25))
    source = SourceFactory(made_by=panel_body, meeting=meeting)
    recommendation = RecommendationFactory(source=source)

    def person(name, organisation, username):
        return PersonFactory(name=name, organisation=organisation, user=UserFactory(username=username))

    people = {
        "officer": person("Sue Allan", council, "officer"),
        "colleague": person("Paul Nugent", council, "colleague"),
        "panel": person("Councillor Bell", None, "panel"),
        "lead": person("Robert Henderson", council, "lead"),
        "outsider": person("Police Officer", police, "outsider"),
        "support": person("Emily Goodwin", council, "support"),
    }
    people["support"].user.groups.add(Group.objects.get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)[0])
    membership = Membership.objects.create(body=panel_body, person=people["panel"], role="member")
    plan = PlanFactory(owning_body=panel_body, lead=people["lead"])
    plan.sources.add(source)
    action = ActionFactory(plan=plan, recommendation=recommendation, lead=people["officer"])
    # The outsider's own work elsewhere, so they are not simply a person with no actions.
    ActionFactory(plan=PlanFactory(owning_body=BodyFactory(organisation=police)), lead=people["outsider"])
    published = PublishedPaper(meeting=meeting, title="A paper")
    published.set_content(b"%PDF-1.7 x")
    published.save()
    update_round = UpdateRound.objects.create(meeting=meeting, deadline=datetime.date(2030, 11, 1))
    users = {role: person.user for role, person in people.items()}
    users["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True)
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
        "meeting_monitoring": [meeting.pk],
        "meeting_since_last": [meeting.pk],
        "meeting_minutes_extract": [meeting.pk],
        "meeting_minutes_docx": [meeting.pk],
        "committee_paper": [meeting.pk],
        "committee_paper_pdf": [meeting.pk],
        "published_paper_download": [published.pk],
        "plan_report_pdf": [plan.pk],
        "plan_tracker_export": [plan.pk],
        "plan_tracker_export_csv": [plan.pk],
        "plan_tracker_update_sheet": [plan.pk],
        "plan_import_into": [plan.pk],
        "update_round_start": [next_meeting.pk],
        "update_round_detail": [update_round.pk],
        "update_round_remind": [update_round.pk],
        "plan_tracker": [plan.pk],
        "body_dashboard": [panel_body.pk],
        "plan_dashboard": [plan.pk],
        "dashboard_breakdown": ["leads"],
        "body_dashboard_breakdown": [panel_body.pk, "plans"],
        "plan_dashboard_breakdown": [plan.pk, "sources"],
        "source_detail": [source.pk],
        "source_edit": [source.pk],
        "source_delete": [source.pk],
        "recommendation_create": [source.pk],
        "recommendation_detail": [recommendation.pk],
        "recommendation_edit": [recommendation.pk],
        "recommendation_response": [recommendation.pk],
        "recommendation_delete": [recommendation.pk],
        "person_detail": [people["officer"].pk],
        "person_edit": [people["officer"].pk],
        "person_handover": [people["officer"].pk],
        "organisation_edit": [council.pk],
        "body_detail": [panel_body.pk],
        "body_edit": [panel_body.pk],
        "body_members": [panel_body.pk],
        "membership_edit": [panel_body.pk, membership.pk],
        "membership_remove": [panel_body.pk, membership.pk],
        "meeting_create": [panel_body.pk],
        "meeting_detail": [meeting.pk],
        "meeting_edit": [meeting.pk],
        "password_reset_confirm": ["MQ", "set-password"],
    }
    return {"users": users, "args": args}


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

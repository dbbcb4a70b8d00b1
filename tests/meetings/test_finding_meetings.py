"""The meetings list the menu leads to: every meeting the viewer may read, upcoming (soonest
first) then past (latest first), narrowed to one body with a GET form."""

import datetime
import re
from html import escape

import pytest
from django.urls import reverse

from actionplans.meetings.access import readable_meetings
from partners.access import Viewer
from tests.factories import BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 11, 4)
URL = "/meetings/"


@pytest.fixture(autouse=True)
def as_at(settings):
    settings.TRACKER_AS_AT = TODAY


@pytest.fixture
def meetings(cast):
    panel, board = cast["families_panel"], cast["board"]
    return {
        "panel_sep": MeetingFactory(body=panel, date=datetime.date(2021, 9, 30)),
        "panel_today": MeetingFactory(body=panel, date=TODAY),
        "panel_nov": MeetingFactory(body=panel, date=datetime.date(2021, 11, 25)),
        "board_jun": MeetingFactory(body=board, date=datetime.date(2021, 6, 17)),
        "board_jan": MeetingFactory(body=board, date=datetime.date(2022, 1, 27)),
    }


def order_of(content: str, meetings: dict, section: str) -> list[str]:
    """The meetings' keys in the order a section of the page lists them."""
    start = content.index(f'id="{section}"')
    end = content.index('id="past"') if section == "upcoming" else len(content)
    ids = [int(pk) for pk in re.findall(r'id="meeting-(\d+)"', content[start:end])]
    names = {meeting.pk: name for name, meeting in meetings.items()}
    return [names[pk] for pk in ids]


def test_the_url_is_the_meetings_list():
    assert reverse("meeting_list") == URL


def test_upcoming_meetings_come_first_soonest_first_then_past_ones_latest_first(officer_client, meetings):
    content = officer_client.get(URL).content.decode()
    assert content.index('id="upcoming"') < content.index('id="past"')
    assert order_of(content, meetings, "upcoming") == ["panel_today", "panel_nov", "board_jan"]
    assert order_of(content, meetings, "past") == ["panel_sep", "board_jun"]


def test_one_body_chosen_shows_only_its_meetings(officer_client, meetings, cast):
    content = officer_client.get(URL, {"body": cast["board"].pk}).content.decode()
    assert order_of(content, meetings, "upcoming") == ["board_jan"]
    assert order_of(content, meetings, "past") == ["board_jun"]
    assert f'<option value="{cast["board"].pk}" selected>' in content


@pytest.mark.parametrize("body", ["nonsense", "999999", ""])
def test_a_body_that_is_not_one_shows_every_meeting(officer_client, meetings, body):
    response = officer_client.get(URL, {"body": body})
    assert response.status_code == 200
    assert len(order_of(response.content.decode(), meetings, "upcoming")) == 3


def test_the_body_filter_offers_only_bodies_with_meetings(officer_client, meetings, cast):
    BodyFactory(name="A body that never met")
    content = officer_client.get(URL).content.decode()
    assert "A body that never met" not in content
    assert escape(cast["board"].name) in content and escape(cast["families_panel"].name) in content


def test_with_no_meetings_the_page_says_so(officer_client):
    content = officer_client.get(URL).content.decode()
    assert "No meetings are coming up." in content and "No past meetings are recorded." in content


@pytest.mark.parametrize("role", ["officer", "colleague", "panel", "lead", "outsider", "support", "admin"])
def test_every_signed_in_role_may_read_every_meeting(cast, meetings, role):
    """Meetings belong to the directory (actionplans.meetings.access): the list starts from
    the same scope as every meeting page."""
    user = (
        cast["admin"]
        if role == "admin"
        else cast[
            {
                "officer": "sue",
                "colleague": "paul",
                "panel": "bell",
                "lead": "alison",
                "outsider": "bob",
                "support": "emily",
            }[role]
        ].user
    )
    assert set(readable_meetings(Viewer(user))) == set(meetings.values())


def test_the_query_count_does_not_grow_with_meetings(officer_client, meetings, cast, django_assert_num_queries):
    # 2 session and user, 1 the viewer's person for the header with their jobs in progress,
    # 1 "is the viewer democratic support?", 1 bodies with meetings, 1 meetings with their bodies.
    with django_assert_num_queries(6):
        assert officer_client.get(URL).status_code == 200
    for n in range(20):
        MeetingFactory(body=BodyFactory(name=f"Extra body {n}"), date=TODAY + datetime.timedelta(days=n))
    with django_assert_num_queries(6):
        assert officer_client.get(URL).status_code == 200
